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
from typing import Iterable, Literal, Mapping

from rag.domain import AnswerSentence, LegalUnit
from rag.text.quantities import Quantity, extract_quantities
from rag.text.sentences import CITATION_MARKER, passage_pieces, split_sentences
from rag.text.vietnamese import nfc

Policy = Literal["remove", "flag"]
UNVERIFIED_LABEL = "chưa kiểm chứng"

# -- sentences and citation markers --------------------------------------------------------


def citation_numbers(text: str) -> tuple[int, ...]:
    """``[1]``, ``[1, 3]``, ``[2-4]`` → (1,), (1, 3), (2, 3, 4); order kept, duplicates dropped."""
    out: list[int] = []
    for match in CITATION_MARKER.finditer(text):
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
    text = CITATION_MARKER.sub("", text)
    text = re.sub(r"\s+([.,;:!?…])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


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
    return {w for w in _WORD.findall(nfc(CITATION_MARKER.sub(" ", text)).lower()) if w not in _STOPWORDS and len(w) > 1}


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
