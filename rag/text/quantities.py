"""Numbers in Vietnamese text, normalised: the one reader of amounts, durations, dates and document numbers.

``extract_quantities`` reads every number-bearing expression ("05 ngày" = "5 ngày", "200.000 đồng" =
"200 000 đ" = "hai trăm nghìn đồng", "ngày 01/7/2016", "60/2014/QH13"): answer verification checks each one
against the cited passage. ``claims`` keeps the amounts with a unit a statement makes checkable ("60 ngày",
"02 ngày làm việc", "200.000 đồng"): the citation checker compares them with the cited article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rag.text.sentences import CITATION_MARKER
from rag.text.vietnamese import nfc

_DIGITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}
_SCALES = {"nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
# Unit words after a number, mapped to a canonical unit.
_UNITS = {
    "ngày": "ngày", "tháng": "tháng", "năm": "năm", "giờ": "giờ", "tuần": "tuần", "phút": "phút",
    "quý": "quý", "tuổi": "tuổi", "đồng": "đồng", "đ": "đồng", "vnđ": "đồng", "vnd": "đồng",
    "%": "%", "phần trăm": "%", "lần": "lần", "người": "người", "bản": "bản", "năm học": "năm",
    "ngày làm việc": "ngày",
}
# Words before a number that make it a reference or a calendar value ("Điều 15", "năm 2016").
_PREFIX_UNITS = {"điều": "điều", "khoản": "khoản", "chương": "chương", "mục": "mục", "phần": "phần"}

_DATE_NUMERIC = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_DATE_WORDS = re.compile(r"\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\btháng\s+(\d{1,2})\s*(?:/|năm\s+)(\d{4})\b")
_DOC_NUMBER = re.compile(r"\b(\d{1,4})\s*/\s*(\d{4})\s*/\s*([a-zđ0-9]+(?:\s*-\s*[a-zđ0-9]+)*)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.\u00a0 ]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)(?![\w])")
_NUMBER_WORDS = re.compile(
    r"\b((?:(?:không|một|mốt|hai|ba|bốn|tư|năm|lăm|nhăm|sáu|bảy|bẩy|tám|chín|mười|mươi|trăm|linh|lẻ|"
    r"nghìn|ngàn|triệu|tỷ|tỉ)\s+)+)(ngày|tháng|năm|giờ|tuần|tuổi|đồng|lần|phần trăm)\b"
)


@dataclass(frozen=True)
class Quantity:
    """A normalised number: ``value`` is canonical text ("5", "200000", "2016-07-01", "60/2014/qh13")."""

    kind: str  # "number", "date", "doc"
    value: str
    unit: str = ""  # canonical unit ("ngày", "đồng", "%", "điều", ...) or ""
    surface: str = ""  # as written, for messages
    written: str = ""  # the whole expression as written, lowercased: "02 (hai) ngày làm việc"

    def label(self) -> str:
        text = self.surface or self.value
        if self.unit and not self.unit.startswith("@") and self.unit not in text.lower():
            text = f"{self.unit} {text}" if self.unit in _PREFIX_UNITS.values() else f"{text} {self.unit}"
        return text


def _canonical_decimal(raw: str) -> list[Decimal]:
    """All plausible readings of a written number ("200.000" → 200000; "1,5" → 1.5; "1,000" → both)."""
    raw = raw.replace("\u00a0", " ")
    readings: list[Decimal] = []
    candidates = []
    if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", raw):  # Vietnamese grouping
        candidates.append(raw.replace(".", "").replace(" ", "").replace(",", "."))
    if re.fullmatch(r"\d+,\d+", raw):
        candidates.append(raw.replace(",", "."))  # Vietnamese decimal comma
        if re.fullmatch(r"\d{1,3},\d{3}", raw):
            candidates.append(raw.replace(",", ""))  # English thousands
    if re.fullmatch(r"\d+\.\d+", raw) and not re.fullmatch(r"\d{1,3}\.\d{3}", raw):
        candidates.append(raw)  # decimal point
    if re.fullmatch(r"\d+", raw):
        candidates.append(raw)
    for c in candidates:
        try:
            readings.append(Decimal(c))
        except InvalidOperation:
            continue
    return readings


def _fmt(value: Decimal) -> str:
    normal = value.normalize()
    text = format(normal, "f")
    return text


def _words_to_number(words: list[str]) -> Decimal | None:
    """Vietnamese number words → value ("hai mươi lăm" → 25, "năm trăm nghìn" → 500000)."""
    total, current, last_digit, seen = 0, 0, None, False
    for w in words:
        if w in _DIGITS:
            last_digit = _DIGITS[w]
            seen = True
        elif w == "mười":
            current += 10
            last_digit = None
            seen = True
        elif w == "mươi":
            current += (last_digit or 1) * 10
            last_digit = None
        elif w == "trăm":
            current += (last_digit if last_digit is not None else 1) * 100
            last_digit = None
        elif w in ("linh", "lẻ"):
            continue
        elif w in _SCALES:
            current += last_digit or 0
            total += (current or 1) * _SCALES[w]
            current, last_digit = 0, None
        else:
            return None
    if not seen:
        return None
    return Decimal(total + current + (last_digit or 0))


def extract_quantities(text: str) -> list[Quantity]:
    """Every number-bearing expression in ``text``, normalised (markers ``[n]`` ignored)."""
    return _dedupe_readings([q for _, q in _quantities(text)])


def _quantities(text: str) -> list[tuple[int, Quantity]]:
    """(where it starts, quantity) for every reading of every number-bearing expression, not deduplicated."""
    t = nfc(CITATION_MARKER.sub(" ", text)).lower()
    found: list[tuple[int, Quantity]] = []

    def blank(match: re.Match[str]) -> str:
        return " " * (match.end() - match.start())

    for rx in (_DATE_WORDS, _DATE_NUMERIC):
        for m in rx.finditer(t):
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= d <= 31 and 1 <= mo <= 12:
                found.append((m.start(), Quantity("date", f"{y:04d}-{mo:02d}-{d:02d}", surface=m.group(0))))
        t = rx.sub(blank, t)
    for m in _MONTH_YEAR.finditer(t):
        found.append((m.start(), Quantity("date", f"{int(m.group(2)):04d}-{int(m.group(1)):02d}", surface=m.group(0))))
    t = _MONTH_YEAR.sub(blank, t)
    for m in _DOC_NUMBER.finditer(t):
        suffix = re.sub(r"\s+", "", m.group(3))
        found.append((m.start(), Quantity("doc", f"{int(m.group(1))}/{m.group(2)}/{suffix}", surface=m.group(0))))
    t = _DOC_NUMBER.sub(blank, t)

    def number_words(m: re.Match[str]) -> str:
        value = _words_to_number(m.group(1).split())
        if value is None:  # e.g. "triệu đồng" after digits: left for the digit pass
            return m.group(0)
        written = m.group(0).strip()
        found.append((m.start(), Quantity("number", _fmt(value), _UNITS.get(m.group(2), m.group(2)), written, written)))
        return blank(m)

    t = _NUMBER_WORDS.sub(number_words, t)

    for m in _NUMBER.finditer(t):
        readings = _canonical_decimal(m.group(1))
        if not readings:
            continue
        before = t[: m.start()].rstrip()
        after = t[m.end() :]
        after = re.sub(r"^\s*\([^()]{0,60}\)", "", after)  # "60 (sáu mươi) ngày"
        if before.endswith("("):  # "sáu mươi (60) ngày"
            after = re.sub(r"^\s*\)", "", after)
        scale = 1
        scale_match = re.match(r"^\s*(nghìn|ngàn|triệu|tỷ|tỉ)\b", after)
        if scale_match:
            scale = _SCALES[scale_match.group(1)]
            after = after[scale_match.end() :]
        unit = ""
        end = len(t) - len(after)  # where the number (with its spelled-out value and scale) ends
        unit_match = re.match(r"^\s*(%|phần trăm|năm học|ngày\s+làm\s+việc|vnđ|vnd|đ(?![\w])|[^\W\d_]+)", after)
        if unit_match:
            word = " ".join(unit_match.group(1).split())
            unit = _UNITS.get(word, "")
            end += unit_match.end() if unit else 0
        prefix = re.search(r"([^\W\d_]+)\s*$", before)
        if not unit and prefix and prefix.group(1) in _PREFIX_UNITS:
            unit = _PREFIX_UNITS[prefix.group(1)]
        elif not unit and prefix and prefix.group(1) in ("năm", "tháng", "ngày"):
            unit = "@" + prefix.group(1)  # calendar value: "năm 2016", "tháng 7"
        written = t[m.start() : end].strip()
        for value in readings:
            found.append((m.start(), Quantity("number", _fmt(value * scale), unit, m.group(0).strip(), written)))
    return found


def _dedupe_readings(found: list[Quantity]) -> list[Quantity]:
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for q in found:
        key = (q.kind, q.value, q.unit, q.surface)
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


# -- claims (the citation checker) ---------------------------------------------------------------

# Units whose amounts a cited article must state to back a statement.
CLAIM_UNITS = frozenset({"ngày", "ngày làm việc", "tháng", "năm", "giờ", "tuổi", "%", "đồng", "lần", "người", "bản"})


@dataclass(frozen=True)
class Claim:
    """An amount a statement makes: its possible values (a written "1,000" reads two ways), unit, words."""

    values: frozenset[str]
    unit: str  # "ngày làm việc" is kept apart from "ngày"
    written: str  # "02 (hai) ngày làm việc"

    def found_in(self, found: list["Claim"]) -> bool:
        """Stated in ``found`` (a number of days is also backed by the same number of working days)."""
        return any(
            self.values & f.values and (f.unit == self.unit or (self.unit == "ngày" and f.unit == "ngày làm việc"))
            for f in found
        )


def claims(text: str) -> list[Claim]:
    """The amounts with a unit in ``text``, in order; dates, years, references and bare numbers left out."""
    out: list[tuple[int, Claim]] = []
    for start, q in sorted(_quantities(text), key=lambda item: item[0]):
        if q.kind != "number" or q.unit not in CLAIM_UNITS or not q.written[:1].isdigit():
            continue  # spelled-out numbers ("không đồng ý", "một lần") are words, not claims
        unit = "ngày làm việc" if q.unit == "ngày" and q.written.endswith("làm việc") else q.unit
        if out and out[-1][0] == start:  # another reading of the same written number
            out[-1] = (start, Claim(out[-1][1].values | {q.value}, unit, q.written))
        else:
            out.append((start, Claim(frozenset({q.value}), unit, q.written)))
    return [c for _, c in out]


# -- amounts by kind (what a question's situation states, what a clause states) ----------------------

# The kind of answer an amount with this unit is: a period or an age, a sum of money, a share.
FIGURE_KINDS = {
    "ngày": "duration", "tháng": "duration", "năm": "duration", "giờ": "duration", "tuần": "duration",
    "phút": "duration", "quý": "duration", "tuổi": "duration", "đồng": "money", "%": "percent",
}
_SCALE_WORD = re.compile(r"\b(?:nghìn|ngàn|triệu|tỷ|tỉ)\b")


# Periods in one base unit, so that "một năm" and "12 tháng" are the same amount.
_PERIOD_BASE = {"năm": ("tháng", 12), "quý": ("tháng", 3), "tuần": ("ngày", 7)}


@dataclass(frozen=True)
class Figure:
    """An amount of a kind: "38 tuổi" is (duration, 38, tuổi); "hơn một năm" is (duration, 12, tháng)."""

    kind: str  # "duration" (a period or an age), "money", "percent"
    value: Decimal
    unit: str  # base unit: "tháng", "ngày", "giờ", "phút", "tuổi", "đồng", "%"

    @property
    def is_age(self) -> bool:
        return self.unit == "tuổi"


def stated_figures(text: str) -> list[Figure]:
    """The amounts ``text`` states, in order: "38 tuổi", "hơn một năm" (= 12 tháng), "3 triệu" (a sum
    without the word "đồng"); dates, years, references and "không" (no amount) are left out."""
    out: list[Figure] = []
    for _start, q in sorted(_quantities(text), key=lambda item: item[0]):
        if q.kind != "number" or q.value == "0":  # "không đồng ý" is no sum of money
            continue
        kind = FIGURE_KINDS.get(q.unit)
        unit = q.unit
        if kind is None and not q.unit and _SCALE_WORD.search(q.written):
            kind, unit = "money", "đồng"  # "phạt 3 triệu", "200 nghìn": a sum without the word "đồng"
        if kind is None:
            continue
        try:
            value = Decimal(q.value)
        except InvalidOperation:
            continue
        if unit in _PERIOD_BASE:
            unit, factor = _PERIOD_BASE[unit]
            value *= factor
        figure = Figure(kind, value, unit)
        if figure not in out:
            out.append(figure)
    return out


# -- conditions on an amount ("từ đủ 4 tuổi đến dưới 16 tuổi", "xã có phụ cấp khu vực từ 0,7 trở lên") -----

_BOUND_UNITS = {"tuổi": "tuổi", "tháng": "tháng", "năm": "tháng", "ngày": "ngày", "tuần": "ngày", "giờ": "giờ",
                "%": "%", "người": "người", "lần": "lần",
                # counts a tier is drawn by ("nơi có từ 100 cử tri trở lên", "thôn có từ 200 hộ gia đình")
                "cử tri": "cử tri", "hộ gia đình": "hộ", "hộ": "hộ", "người lao động": "lao động",
                "lao động": "lao động", "thành viên": "thành viên", "học sinh": "học sinh"}
COUNT_UNITS = frozenset({"người", "cử tri", "hộ", "lao động", "thành viên", "học sinh"})
_BOUND_FACTOR = {"năm": 12, "tuần": 7}
# the longer unit first ("hộ gia đình" before "hộ"), each a whole word ("hộ" is not "hội")
_UNIT = r"(%|tuổi|tháng|năm|ngày|tuần|giờ|người lao động|người|lần|cử tri|hộ gia đình|hộ|lao động|thành viên|học sinh)"
_BOUND_NUMBER = rf"(\d+(?:,\d+)?)\s*(?:{_UNIT}(?!\w))?"
_RANGES = (
    (re.compile(rf"\btừ\s+(?:đủ\s+)?{_BOUND_NUMBER}\s*(?:đến|tới)\s+(dưới\s+|hết\s+)?(?:đủ\s+)?{_BOUND_NUMBER}"), "between"),
    (re.compile(rf"\b(?:từ\s+(?:đủ\s+)?|đủ\s+){_BOUND_NUMBER}\s*trở\s+lên"), "from"),
    (re.compile(rf"\b(?:dưới|chưa\s+đủ)\s+{_BOUND_NUMBER}"), "below"),
    (re.compile(rf"\btrên\s+{_BOUND_NUMBER}"), "above"),
    (re.compile(rf"\b{_BOUND_NUMBER}\s*trở\s+xuống"), "upto"),
)


@dataclass(frozen=True)
class Range:
    """A condition on an amount a clause states: ``low`` ≤ (or <) value ≤ (or <) ``high``; ``None`` is open."""

    unit: str  # a base unit of _BOUND_UNITS, or "" for a bare number ("hệ số", "phụ cấp khu vực 0,7")
    low: Decimal | None = None
    high: Decimal | None = None
    high_open: bool = False  # "đến dưới 16 tuổi"
    low_open: bool = False  # "trên 15 năm"

    def contains(self, value: Decimal, unit: str) -> bool:
        if unit != self.unit:
            return False
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return self.high is None or value < self.high or (not self.high_open and value == self.high)


def _bound(number: str, unit: str | None) -> tuple[Decimal, str]:
    value = Decimal(number.replace(",", "."))
    unit = unit or ""
    return value * _BOUND_FACTOR.get(unit, 1), _BOUND_UNITS.get(unit, "")


def stated_ranges(text: str) -> list[Range]:
    """The conditions on an amount ``text`` states, as ranges ("từ đủ 4 tuổi đến dưới 16 tuổi" is [4, 16) tuổi;
    a first bound without a unit takes the second's: "từ 0,4 đến 0,5", "từ 4 đến 6 tháng")."""
    t = nfc(text).lower()
    out: list[Range] = []
    for rx, shape in _RANGES:
        for m in rx.finditer(t):
            if shape == "between":
                unit = m.group(2) or m.group(5)
                low, base = _bound(m.group(1), unit)
                high, _ = _bound(m.group(4), m.group(5) or unit)
                out.append(Range(base, low, high, high_open=bool(m.group(3) and m.group(3).startswith("dưới"))))
                continue
            value, base = _bound(m.group(1), m.group(2))
            if shape == "from":
                out.append(Range(base, low=value))
            elif shape == "above":
                out.append(Range(base, low=value, low_open=True))
            elif shape == "below":
                out.append(Range(base, high=value, high_open=True))
            else:
                out.append(Range(base, high=value))
        t = rx.sub(lambda m: " " * len(m.group(0)), t)  # "… đến dưới 16 tuổi" is not also "dưới 16 tuổi"
    return out


_SITUATION_AMOUNT = re.compile(rf"(?<![\w.,/])(\d+(?:,\d+)?)(?!\d|[.,/]\d)\s*(?:{_UNIT}(?!\w))?(?!\w)")
_NOT_AMOUNT_BEFORE = re.compile(r"\b(?:điều|khoản|điểm|mục|chương|ngày|tháng|năm|số|lớp|hạng|mẫu)\s*$")


def situation_amounts(text: str) -> list[tuple[Decimal, str]]:
    """The amounts a question's situation states that a condition may be about ("con tôi 3 tuổi", "xã có phụ cấp
    khu vực 0,7", "đã đóng 10 tháng"), in the units of ``stated_ranges``; references ("Điều 5"), dates and years
    are left out, and a bare number counts only with a decimal comma ("0,7": a coefficient)."""
    t = nfc(text).lower()
    out: list[tuple[Decimal, str]] = []
    for m in _SITUATION_AMOUNT.finditer(t):
        if _NOT_AMOUNT_BEFORE.search(t[: m.start()]) or (not m.group(2) and "," not in m.group(1)):
            continue
        amount = _bound(m.group(1), m.group(2))
        if amount not in out:
            out.append(amount)
    return out
