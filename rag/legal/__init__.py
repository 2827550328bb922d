"""Legal knowledge over text: references (Điều/Khoản/Điểm + document), validity, citation checking."""
