"""Retrieval: question → ranked passages, the governing article first.

1. Understand the question (``rag.search.query``): restore diacritics when typed without, add the
   glossary's legal wording, find explicit references ("khoản 2 Điều 37 NĐ 23/2015") with
   ``rag.legal.references`` and resolve them against the index's document records.
2. Explicit references to an article resolve straight to its units and rank first (the named
   clause, or the article's best-matching unit); a named document without an article
   ("Luật Căn cước năm 2023 quy định …") ranks its own articles first.
3. Candidates: clause-level dense (e5) and BM25 (syllables + bigrams) from Qdrant in one batched
   request, honouring the filters; documents named in the question ("Theo Bộ luật Dân sự …")
   get their own candidate request and a boost.
4. Fusion at article level: each article's best dense similarity (min-max normalised) and best
   BM25 score (divided by the top one), weighted 0.45 / 0.55 (tuned on dev); the article is
   represented by its best unit. Reciprocal-rank fusion is the alternative (``fusion = "rrf"``).

Embedded Qdrant scores sparse vectors in Python (seconds per query), so for an embedded index the
candidates come from in-process arrays copied from it (``rag.index.unit_index``); a server searches itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from rag.config import Settings
from rag.domain import Passage
from rag.models.embeddings import Embedder
from rag.errors import IndexMissing, InputError
from rag.domain import SearchFilters
from rag.legal.references import DocumentResolver, find_references
from rag.legal.records import DocumentRecord
from rag.search.cache import load_or_build
from rag.search.query import (
    DiacriticRestorer,
    QueryAnalysis,
    analyse,
    everyday_fingerprint,
    load_glossary,
)
from rag.search.topics import load_topics, shipped_topics
from rag.search.relevance import (
    ArticleTable,
    Candidate,
    Judgement,
    QuestionProfile,
    judge,
    later_years,
    load_or_build_table,
    load_weights,
    missing_named_documents,
    profile,
    rerank,
    why,
)
from rag.models.sparse import make_sparse_encoder
from rag.index.store import UnitStore
from rag.index.unit_index import Hit, UnitIndex, fingerprint
from rag.text.vietnamese import nfc, normalise_space, syllables


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


@dataclass(frozen=True)
class Target:
    """An article (optionally one clause / point of it) named explicitly in the question."""

    doc_key: str
    article: str
    clause: str | None = None
    point: str | None = None


@dataclass(frozen=True)
class ExplicitReferences:
    targets: tuple[Target, ...] = ()  # articles named with their document, in order
    documents: tuple[str, ...] = ()  # document keys named (with or without an article)
    rest: str = ""  # the text without the references ("quy định gì" in "Điều 15 Luật X quy định gì")


def resolve_references(text: str, resolver: DocumentResolver) -> ExplicitReferences:
    """Articles and documents the text names, resolved to the index.

    "Điều 15 Luật Hộ tịch" → Target(60-2014-QH13, 15); "khoản 2 điều 37 NĐ 23/2015" → the clause;
    an article written apart from its document ("Theo Điều 9: … trong Bộ luật Dân sự 2015") takes
    the one document the question names. References to no known document are dropped.
    """
    refs = find_references(text, known_names=resolver.titles)
    documents: list[str] = []
    resolved: list[tuple[object, str | None]] = []
    for ref in refs:
        key = None
        if ref.has_document and not ref.self_document:
            found = resolver.resolve(ref)
            if found.found and found.how != "year_mismatch":
                key = found.record.key
                if key not in documents:
                    documents.append(key)
        resolved.append((ref, key))
    targets: list[Target] = []
    for ref, key in resolved:
        if key is None and len(documents) == 1 and not ref.has_document:
            key = documents[0]
        if key is None:
            continue
        for article in ref.articles:
            single = len(ref.articles) == 1
            target = Target(
                key,
                article,
                ref.clause if single and len(ref.clauses) == 1 else None,
                ref.point if single and len(ref.points) == 1 else None,
            )
            if target not in targets:
                targets.append(target)
    rest, last = [], 0
    for ref in refs:
        rest.append(text[last : ref.start])
        last = max(last, ref.end)
    rest.append(text[last:])
    return ExplicitReferences(tuple(targets), tuple(documents), " ".join("".join(rest).split()))


@dataclass
class ArticleHit:
    """One article in the ranking, with the units that brought it there (best first)."""

    key: ArticleKey
    score: float = 0.0
    candidates: list[Hit] = field(default_factory=list)  # units found, best first
    passages: list[Passage] = field(default_factory=list)  # filled for the articles returned
    dense_rank: int | None = None
    sparse_rank: int | None = None
    referenced: bool = False  # named explicitly in the question
    relevance: Candidate | None = None  # the relevance stage's features and score (rag.search.relevance)

    @property
    def best(self) -> Passage:
        return self.passages[0]


def _ranked_articles(hits: list[Hit]) -> dict[ArticleKey, tuple[int, list[Hit]]]:
    """Article → (rank of its best unit among articles, its units in hit order)."""
    out: dict[ArticleKey, tuple[int, list[Hit]]] = {}
    for h in hits:
        key = (h.doc_key, h.article)
        if key not in out:
            out[key] = (len(out), [h])
        else:
            out[key][1].append(h)
    return out


def _hit(p: Passage) -> Hit:
    return Hit(-1, p.unit_id, p.unit.document.key, p.unit.article, p.score)


class Retriever:
    def __init__(self, store: UnitStore, embedder: Embedder, settings: Settings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.sparse = make_sparse_encoder(settings)
        self.glossary = load_glossary(settings.glossary_file) if settings.glossary_file else load_glossary()
        self._restorer: DiacriticRestorer | None = None
        self._records: list[DocumentRecord] | None = None
        self._resolver: DocumentResolver | None = None
        self._index: UnitIndex | None = None
        self._table: ArticleTable | None = None
        self.weights = load_weights(settings.relevance_weights_file) if settings.relevance_weights_file else load_weights()
        self.law_topics = load_topics(settings.law_topics_file) if settings.law_topics_file else shipped_topics()
        # A restricted retriever (``store.access`` set) may share the search arrays and diacritics
        # model of the unrestricted one; its searches are masked to readable documents before top-k.
        self.shared: Retriever | None = None
        # Validity hook (rag.validity.service.ValidityService.rank): badges; units not in force demoted, or
        # dropped when the filters ask for units in force only.
        self.passage_filter: Callable[[list[Passage], SearchFilters | None], list[Passage]] | None = None

    # -- question understanding ------------------------------------------------------------
    def analyse(self, question: str) -> QueryAnalysis:
        text = clean_question(question, self.settings.max_question_chars)
        restorer = self.restorer() if self.settings.restore_diacritics else None  # also re-reads mistyped tones
        return analyse(text, restorer, self.glossary)

    def restorer(self) -> DiacriticRestorer:
        """The diacritics model of this index (built from its texts once, then cached on disk)."""
        if self._restorer is None and self.shared is not None:
            self._restorer = self.shared.restorer()
        if self._restorer is None:
            self._restorer = load_or_build_restorer(self.store, self._cache_dir(), self.document_records())
        return self._restorer

    def forget_documents(self) -> None:
        """Drop what was cached about the indexed documents (call after ingest/remove/edits)."""
        self._records = None
        self._restorer = None
        self._resolver = None
        self._index = None  # in-process search arrays are rebuilt for the new document set
        self._table = None

    def document_records(self) -> list[DocumentRecord]:
        if self._records is None:
            self._records = self.store.document_records()
        return self._records

    def resolver(self) -> DocumentResolver:
        if self._resolver is None:
            self._resolver = DocumentResolver(self.document_records())
        return self._resolver

    def references(self, text: str, filters: SearchFilters | None = None) -> ExplicitReferences:
        """Explicit references of a question, limited to documents the filters allow."""
        found = resolve_references(text, self.resolver())
        if not filters:
            return found
        allowed = set(self._allowed_documents(filters) or ())
        return ExplicitReferences(
            tuple(t for t in found.targets if t.doc_key in allowed),
            tuple(d for d in found.documents if d in allowed),
            found.rest,
        )

    def unit_index(self) -> UnitIndex | None:
        """In-process search arrays (embedded Qdrant only; a server searches itself)."""
        if self._index is None and self.shared is not None and self._use_unit_index():
            self._index = self.shared.unit_index()
        if self._index is None and self._use_unit_index():
            self._index = load_or_build_unit_index(self.store, self._cache_dir(), self.document_records())
        return self._index

    def article_table(self) -> ArticleTable:
        """Every article's title and text, for the relevance stage (cached beside the index)."""
        if self._table is None and self.shared is not None:
            self._table = self.shared.article_table()
        if self._table is None:
            self._table = load_or_build_table(self.store, self._cache_dir(), fingerprint(self.document_records()))
        return self._table

    def _use_unit_index(self) -> bool:
        mode = self.settings.search_backend
        return mode == "memory" or (mode == "auto" and self.store.backend == "local")

    def _cache_dir(self) -> Path | None:
        if self.settings.qdrant_url or self.store.access is not None:
            return None  # a restricted view never replaces the shared caches
        return Path(self.settings.index_dir)

    def _allowed_documents(self, filters: SearchFilters | None) -> list[str] | None:
        """Documents a search may return: those the filters allow, within the store's access
        (``document_records`` of a restricted store holds only readable documents)."""
        if not filters and self.store.access is None:
            return None
        return [r.key for r in self.document_records() if not filters or filters.allows(r)]

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
        if self.passage_filter is None:
            return [hit.best for hit in self.rank_articles(question, k, filters, mode)]
        pool = [hit.best for hit in self.rank_articles(question, max(k * 3, 20), filters, mode)]
        return self.passage_filter(pool, filters)[:k]

    def search_judged(
        self,
        question: str,
        top_k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> tuple[list[Passage], Judgement]:
        """``search`` plus the relevance stage's verdict: do the passages answer the question?"""
        k = top_k or self.settings.top_k
        hits = self.rank_articles(question, max(k * 3, 20) if self.passage_filter else k, filters)
        pool = [hit.best for hit in hits]
        passages = self.passage_filter(pool)[:k] if self.passage_filter else pool[:k]
        return passages, self.judge(question, hits)

    def judge(self, question: str, hits: list[ArticleHit]) -> Judgement:
        """Answer or abstain (with the reason) for ranked articles of ``question``."""
        referenced = bool(hits) and hits[0].referenced
        named = Judgement(True, code="referenced", details={"why": "điều/văn bản được nêu trong câu hỏi"})
        if not self.settings.relevance_rerank:
            return named if referenced else Judgement(True, code="relevance_off")
        table = self.article_table()
        analysis = self.analyse(question)
        prof = self.profile(analysis)
        # a question naming an indexed article or document is answered from it — unless it also names a
        # document the index lacks or a later year ("Nghị định 118/2025 đã thay Nghị định 61/2018 …")
        missing = missing_named_documents(prof, table)
        if referenced and not missing and not later_years(prof, table):
            return named
        # articles named in the question are not re-scored: when only they were found, they stand as ranked
        ranked = [h.relevance for h in hits if h.relevance is not None] or [
            Candidate(h.key, h.score, i) for i, h in enumerate(hits)]
        return judge(
            prof, ranked, table, self.weights, missing,
            min_dense=max(self.settings.abstain_similarity, self.weights.min_similarity), topics=self.law_topics,
            typed_plain=analysis.original if analysis.restored else None,
        )

    def profile(self, analysis: QueryAnalysis) -> QuestionProfile:
        return profile(analysis.text, subject=analysis.search_text)

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
        refs = self.references(analysis.text, filters)
        dense_vec = self.embedder.embed_queries([text])[0] if mode in ("hybrid", "dense") else None
        sparse_vec = self.sparse.encode_query(analysis.sparse_text) if mode in ("hybrid", "sparse") else None
        pool = max(k, self.settings.candidate_pool)
        known: dict[str, Passage] = {}
        dense_hits, sparse_hits = self._candidates(dense_vec, sparse_vec, pool, filters, known)
        ranked = sorted(self._fuse(dense_hits, sparse_hits, mode).values(), key=lambda h: -h.score)
        if self.settings.relevance_rerank and mode == "hybrid" and ranked:
            ranked = self._rerank(analysis, ranked, dense_vec)
        if refs.documents and not refs.targets:
            ranked = self._named_documents_first(ranked, refs.documents, dense_vec, sparse_vec, pool, filters, mode, known)
        if refs.targets:
            # "Điều 15 Luật Hộ tịch" alone: show the article from its start; with a question
            # around it ("… quy định gì về thời hạn"), show its best-matching unit first
            in_order = len(syllables(refs.rest)) < 4
            ranked = self._targets_first(ranked, refs.targets, in_order)
        ranked = ranked[:k]
        self._materialise(ranked, dense_vec, known)
        return ranked

    def _rerank(self, analysis: QueryAnalysis, ranked: list[ArticleHit], dense_vec) -> list[ArticleHit]:
        """Order the top articles by whether they answer the question (``rag.search.relevance``).

        The pool: the retrieval's top ``relevance_depth`` articles, plus the best few articles of
        documents whose title the question covers (a question that is a document's own title
        finds that document, however its articles scored).
        """
        table = self.article_table()
        prof = self.profile(analysis)
        depth = self.settings.relevance_depth
        pool = ranked[:depth]
        titled = self._title_documents(prof, table)
        if titled:
            per_doc: dict[str, int] = {}
            for h in ranked[depth:]:
                if h.key[0] in titled and per_doc.get(h.key[0], 0) < 5:
                    per_doc[h.key[0]] = per_doc.get(h.key[0], 0) + 1
                    pool.append(h)
        ids = [h.candidates[0].unit_id for h in pool if h.candidates]
        sims = self._similarities(dense_vec, ids, {}) if dense_vec is not None else {}
        candidates = []
        for i, h in enumerate(pool):
            uid = h.candidates[0].unit_id if h.candidates else ""
            candidates.append(Candidate(h.key, h.score, i, sims.get(uid)))
        by_key = {h.key: h for h in pool}
        order = rerank(prof, candidates, table, self.weights)
        out = []
        for c in order:
            hit = by_key[c.key]
            hit.relevance = c
            out.append(hit)
        rest = [h for h in ranked[depth:] if h.key not in by_key]
        # scores stay meaningful (validity demotion compares them): exp(relevance − best), so the
        # first article has 1.0 and one a full point less has 0.37; the unscored rest below them.
        # Scores go to places, not articles: an article the guard (``guard_order``) moved takes the
        # score of its place, so scores never rise down the list.
        best = max((h.relevance.score for h in out), default=0.0)
        places = sorted((max(math.exp(h.relevance.score - best), 1e-9) for h in out), reverse=True)
        for hit, place in zip(out, places):
            hit.score = place
        low = min((h.score for h in out), default=1.0)
        top_rest = max((h.score for h in rest), default=1.0) or 1.0
        for hit in rest:
            hit.score = 0.5 * low * hit.score / top_rest
        return out + rest

    @staticmethod
    def _title_documents(prof: QuestionProfile, table: ArticleTable) -> set[str]:
        """Documents whose title (without its type) the question nearly spells out."""
        asked = set(prof.words)
        out = set()
        for key, words in table.title_words.items():
            if len(words) >= 3 and sum(w in asked for w in words) / len(words) >= 0.8:
                out.add(key)
        return out

    def _candidates(
        self,
        dense_vec,
        sparse_vec,
        pool: int,
        filters: SearchFilters | None,
        known: dict[str, Passage],
        doc_keys: list[str] | None = None,
    ) -> tuple[list[Hit], list[Hit]]:
        """Dense and BM25 candidate units (in-process arrays when embedded, else Qdrant)."""
        index = self.unit_index()
        if index is not None:
            allowed = self._allowed_documents(filters)
            if doc_keys is not None:
                allowed = [d for d in doc_keys if allowed is None or d in allowed]
            return index.search(dense_vec, sparse_vec, pool, pool, allowed)
        if doc_keys is not None:
            filters = (filters or SearchFilters()).with_doc_keys(doc_keys)
        dense_p, sparse_p = self.store.search_units(dense_vec, sparse_vec, pool, pool, filters)
        for p in dense_p + sparse_p:
            if p.unit_id not in known or known[p.unit_id].similarity is None:
                known[p.unit_id] = p
        return [_hit(p) for p in dense_p], [_hit(p) for p in sparse_p]

    def _fuse(self, dense_hits: list[Hit], sparse_hits: list[Hit], mode: Mode) -> dict[ArticleKey, ArticleHit]:
        """Article scores from each article's best dense and best BM25 unit.

        "score" fusion (default): dense cosine min-max normalised over the candidates, BM25
        divided by the best BM25, mixed by the weights; "rrf": weight / (rrf_k + rank).
        """
        s = self.settings
        dense = _ranked_articles(dense_hits)
        sparse = _ranked_articles(sparse_hits)
        wd, ws = s.dense_weight, s.sparse_weight
        if mode == "dense":
            ws = 0.0
        elif mode == "sparse":
            wd = 0.0
        d_best = [units[0].score for _, units in dense.values()]
        d_lo, d_hi = (min(d_best), max(d_best)) if d_best else (0.0, 1.0)
        b_hi = max((units[0].score for _, units in sparse.values()), default=1.0) or 1.0
        hits: dict[ArticleKey, ArticleHit] = {}
        for key in list(dense) + [k for k in sparse if k not in dense]:
            hit = ArticleHit(key)
            d = dense.get(key)
            b = sparse.get(key)
            if d and wd:
                hit.dense_rank = d[0]
                if s.fusion == "rrf":
                    hit.score += wd / (s.rrf_k + d[0] + 1)
                else:
                    hit.score += wd * (d[1][0].score - d_lo) / max(d_hi - d_lo, 1e-9)
            if b and ws:
                hit.sparse_rank = b[0]
                if s.fusion == "rrf":
                    hit.score += ws / (s.rrf_k + b[0] + 1)
                else:
                    hit.score += ws * b[1][0].score / b_hi
            hit.candidates = _best_units(d[1] if d else [], b[1] if b else [])
            if (d and wd) or (b and ws):
                hits[key] = hit
        return hits

    def _named_documents_first(
        self, ranked: list[ArticleHit], documents, dense_vec, sparse_vec, pool: int, filters, mode: Mode, known
    ) -> list[ArticleHit]:
        """Articles of the documents the question names come first (searched within them)."""
        dense_hits, sparse_hits = self._candidates(dense_vec, sparse_vec, pool, filters, known, list(documents))
        first = sorted(self._fuse(dense_hits, sparse_hits, mode).values(), key=lambda h: -h.score)
        top = max((h.score for h in ranked), default=0.0)
        for hit in first:
            hit.referenced = True
            hit.score += top  # above every article of other documents, order kept
        keys = {h.key for h in first}
        return first + [h for h in ranked if h.key not in keys]

    def _targets_first(self, ranked: list[ArticleHit], targets, in_order: bool = False) -> list[ArticleHit]:
        """Articles named explicitly, in the order named, each shown by the named clause."""
        by_key = {h.key: h for h in ranked}
        first: list[ArticleHit] = []
        for t in targets:
            key = (t.doc_key, t.article)
            if any(h.key == key for h in first):
                continue
            units = self.store.units_at(t.doc_key, t.article, t.clause)
            if not units and t.clause is not None:  # no such clause: fall back to the article
                units = self.store.units_at(t.doc_key, t.article)
            if not units:
                continue  # no such article in the index: nothing to put first
            if t.point is not None:
                units = [u for u in units if u.unit.point == t.point] or units
            found = by_key.get(key)
            ids = {u.unit_id for u in units}
            order = [] if in_order else [h.unit_id for h in (found.candidates if found else []) if h.unit_id in ids]
            rank = {uid: i for i, uid in enumerate(order)}
            units.sort(key=lambda u: rank.get(u.unit_id, len(rank)))  # stable: natural order otherwise
            if t.clause is not None:  # the clause named comes first, whatever matched best
                units.sort(key=lambda u: (u.unit.clause != t.clause, u.unit.point != t.point))
            hit = ArticleHit(key, passages=units, referenced=True)
            first.append(hit)
        top = max((h.score for h in ranked), default=0.0)
        for i, hit in enumerate(first):
            hit.score = top + len(first) - i  # above every fused score, in the order named
        keys = {h.key for h in first}
        return first + [h for h in ranked if h.key not in keys]

    def _materialise(self, ranked: list[ArticleHit], dense_vec, known: dict[str, Passage]) -> None:
        """Turn each returned article's best unit into a ``Passage`` (unit, score, similarity)."""
        wanted = [h.candidates[0].unit_id for h in ranked if not h.passages and h.candidates]
        missing = [uid for uid in wanted if uid not in known]
        units = self.store.units_by_ids(missing) if missing else {}
        for uid, passage in known.items():
            units.setdefault(uid, passage.unit)
        ids = [h.passages[0].unit_id if h.passages else h.candidates[0].unit_id for h in ranked if h.passages or h.candidates]
        sims = self._similarities(dense_vec, ids, known)
        out = []
        for h in ranked:
            if h.passages:
                unit, uid = h.passages[0].unit, h.passages[0].unit_id
            elif h.candidates and h.candidates[0].unit_id in units:
                uid = h.candidates[0].unit_id
                unit = units[uid]
            else:
                continue  # a unit deleted since the search arrays were built
            reason = why(h.relevance, self.weights) if h.relevance else None
            h.passages = [Passage(unit=unit, score=h.score, similarity=sims.get(uid), unit_id=uid, why=reason)] + h.passages[1:]
            out.append(h)
        ranked[:] = out

    def _similarities(self, dense_vec, unit_ids: list[str], known: dict[str, Passage]) -> dict[str, float]:
        if dense_vec is None:
            return {}
        index = self.unit_index()
        if index is not None:
            return index.similarity(dense_vec, unit_ids)
        sims = {u: known[u].similarity for u in unit_ids if u in known and known[u].similarity is not None}
        rest = [u for u in unit_ids if u not in sims]
        sims.update(self.store.similarities(dense_vec, rest) if rest else {})
        return sims


def _best_units(dense_units: list[Hit], sparse_units: list[Hit]) -> list[Hit]:
    """An article's units, best first: by reciprocal rank in each list (dense first on ties)."""
    score: dict[str, float] = {}
    by_id: dict[str, Hit] = {}
    for units in (dense_units, sparse_units):
        for rank, h in enumerate(units):
            score[h.unit_id] = score.get(h.unit_id, 0.0) + 1 / (rank + 1)
            by_id.setdefault(h.unit_id, h)
    return [by_id[i] for i in sorted(by_id, key=lambda i: -score[i])]


# -- caches beside the index (rag.search.cache) -------------------------------------------------


def load_or_build_unit_index(store: UnitStore, cache_dir: Path | None, records: list[DocumentRecord]) -> UnitIndex:
    """Load the cached search arrays for exactly these documents, or copy them from Qdrant."""
    path = cache_dir / f"search-arrays-{fingerprint(records)}.npz" if cache_dir else None
    return load_or_build(
        path, UnitIndex.load, lambda: UnitIndex.build(store.iter_vectors()), UnitIndex.save,
        "search-arrays-*.npz", "search arrays",
    )


def load_or_build_restorer(store: UnitStore, cache_dir: Path | None, records: list[DocumentRecord]) -> DiacriticRestorer:
    """Load the cached model for exactly these documents, or count it from the index."""
    name = f"diacritics-{DiacriticRestorer.VERSION}-{fingerprint(records)}-{everyday_fingerprint()}.json.gz"
    path = cache_dir / name if cache_dir else None
    return load_or_build(
        path, DiacriticRestorer.load,
        lambda: DiacriticRestorer.from_texts(f"{u.article_title}\n{u.text}" for u in store.iter_units()),
        DiacriticRestorer.save, "diacritics-*.json.gz", "diacritics",
    )
