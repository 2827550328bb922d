"""Retrieval: question → ranked passages, the governing article first.

1. Understand the question (``rag.query``): restore diacritics when typed without, add the
   glossary's legal wording, find explicit references ("khoản 2 Điều 37 NĐ 23/2015").
2. Explicit references to an article resolve straight to its units and rank first.
3. Candidates: clause-level dense (e5) and BM25 (syllables + bigrams) from Qdrant in one batched
   request, honouring the filters; documents named in the question ("Theo Bộ luật Dân sự …")
   get their own candidate request and a boost.
4. Fusion at article level: weighted reciprocal-rank fusion of each article's best dense and best
   BM25 unit; the article is represented by its best unit.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rag.config import Settings
from rag.domain import Passage
from rag.embeddings import Embedder
from rag.errors import IndexMissing, InputError
from rag.filters import SearchFilters
from rag.query import DiacriticRestorer, QueryAnalysis, analyse, is_unaccented, load_glossary
from rag.sparse import BM25Encoder
from rag.store import UnitStore
from rag.vietnamese import nfc, normalise_space

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "sparse"]
ArticleKey = tuple[str, str]  # (document key, article number)


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


@dataclass
class ArticleHit:
    """One article in the ranking, with the units that brought it there (best first)."""

    key: ArticleKey
    score: float = 0.0
    passages: list[Passage] = field(default_factory=list)
    dense_rank: int | None = None
    sparse_rank: int | None = None
    referenced: bool = False  # named explicitly in the question

    @property
    def best(self) -> Passage:
        return self.passages[0]


def _article_key(p: Passage) -> ArticleKey:
    return (p.unit.document.key, p.unit.article)


def _ranked_articles(hits: list[Passage]) -> dict[ArticleKey, tuple[int, list[Passage]]]:
    """Article → (rank of its best unit among articles, its units in hit order)."""
    out: dict[ArticleKey, tuple[int, list[Passage]]] = {}
    for p in hits:
        key = _article_key(p)
        if key not in out:
            out[key] = (len(out), [p])
        else:
            out[key][1].append(p)
    return out


class Retriever:
    def __init__(self, store: UnitStore, embedder: Embedder, settings: Settings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.sparse = BM25Encoder(settings.bm25_k1, settings.bm25_b, settings.bm25_avgdl, settings.sparse_bigrams)
        self.glossary = load_glossary(settings.glossary_file) if settings.glossary_file else load_glossary()
        self._restorer: DiacriticRestorer | None = None
        self._records: list[dict] | None = None

    # -- question understanding ------------------------------------------------------------
    def analyse(self, question: str) -> QueryAnalysis:
        text = clean_question(question, self.settings.max_question_chars)
        restorer = self.restorer() if self.settings.restore_diacritics and is_unaccented(text) else None
        return analyse(text, restorer, self.glossary)

    def restorer(self) -> DiacriticRestorer:
        """The diacritics model of this index (built from its texts once, then cached on disk)."""
        if self._restorer is None:
            self._restorer = load_or_build_restorer(self.store, self._cache_dir(), self.document_records())
        return self._restorer

    def forget_documents(self) -> None:
        """Drop what was cached about the indexed documents (call after ingest/remove/edits)."""
        self._records = None
        self._restorer = None

    def document_records(self) -> list[dict]:
        if self._records is None:
            self._records = self.store.document_records()
        return self._records

    def _cache_dir(self) -> Path | None:
        if self.settings.qdrant_url:
            return None
        return Path(self.settings.index_dir)

    # -- search ----------------------------------------------------------------------------
    def search(
        self,
        question: str,
        top_k: int | None = None,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
    ) -> list[Passage]:
        """Top passages for a question: the best unit of each of the top articles."""
        k = top_k or self.settings.top_k
        return [hit.best for hit in self.rank_articles(question, k, filters, mode)]

    def search_articles(
        self,
        question: str,
        top_k: int = 10,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
    ) -> list[Passage]:
        """Best passage per article, articles ranked (same as ``search``, kept for callers)."""
        return self.search(question, top_k, filters, mode)

    def rank_articles(
        self,
        question: str,
        k: int,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
    ) -> list[ArticleHit]:
        analysis = self.analyse(question)
        if not self.store.exists():
            raise IndexMissing(self.settings.location)
        text = analysis.search_text
        s = self.settings
        dense_vec = self.embedder.embed_queries([text])[0] if mode in ("hybrid", "dense") else None
        sparse_vec = self.sparse.encode_query(text) if mode in ("hybrid", "sparse") else None
        pool = max(k, s.candidate_pool)
        dense_hits, sparse_hits = self.store.search_units(dense_vec, sparse_vec, pool, pool, filters)
        hits = self._fuse(dense_hits, sparse_hits, mode)
        ranked = sorted(hits.values(), key=lambda h: -h.score)[:k]
        if dense_vec is not None:
            self._fill_similarity(ranked, dense_vec)
        return ranked

    def _fuse(self, dense_hits: list[Passage], sparse_hits: list[Passage], mode: Mode) -> dict[ArticleKey, ArticleHit]:
        s = self.settings
        dense = _ranked_articles(dense_hits)
        sparse = _ranked_articles(sparse_hits)
        hits: dict[ArticleKey, ArticleHit] = {}
        for key in list(dense) + [k for k in sparse if k not in dense]:
            hit = ArticleHit(key)
            d = dense.get(key)
            b = sparse.get(key)
            if d and mode != "sparse":
                hit.dense_rank = d[0]
                hit.score += s.dense_weight / (s.rrf_k + d[0] + 1)
            if b and mode != "dense":
                hit.sparse_rank = b[0]
                hit.score += s.sparse_weight / (s.rrf_k + b[0] + 1)
            hit.passages = _best_units(d[1] if d else [], b[1] if b else [])
            hits[key] = hit
        return hits

    def _fill_similarity(self, ranked: list[ArticleHit], dense_vec) -> None:
        """Every returned passage gets its dense similarity (used to decide abstention)."""
        missing = [h.best.unit_id for h in ranked if h.best.similarity is None and h.best.unit_id]
        sims = self.store.similarities(dense_vec, missing) if missing else {}
        for h in ranked:
            best = h.best
            sim = best.similarity if best.similarity is not None else sims.get(best.unit_id)
            h.passages[0] = Passage(unit=best.unit, score=h.score, similarity=sim, unit_id=best.unit_id)


def _best_units(dense_units: list[Passage], sparse_units: list[Passage]) -> list[Passage]:
    """An article's units, best first: ranked by reciprocal rank in each list (dense first on ties)."""
    score: dict[str, float] = {}
    by_id: dict[str, Passage] = {}
    for units in (dense_units, sparse_units):
        for rank, p in enumerate(units):
            score[p.unit_id] = score.get(p.unit_id, 0.0) + 1 / (rank + 1)
            if p.unit_id not in by_id or by_id[p.unit_id].similarity is None:
                by_id[p.unit_id] = p
    return [by_id[i] for i in sorted(by_id, key=lambda i: -score[i])]


