"""The assistant's retrieval as a llama-index retriever (optional extra ``[llamaindex]``).

An agency that builds its own llama-index application (a query engine, an agent, its own LLM) can
plug in the assistant's search — hybrid dense/BM25 ranking, validity, access control, personal data
redacted from the question — as a ``BaseRetriever``; each node carries the citation fields of
``tthc search --json``. The default install does not need llama-index (ingestion does not use it:
``rag/models/embedding_cache.py`` says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from rag.governance.access import User
    from rag.domain import Passage
    from rag.engine import Engine


def node_metadata(passage: "Passage") -> dict[str, Any]:
    """The citation of a passage: document number, article/clause/point, title, source, page, status."""
    unit = passage.unit
    return {
        "doc": unit.document.doc_number or unit.document.key,
        "article": unit.article_label,
        "clause": unit.clause,
        "point": unit.point,
        "title": unit.article_title,
        "doc_title": unit.document.label,
        "source": unit.document.source,
        "page": unit.page_start,
        "status": passage.badge.status if passage.badge else unit.document.status,
    }


def as_retriever(engine: "Engine", top_k: int | None = None, user: "User | None" = None):
    """A llama-index ``BaseRetriever`` over ``engine.search`` (same ranking, same access rules)."""
    try:
        from llama_index.core.retrievers import BaseRetriever
        from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
    except ImportError as exc:
        raise ConfigError(
            "Thiếu llama-index-core: pip install 'tthc-assistant[llamaindex]' / llama-index-core is not installed"
        ) from exc

    class TthcRetriever(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            passages = engine.search(query_bundle.query_str, top_k, user=user)
            return [
                NodeWithScore(
                    node=TextNode(id_=p.unit_id or None, text=p.unit.text, metadata=node_metadata(p)),
                    score=p.score,
                )
                for p in passages
            ]

    return TthcRetriever()
