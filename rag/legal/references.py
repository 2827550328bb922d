"""Legal references in free text: Điểm / Khoản / Điều + the document they point to.

Pure functions. ``find_references`` finds "khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP",
"Điều 15 Luật Hộ tịch 2014", "điều 15 luật hộ tịch", "NĐ 23/2015", "Điều 5, 6 và 7",
"điểm a, b khoản 2", text without diacritics ("dieu 15 luat ho tich"), and bare document
mentions ("Thông tư 01/2020/TT-BTP"). ``DocumentResolver`` maps a ``Reference`` to document
records of the index (``UnitStore.document_records()``), tolerating partial numbers
("NĐ 23/2015" → 23/2015/NĐ-CP) and names ("Luật Hộ tịch" → 60/2014/QH13).

Offsets (``start``/``end``) index the NFC-normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from rag.text.vietnamese import nfc

if TYPE_CHECKING:  # records.py imports this module (fold)
    from rag.legal.records import DocumentRecord

# -- folding: lowercase, no diacritics, same length as the input ---------------------------------


def fold(text: str) -> str:
    """"Điều 15 Luật Hộ tịch" → "dieu 15 luat ho tich", one output char per input char."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch
        if base in "đĐ":
            base = "d"
        low = base.lower()
        out.append(low if len(low) == 1 else base)
    return "".join(out)


