"""Text normalisation for loaded documents (pure functions).

- Unicode NFC, and conversion of legacy 8-bit Vietnamese encodings (TCVN3/ABC fonts ``.Vn*``,
  VNI-Windows) to Unicode;
- removal of running heads ("CÔNG BÁO/Số 35 + 36/Ngày 08-01-2024"), page numbers and lines that
  repeat at the top or bottom of most pages;
- re-joining of syllables split by a PDF text layer ("c ơ sở" → "cơ sở") and of lines broken by the
  page layout (never across an article, clause or point boundary).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from rag.text.vietnamese import nfc

Line = tuple[str, int | None]

# -- Vietnamese syllables --------------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|nh|ch|kh|ph|th|tr|gi|qu|[bcdđghklmnprstvx])?"
    r"(oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|iêu|yêu|"
    r"ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    r"[aăâeêioôơuưy])"
    r"(ch|ng|nh|[cmnpt])?$"
)


def toneless(word: str) -> str:
    """Lowercase ``word`` without tone marks, keeping vowel quality (ă â ê ô ơ ư đ)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))


def _tone_count(word: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", word) if c in _TONES)


@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """True when ``word`` is a well-formed Vietnamese syllable (at most one tone mark)."""
    if not word or _tone_count(word) > 1:
        return False
    return bool(_SYLLABLE.match(toneless(word)))


_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


def vietnamese_ratio(text: str) -> float:
    """Share of alphabetic tokens that are well-formed Vietnamese syllables (0 when no tokens)."""
    words = _LETTERS.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if is_syllable(w)) / len(words)


def diacritic_ratio(text: str) -> float:
    """Share of alphabetic tokens carrying a Vietnamese diacritic (tone or vowel mark, or đ)."""
    words = _LETTERS.findall(text)
    if not words:
        return 0.0
    plain = sum(1 for w in words if w.isascii())
    return 1 - plain / len(words)


def looks_vietnamese(text: str, min_words: int = 20) -> bool:
    """Readable Vietnamese: mostly well-formed syllables and a fair share of diacritics."""
    words = _LETTERS.findall(text)
    if len(words) < min_words:  # little evidence: demand near-perfect syllables
        return bool(words) and vietnamese_ratio(text) >= 0.95 and diacritic_ratio(text) >= 0.2
    return vietnamese_ratio(text) >= 0.75 and diacritic_ratio(text) >= 0.25


# -- legacy encodings -------------------------------------------------------------------------------

# TCVN3 (TCVN 5712:1993, "ABC" fonts .VnTime/.VnArial): byte → character. Capital letters with a
# tone used a separate font (.VnTimeH) with the lowercase codes, so they map to lowercase here.
_TCVN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
_TCVN3_TEXT = str.maketrans({chr(k): v for k, v in _TCVN3.items()})

# VNI-Windows: a base letter followed by a mark character (cp1252 glyphs).
_VNI_MARKS = {
    "ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323",
}
# (base + code) → base with vowel mark, optionally with a tone
_VNI_PAIRS = {
    "â": ("\u0302", ""), "á": ("\u0302", "\u0301"), "à": ("\u0302", "\u0300"), "å": ("\u0302", "\u0309"),
    "ã": ("\u0302", "\u0303"), "ä": ("\u0302", "\u0323"),
    "Â": ("\u0302", ""), "Á": ("\u0302", "\u0301"), "À": ("\u0302", "\u0300"), "Å": ("\u0302", "\u0309"),
    "Ã": ("\u0302", "\u0303"), "Ä": ("\u0302", "\u0323"),
}
_VNI_BREVE = {
    "ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323",
    "Ê": "", "É": "\u0301", "È": "\u0300", "Ú": "\u0309", "Ü": "\u0303", "Ë": "\u0323",
}
_VNI_SINGLE = {
    "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
    "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}
_VNI_TOKEN = re.compile(r"([aeoAEO])([âáàåãäÂÁÀÅÃÄ])|([aA])([êéèúüëÊÉÈÚÜË])|([ôÔöÖ])([ùøûõïÙØÛÕÏ])?|"
                        r"([aeiouyAEIOUY])([ùøûõïÙØÛÕÏ])|([ñÑæÆóÓòÒîÎ])")


def _vni_sub(m: re.Match[str]) -> str:
    if m.group(1):
        vowel_mark, tone = _VNI_PAIRS[m.group(2)]
        return unicodedata.normalize("NFC", m.group(1) + vowel_mark + tone)
    if m.group(3):
        return unicodedata.normalize("NFC", m.group(3) + "\u0306" + _VNI_BREVE[m.group(4)])
    if m.group(5):
        base = _VNI_SINGLE[m.group(5)]
        return unicodedata.normalize("NFC", base + (_VNI_MARKS[m.group(6)] if m.group(6) else ""))
    if m.group(7):
        return unicodedata.normalize("NFC", m.group(7) + _VNI_MARKS[m.group(8)])
    return _VNI_SINGLE[m.group(9)]


def tcvn3_to_unicode(text: str) -> str:
    """Text whose characters are TCVN3 bytes read as Latin-1/cp1252 → Unicode."""
    return nfc(text.translate(_TCVN3_TEXT))


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text (read as cp1252) → Unicode."""
    return nfc(_VNI_TOKEN.sub(_vni_sub, text))


def decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Decode 8-bit Vietnamese bytes; returns (text, encoding) or None when nothing fits."""
    latin = data.decode("latin-1")
    candidates = [("tcvn3", tcvn3_to_unicode(latin)), ("vni", vni_to_unicode(data.decode("cp1252", "replace")))]
    try:
        candidates.append(("cp1258", nfc(data.decode("cp1258"))))
    except UnicodeDecodeError:
        pass
    scored = [(vietnamese_ratio(text) + diacritic_ratio(text) / 10, name, text) for name, text in candidates]
    score, name, text = max(scored)
    return (text, name) if looks_vietnamese(text) else None


def fix_legacy_text(text: str) -> tuple[str, str | None]:
    """Unicode text that is really TCVN3 or VNI (e.g. from a Word file in a .Vn font) → Unicode."""
    if looks_vietnamese(text) or not _LETTERS.search(text):
        return text, None
    for name, convert in (("tcvn3", tcvn3_to_unicode), ("vni", vni_to_unicode)):
        converted = convert(text)
        if looks_vietnamese(converted) and vietnamese_ratio(converted) > vietnamese_ratio(text):
            return converted, name
    return text, None


# -- running heads and page numbers -----------------------------------------------------------------

RUNNING_HEAD = re.compile(
    r"^\s*(\d{1,4}\s+)?CÔNG\s*BÁO\s*/\s*Số\s*[\d\s+]+\s*/\s*Ngày\s*[\d\-/]+(\s+\d{1,4})?\s*$", re.IGNORECASE
)
PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def _edge_signature(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split())).lower()


