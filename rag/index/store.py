"""Qdrant adapter: the only module that speaks qdrant-client.

Embedded by default — the qdrant-edge engine (``rag/index/edge.py``) for a new index, or
qdrant-client's local mode (``QdrantClient(path=...)``) for an index made with it — or a server
by URL, all with the same code path (see ``rag/index/``).
Two collections: ``<name>`` holds one point per unit (dense + BM25 sparse vectors, payload
with the unit and its document); ``<name>_documents`` holds one record per document, written
*after* all its units, so a document is complete exactly when its record exists.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, Iterator, Literal, Sequence

import numpy as np
from qdrant_client import QdrantClient, models

from rag.config import Settings
from rag.domain import LegalUnit, Passage, Procedure, SearchFilters
from rag.errors import IndexLocked, IndexMissing, IndexUnavailable
from rag.legal.records import DocumentRecord, Extraction
from rag.models.sparse import SparseVector
from rag.index import CollectionLayout, VectorClient
from rag.index.payload import (
    PENDING,
    IndexMeta,
    ProcedureSource,
    document_from_payload,
    document_payload,
    extraction_payload,
    holds_file,
    is_document,
    meta_from_payload,
    meta_payload,
    pending_payload,
    procedure_from_payload,
    procedure_payload,
    source_from_payload,
    source_payload,
    unit_from_payload,
    unit_payload,
    validity_edit_payload,
)

log = logging.getLogger(__name__)

DENSE = "dense"
SPARSE = "bm25"
_ID_NAMESPACE = uuid.UUID("9a1c8f0e-7b7d-4c55-9a64-5d3f1f6f2b10")
_META_ID = str(uuid.uuid5(_ID_NAMESPACE, "__meta__"))
Backend = Literal["edge", "local", "server"]
INDEXED_FIELDS = {
    "doc_key": models.PayloadSchemaType.KEYWORD,
    "doc_number": models.PayloadSchemaType.KEYWORD,
    "doc_type": models.PayloadSchemaType.KEYWORD,
    "issuer": models.PayloadSchemaType.KEYWORD,
    "status": models.PayloadSchemaType.KEYWORD,
    "article": models.PayloadSchemaType.KEYWORD,
    "access": models.PayloadSchemaType.KEYWORD,
    "issued_date": models.PayloadSchemaType.DATETIME,
    "effective_date": models.PayloadSchemaType.DATETIME,
}


def unit_id(unit: LegalUnit) -> str:
    """Deterministic point id from the unit's address in its document."""
    address = f"{unit.document.key}|{unit.article}|{unit.clause}|{unit.point}|{unit.chunk}"
    if unit.annex:
        address += f"|{unit.annex}"
    return str(uuid.uuid5(_ID_NAMESPACE, address))


def embedded_backend(configured: str, path: Path) -> str:
    """The embedded engine for an index folder: the configured one, or with ``auto`` the one
    whose files are already there (``edge/`` or ``collection/``), ``edge`` for a new index."""
    if configured != "auto":
        return configured
    if (path / "collection").is_dir() and not (path / "edge").is_dir():
        return "local"
    return "edge"


def document_id(key: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"doc|{key}"))


def open_client(settings: Settings, create: bool = False) -> VectorClient:
    """A client for the configured index; clear errors for a missing or locked index.

    ``TTHC_QDRANT_URL`` → a server or cluster; else ``TTHC_STORE_BACKEND`` (see
    ``embedded_backend``). All speak ``VectorClient``.
    """
    if settings.qdrant_url:
        from rag.index.server import connect

        return connect(settings)
    path = Path(settings.index_dir)
    if embedded_backend(settings.store_backend, path) == "edge":
        from rag.index.edge import EdgeClient, edge_index_exists

        if not create and not edge_index_exists(path):
            raise IndexMissing(str(path))
        return EdgeClient(path, create=create)
    if not create and not (path / "collection").is_dir():
        raise IndexMissing(str(path))
    path.mkdir(parents=True, exist_ok=True)
    try:
        return QdrantClient(path=str(path))
    except RuntimeError as exc:
        if "already accessed" in str(exc):
            raise IndexLocked(str(path)) from exc
        raise