def fold_words(text: str) -> str:
    """Folded, punctuation dropped, single spaces: "Phòng, chống ma túy" → "phong chong ma tuy"."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(nfc(text))))


# -- document types --------------------------------------------------------------------------------

# folded type phrase → canonical type
_TYPE_WORDS: dict[str, str] = {
    "bo luat": "Bộ luật",
    "luat": "Luật",
    "nghi dinh": "Nghị định",
    "thong tu lien tich": "Thông tư liên tịch",
    "thong tu": "Thông tư",
    "quyet dinh": "Quyết định",
    "nghi quyet lien tich": "Nghị quyết liên tịch",
    "nghi quyet": "Nghị quyết",
    "phap lenh": "Pháp lệnh",
    "hien phap": "Hiến pháp",
    "chi thi": "Chỉ thị",
    "van ban hop nhat": "Văn bản hợp nhất",
}
# abbreviations: only accepted when a number follows ("NĐ 23/2015", "TT 01/2020/TT-BTP")
_TYPE_ABBREVIATIONS: dict[str, str] = {
    "nd": "Nghị định",
    "ttlt": "Thông tư liên tịch",
    "tt": "Thông tư",
    "qd": "Quyết định",
    "nqlt": "Nghị quyết liên tịch",
    "nq": "Nghị quyết",
    "vbhn": "Văn bản hợp nhất",
}
# codes cited by abbreviation ("BLDS 2015")
_CODE_ABBREVIATIONS: dict[str, str] = {
    "blds": "Dân sự",
    "blhs": "Hình sự",
    "blld": "Lao động",
    "bltths": "Tố tụng hình sự",
    "blttds": "Tố tụng dân sự",
    "bltthc": "Tố tụng hành chính",
    "bthh": "Hàng hải",
}
# law names cited by abbreviation after "Luật" ("Luật HNGĐ")
NAME_ABBREVIATIONS: dict[str, str] = {
    "hngd": "Hôn nhân và gia đình",
    "bhxh": "Bảo hiểm xã hội",
    "bhyt": "Bảo hiểm y tế",
    "xlvphc": "Xử lý vi phạm hành chính",
    "tthc": "Tố tụng hành chính",
    "ttds": "Tố tụng dân sự",
    "tths": "Tố tụng hình sự",
    "pccc": "Phòng cháy và chữa cháy",
    "bvmt": "Bảo vệ môi trường",
    "gtdb": "Giao thông đường bộ",
    "ctdp": "Tổ chức chính quyền địa phương",
}
# types whose documents are usually cited by name ("Luật Hộ tịch", "Pháp lệnh Công an xã")
_NAMED_TYPES = {"Bộ luật", "Luật", "Pháp lệnh"}

# Law names that contain "và" or a comma (a name otherwise stops at them).
_COMMON_NAMES = [
    "Hôn nhân và gia đình", "Phí và lệ phí", "Phòng, chống tham nhũng", "Phòng, chống ma túy",
    "Phòng, chống bạo lực gia đình", "Phòng, chống thiên tai", "Phòng cháy và chữa cháy",
    "Phòng cháy, chữa cháy và cứu nạn, cứu hộ", "Thực hành tiết kiệm, chống lãng phí",
    "Trật tự, an toàn giao thông đường bộ", "Tín ngưỡng, tôn giáo", "Quản lý, sử dụng tài sản công",
    "Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân", "Khoa học và công nghệ",
    "Bảo vệ và phát triển rừng", "Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ",
    "Phòng, chống tác hại của rượu, bia", "Phòng, chống mua bán người", "Phòng, chống rửa tiền",
    "Phòng, chống tác hại của thuốc lá", "Phòng, chống bệnh truyền nhiễm", "Ban hành văn bản quy phạm pháp luật",
    "Bảo vệ quyền lợi người tiêu dùng", "Thuế thu nhập cá nhân", "Kinh doanh bất động sản", "Đê điều",
]

# -- regular expressions over folded text -------------------------------------------------------

_SEP = r"\s*(?:,|;|&|\bva\b|\bhoac\b)\s*"
_RANGE = r"\s*(?:-|–|—|\bden\b|\btoi\b)\s*"
_NOT_QUANTITY = (
    r"(?!\s*(?:ngay|thang|nam|gio|phut|%|nguoi|dong|lan|tuoi|trieu|nghin|ngan|ty|km|m2|ha|kg|tan|lit)\b)"
)
_ART = r"\d{1,3}(?:[a-z](?![a-z]))?(?![\d/])"
_CL = r"\d{1,3}(?![\d/\w])"
_PT = r"[a-z](?![\w])"


def _list(keyword: str, item: str, ranges: bool = True) -> str:
    glue = f"(?:{_SEP}|{_RANGE})" if ranges else _SEP
    return rf"\b{keyword}\s+{item}(?:{glue}(?:{keyword}\s+)?{item}{_NOT_QUANTITY})*"


_CONNECTOR = r"\s*,?\s*(?:(?:cua|tai|thuoc|trong)\s+)?"
_CITATION = re.compile(
    rf"(?=\b(?:diem|khoan|dieu)\s+(?:\d|[a-z]\b))"
    rf"(?:(?P<pts>{_list('diem', _PT, ranges=False)}){_CONNECTOR})?"
    rf"(?:(?P<cls>{_list('khoan', _CL)}){_CONNECTOR})?"
    rf"(?P<art>{_list('dieu', _ART)})?"
    rf"(?:\s*,?\s*(?P<cls2>{_list('khoan', _CL)}))?"
    rf"(?:\s*,?\s*(?P<pts2>{_list('diem', _PT, ranges=False)}))?"
)
_DOC_CONNECTOR = re.compile(r"\s*,?\s*(?:(?:cua|tai|thuoc|trong|theo|ban hanh kem theo)\s+)?")
_TYPE_RE = re.compile(
    r"(?<![a-z])(?:(?P<long>bo\s+luat|luat|nghi\s+dinh|thong\s+tu\s+lien\s+tich|thong\s+tu|quyet\s+dinh"
    r"|nghi\s+quyet\s+lien\s+tich|nghi\s+quyet|phap\s+lenh|hien\s+phap|chi\s+thi|van\s+ban\s+hop\s+nhat)"
    r"|(?P<abbr>nd|ttlt|tt|qd|nqlt|nq|vbhn)|(?P<code>blds|blhs|blld|bltths|blttds|bltthc))(?![a-z])"
)
_SELF = re.compile(r"\s+nay(?![a-z])")
_NUM_FULL = r"\d{1,4}\s?/\s?(?:19|20)\d{2}\s?/\s?[a-z][a-z0-9]*(?:\s?-\s?[a-z][a-z0-9]*)*"
_NUM_NOYEAR = r"\d{1,4}/[a-z]{2,}[a-z0-9]*(?:-[a-z][a-z0-9]*)+"
_NUM_PARTIAL = r"\d{1,4}\s?/\s?(?:19|20)\d{2}(?![\d/])"
_NUMBER_AFTER_TYPE = re.compile(
    rf"\s*(?:,\s*)?(?:so\s*:?\s*)?(?P<num>{_NUM_FULL}|{_NUM_NOYEAR}|{_NUM_PARTIAL}"
    rf"|\d{{1,4}}(?![\d/])\s*(?:,\s*)?nam\s+(?P<numyear>(?:19|20)\d{{2}})(?!\d))"
)
_BARE_NUMBER = re.compile(rf"(?<![\w/])(?P<num>{_NUM_FULL}|{_NUM_NOYEAR})(?![\w/])")
_YEAR_AFTER = re.compile(r"\s*(?:,\s*)?(?:\(\s*)?(?:nam\s+)?(?P<year>(?:19|20)\d{2})(?![\d/])(?:\s*\))?")
_NAME_WORD = re.compile(r"(?P<sep>\s*,\s*|\s+)(?P<word>[a-z]+)(?![\w/])")

# a name ends before these (lowercase, with diacritics) — checked on the original word
_STOP_WORDS = {
    "này", "thì", "là", "có", "được", "đã", "nếu", "khi", "do", "của", "tại", "theo", "năm", "số",
    "ngày", "cho", "mà", "như", "từ", "đến", "mới", "cũ", "hay", "hoặc", "thuộc", "trong",
    "với", "bị", "bởi", "vì", "sau", "trước", "khác", "nhưng", "đều", "cũng", "cần", "phải", "sẽ",
    "đang", "ban", "nói", "nêu", "trên", "dưới", "về", "điều", "khoản", "điểm", "chương", "mục",
    "gì", "nào", "kèm", "đó", "ở", "nay", "rằng", "thế", "vẫn",
}
# words that cannot start a name ("luật sư", "luật pháp", "luật định")
_FIRST_STOPS = {"sư", "pháp", "định", "hành", "lệ", "chung", "riêng", "su", "phap", "dinh"}
# the same for text typed without diacritics (ambiguous syllables like "tu", "co" left out)
_STOP_FOLDED = {
    "nay", "thi", "la", "duoc", "neu", "khi", "cua", "tai", "theo", "nam", "so", "ngay", "cho", "ma",
    "nhu", "den", "hay", "hoac", "thuoc", "trong", "voi", "boi", "sau", "truoc", "khac", "nhung", "deu",
    "cung", "can", "phai", "dang", "ban", "neu", "tren", "duoi", "ve", "dieu", "khoan", "diem", "chuong",
    "muc", "rang", "van",
}
_STOP_BIGRAMS = {"quy dinh", "huong dan", "co hieu", "hien hanh", "hien nay", "sua doi", "nghi dinh",
                 "thong tu", "quyet dinh", "nghi quyet", "bo luat", "phap lenh", "ban hanh", "het hieu"}
_NAME_MAX_WORDS = 14

# -- the reference ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One legal reference found in a text."""

    text: str  # the span as written
    start: int
    end: int
    articles: tuple[str, ...] = ()  # ("5", "6", "7")
    clauses: tuple[str, ...] = ()
    points: tuple[str, ...] = ()
    doc_number: str = ""  # "23/2015/NĐ-CP", or partial "23/2015" / "23"
    doc_type: str = ""  # canonical: "Nghị định", "Luật", ...
    doc_name: str = ""  # "Hộ tịch"
    year: str = ""  # "2014"
    self_document: bool = False  # "Luật này", "Nghị định này"
    inherited: bool = False  # document taken from the surrounding text
    doc_text: str = ""  # the document designation as written ("Nghị định 23/2015/NĐ-CP")

    @property
    def article(self) -> str | None:
        return self.articles[0] if self.articles else None

    @property
    def clause(self) -> str | None:
        return self.clauses[0] if self.clauses else None

    @property
    def point(self) -> str | None:
        return self.points[0] if self.points else None

    @property
    def has_document(self) -> bool:
        return bool(self.doc_number or self.doc_name or self.self_document or self.doc_type == "Hiến pháp")

    @property
    def number_is_complete(self) -> bool:
        """True for a full số hiệu with its issuer suffix ("23/2015/NĐ-CP")."""
        return bool(re.search(r"/[^\d/][^/]*$", self.doc_number))

    @property
    def document_label(self) -> str:
        """"Nghị định 23/2015/NĐ-CP", "Luật Hộ tịch 2014", "Luật này"."""
        if self.self_document:
            return f"{self.doc_type} này".strip()
        parts = [self.doc_type, self.doc_name, self.doc_number]
        if self.year and self.year not in self.doc_number:
            parts.append(self.year)
        return " ".join(p for p in parts if p)

    @property
    def address(self) -> str:
        """"Điểm a Khoản 2 Điều 37"."""
        parts = []
        if self.points:
            parts.append("Điểm " + ", ".join(self.points))
        if self.clauses:
            parts.append("Khoản " + ", ".join(self.clauses))
        if self.articles:
            parts.append("Điều " + ", ".join(self.articles))
        return " ".join(parts)


