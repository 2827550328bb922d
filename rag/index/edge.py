"""Embedded backend on qdrant-edge-py: Qdrant's own engine in-process (HNSW, payload indexes, WAL).

``EdgeClient`` implements the ``VectorClient`` subset of ``QdrantClient`` on top of one
``EdgeShard`` per collection (``<index>/edge/<collection>/``), translating qdrant-client
``models`` in and out, so ``UnitStore`` runs on it unchanged. One process owns the folder:
a second one gets ``IndexLocked``, as with the local mode.

Writes land in an appendable segment (brute-force searchable at once) and the WAL; on
``close()`` after writes, or on ``optimize()``, the shard builds its HNSW and payload indexes.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from qdrant_client import models
from qdrant_client.http import models as http_models

from rag.errors import ConfigError, IndexLocked

log = logging.getLogger(__name__)

EDGE_DIR = "edge"
_EMPTY_VECTOR = "_none"  # an edge shard needs a vector; payload-only collections get an unused sparse one
_RRF_K = 2  # qdrant server's and qdrant-client local mode's default RRF constant


def _edge():
    try:
        import qdrant_edge
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError(
            "Thiếu gói qdrant-edge-py (bộ máy chỉ mục mặc định): pip install qdrant-edge-py, hoặc đặt "
            "TTHC_STORE_BACKEND=local / "
            "qdrant-edge-py is not installed."
        ) from exc
    return qdrant_edge


def edge_index_exists(path: Path) -> bool:
    return (Path(path) / EDGE_DIR).is_dir()


class EdgeClient:
    """A QdrantClient look-alike over qdrant-edge shards in ``<path>/edge``."""

    def __init__(self, path: Path | str, create: bool = False):
        self._e = _edge()
        self.root = Path(path) / EDGE_DIR
        if create:
            self.root.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.root / ".lock", "a+")  # noqa: SIM115 - held for the client's life
        try:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._lock_file.close()
            raise IndexLocked(str(path)) from exc
        self._shards: dict[str, Any] = {}
        self._dirty: set[str] = set()
        self._lock = threading.RLock()  # writes and shard opening; reads run concurrently
        self._closed = False

    # -- collections -------------------------------------------------------------------
    def _dir(self, name: str) -> Path:
        if not name or "/" in name or name.startswith("."):
            raise ConfigError(f"Tên collection không hợp lệ: {name!r} / invalid collection name")
        return self.root / name

    def collection_exists(self, collection_name: str) -> bool:
        return collection_name in self._shards or (self._dir(collection_name) / "edge_config.json").is_file()

    def _shard(self, name: str) -> Any:
        shard = self._shards.get(name)
        if shard is not None:
            return shard
        with self._lock:
            if self._closed:  # a late reader (e.g. a worker thread) must not reopen a released folder
                raise RuntimeError("EdgeClient is closed")
            if name not in self._shards:
                if not self.collection_exists(name):
                    raise ValueError(f"Collection {name} not found")
                self._shards[name] = self._e.EdgeShard.load(str(self._dir(name)))
            return self._shards[name]

    def create_collection(
        self,
        collection_name: str,
        vectors_config: models.VectorParams | Mapping[str, models.VectorParams] | None = None,
        sparse_vectors_config: Mapping[str, models.SparseVectorParams] | None = None,
        quantization_config: Any = None,
        hnsw_config: models.HnswConfigDiff | None = None,
        on_disk_payload: bool | None = None,
        **ignored: Any,  # shard_number, replication_factor, ...: cluster-only options
    ) -> bool:
        e = self._e
        if isinstance(vectors_config, models.VectorParams):
            vectors_config = {"": vectors_config}
        quant = self._quantization(quantization_config)
        vectors = {
            name: e.EdgeVectorParams(
                size=params.size,
                distance=getattr(e.Distance, params.distance.name.title()),
                on_disk=params.on_disk,
                quantization_config=self._quantization(params.quantization_config) or quant,
            )
            for name, params in (vectors_config or {}).items()
        }
        sparse = {
            name: e.EdgeSparseVectorParams(
                modifier=e.Modifier.Idf if params.modifier == models.Modifier.IDF else None
            )
            for name, params in (sparse_vectors_config or {}).items()
        }
        if not vectors and not sparse:
            sparse = {_EMPTY_VECTOR: e.EdgeSparseVectorParams()}
        hnsw = None
        if hnsw_config is not None and (hnsw_config.m or hnsw_config.ef_construct):
            hnsw = e.HnswIndexConfig(
                m=hnsw_config.m or 16,
                ef_construct=hnsw_config.ef_construct or 100,
                full_scan_threshold=hnsw_config.full_scan_threshold or 10_000,
            )
        config = e.EdgeConfig(
            vectors=vectors or None,
            sparse_vectors=sparse or None,
            on_disk_payload=on_disk_payload,
            hnsw_config=hnsw,
        )
        with self._lock:
            self._shards[collection_name] = e.EdgeShard.create(str(self._dir(collection_name)), config)
            self._dirty.add(collection_name)
        return True

    def delete_collection(self, collection_name: str, **kwargs: Any) -> bool:
        with self._lock:
            shard = self._shards.pop(collection_name, None)
            if shard is not None:
                shard.close()
            self._dirty.discard(collection_name)
            shutil.rmtree(self._dir(collection_name), ignore_errors=True)
        return True

    def create_payload_index(self, collection_name: str, field_name: str, field_schema: Any = None, **kwargs: Any) -> None:
        e = self._e
        name = getattr(field_schema, "value", field_schema) or "keyword"
        schema = getattr(e.PayloadSchemaType, str(name).title(), e.PayloadSchemaType.Keyword)
        self._update(collection_name, e.UpdateOperation.create_field_index(field_name, schema))

    # -- writes ------------------------------------------------------------------------
    def _update(self, name: str, operation: Any) -> None:
        shard = self._shard(name)
        with self._lock:
            shard.update(operation)
            self._dirty.add(name)

    def upsert(self, collection_name: str, points: Sequence[models.PointStruct], wait: bool = True, **kwargs: Any) -> None:
        if not isinstance(points, (list, tuple)):
            raise ConfigError("Edge backend: upsert needs a list of PointStruct / batches are not supported")
        e = self._e
        converted = [e.Point(_point_id(p.id), self._vector(p.vector), p.payload or {}) for p in points]
        if converted:
            self._update(collection_name, e.UpdateOperation.upsert_points(converted))

    def delete(self, collection_name: str, points_selector: Any, wait: bool = True, **kwargs: Any) -> None:
        e = self._e
        ids, flt = _selector(points_selector)
        if ids is not None:
            op = e.UpdateOperation.delete_points([_point_id(i) for i in ids])
        else:
            op = e.UpdateOperation.delete_points_by_filter(self._filter(flt))
        self._update(collection_name, op)

    def set_payload(
        self, collection_name: str, payload: dict[str, Any], points: Any, key: str | None = None, wait: bool = True, **kwargs: Any
    ) -> None:
        e = self._e
        ids, flt = _selector(points)
        if ids is not None:
            op = e.UpdateOperation.set_payload([_point_id(i) for i in ids], payload, key)
        else:
            op = e.UpdateOperation.set_payload_by_filter(self._filter(flt), payload, key)
        self._update(collection_name, op)

    def overwrite_payload(self, collection_name: str, payload: dict[str, Any], points: Any, wait: bool = True, **kwargs: Any) -> None:
        e = self._e
        ids, flt = _selector(points)
        if ids is not None:
            op = e.UpdateOperation.overwrite_payload([_point_id(i) for i in ids], payload)
        else:
            op = e.UpdateOperation.overwrite_payload_by_filter(self._filter(flt), payload)
        self._update(collection_name, op)

    # -- reads -------------------------------------------------------------------------
    def retrieve(
        self, collection_name: str, ids: Sequence[Any], with_payload: Any = True, with_vectors: Any = False, **kwargs: Any
    ) -> list[models.Record]:
        records = self._shard(collection_name).retrieve(
            [_point_id(i) for i in ids], with_payload=self._with_payload(with_payload), with_vector=with_vectors
        )
        return [_record(r) for r in records]

    def count(self, collection_name: str, count_filter: models.Filter | None = None, exact: bool = True, **kwargs: Any) -> models.CountResult:
        request = self._e.CountRequest(exact=exact, filter=self._filter(count_filter))
        return models.CountResult(count=self._shard(collection_name).count(request))

    def scroll(
        self,
        collection_name: str,
        scroll_filter: models.Filter | None = None,
        limit: int = 10,
        offset: Any = None,
        with_payload: Any = True,
        with_vectors: Any = False,
        **kwargs: Any,
    ) -> tuple[list[models.Record], Any]:
        request = self._e.ScrollRequest(
            offset=None if offset is None else _point_id(offset),
            limit=limit,
            filter=self._filter(scroll_filter),
            with_payload=self._with_payload(with_payload),
            with_vector=with_vectors,
        )
        records, next_offset = self._shard(collection_name).scroll(request)
        return [_record(r) for r in records], None if next_offset is None else _out_id(next_offset)

    def query_points(
        self,
        collection_name: str,
        query: Any = None,
        using: str | None = None,
        prefetch: models.Prefetch | list[models.Prefetch] | None = None,
        query_filter: models.Filter | None = None,
        search_params: models.SearchParams | None = None,
        limit: int = 10,
        offset: int | None = None,
        with_payload: Any = True,
        with_vectors: Any = False,
        score_threshold: float | None = None,
        **kwargs: Any,
    ) -> http_models.QueryResponse:
        if prefetch is not None and not isinstance(prefetch, list):
            prefetch = [prefetch]
        request = self._e.QueryRequest(
            limit=limit,
            offset=offset,
            query=self._query(query, using),
            prefetches=[self._prefetch(p) for p in prefetch or []] or None,
            with_vector=with_vectors,
            with_payload=self._with_payload(with_payload),
            filter=self._filter(query_filter),
            score_threshold=score_threshold,
            params=self._params(search_params),
        )
        found = self._shard(collection_name).query(request)
        return http_models.QueryResponse(
            points=[
                models.ScoredPoint(
                    id=_out_id(p.id), version=p.version, score=p.score, payload=p.payload, vector=_out_vector(p.vector)
                )
                for p in found
            ]
        )

    def query_batch_points(
        self, collection_name: str, requests: Sequence[models.QueryRequest], **kwargs: Any
    ) -> list[http_models.QueryResponse]:
        """Several ``QueryRequest``s planned together (one pass over the segments)."""
        batch = self._e.QueryBatchRequest([self._request(r) for r in requests])
        return [
            http_models.QueryResponse(
                points=[
                    models.ScoredPoint(
                        id=_out_id(p.id), version=p.version, score=p.score, payload=p.payload, vector=_out_vector(p.vector)
                    )
                    for p in found
                ]
            )
            for found in self._shard(collection_name).query_batch(batch)
        ]

    def _request(self, r: models.QueryRequest) -> Any:
        prefetch = r.prefetch if isinstance(r.prefetch, list) else ([r.prefetch] if r.prefetch else [])
        return self._e.QueryRequest(
            limit=r.limit or 10,
            offset=r.offset,
            query=self._query(r.query, r.using),
            prefetches=[self._prefetch(p) for p in prefetch] or None,
            with_vector=r.with_vector if r.with_vector is not None else False,
            with_payload=self._with_payload(r.with_payload if r.with_payload is not None else False),
            filter=self._filter(r.filter),
            score_threshold=r.score_threshold,
            params=self._params(r.params),
        )

    # -- lifecycle ---------------------------------------------------------------------
    def optimize(self) -> None:
        """Build HNSW and payload indexes for everything written so far (blocking)."""
        with self._lock:
            for name in sorted(self._dirty):
                shard = self._shards.get(name)
                if shard is not None:
                    shard.optimize()
                    shard.flush()
            self._dirty.clear()

    def close(self, **kwargs: Any) -> None:
        if self._closed:
            return
        with self._lock:
            try:
                self.optimize()
            finally:  # whatever fails above, the shards are closed and the folder released
                self._closed = True
                shards, self._shards = list(self._shards.values()), {}
                try:
                    for shard in shards:
                        shard.close()
                finally:
                    fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
                    self._lock_file.close()

    # -- conversions (qdrant-client models → qdrant_edge) ------------------------------
    def _quantization(self, config: Any) -> Any:
        if config is None:
            return None
        if isinstance(config, models.ScalarQuantization):
            scalar = config.scalar
            return self._e.ScalarQuantizationConfig(
                type=self._e.ScalarType.Int8, quantile=scalar.quantile, always_ram=scalar.always_ram
            )
        raise ConfigError("Edge backend: chỉ hỗ trợ scalar quantization / only scalar quantization is supported")

    def _vector(self, vector: Any) -> Any:
        if isinstance(vector, dict):
            return {name: self._one_vector(v) for name, v in vector.items()}
        return self._one_vector(vector)

    def _one_vector(self, v: Any) -> Any:
        if isinstance(v, models.SparseVector):
            return self._e.SparseVector(list(v.indices), [float(x) for x in v.values])
        if isinstance(v, np.ndarray):
            return v.astype(np.float32).tolist()
        return list(v)

    def _query(self, query: Any, using: str | None) -> Any:
        e = self._e
        if query is None:
            return None
        if isinstance(query, models.NearestQuery):
            return self._query(query.nearest, using)
        if isinstance(query, (models.SparseVector, np.ndarray, list)):
            return e.Query.Nearest(self._one_vector(query), using=using)
        if isinstance(query, models.FusionQuery):
            if query.fusion == models.Fusion.RRF:
                return e.Fusion.Rrf(k=_RRF_K)
            return e.Fusion.Dbsf()
        if isinstance(query, models.RrfQuery):
            return e.Fusion.Rrf(k=query.rrf.k or _RRF_K, weights=query.rrf.weights)
        raise ConfigError(f"Edge backend: kiểu truy vấn {type(query).__name__} chưa hỗ trợ / query type not supported")

    def _prefetch(self, p: models.Prefetch) -> Any:
        nested = p.prefetch if isinstance(p.prefetch, list) else ([p.prefetch] if p.prefetch else [])
        return self._e.Prefetch(
            limit=p.limit or 10,
            query=self._query(p.query, p.using),
            prefetches=[self._prefetch(n) for n in nested] or None,
            params=self._params(p.params),
            filter=self._filter(p.filter),
            score_threshold=p.score_threshold,
        )

    def _params(self, params: models.SearchParams | None) -> Any:
        if params is None:
            return None
        quant = None
        if params.quantization is not None:
            q = params.quantization
            quant = self._e.QuantizationSearchParams(ignore=bool(q.ignore), rescore=q.rescore, oversampling=q.oversampling)
        return self._e.SearchParams(hnsw_ef=params.hnsw_ef, exact=bool(params.exact), quantization=quant)

    def _with_payload(self, with_payload: Any) -> Any:
        if isinstance(with_payload, models.PayloadSelectorInclude):
            return self._e.PayloadSelector.Include(list(with_payload.include))
        if isinstance(with_payload, models.PayloadSelectorExclude):
            return self._e.PayloadSelector.Exclude(list(with_payload.exclude))
        return with_payload

    def _filter(self, flt: models.Filter | None) -> Any:
        if flt is None:
            return None

        def conds(value: Any) -> list[Any] | None:
            if value is None:
                return None
            items = value if isinstance(value, list) else [value]
            return [self._condition(c) for c in items] or None

        min_should = None
        if flt.min_should is not None:
            min_should = self._e.MinShould(
                conditions=[self._condition(c) for c in flt.min_should.conditions], min_count=flt.min_should.min_count
            )
        return self._e.Filter(must=conds(flt.must), should=conds(flt.should), must_not=conds(flt.must_not), min_should=min_should)

    def _condition(self, c: Any) -> Any:
        e = self._e
        if isinstance(c, models.Filter):
            return self._filter(c)
        if isinstance(c, models.FieldCondition):
            return e.FieldCondition(
                key=c.key,
                match=self._match(c.match),
                range=self._range(c.range),
                is_empty=c.is_empty,
                is_null=c.is_null,
            )
        if isinstance(c, models.IsEmptyCondition):
            return e.IsEmptyCondition(c.is_empty.key)
        if isinstance(c, models.IsNullCondition):
            return e.IsNullCondition(c.is_null.key)
        if isinstance(c, models.HasIdCondition):
            return e.HasIdCondition({_point_id(i) for i in c.has_id})
        if isinstance(c, models.NestedCondition):
            return e.NestedCondition(c.nested.key, self._filter(c.nested.filter))
        raise ConfigError(f"Edge backend: điều kiện lọc {type(c).__name__} chưa hỗ trợ / filter condition not supported")

    def _match(self, m: Any) -> Any:
        e = self._e
        if m is None:
            return None
        if isinstance(m, models.MatchValue):
            # the binding reads a Python bool as the integer 1, which never matches a stored
            # boolean (pending markers would vanish from filters); numpy's bool stays a bool
            return e.MatchValue(np.bool_(m.value) if isinstance(m.value, bool) else m.value)
        if isinstance(m, models.MatchAny):
            return e.MatchAny(list(m.any))
        if isinstance(m, models.MatchExcept):
            return e.MatchExcept(list(m.except_))
        if isinstance(m, models.MatchText):
            return e.MatchText(m.text)
        if isinstance(m, models.MatchPhrase):
            return e.MatchPhrase(m.phrase)
        raise ConfigError(f"Edge backend: điều kiện {type(m).__name__} chưa hỗ trợ / match not supported")

    def _range(self, r: Any) -> Any:
        if r is None:
            return None
        if isinstance(r, models.DatetimeRange):
            iso = lambda v: None if v is None else (v if isinstance(v, str) else v.isoformat())  # noqa: E731
            return self._e.RangeDateTime(gte=iso(r.gte), gt=iso(r.gt), lte=iso(r.lte), lt=iso(r.lt))
        return self._e.RangeFloat(gte=r.gte, gt=r.gt, lte=r.lte, lt=r.lt)

    def __del__(self) -> None:  # best effort: release the lock file
        try:
            if not self._closed:
                self._lock_file.close()
        except AttributeError:
            pass


def _selector(selector: Any) -> tuple[list[Any] | None, models.Filter | None]:
    if isinstance(selector, models.PointIdsList):
        return list(selector.points), None
    if isinstance(selector, models.FilterSelector):
        return None, selector.filter
    if isinstance(selector, models.Filter):
        return None, selector
    if isinstance(selector, Iterable):
        return list(selector), None
    raise ConfigError(f"Edge backend: bộ chọn điểm {type(selector).__name__} chưa hỗ trợ / selector not supported")


def _point_id(point_id: Any) -> Any:
    if isinstance(point_id, uuid.UUID):
        return str(point_id)
    return point_id


def _out_id(point_id: Any) -> Any:
    return str(point_id) if isinstance(point_id, uuid.UUID) else point_id


def _out_vector(vector: Any) -> Any:
    if vector is None:
        return None
    if isinstance(vector, dict):
        return {k: _out_vector(v) for k, v in vector.items() if k != _EMPTY_VECTOR}
    if hasattr(vector, "indices"):
        return models.SparseVector(indices=list(vector.indices), values=list(vector.values))
    return vector


def _record(r: Any) -> models.Record:
    return models.Record(id=_out_id(r.id), payload=r.payload, vector=_out_vector(r.vector))
