"""Extractive answering: quote the governing clauses and cite them; never invent.

When nothing relevant scores well enough the answer abstains with
"Không tìm thấy căn cứ trong các văn bản đã nạp" and lists the closest passages as related.
"""

from __future__ import annotations

from rag.config import Settings
from rag.domain import Answer, Citation, Passage
from rag.filters import SearchFilters
from rag.retrieval import Retriever, clean_question

ABSTAIN_TEXT = "Không tìm thấy căn cứ trong các văn bản đã nạp."
SIMILARITY_MARGIN = 0.03  # further citations must be this close to the best passage


def select_citations(passages: list[Passage], max_citations: int, threshold: float) -> list[Passage]:
    """The best passage plus close runners-up (one per unit), all above the threshold."""
    if not passages:
        return []
    best_sim = max((p.similarity or 0.0) for p in passages[:1])
    if best_sim < threshold:
        return []
    chosen: list[Passage] = []
    seen: set[str] = set()
    for passage in passages:
        key = passage.unit.citation + f"#{passage.unit.chunk}"
        if key in seen:
            continue
        if chosen and (passage.similarity or 0.0) < max(threshold, best_sim - SIMILARITY_MARGIN):
            continue
        seen.add(key)
        chosen.append(passage)
        if len(chosen) == max_citations:
            break
    return chosen


def compose(question: str, chosen: list[Passage], related: list[Passage]) -> Answer:
    """Build the extractive answer text from chosen passages (quoted verbatim)."""
    if not chosen:
        return Answer(
            question=question,
            text=ABSTAIN_TEXT,
            abstained=True,
            related=tuple(related),
            warnings=("Không có đoạn văn bản nào đủ liên quan để trích dẫn.",),
        )
    citations = tuple(Citation(n=i + 1, passage=p) for i, p in enumerate(chosen))
    first = citations[0].unit
    lines = [f"Theo {first.citation} [1]:", f"«{first.text}»"]
    if len(citations) > 1:
        lines.append("")
        lines.append("Căn cứ liên quan:")
        for c in citations[1:]:
            lines.append(f"- {c.unit.citation} [{c.n}]: «{c.unit.text}»")
    return Answer(question=question, text="\n".join(lines), citations=citations)


def answer_question(
    retriever: Retriever, settings: Settings, question: str, filters: SearchFilters | None = None
) -> Answer:
    """Retrieve, pick the governing clauses, and quote them with citations."""
    text = clean_question(question, settings.max_question_chars)
    passages = retriever.search(text, top_k=max(settings.top_k, settings.max_citations * 3), filters=filters)
    chosen = select_citations(passages, settings.max_citations, settings.abstain_similarity)
    return compose(text, chosen, passages[:3])
