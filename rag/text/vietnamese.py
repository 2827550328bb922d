"""Vietnamese text primitives: normalisation and syllable tokenisation (pure functions)."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalise_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def syllables(text: str) -> list[str]:
    """Lowercased NFC syllables ("Đăng ký khai sinh" → ["đăng", "ký", "khai", "sinh"])."""
    return _WORD.findall(nfc(text).lower())


def strip_diacritics(text: str) -> str:
    """"Đăng ký" → "Dang ky" (đ/Đ mapped too)."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return plain.replace("đ", "d").replace("Đ", "D")
