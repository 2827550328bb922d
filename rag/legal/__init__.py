"""Legal identities over text: references (Điều/Khoản/Điểm + document số hiệu) and typed document records (status, relations)."""