# -- the diacritics model cache ----------------------------------------------------------------


def _fingerprint(records: list[dict]) -> str:
    digest = hashlib.sha256()
    for r in sorted(records, key=lambda r: str(r.get("key"))):
        digest.update(f"{r.get('key')}|{r.get('content_hash')}|{r.get('unit_count')}\n".encode())
    return digest.hexdigest()[:16]


def load_or_build_restorer(store: UnitStore, cache_dir: Path | None, records: list[dict]) -> DiacriticRestorer:
    """Load the cached model for exactly these documents, or count it from the index."""
    name = f"diacritics-{DiacriticRestorer.VERSION}-{_fingerprint(records)}.json.gz"
    path = cache_dir / name if cache_dir else None
    if path and path.is_file():
        try:
            return DiacriticRestorer.load(path)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("diacritics cache unreadable (%s), rebuilding", exc)
    restorer = DiacriticRestorer.from_texts(
        f"{u.article_title}\n{u.text}" for u in store.iter_units()
    )
    if path:
        try:
            for old in path.parent.glob("diacritics-*.json.gz"):
                old.unlink()
            restorer.save(path)
        except OSError as exc:  # a read-only index still works, just slower to start
            log.info("cannot cache the diacritics model in %s: %s", path.parent, exc)
    return restorer