# -- number normalisation ---------------------------------------------------------------------------

_SUFFIX_TOKENS = {
    "ND": "NĐ", "QD": "QĐ", "TTG": "TTg", "BLDTBXH": "BLĐTBXH", "BGDDT": "BGDĐT", "BKHDT": "BKHĐT",
    "DCSVN": "ĐCSVN", "NDCP": "NĐ-CP", "QDTTG": "QĐ-TTg", "DTMN": "DTMN",
}


def normalise_number(raw: str) -> str:
    """"23/2015/nđ-cp" → "23/2015/NĐ-CP"; "23 / 2015" → "23/2015"; "01/VBHN-VPQH" kept."""
    compact = re.sub(r"\s+", "", nfc(raw)).strip("/-")
    parts = compact.split("/")
    if parts and re.fullmatch(r"\d{1,4}", parts[0]):
        parts[0] = parts[0].zfill(2) if len(parts[0]) == 1 else parts[0]
    if len(parts) > 1 and not parts[-1].isdigit():
        tokens = []
        for token in parts[-1].split("-"):
            upper = token.upper()
            folded = fold(upper).upper()
            if folded in _SUFFIX_TOKENS and ("Đ" not in upper or folded in ("NDCP", "QDTTG")):
                tokens.append(_SUFFIX_TOKENS[folded])
            elif folded == "TTG":
                tokens.append("TTg")
            else:
                tokens.append(upper)
        parts[-1] = "-".join(tokens)
    return "/".join(parts)


def number_parts(number: str) -> tuple[str, str, str]:
    """"23/2015/NĐ-CP" → ("23", "2015", "NDCP") (head without leading zeros, year, folded suffix)."""
    parts = [p for p in re.sub(r"\s+", "", number).split("/") if p]
    head = parts[0].lstrip("0") if parts and parts[0].isdigit() else (parts[0] if parts else "")
    year = next((p for p in parts[1:] if re.fullmatch(r"(?:19|20)\d{2}", p)), "")
    suffix = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else ""
    return head or "0", year, re.sub(r"[^a-z0-9]", "", fold(suffix)).upper()