def remove_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop running heads, page numbers and lines repeated at the edges of most pages."""
    edge = 2
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        sigs = {_edge_signature(ln) for ln in content[:edge] + content[-edge:]}
        counts.update(s for s in sigs if len(s) >= 8)
    threshold = max(3, int(0.5 * len(pages)) + 1)
    repeated = {s for s, n in counts.items() if n >= threshold}
    cleaned = []
    for lines in pages:
        content_idx = [i for i, ln in enumerate(lines) if ln.strip()]
        edges = set(content_idx[:edge] + content_idx[-edge:])
        out = []
        for i, line in enumerate(lines):
            if RUNNING_HEAD.match(line):
                continue
            if i in edges and (
                PAGE_NUMBER.match(line) or (_edge_signature(line) in repeated and not _BLOCK_START.match(line.strip()))
            ):
                continue
            out.append(line)
        cleaned.append(out)
    return cleaned


# -- broken syllables and lines -----------------------------------------------------------------------

_ONSET_ONLY = re.compile(r"^(ngh|ng|gh|nh|ch|kh|ph|th|tr|gi|qu|[bcdđghklmnprstvx])$", re.IGNORECASE)
_TOKEN = re.compile(r"\S+|\s+")


def _joinable(left: str, right: str) -> bool:
    if not left or not right or (right[0].isupper() and not left.isupper()):
        return False
    joined = left + right
    if not is_syllable(joined):
        return False
    if _ONSET_ONLY.match(left):
        return True
    # "Vi ệt", "Lu ật": the tone sits on the right half, which starts with a marked vowel
    return _tone_count(left) == 0 and not right[0].isascii() and toneless(right[0]) in "aăâeêioôơuưy"


def join_split_syllables(text: str) -> str:
    """Re-join syllables a PDF text layer split in two ("Vi ệt" → "Việt", "c ơ sở" → "cơ sở")."""
    parts = _TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if out and part == " " and i + 1 < len(parts) and _joinable(_tail(out[-1]), _head(parts[i + 1])):
            out[-1] += parts[i + 1]
            i += 2
            continue
        out.append(part)
        i += 1
    return "".join(out)


def _tail(token: str) -> str:
    m = re.search(r"[^\W\d_]+$", token)
    return m.group(0) if m else ""


def _head(token: str) -> str:
    m = re.match(r"[^\W\d_]+", token)
    return m.group(0) if m else ""


def split_syllable_share(text: str) -> float:
    """Share of tokens that are fragments (not syllables) — high in PDFs with split syllables."""
    words = _LETTERS.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if not is_syllable(w) and not w.isascii()) / len(words)


_BLOCK_START = re.compile(
    r"^(Điều\s+\d+[a-zđ]?\s*(?:[\.:]|$)|Chương\s+[IVXLC\d]|CHƯƠNG\s|Mục\s+\d|MỤC\s|Phần\s+thứ|PHẦN\s|\d{1,3}[\.\)]\s|"
    r"\d{1,3}\.\d|[a-zđ]\)\s|[a-zđ]\d?\)\s|[-–+•*]\s|\(\d+\)|\||PHỤ LỤC|Phụ lục\s|Mẫu\s+số|Nơi nhận)"
)
_SENTENCE_END = re.compile(r"[\.:;!?…]['\"”’)]*$")


def join_broken_lines(lines: list[str]) -> list[str]:
    """Join a line with the next when the layout broke a sentence (no end punctuation, the next
    line does not start a new article, clause, point or list item)."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if out and not _SENTENCE_END.search(out[-1]) and not _BLOCK_START.match(stripped):
            out[-1] = f"{out[-1]} {stripped}"
        else:
            out.append(stripped)
    return out


_OCR_ARTICLE = re.compile(r"^(\W{0,2})(Điều|Điêu|Đều|Diều)\s+([0-9IlO|]{1,4}[a-zđ]?)(?=\s*[\.:,]|\s*$)")
_OCR_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0"})


def fix_ocr_line(line: str) -> str:
    """OCR confusions in headings: "Điều I" → "Điều 1", "Điêu 2O." → "Điều 20."."""
    m = _OCR_ARTICLE.match(line)
    if not m or any(q in m.group(1) for q in "“\"'‘"):  # a quoted article is amendment text
        return line
    return f"Điều {m.group(3).translate(_OCR_DIGITS)}{line[m.end():]}"


def normalise_text(text: str) -> str:
    """NFC + whitespace cleanup of one line or block (no legacy conversion)."""
    text = nfc(text).replace("\u00ad", "").replace("\ufeff", "").replace("\xa0", " ").replace("\u2044", "/")
    return re.sub(r"[ \t]+", " ", text)
