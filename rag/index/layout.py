"""How the units collection is laid out: sharding, replication, on-disk vectors, quantization.

Built from the settings once; ``UnitStore.ensure`` passes it to ``create_collection``.
Sharding and replication only mean something on a server cluster; the embedded backends
ignore them (the edge backend honours on-disk vectors, quantization and HNSW options).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qdrant_client import models

from rag.config import Settings


@dataclass(frozen=True)
class CollectionLayout:
    shard_number: int | None = None
    replication_factor: int | None = None
    write_consistency_factor: int | None = None
    vectors_on_disk: bool = False
    quantization: str = "none"  # "none" | "int8"
    hnsw_m: int | None = None
    hnsw_ef_construct: int | None = None
    hnsw_ef: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> CollectionLayout:
        return cls(
            shard_number=settings.shard_number,
            replication_factor=settings.replication_factor,
            write_consistency_factor=settings.write_consistency_factor,
            vectors_on_disk=settings.vectors_on_disk,
            quantization=settings.quantization,
            hnsw_m=settings.hnsw_m,
            hnsw_ef_construct=settings.hnsw_ef_construct,
            hnsw_ef=settings.hnsw_ef,
        )

    def dense_params(self, dim: int) -> models.VectorParams:
        return models.VectorParams(
            size=dim,
            distance=models.Distance.COSINE,
            on_disk=True if self.vectors_on_disk else None,
        )

    def collection_options(self) -> dict[str, Any]:
        """Keyword arguments for ``create_collection`` (only what is configured)."""
        options: dict[str, Any] = {}
        for name in ("shard_number", "replication_factor", "write_consistency_factor"):
            value = getattr(self, name)
            if value is not None:
                options[name] = value
        if self.quantization == "int8":
            options["quantization_config"] = models.ScalarQuantization(
                scalar=models.ScalarQuantizationConfig(type=models.ScalarType.INT8, quantile=0.99, always_ram=True)
            )
        if self.hnsw_m is not None or self.hnsw_ef_construct is not None:
            options["hnsw_config"] = models.HnswConfigDiff(m=self.hnsw_m, ef_construct=self.hnsw_ef_construct)
        return options

    def search_params(self) -> models.SearchParams | None:
        if self.hnsw_ef is None and self.quantization == "none":
            return None
        quant = models.QuantizationSearchParams(rescore=True) if self.quantization != "none" else None
        return models.SearchParams(hnsw_ef=self.hnsw_ef, quantization=quant)