def type_from_number(number: str) -> str:
    """Document type implied by the suffix ("NĐ-CP" → Nghị định); "" when ambiguous (QH13)."""
    suffix = number.rsplit("/", 1)[-1].upper() if "/" in number else ""
    suffix = fold(suffix).upper()
    if suffix.startswith("ND-") or suffix == "ND":
        return "Nghị định"
    if suffix.startswith("TTLT"):
        return "Thông tư liên tịch"
    if suffix.startswith("TT-"):
        return "Thông tư"
    if suffix.startswith("QD-"):
        return "Quyết định"
    if suffix.startswith("NQLT"):
        return "Nghị quyết liên tịch"
    if suffix.startswith("NQ-"):
        return "Nghị quyết"
    if suffix.startswith("VBHN"):
        return "Văn bản hợp nhất"
    if suffix.startswith("PL-"):
        return "Pháp lệnh"
    if suffix.startswith("CT-"):
        return "Chỉ thị"
    return ""


def legal_rank(doc_type: str, doc_number: str = "") -> int | None:
    """Place in the hierarchy of legal documents, 0 highest (Hiến pháp); None when unknown.

    Luật / Bộ luật / Nghị quyết of the Quốc hội 1, Pháp lệnh / Nghị quyết of its Standing Committee 2,
    Nghị định 3, Quyết định of the Prime Minister 4, Thông tư 5, other decisions and directives 6.
    A document can only replace, repeal or amend one of the same or a lower place.
    """
    kind = fold(doc_type or type_from_number(doc_number)).strip()
    suffix = fold(doc_number.rsplit("/", 1)[-1]).upper() if "/" in doc_number else ""
    if kind == "hien phap":
        return 0
    if kind in ("luat", "bo luat"):
        return 1
    if kind == "nghi quyet":
        if suffix.startswith("UBTVQH"):
            return 2
        if suffix.startswith("QH"):
            return 1
        return 3 if suffix.endswith("CP") else 6
    if kind == "phap lenh":
        return 2
    if kind == "nghi dinh":
        return 3
    if kind == "quyet dinh":
        return 4 if suffix.endswith("TTG") else 6
    if kind in ("thong tu", "thong tu lien tich"):
        return 5
    if kind == "chi thi":
        return 6
    if not kind and suffix.startswith("QH"):
        return 1
    return None


def number_type_conflict(doc_type: str, doc_number: str) -> str:
    """Why a type and a số hiệu cannot belong together ("" when they can)."""
    if not doc_type or not doc_number or "/" not in doc_number:
        return ""
    implied = type_from_number(doc_number)
    suffix = fold(doc_number.rsplit("/", 1)[-1]).upper()
    if doc_type in ("Luật", "Bộ luật"):
        if implied or not suffix.startswith("QH"):
            return f"{doc_type} do Quốc hội ban hành, số hiệu phải có dạng …/QHxx, không phải {doc_number}"
        return ""
    if implied and implied != doc_type and not (implied.startswith(doc_type) or doc_type.startswith(implied)):
        return f"số hiệu {doc_number} là của {implied.lower()}, không phải {doc_type.lower()}"
    if not implied and suffix.startswith("QH") and doc_type not in ("Nghị quyết", "Hiến pháp"):
        return f"số hiệu {doc_number} là của văn bản Quốc hội, không phải {doc_type.lower()}"
    return ""


# -- parsing ----------------------------------------------------------------------------------------


@dataclass
class _Designation:
    start: int
    end: int
    doc_number: str = ""
    doc_type: str = ""
    doc_name: str = ""
    year: str = ""
    self_document: bool = False


def _items(original: str, folded: str, span: tuple[int, int], keyword: str, item: str) -> tuple[str, ...]:
    """The numbers/letters in a list like "Điều 5, 6 và 7" or "Điều 5 đến Điều 8" (ranges expanded)."""
    return tuple(label for label, _pos in _item_positions(original, folded, span, keyword, item))


def _item_positions(
    original: str, folded: str, span: tuple[int, int], keyword: str, item: str
) -> list[tuple[str, int]]:
    """(label, position) per item; the position is the repeated keyword's when written ("và Điều 8")."""
    if span[0] < 0:
        return []
    text_f = folded[span[0] : span[1]]
    out: list[tuple[str, int]] = []
    pattern = re.compile(rf"(?P<range>{_RANGE})?(?P<kw>{keyword}\s+)?(?<![\w/])(?P<item>{item})")
    for m in pattern.finditer(text_f, len(keyword)):
        label = original[span[0] + m.start("item") : span[0] + m.end("item")]
        label = str(int(label)) if label.isdigit() else label.lower()
        pos = span[0] + (m.start("kw") if m.group("kw") else m.start("item"))
        if m.group("range") and out and out[-1][0].isdigit() and label.isdigit():
            low, high = int(out[-1][0]), int(label)
            if 0 < high - low <= 200:
                out.extend((str(n), pos) for n in range(low + 1, high + 1))
                continue
        if label not in (x for x, _ in out):
            out.append((label, pos))
    return out


