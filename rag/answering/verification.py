"""Deterministic citation verification: every displayed sentence must be backed by what it cites.

Pure functions over text and domain types, used on every answer (extractive and LLM):

1. split the answer into sentences and read their ``[n]`` markers;
2. drop markers that point to passages that were not retrieved;
3. a sentence needs ≥ 1 remaining citation;
4. every number, date, duration, money amount and percentage in it — normalised, so
   "05 ngày" = "5 ngày" and "200.000 đồng" = "200 000 đ" — must occur in a cited passage
   (its text or its address: "Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13");
5. its content words must overlap the cited passages by at least ``min_overlap``.

A sentence failing any check is ``removed`` (policy "remove", the fail-closed default) or kept
but flagged ``unverified`` ("chưa kiểm chứng", policy "flag").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Literal, Mapping

from rag.domain import AnswerSentence, LegalUnit
from rag.text.sentences import passage_pieces, split_sentences
from rag.text.vietnamese import nfc

Policy = Literal["remove", "flag"]
UNVERIFIED_LABEL = "chưa kiểm chứng"

# -- sentences and citation markers --------------------------------------------------------

_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\s*\]")


def citation_numbers(text: str) -> tuple[int, ...]:
    """``[1]``, ``[1, 3]``, ``[2-4]`` → (1,), (1, 3), (2, 3, 4); order kept, duplicates dropped."""
    out: list[int] = []
    for match in _MARKER.finditer(text):
        body = match.group(1)
        for piece in re.split(r"\s*[,;]\s*", body):
            bounds = re.split(r"\s*[–-]\s*", piece)
            if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
                lo, hi = int(bounds[0]), int(bounds[1])
                numbers = range(lo, hi + 1) if 0 < hi - lo < 20 else (lo, hi)
            else:
                numbers = [int(b) for b in bounds if b.isdigit()]
            for n in numbers:
                if n not in out:
                    out.append(n)
    return tuple(out)


def strip_markers(text: str) -> str:
    text = _MARKER.sub("", text)
    text = re.sub(r"\s+([.,;:!?…])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# -- quantities ----------------------------------------------------------------------------

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
    t = nfc(_MARKER.sub(" ", text)).lower()
    found: list[Quantity] = []

    def blank(match: re.Match[str]) -> str:
        return " " * (match.end() - match.start())

    for rx in (_DATE_WORDS, _DATE_NUMERIC):
        for m in rx.finditer(t):
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= d <= 31 and 1 <= mo <= 12:
                found.append(Quantity("date", f"{y:04d}-{mo:02d}-{d:02d}", surface=m.group(0)))
        t = rx.sub(blank, t)
    for m in _MONTH_YEAR.finditer(t):
        found.append(Quantity("date", f"{int(m.group(2)):04d}-{int(m.group(1)):02d}", surface=m.group(0)))
    t = _MONTH_YEAR.sub(blank, t)
    for m in _DOC_NUMBER.finditer(t):
        suffix = re.sub(r"\s+", "", m.group(3))
        found.append(Quantity("doc", f"{int(m.group(1))}/{m.group(2)}/{suffix}", surface=m.group(0)))
    t = _DOC_NUMBER.sub(blank, t)

    def number_words(m: re.Match[str]) -> str:
        value = _words_to_number(m.group(1).split())
        if value is None:  # e.g. "triệu đồng" after digits: left for the digit pass
            return m.group(0)
        found.append(Quantity("number", _fmt(value), _UNITS.get(m.group(2), m.group(2)), m.group(0).strip()))
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
        unit_match = re.match(r"^\s*(%|phần trăm|năm học|vnđ|vnd|đ(?![\w])|[^\W\d_]+)", after)
        if unit_match:
            word = unit_match.group(1)
            unit = _UNITS.get(word, "")
        prefix = re.search(r"([^\W\d_]+)\s*$", before)
        if not unit and prefix and prefix.group(1) in _PREFIX_UNITS:
            unit = _PREFIX_UNITS[prefix.group(1)]
        elif not unit and prefix and prefix.group(1) in ("năm", "tháng", "ngày"):
            unit = "@" + prefix.group(1)  # calendar value: "năm 2016", "tháng 7"
        for value in readings:
            found.append(Quantity("number", _fmt(value * scale), unit, m.group(0).strip()))
    return _dedupe_readings(found)


def _dedupe_readings(found: list[Quantity]) -> list[Quantity]:
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for q in found:
        key = (q.kind, q.value, q.unit, q.surface)
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


@dataclass(frozen=True)
class Evidence:
    """What a set of cited passages can vouch for: quantities and content syllables."""

    quantities: frozenset[tuple[str, str, str]]
    values: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Evidence:
        quantities: set[tuple[str, str, str]] = set()
        values: set[str] = set()
        words: set[str] = set()
        for text in texts:
            for q in extract_quantities(text):
                quantities.add((q.kind, q.value, q.unit))
                values.add(q.value)
                if q.kind == "date":  # a date vouches for its parts ("năm 2016", "tháng 7")
                    parts = q.value.split("-")
                    values.update(str(int(p)) for p in parts)
                    quantities.add(("number", str(int(parts[0])), "@năm"))
                    if len(parts) > 1:
                        quantities.add(("number", str(int(parts[1])), "@tháng"))
            words.update(content_words(text))
        return cls(frozenset(quantities), frozenset(values), frozenset(words))

    def supports(self, q: Quantity) -> bool:
        if q.kind != "number" or not q.unit:
            return q.value in self.values if q.kind == "number" else (q.kind, q.value, q.unit) in self.quantities
        if (q.kind, q.value, q.unit) in self.quantities:
            return True
        if q.unit.startswith("@"):  # "năm 2016" is backed by any 2016 in the passage
            return q.value in self.values
        return False


def unit_evidence_texts(unit: LegalUnit) -> list[str]:
    """The passage text plus its address and heading (what a citation [n] vouches for)."""
    return [unit.text, unit.citation, unit.heading, unit.breadcrumb]


# -- content words ----------------------------------------------------------------------------

_STOPWORDS = frozenset(
    """
    và hoặc của là các những được bị có thì mà theo trong cho với này đó kia khi để từ về tại do
    đã sẽ đang cũng như nên nếu vì bởi trên dưới ra vào lại rằng thế vậy nào gì ai đâu sao bao
    nhiêu một mỗi mọi từng việc điều khoản điểm luật nghị định thông tư số văn bản quy định ngày
    cần phải người hay nhé ạ ơi chỉ đến sau trước thì đối với bằng giữa qua cùng nhau
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def content_words(text: str) -> set[str]:
    """Lowercased syllables that carry meaning (function words, numbers, markers removed)."""
    return {w for w in _WORD.findall(nfc(_MARKER.sub(" ", text)).lower()) if w not in _STOPWORDS and len(w) > 1}


