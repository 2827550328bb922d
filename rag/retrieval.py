"""Hybrid retrieval: question → ranked passages (dense + BM25 fused by RRF in Qdrant)."""

from __future__ import annotations

from rag.config import Settings
from rag.domain import Passage
from rag.embeddings import Embedder
from rag.errors import IndexMissing, InputError
from rag.sparse import BM25Encoder
from rag.store import UnitStore
from rag.vietnamese import nfc, normalise_space


def clean_question(question: str, max_chars: int) -> str:
    """Normalise a question or raise ``InputError`` with a one-line reason."""
    text = normalise_space(nfc(question or "").replace("\n", " "))
    if not text:
        raise InputError("Câu hỏi trống: hãy nhập nội dung cần hỏi. / Empty question.")
    if len(text) > max_chars:
        raise InputError(
            f"Câu hỏi quá dài ({len(text)} ký tự, tối đa {max_chars}): hãy rút gọn. / "
            f"Question too long ({len(text)} > {max_chars} characters)."
        )
    return text


class Retriever:
    def __init__(self, store: UnitStore, embedder: Embedder, settings: Settings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.sparse = BM25Encoder(settings.bm25_k1, settings.bm25_b, settings.bm25_avgdl, settings.sparse_bigrams)

    def search(self, question: str, top_k: int | None = None) -> list[Passage]:
        """Top units for a question (clause level)."""
        text = clean_question(question, self.settings.max_question_chars)
        if not self.store.exists():
            raise IndexMissing(self.settings.location)
        k = top_k or self.settings.top_k
        dense = self.embedder.embed_queries([text])[0]
        return self.store.hybrid_query(
            dense,
            self.sparse.encode_query(text),
            limit=k,
            prefetch_limit=max(self.settings.prefetch_limit, k),
        )

    def search_articles(self, question: str, top_k: int = 10) -> list[Passage]:
        """Best passage per article, articles ranked by their best unit."""
        seen: set[tuple[str, str]] = set()
        out: list[Passage] = []
        for passage in self.search(question, top_k=top_k * 4):
            key = (passage.unit.document.key, passage.unit.article)
            if key not in seen:
                seen.add(key)
                out.append(passage)
            if len(out) == top_k:
                break
        return out