def _is_stop(original_word: str, folded_word: str, next_folded: str, plain: bool, first: bool) -> bool:
    lower = original_word.lower()
    if f"{folded_word} {next_folded}" in _STOP_BIGRAMS:
        return True
    if lower in _STOP_WORDS or (first and lower in _FIRST_STOPS):
        return True
    return plain and folded_word in _STOP_FOLDED


def _name_at(original: str, folded: str, pos: int, known: Sequence[tuple[str, ...]]) -> tuple[str, int]:
    """A document name starting at ``pos`` (after "Luật"); returns (name, end) or ("", pos)."""
    plain = original.isascii()  # typed without diacritics: ambiguous syllables become stops
    words: list[tuple[str, int, int, bool]] = []  # (folded word, start, end, preceded by comma)
    first_stop = None  # index of the first word a plain name cannot contain
    cursor = pos
    while len(words) < _NAME_MAX_WORDS:
        m = _NAME_WORD.match(folded, cursor)
        if not m:
            break
        if m.group("sep").strip() == "," and not words:
            break
        nxt = _NAME_WORD.match(folded, m.end())
        word = m.group("word")
        if first_stop is None and _is_stop(
            original[m.start("word") : m.end("word")], word, nxt.group("word") if nxt else "", plain, not words
        ):
            if not words:
                break
            first_stop = len(words)
        words.append((word, m.start("word"), m.end("word"), "," in m.group("sep")))
        cursor = m.end()
    if not words:
        return "", pos
    # an abbreviation ("Luật HNGĐ")
    if words[0][0] in NAME_ABBREVIATIONS:
        return NAME_ABBREVIATIONS[words[0][0]], words[0][2]
    folded_words = tuple(w for w, *_ in words)
    best = 0
    for name in known:  # a known title may contain stop words ("Trách nhiệm bồi thường của nhà nước")
        if len(name) > best and folded_words[: len(name)] == name:
            best = len(name)
    plain = len(words) if first_stop is None else first_stop
    for i, (word, _s, _e, comma) in enumerate(words[:plain]):
        if i and (comma or word == "va"):
            plain = i
            break
    # A name running on past a known title up to its own year or number is another name: "Luật Căn cước công
    # dân năm 2021" is not "Luật Căn cước" (but "luật hộ tịch xác định thời hạn" is "Luật Hộ tịch").
    if not best or (plain > best and _dated_at(folded, words[plain - 1][2])):
        best = plain
    chosen = words[:best]
    if chosen and chosen[-1][0] == "va":
        chosen = chosen[:-1]
    if not chosen:
        return "", pos
    end = chosen[-1][2]
    name = original[chosen[0][1] : end]
    return name, end


def _dated_at(folded: str, pos: int) -> bool:
    """A year ("năm 2021", "2021") or a số hiệu ("số 59/2014/QH13") follows ``pos``."""
    n = _NUMBER_AFTER_TYPE.match(folded, pos)
    return bool(_YEAR_AFTER.match(folded, pos) or (n and "/" in n.group("num")))


def _designation_at(original: str, folded: str, pos: int, known: Sequence[tuple[str, ...]],
                    require_number_for_abbr: bool = True) -> _Designation | None:
    """Parse a document designation starting exactly at ``pos``."""
    m = _TYPE_RE.match(folded, pos)
    if not m:
        b = _BARE_NUMBER.match(folded, pos)
        if not b:
            return None
        number = normalise_number(original[b.start("num") : b.end("num")])
        d = _Designation(pos, b.end(), doc_number=number, doc_type=type_from_number(number))
        d.year = number_parts(number)[1]
        return d
    type_text = re.sub(r"\s+", " ", m.group(0))
    if m.group("code"):
        d = _Designation(pos, m.end(), doc_type="Bộ luật", doc_name=_CODE_ABBREVIATIONS[type_text])
    else:
        canonical = _TYPE_WORDS.get(type_text) or _TYPE_ABBREVIATIONS[type_text]
        d = _Designation(pos, m.end(), doc_type=canonical)
        if m.group("long") and (s := _SELF.match(folded, m.end())):
            d.self_document, d.end = True, s.end()
            return d
        if n := _NUMBER_AFTER_TYPE.match(folded, m.end()):
            raw = original[n.start("num") : n.end("num")]
            if n.group("numyear"):
                raw = raw.split()[0].rstrip(",") + "/" + n.group("numyear")
            d.doc_number, d.end = normalise_number(raw), n.end()
        elif m.group("abbr"):
            return None
        elif canonical in _NAMED_TYPES:
            d.doc_name, d.end = _name_at(original, folded, m.end(), known)
            if d.doc_name and (n := _NUMBER_AFTER_TYPE.match(folded, d.end)) and "/" in n.group("num"):
                d.doc_number, d.end = normalise_number(original[n.start("num") : n.end("num")]), n.end()
        if not d.doc_number and not d.doc_name and canonical not in ("Hiến pháp",):
            return None
    if d.doc_number:
        d.year = number_parts(d.doc_number)[1]
    if not d.doc_number or not number_parts(d.doc_number)[1]:
        if y := _YEAR_AFTER.match(folded, d.end):
            d.year, d.end = y.group("year"), y.end()
    if d.doc_number and "/" not in d.doc_number and d.year:
        d.doc_number = f"{d.doc_number.zfill(2)}/{d.year}"
    return d


