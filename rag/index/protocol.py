"""The client surface ``UnitStore`` relies on: a subset of ``qdrant_client.QdrantClient``.

A backend that implements these methods with qdrant-client ``models`` in and out can stand in
for ``QdrantClient`` everywhere in ``rag/`` (see ``rag/index/edge.py``).
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence

from qdrant_client import models
from qdrant_client.http import models as http_models


class VectorClient(Protocol):
    def collection_exists(self, collection_name: str) -> bool: ...

    def create_collection(
        self,
        collection_name: str,
        vectors_config: Mapping[str, models.VectorParams] | None = None,
        sparse_vectors_config: Mapping[str, models.SparseVectorParams] | None = None,
        **options: Any,
    ) -> bool: ...

    def delete_collection(self, collection_name: str, **kwargs: Any) -> bool: ...

    def create_payload_index(
        self, collection_name: str, field_name: str, field_schema: Any = None, **kwargs: Any
    ) -> Any: ...

    def upsert(self, collection_name: str, points: Sequence[models.PointStruct], wait: bool = True, **kwargs: Any) -> Any: ...

    def delete(self, collection_name: str, points_selector: Any, wait: bool = True, **kwargs: Any) -> Any: ...

    def set_payload(
        self, collection_name: str, payload: dict[str, Any], points: Any, key: str | None = None, wait: bool = True, **kwargs: Any
    ) -> Any: ...

    def retrieve(
        self, collection_name: str, ids: Sequence[Any], with_payload: Any = True, with_vectors: Any = False, **kwargs: Any
    ) -> list[models.Record]: ...

    def count(self, collection_name: str, count_filter: models.Filter | None = None, exact: bool = True, **kwargs: Any) -> models.CountResult: ...

    def scroll(
        self,
        collection_name: str,
        scroll_filter: models.Filter | None = None,
        limit: int = 10,
        offset: Any = None,
        with_payload: Any = True,
        with_vectors: Any = False,
        **kwargs: Any,
    ) -> tuple[list[models.Record], Any]: ...

    def query_points(self, collection_name: str, query: Any = None, **kwargs: Any) -> http_models.QueryResponse: ...

    def query_batch_points(
        self, collection_name: str, requests: Sequence[models.QueryRequest], **kwargs: Any
    ) -> list[http_models.QueryResponse]: ...

    def close(self, **kwargs: Any) -> None: ...