class UnitStore:
    """Units and document records in Qdrant."""

    def __init__(
        self,
        client: VectorClient,
        collection: str = "tthc_units",
        layout: CollectionLayout | None = None,
        access: tuple[str, ...] | None = None,
    ):
        self.client = client
        self.backend = client_backend(client)
        self.units = collection
        self.documents = f"{collection}_documents"
        self.layout = layout or CollectionLayout()
        # Access tags this view may read (None: all). Applied inside every unit and document query.
        self.access = access

    def restricted(self, access: tuple[str, ...] | None) -> "UnitStore":
        """A view of the same collections that only ever returns documents ``access`` allows."""
        return UnitStore(self.client, self.units, self.layout, access)

    def access_filter(self, flt: models.Filter | None = None) -> models.Filter | None:
        """``flt`` plus the access rule: every access tag of a unit must be allowed."""
        if self.access is None:
            return flt
        rule = models.FieldCondition(key="access", match=models.MatchExcept(**{"except": list(self.access)}))
        if flt is None:
            return models.Filter(must_not=[rule])
        return models.Filter(must=[flt], must_not=[rule])

    # -- collections -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.client.collection_exists(self.units)

    def ensure(self, dim: int, embedder_name: str) -> None:
        """Create the collections if needed; refuse an index built with another embedder."""
        if not self.client.collection_exists(self.units):
            self.client.create_collection(
                self.units,
                vectors_config={DENSE: self.layout.dense_params(dim)},
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
                **self.layout.collection_options(),
            )
            if self.backend != "local":  # local mode ignores payload indexes (and warns)
                for name, schema in INDEXED_FIELDS.items():
                    self.client.create_payload_index(self.units, name, schema)
        if not self.client.collection_exists(self.documents):
            self.client.create_collection(self.documents, vectors_config={})
            self.client.upsert(
                self.documents,
                [models.PointStruct(id=_META_ID, vector={}, payload=meta_payload(IndexMeta(embedder_name, dim)))],
            )
        meta = self.meta()
        if meta and meta.embedder != embedder_name:
            raise IndexUnavailable(
                f"Chỉ mục được tạo bằng mô hình nhúng '{meta.embedder}', khác với cấu hình hiện tại "
                f"'{embedder_name}': hãy dùng thư mục chỉ mục khác hoặc nạp lại. / Index was built with "
                "another embedding model."
            )

    def meta(self) -> IndexMeta | None:
        """What the index was built with; None before ``ensure``."""
        if not self.client.collection_exists(self.documents):
            return None
        found = self.client.retrieve(self.documents, [_META_ID], with_payload=True)
        return meta_from_payload(found[0].payload or {}) if found else None

    # -- writes ------------------------------------------------------------------------
    def upsert_units(
        self,
        units: Sequence[LegalUnit],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
    ) -> None:
        points = [
            models.PointStruct(
                id=unit_id(u),
                vector={
                    DENSE: d.tolist(),
                    SPARSE: models.SparseVector(indices=s.indices, values=s.values),
                },
                payload=unit_payload(u),
            )
            for u, d, s in zip(units, dense, sparse)
        ]
        for start in range(0, len(points), 256):
            self.client.upsert(self.units, points[start : start + 256], wait=True)

    def delete_units_of(self, doc_key: str) -> None:
        self.client.delete(
            self.units,
            models.FilterSelector(filter=_match("doc_key", doc_key)),
            wait=True,
        )

    def put_document(self, record: DocumentRecord, file_hash: str = "") -> None:
        """Write a document's record (after all its units): from here on the document is complete.
        ``file_hash``: the sha256 of the file's bytes, for ``unchanged_document``."""
        self.client.upsert(
            self.documents,
            [models.PointStruct(id=document_id(record.key), vector={}, payload=document_payload(record, file_hash))],
            wait=True,
        )

    def mark_pending(self, doc_key: str, source: str) -> None:
        """Replace the document's record by a "being written" marker: until ``put_document``
        succeeds the document counts as absent, and a crashed write is cleaned up next run."""
        self.client.upsert(
            self.documents,
            [models.PointStruct(id=document_id(doc_key), vector={}, payload=pending_payload(doc_key, source))],
            wait=True,
        )

    def pending_documents(self) -> list[str]:
        """Keys of documents whose write was interrupted."""
        if not self.client.collection_exists(self.documents):
            return []
        return [
            str((r.payload or {}).get("key"))
            for r in self._scroll(self.documents, _match_bool(PENDING, True))
        ]

    def delete_document(self, doc_key: str) -> None:
        """Remove the record first (document becomes absent), then its units."""
        self.client.delete(self.documents, models.PointIdsList(points=[document_id(doc_key)]), wait=True)
        self.delete_units_of(doc_key)

    def set_document_validity(
        self, doc_key: str, status: str, effective_from: str | None, effective_to: str | None
    ) -> None:
        """The administrator's status and dates on a document record and all its units
        (``effective_from`` None: the stored start date stays)."""
        fields = validity_edit_payload(status, effective_from, effective_to)
        self.client.set_payload(self.documents, fields, points=[document_id(doc_key)], wait=True)
        self.client.set_payload(self.units, fields, points=_match("doc_key", doc_key), wait=True)

    # -- reads -------------------------------------------------------------------------
    def document_record(self, doc_key: str) -> DocumentRecord | None:
        """The complete record of one document this view may read, else None."""
        payload = self._document_payload(doc_key)
        return document_from_payload(payload) if payload is not None else None

    def document_records(self) -> list[DocumentRecord]:
        """Every complete document record this view may read."""
        if not self.client.collection_exists(self.documents):
            return []
        return [document_from_payload(r.payload or {}) for r in self._scroll(self.documents) if is_document(r.payload)]

    def document_records_by_source(self, source: str) -> list[DocumentRecord]:
        """Complete document records read from the file ``source``."""
        if not self.client.collection_exists(self.documents):
            return []
        return [
            document_from_payload(r.payload or {})
            for r in self._scroll(self.documents, _match("source", source))
            if is_document(r.payload)
        ]

    def unchanged_document(self, source: str, file_hash: str) -> DocumentRecord | None:
        """The document read from the file ``source`` when its bytes were ``file_hash`` (its validity
        extracted too): that file needs no parsing."""
        if not file_hash or not self.client.collection_exists(self.documents):
            return None
        for r in self._scroll(self.documents, _match("source", source)):
            if is_document(r.payload) and holds_file(r.payload or {}, file_hash):
                return document_from_payload(r.payload or {})
        return None

    def is_current(self, doc_key: str, file_hash: str, validity: Extraction) -> bool:
        """Whether the stored record of ``doc_key`` already holds this validity extraction and, when
        ``file_hash`` is given, was written from those bytes (else the record is rewritten)."""
        payload = self._document_payload(doc_key)
        if payload is None or payload.get("validity") != extraction_payload(validity):
            return False
        return not file_hash or holds_file(payload, file_hash)

    def _document_payload(self, doc_key: str) -> dict[str, Any] | None:
        found = self.client.retrieve(self.documents, [document_id(doc_key)], with_payload=True)
        payload = dict(found[0].payload or {}) if found else None
        if payload is None or not is_document(payload) or not self._readable(payload):
            return None
        return payload

    def unit_count(self) -> int:
        if not self.exists():
            return 0
        return self.client.count(self.units, count_filter=self.access_filter(), exact=True).count

    def units_of(self, doc_key: str, article: str | None = None) -> list[LegalUnit]:
        flt = _match("doc_key", doc_key)
        if article is not None:
            flt.must.append(models.FieldCondition(key="article", match=models.MatchValue(value=article)))
        return [unit_from_payload(r.payload or {}) for r in self._scroll(self.units, flt)]

    def iter_vectors(self) -> Iterator[tuple[str, str, str, list[float], SparseVector]]:
        """(unit id, doc key, article, dense vector, BM25 sparse vector) of every unit."""
        pages = scroll_pages(
            self.client, self.units, self.access_filter(),
            with_payload=models.PayloadSelectorInclude(include=["doc_key", "article"]),
            with_vectors=[DENSE, SPARSE], limit=1024,
        )
        for records in pages:
            for r in records:
                vectors = r.vector if isinstance(r.vector, dict) else {}
                sparse = vectors.get(SPARSE)
                payload = r.payload or {}
                yield (
                    str(r.id),
                    str(payload.get("doc_key", "")),
                    str(payload.get("article", "")),
                    vectors.get(DENSE) or [],
                    SparseVector(list(sparse.indices), list(sparse.values)) if sparse else SparseVector([], []),
                )

    def units_by_ids(self, unit_ids: Sequence[str]) -> dict[str, LegalUnit]:
        if not unit_ids:
            return {}
        records = self.client.retrieve(self.units, list(unit_ids), with_payload=True, with_vectors=False)
        return {str(r.id): unit_from_payload(r.payload or {}) for r in records if self._readable(r.payload)}

    def _readable(self, payload: dict[str, Any] | None) -> bool:
        """Whether this view may read a point fetched by id (ids bypass the query filter)."""
        return self.access is None or set((payload or {}).get("access") or ()) <= set(self.access)

    def iter_units(self) -> Iterator[LegalUnit]:
        """Every unit in the index (payload only), in storage order."""
        for record in self._scroll(self.units):
            yield unit_from_payload(record.payload or {})

    def search_units(
        self,
        dense: np.ndarray | None,
        sparse: SparseVector | None,
        dense_limit: int,
        sparse_limit: int,
        filters: SearchFilters | None = None,
    ) -> tuple[list[Passage], list[Passage]]:
        """Dense and BM25 candidates in one batched request: (dense hits, sparse hits).

        Dense hits carry the cosine similarity; sparse hits carry the BM25 score and no
        similarity (see ``similarities``).
        """
        flt = self.access_filter(payload_filter(filters))
        requests, kinds = [], []
        if dense is not None and dense_limit > 0:
            requests.append(
                models.QueryRequest(
                    query=dense.tolist(), using=DENSE, limit=dense_limit, filter=flt, with_payload=True,
                    params=self.layout.search_params(),
                )
            )
            kinds.append("dense")
        if sparse is not None and sparse.indices and sparse_limit > 0:
            requests.append(
                models.QueryRequest(
                    query=models.SparseVector(indices=sparse.indices, values=sparse.values),
                    using=SPARSE,
                    limit=sparse_limit,
                    filter=flt,
                    with_payload=True,
                )
            )
            kinds.append("sparse")
        found: dict[str, list[Passage]] = {"dense": [], "sparse": []}
        if requests:
            for kind, response in zip(kinds, self.client.query_batch_points(self.units, requests)):
                found[kind] = [
                    Passage(
                        unit=unit_from_payload(p.payload or {}),
                        score=float(p.score),
                        similarity=float(p.score) if kind == "dense" else None,
                        unit_id=str(p.id),
                    )
                    for p in response.points
                ]
        return found["dense"], found["sparse"]

    def similarities(self, dense: np.ndarray, unit_ids: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of the query vector to the stored vectors of the given units."""
        if not unit_ids:
            return {}
        records = self.client.retrieve(
            self.units, list(unit_ids), with_payload=self.access is not None, with_vectors=[DENSE]
        )
        out = {}
        for r in records:
            if not self._readable(r.payload):
                continue
            vec = r.vector.get(DENSE) if isinstance(r.vector, dict) else None
            if vec is not None:
                out[str(r.id)] = float(np.dot(np.asarray(vec, dtype=np.float32), dense))
        return out

    def units_at(self, doc_key: str, article: str, clause: str | None = None) -> list[Passage]:
        """The units of one article (or one clause of it), as passages with an id."""
        flt = _match("doc_key", doc_key)
        flt.must.append(models.FieldCondition(key="article", match=models.MatchValue(value=article)))
        out = []
        for r in self._scroll(self.units, flt):
            unit = unit_from_payload(r.payload or {})
            if clause is None or unit.clause == clause:
                out.append(Passage(unit=unit, score=0.0, unit_id=str(r.id)))
        out.sort(key=lambda p: (_natural(p.unit.clause), _natural(p.unit.point), p.unit.chunk))
        return out

    def _scroll(self, collection: str, flt: models.Filter | None = None) -> Iterator[models.Record]:
        """Every record of a collection matching ``flt`` and this view's access rule."""
        for page in scroll_pages(self.client, collection, self.access_filter(flt)):
            yield from page


def scroll_pages(
    client: VectorClient,
    collection: str,
    flt: models.Filter | None = None,
    with_payload: Any = True,
    with_vectors: Any = False,
    limit: int = 512,
) -> Iterator[list[models.Record]]:
    """Every record of a collection, one page (``limit`` records) at a time."""
    offset = None
    while True:
        records, offset = client.scroll(
            collection, scroll_filter=flt, limit=limit, offset=offset, with_payload=with_payload,
            with_vectors=with_vectors,
        )
        yield records
        if offset is None:
            return


def client_backend(client: VectorClient) -> Backend:
    """The engine behind a client, from public API: the edge engine, qdrant-client's local mode
    (opened with ``path`` or ``:memory:``), or a server."""
    from rag.index.edge import EdgeClient

    if isinstance(client, EdgeClient):
        return "edge"
    if isinstance(client, QdrantClient):
        options = client.init_options
        if options.get("path") is not None or options.get("location") == ":memory:":
            return "local"
    return "server"


def _natural(value: str | None) -> tuple[int, str]:
    """Sort key for clause/point labels: None first, then "2" < "10", then "a" < "b"."""
    if value is None:
        return (-1, "")
    digits = "".join(c for c in value if c.isdigit())
    return (int(digits) if digits else 10**6, value)


def payload_filter(filters: SearchFilters | None) -> models.Filter | None:
    """Qdrant payload filter for ``SearchFilters`` (None when nothing is filtered)."""
    if not filters:
        return None
    must: list[models.Condition] = []
    for key, values in (
        ("doc_type", filters.doc_types),
        ("issuer", filters.issuers),
        ("doc_number", filters.doc_numbers),
        ("doc_key", filters.doc_keys),  # validity conditions arrive here as documents (ValidityService)
    ):
        if values:
            must.append(models.FieldCondition(key=key, match=models.MatchAny(any=list(values))))
    if filters.issued_from or filters.issued_to:
        must.append(
            models.FieldCondition(
                key="issued_date",
                range=models.DatetimeRange(gte=filters.issued_from, lte=filters.issued_to),
            )
        )
    return models.Filter(must=must)


def _match_bool(key: str, value: bool) -> models.Filter:
    return models.Filter(must=[models.FieldCondition(key=key, match=models.MatchValue(value=value))])


def _hybrid_prefetch(
    dense: np.ndarray,
    sparse: SparseVector,
    limit: int,
    flt: models.Filter | None,
    params: models.SearchParams | None = None,
) -> list[models.Prefetch]:
    """The dense prefetch, plus the BM25 one when the query has terms, for ``_fused_points``."""
    prefetch = [models.Prefetch(query=dense.tolist(), using=DENSE, limit=limit, filter=flt, params=params)]
    if sparse.indices:
        prefetch.append(
            models.Prefetch(
                query=models.SparseVector(indices=sparse.indices, values=sparse.values),
                using=SPARSE,
                limit=limit,
                filter=flt,
            )
        )
    return prefetch


def _fused_points(
    client: QdrantClient, collection: str, prefetch: list[models.Prefetch], dense: np.ndarray, limit: int
) -> list[tuple[Any, float | None]]:
    """RRF-fused points of one ``query_points`` call, each with its dense cosine similarity."""
    response = client.query_points(
        collection,
        prefetch=prefetch,
        query=models.FusionQuery(fusion=models.Fusion.RRF),
        limit=limit,
        with_payload=True,
        with_vectors=[DENSE],
    )
    out = []
    for point in response.points:
        vec = point.vector.get(DENSE) if isinstance(point.vector, dict) else None
        similarity = float(np.dot(np.asarray(vec, dtype=np.float32), dense)) if vec is not None else None
        out.append((point, similarity))
    return out


def _match(key: str, value: str) -> models.Filter:
    return models.Filter(must=[models.FieldCondition(key=key, match=models.MatchValue(value=value))])


# -- procedure cards -------------------------------------------------------------------------

PROCEDURE_INDEXED_FIELDS = {
    "field": models.PayloadSchemaType.KEYWORD,
    "level": models.PayloadSchemaType.KEYWORD,
    "code": models.PayloadSchemaType.KEYWORD,
    "source_file": models.PayloadSchemaType.KEYWORD,
}


def procedure_id(key: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"procedure|{key}"))