def _known_names(names: Iterable[str]) -> list[tuple[str, ...]]:
    return _known_names_cached(tuple(names))


@lru_cache(maxsize=16)
def _known_names_cached(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    # cached: folding ~250 index titles costs ~0.3 s, and search parses every question
    out = set()
    for name in list(names) + _COMMON_NAMES:
        words = tuple(fold_words(strip_type_prefix(name)).split())
        if words:
            out.add(words)
    return sorted(out, key=len, reverse=True)


def strip_type_prefix(title: str) -> str:
    """"Luật Phòng, chống ma túy" → "Phòng, chống ma túy"; "Bộ luật dân sự" → "dân sự"."""
    t = re.sub(r"\s*\([^)]*\)\s*$", "", nfc(title).strip())
    folded = fold(t)
    for word in sorted(_TYPE_WORDS, key=len, reverse=True):
        if folded.startswith(word + " "):
            return t[len(word) + 1 :].strip()
    return t


def _span_of(m: re.Match[str], *groups: str) -> tuple[int, int]:
    starts = [m.start(g) for g in groups if m.start(g) >= 0]
    ends = [m.end(g) for g in groups if m.end(g) >= 0]
    return (min(starts), max(ends)) if starts else (-1, -1)


def find_references(
    text: str,
    known_names: Iterable[str] = (),
    context: bool = True,
    mentions: bool = True,
) -> list[Reference]:
    """Every legal reference in ``text`` (NFC), in order.

    ``known_names``: document titles (e.g. from the index) so names like "Hôn nhân và gia đình"
    end at the right word. ``context``: a reference without a document takes the one written right
    after it ("khoản 2 và khoản 3 Điều 5 Luật X") or the closest one before it in the same paragraph.
    ``mentions``: also return bare document mentions ("Nghị định 23/2015/NĐ-CP") without an article.
    """
    original = nfc(text or "")
    folded = fold(original)
    known = _known_names(known_names)
    refs: list[Reference] = []
    covered: list[tuple[int, int]] = []
    for m in _CITATION.finditer(folded):
        if m.end() == m.start():
            continue
        article_items = _item_positions(original, folded, m.span("art"), "dieu", _ART)
        articles = tuple(label for label, _ in article_items)
        clauses = _items(original, folded, m.span("cls") if m.start("cls") >= 0 else m.span("cls2"), "khoan", _CL)
        points = _items(original, folded, m.span("pts") if m.start("pts") >= 0 else m.span("pts2"), "diem", _PT)
        if not (articles or clauses or points):
            continue
        start, end = _span_of(m, "pts", "cls", "art", "cls2", "pts2")
        split = _split_point(folded, article_items) if (clauses or points) and m.start("cls2") < 0 else None
        if split is not None:
            # "khoản 2 Điều 37 và Điều 38 ...": the clause belongs to Điều 37 only
            head = original[start:split].rstrip()
            head = re.sub(r"\s*(?:,|;|và|hoặc|va|hoac)$", "", head, flags=re.IGNORECASE)
            count = sum(1 for _, pos in article_items if pos < split)
            refs.append(Reference(head, start, start + len(head), articles[:count], clauses, points))
            covered.append((start, start + len(head)))
            start, articles, clauses, points = split, articles[count:], (), ()
        d = None
        c = _DOC_CONNECTOR.match(folded, end)
        if c:
            d = _designation_at(original, folded, c.end(), known)
        fields: dict[str, Any] = {}
        if d:
            end = d.end
            fields = dict(doc_number=d.doc_number, doc_type=d.doc_type, doc_name=d.doc_name, year=d.year,
                          self_document=d.self_document, doc_text=original[d.start : d.end])
        refs.append(Reference(original[start:end], start, end, articles, clauses, points, **fields))
        covered.append((start, end))
    if mentions:
        refs.extend(_mentions(original, folded, known, covered))
        refs.sort(key=lambda r: r.start)
    if context:
        refs = _with_context(original, refs)
    return refs


def _split_point(folded: str, items: list[tuple[str, int]]) -> int | None:
    """Where a list of articles restarts with the keyword ("… Điều 37 và Điều 38"), if it does."""
    for _label, pos in items[1:]:
        if folded.startswith("dieu", pos):
            return pos
    return None


def _mentions(original: str, folded: str, known, covered: list[tuple[int, int]]) -> list[Reference]:
    """Bare document mentions outside citation spans."""
    out: list[Reference] = []
    candidates = sorted({m.start() for m in _TYPE_RE.finditer(folded)} | {m.start() for m in _BARE_NUMBER.finditer(folded)})
    last_end = -1
    for pos in candidates:
        if pos < last_end or any(s <= pos < e for s, e in covered):
            continue
        d = _designation_at(original, folded, pos, known)
        if not d or d.self_document:
            continue
        if not d.doc_number:
            # a name alone must look like a title: "Luật Hộ tịch", not "luật sư"
            first = original[pos : pos + 1]
            name_first = d.doc_name[:1]
            if not (first.isupper() and (not name_first or name_first.isupper() or d.doc_type == "Bộ luật")):
                continue
            if d.doc_type == "Hiến pháp" and not d.year:
                continue
        out.append(
            Reference(original[pos : d.end], pos, d.end, doc_number=d.doc_number, doc_type=d.doc_type,
                      doc_name=d.doc_name, year=d.year, doc_text=original[pos : d.end])
        )
        last_end = d.end
    return out


_SHARE_GAP = re.compile(r"^\s*(?:,|;|và|hoặc|va|hoac)\s*$", re.IGNORECASE)


def _with_context(original: str, refs: list[Reference]) -> list[Reference]:
    """Fill the document of references that have none from their neighbours."""
    out = list(refs)
    # forward: "khoản 2 Điều 5 và Điều 6 Nghị định X" → both cite Nghị định X
    for i in range(len(out) - 2, -1, -1):
        ref, nxt = out[i], out[i + 1]
        if not ref.has_document and nxt.has_document and nxt.articles and _SHARE_GAP.match(original[ref.end : nxt.start]):
            out[i] = _inherit(ref, nxt)
    # backward: the closest document designated earlier in the same paragraph
    last: Reference | None = None
    for i, ref in enumerate(out):
        if ref.has_document and not ref.self_document:
            last = ref
            continue
        if last is not None and not ref.has_document and (ref.articles or ref.clauses):
            if "\n\n" not in original[last.end : ref.start]:
                out[i] = _inherit(ref, last)
    # "khoản 2" alone after "Điều 5 ..." in the same sentence keeps its article
    return out


def _inherit(ref: Reference, source: Reference) -> Reference:
    return replace(
        ref,
        doc_number=source.doc_number,
        doc_type=source.doc_type,
        doc_name=source.doc_name,
        year=source.year,
        self_document=source.self_document,
        inherited=True,
        doc_text=source.doc_text,
    )


# -- resolution against the index ------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Which index document(s) a reference points to."""

    reference: Reference
    record: DocumentRecord | None = None  # the document record when resolved
    how: str = "none"  # number | partial_number | name | none | ambiguous | year_mismatch | no_document
    candidates: tuple[DocumentRecord, ...] = ()  # other matches, or near matches when unresolved
    conflict: str = ""  # the designation contradicts itself or the index (→ nonexistent document)

    @property
    def found(self) -> bool:
        return self.record is not None


@dataclass(frozen=True)
class _Entry:
    record: DocumentRecord
    number_key: str
    head: str
    year: str
    suffix: str
    doc_type: str
    name: tuple[str, ...]
    years: frozenset[str] = field(default_factory=frozenset)


def _year(value: Any) -> str:
    m = re.search(r"(?:19|20)\d{2}", str(value or ""))
    return m.group(0) if m else ""


def _type_compatible(ref_type: str, doc_type: str) -> bool:
    if not ref_type or not doc_type:
        return True
    a, b = fold(ref_type), fold(doc_type)
    if a in ("luat", "bo luat") and ("luat" in b):
        return True
    return a == b or b.startswith(a) or a.startswith(b)


class DocumentResolver:
    """Resolves references to document records (as returned by ``UnitStore.document_records``)."""

    def __init__(self, records: Iterable[DocumentRecord]):
        self.entries: list[_Entry] = []
        for r in records:
            number = r.doc_number
            head, year, suffix = number_parts(number) if number else ("", "", "")
            doc_type = r.doc_type or type_from_number(number)
            name = tuple(fold_words(strip_type_prefix(r.title)).split())
            years = {y for y in (year, _year(r.issued_date), _year(r.effective_date)) if y}
            if not year and (y := _year(number)):
                years.add(y)
                year = y
            self.entries.append(
                _Entry(r, _number_key(number), head, year, suffix, doc_type, name, frozenset(years))
            )

    @property
    def titles(self) -> list[str]:
        """Document titles, to pass as ``known_names`` to ``find_references``."""
        return [e.record.title for e in self.entries if e.record.title]

    def by_key(self, key: str) -> DocumentRecord | None:
        for e in self.entries:
            if key in (e.record.key, e.record.doc_number):
                return e.record
        return None

    def resolve(self, ref: Reference, current: DocumentRecord | None = None) -> Resolution:
        """The document ``ref`` points to. ``current`` is the citing document (for "Luật này")."""
        if ref.self_document:
            return Resolution(ref, current, "self" if current else "none")
        if not ref.has_document:
            return Resolution(ref, None, "no_document")
        conflict = number_type_conflict(ref.doc_type, ref.doc_number) if ref.number_is_complete else ""
        year = ref.year
        if year and not (1945 <= int(year) <= date.today().year):
            conflict = conflict or f"năm {year} không hợp lệ"
        by_number = self._by_number(ref) if ref.doc_number else []
        by_name = self._by_name(ref) if ref.doc_name or ref.doc_type == "Hiến pháp" else []
        if ref.doc_number and ref.doc_name and not conflict:
            named = [e for e in by_name if e.years and (not year or year in e.years)] or by_name
            if named and (not by_number or named[0] is not by_number[0]):
                conflict = (
                    f"{ref.doc_type} {ref.doc_name} trong chỉ mục có số hiệu {named[0].record.doc_number}, "
                    f"không phải {ref.doc_number}"
                )
                return Resolution(ref, None, "none", (named[0].record,), conflict)
        if conflict:
            return Resolution(ref, None, "none", tuple(e.record for e in self._near(ref)), conflict)
        if ref.doc_number:
            if len(by_number) == 1 or (by_number and ref.number_is_complete):
                how = "number" if ref.number_is_complete else "partial_number"
                return Resolution(ref, by_number[0].record, how, tuple(e.record for e in by_number[1:]))
            if by_number:
                return Resolution(ref, by_number[0].record, "ambiguous", tuple(e.record for e in by_number[1:]))
            return Resolution(ref, None, "none", tuple(e.record for e in self._near(ref)))
        if by_name:
            if year:
                dated = [e for e in by_name if year in e.years or not e.years]
                if not dated:
                    return Resolution(ref, None, "year_mismatch", tuple(e.record for e in by_name))
                by_name = dated
            how = "name" if len(by_name) == 1 else "ambiguous"
            return Resolution(ref, by_name[0].record, how, tuple(e.record for e in by_name[1:]))
        return Resolution(ref, None, "none", tuple(e.record for e in self._near(ref)))

    def resolve_exact(self, ref: Reference) -> DocumentRecord | None:
        """The one document ``ref`` designates completely, or None (for relations between documents).

        A full số hiệu must match exactly; a partial one ("23/2015") must match one document of a
        compatible type; a name must be the whole title (not a prefix: "Luật Bảo vệ" is not "Luật Bảo vệ
        môi trường") and agree with the year when one is written.
        """
        if ref.self_document or not ref.has_document:
            return None
        if ref.doc_number:
            if ref.number_is_complete:
                key = _number_key(ref.doc_number)
                exact = [e for e in self.entries if e.number_key == key]
            else:
                exact = [e for e in self._by_number(ref) if _type_compatible(ref.doc_type, e.doc_type)]
            return exact[0].record if len(exact) == 1 else None
        words = tuple(fold_words(ref.doc_name).split())
        if not words:
            return None
        named = [
            e for e in self.entries
            if e.name == words and _type_compatible(ref.doc_type, e.doc_type)
            and (not ref.year or not e.years or ref.year in e.years)
        ]
        return named[0].record if len(named) == 1 else None

    def _by_number(self, ref: Reference) -> list[_Entry]:
        key = _number_key(ref.doc_number)
        exact = [e for e in self.entries if e.number_key == key]
        if exact:
            return exact
        head, year, suffix = number_parts(ref.doc_number)
        if suffix and year:
            return []
        out = [
            e for e in self.entries
            if e.head == head and (not year or e.year == year)
            and (not suffix or e.suffix == suffix)
            and _type_compatible(ref.doc_type, e.doc_type)
        ]
        return sorted(out, key=lambda e: (fold(e.doc_type) != fold(ref.doc_type), e.year != ref.year))

    def _by_name(self, ref: Reference) -> list[_Entry]:
        if ref.doc_type == "Hiến pháp":
            return [e for e in self.entries if fold(e.doc_type) == "hien phap"]
        words = tuple(fold_words(ref.doc_name).split())
        if not words:
            return []
        scored = []
        for e in self.entries:
            if not e.name or not _type_compatible(ref.doc_type, e.doc_type):
                continue
            if e.name == words:
                scored.append((0, e))
            elif words[: len(e.name)] == e.name:  # the text ran past the name
                scored.append((1, e))
            elif len(words) >= 2 and e.name[: len(words)] == words:  # the name stopped early
                scored.append((2, e))
        scored.sort(key=lambda s: (s[0], -len(s[1].name), fold(s[1].doc_type) != fold(ref.doc_type)))
        return [e for _, e in scored]

    def _near(self, ref: Reference, limit: int = 3) -> list[_Entry]:
        """Near matches for an unresolved reference: similar number or similar name."""
        scored: list[tuple[float, _Entry]] = []
        head, year, suffix = number_parts(ref.doc_number) if ref.doc_number else ("", "", "")
        words = " ".join(fold_words(ref.doc_name).split())
        for e in self.entries:
            score = 0.0
            if ref.doc_number:
                if e.head == head and e.year == year:
                    score = max(score, 0.9)
                elif e.head == head and e.suffix == suffix and suffix:
                    score = max(score, 0.8)
                elif e.year == year and e.suffix == suffix and suffix and _one_edit(e.head, head):
                    score = max(score, 0.75)
            if words and e.name:
                ratio = SequenceMatcher(None, words, " ".join(e.name)).ratio()
                if ratio >= 0.6:
                    score = max(score, ratio * (1.0 if _type_compatible(ref.doc_type, e.doc_type) else 0.8))
            if score:
                scored.append((score, e))
        scored.sort(key=lambda s: -s[0])
        return [e for _, e in scored[:limit]]


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1 or sorted(a) == sorted(b)
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _number_key(number: str) -> str:
    """Comparison key for a số hiệu: folded, upper, no spaces/hyphens, no leading zeros."""
    if not number:
        return ""
    head, *rest = re.sub(r"\s+", "", number).split("/")
    head = head.lstrip("0") or head
    return "/".join([head] + [re.sub(r"[^A-Z0-9]", "", fold(p).upper()) for p in rest])