def overlap(sentence: str, evidence_words: frozenset[str] | set[str]) -> float:
    words = content_words(sentence)
    if not words:
        return 1.0
    return len(words & evidence_words) / len(words)


# -- the verifier --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationConfig:
    min_overlap: float = 0.6
    policy: Policy = "remove"


def verify_sentence(
    text: str,
    passages: Mapping[int, LegalUnit],
    config: VerificationConfig,
    citations: tuple[int, ...] | None = None,
) -> AnswerSentence:
    """Check one sentence against the retrieved passages it cites (by number)."""
    cited = citation_numbers(text) if citations is None else citations
    valid = tuple(n for n in cited if n in passages)
    dropped = tuple(n for n in cited if n not in passages)
    reasons: list[str] = []
    if dropped:
        reasons.append("trích dẫn không thuộc các đoạn đã truy hồi: " + ", ".join(f"[{n}]" for n in dropped))
    display = strip_markers(text) if citations is None else text
    missing: list[str] = []
    score = 0.0
    if not valid:
        reasons.append("không có trích dẫn")
    else:
        evidence = Evidence.of(t for n in valid for t in unit_evidence_texts(passages[n]))
        for q in extract_quantities(display):
            if not evidence.supports(q) and q.label() not in missing:
                missing.append(q.label())
        if missing:
            reasons.append("số liệu không có trong đoạn được trích: " + ", ".join(missing))
        score = overlap(display, evidence.words)
        if score < config.min_overlap:
            reasons.append(f"nội dung khác đoạn được trích (trùng từ {score:.0%} < {config.min_overlap:.0%})")
    ok = bool(valid) and not missing and score >= config.min_overlap
    status = "verified" if ok else ("unverified" if config.policy == "flag" else "removed")
    return AnswerSentence(
        text=display,
        citations=valid,
        status=status,
        reasons=tuple(reasons if not ok else [r for r in reasons if r.startswith("trích dẫn không thuộc")]),
        overlap=round(score, 3),
        spans=tuple(s for n in valid if (s := best_span(display, n, passages[n])) is not None),
    )


def verify_text(text: str, passages: Mapping[int, LegalUnit], config: VerificationConfig) -> list[AnswerSentence]:
    """Verify free text (e.g. LLM output) sentence by sentence."""
    return [verify_sentence(s, passages, config) for s in split_sentences(text)]


def render(sentences: Iterable[AnswerSentence], separator: str = " ") -> str:
    """Displayed text: verified sentences with their markers; flagged ones labelled; removed ones out."""
    parts = []
    for s in sentences:
        if s.status == "removed":
            continue
        marks = "".join(f"[{n}]" for n in s.citations)
        body = s.text
        end = ""
        if body and body[-1] in ".!?…:" and not body.endswith("»"):
            body, end = body[:-1], body[-1]
        line = f"{body} {marks}{end}".strip() if marks else f"{body}{end}"
        if s.status == "unverified":
            line = f"{line} ({UNVERIFIED_LABEL})"
        parts.append(line)
    return separator.join(parts)


# -- spans for highlighting ---------------------------------------------------------------------

def best_span(sentence: str, n: int, unit: LegalUnit) -> tuple[int, int, int] | None:
    """(n, start, end): the piece of the cited passage that best supports the sentence."""
    words = content_words(sentence)
    if not words:
        return None
    best, best_score = None, 0.0
    for start, end in passage_pieces(unit.text):
        piece = content_words(unit.text[start:end])
        if not piece:
            continue
        score = len(words & piece) / len(words)
        if score > best_score:
            best, best_score = (n, start, end), score
    return best if best_score > 0 else None