class ProcedureStore:
    """Procedure cards in ``<name>_procedures`` (dense + BM25 vectors, the card as payload) and
    one record per source file in ``<name>_procedure_sources`` (written after its cards)."""

    def __init__(self, client: VectorClient, collection: str = "tthc_units"):
        self.client = client
        self.backend = client_backend(client)
        self.cards = f"{collection}_procedures"
        self.sources = f"{collection}_procedure_sources"

    def exists(self) -> bool:
        return self.client.collection_exists(self.cards)

    def ensure(self, dim: int) -> None:
        if not self.client.collection_exists(self.cards):
            self.client.create_collection(
                self.cards,
                vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)},
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            )
            if self.backend != "local":
                for name, schema in PROCEDURE_INDEXED_FIELDS.items():
                    self.client.create_payload_index(self.cards, name, schema)
        if not self.client.collection_exists(self.sources):
            self.client.create_collection(self.sources, vectors_config={})

    # -- writes ------------------------------------------------------------------------
    def upsert(self, procedures: Sequence[Procedure], dense: np.ndarray, sparse: Sequence[SparseVector]) -> None:
        points = [
            models.PointStruct(
                id=procedure_id(p.key),
                vector={DENSE: d.tolist(), SPARSE: models.SparseVector(indices=s.indices, values=s.values)},
                payload=procedure_payload(p),
            )
            for p, d, s in zip(procedures, dense, sparse)
        ]
        for start in range(0, len(points), 128):
            self.client.upsert(self.cards, points[start : start + 128], wait=True)

    def delete_source(self, path: str) -> None:
        """Forget a source file: its record first, then its cards."""
        if self.client.collection_exists(self.sources):
            self.client.delete(self.sources, models.PointIdsList(points=[_source_id(path)]), wait=True)
        if self.exists():
            self.client.delete(self.cards, models.FilterSelector(filter=_match("source_file", path)), wait=True)

    def put_source(self, path: str, content_hash: str, count: int) -> None:
        payload = source_payload(ProcedureSource(path, content_hash, count))
        self.client.upsert(self.sources, [models.PointStruct(id=_source_id(path), vector={}, payload=payload)], wait=True)

    # -- reads -------------------------------------------------------------------------
    def source_record(self, path: str) -> ProcedureSource | None:
        """The indexed source file ``path`` (written after its cards), or None."""
        if not self.client.collection_exists(self.sources):
            return None
        found = self.client.retrieve(self.sources, [_source_id(path)], with_payload=True)
        return source_from_payload(found[0].payload or {}) if found else None

    def count(self) -> int:
        return self.client.count(self.cards, exact=True).count if self.exists() else 0

    def all(self) -> list[Procedure]:
        if not self.exists():
            return []
        return [
            procedure_from_payload(r.payload or {})
            for page in scroll_pages(self.client, self.cards, limit=256)
            for r in page
        ]

    def get(self, key: str) -> Procedure | None:
        if not self.exists():
            return None
        found = self.client.retrieve(self.cards, [procedure_id(key)], with_payload=True)
        return procedure_from_payload(found[0].payload or {}) if found else None

    def hybrid_query(
        self,
        dense: np.ndarray,
        sparse: SparseVector,
        limit: int,
        prefetch_limit: int,
        conditions: dict[str, str] | None = None,
    ) -> list[tuple[Procedure, float, float | None]]:
        """(card, fused RRF score, dense similarity), best first; ``conditions`` filter by payload."""
        flt = None
        if conditions:
            flt = models.Filter(
                must=[models.FieldCondition(key=k, match=models.MatchValue(value=v)) for k, v in conditions.items()]
            )
        prefetch = _hybrid_prefetch(dense, sparse, prefetch_limit, flt)
        out = []
        for point, similarity in _fused_points(self.client, self.cards, prefetch, dense, limit):
            out.append((procedure_from_payload(point.payload or {}), float(point.score), similarity))
        return out


def _source_id(path: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"procedure-source|{path}"))
