"""Copy an index to another embedded engine without re-embedding anything.

Every point of every collection the product writes — units, procedure cards and sources, and
document records — is read with its vectors and payload and upserted into a target created with
the product's own ``ensure`` (same vector parameters, payload indexes, layout options). Document
records are copied last, after all units, so a copy interrupted half-way holds only units
without records: absent documents, never half-present ones, exactly like an interrupted ingest.
The product's side files of the index folder (the embedding cache, an older index's llama-index
docstore, the last ingest failures, the diacritics model cache) are copied beside it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from qdrant_client import models

from rag.config import Settings
from rag.errors import IndexUnavailable, InputError
from rag.index.store import ProcedureStore, UnitStore, embedded_backend, open_client, scroll_pages
from rag.index.layout import CollectionLayout

SIDE_FILES = ("docstore.json", "embedding-cache.sqlite*", "ingest_failures.json", "diacritics-*.json.gz")
BATCH = 256


@dataclass
class MigrationReport:
    """What was copied where: points per collection, side files."""

    source: Path
    source_backend: str
    target: Path
    target_backend: str
    points: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.points.values())

    def as_dict(self) -> dict:
        return {
            "from": str(self.source),
            "from_backend": self.source_backend,
            "to": str(self.target),
            "to_backend": self.target_backend,
            "points": self.points,
            "files": self.files,
        }


def migrate(
    settings: Settings,
    target_dir: Path,
    backend: str,
    on_total: Callable[[int], None] | None = None,
    on_points: Callable[[int], None] | None = None,
) -> MigrationReport:
    """Copy the embedded index of ``settings`` into the empty ``target_dir`` on ``backend``."""
    source_dir = Path(settings.index_dir)
    if settings.qdrant_url:
        raise InputError("Chỉ chuyển được chỉ mục nhúng (không đặt TTHC_QDRANT_URL) / only an embedded index can be copied")
    if target_dir.resolve() == source_dir.resolve():
        raise InputError("Thư mục đích phải khác thư mục nguồn / the target folder must differ from the source")
    if target_dir.exists() and any(target_dir.iterdir()):
        raise InputError(f"Thư mục đích {target_dir} không trống / the target folder is not empty")
    report = MigrationReport(source_dir, embedded_backend(settings.store_backend, source_dir), target_dir, backend)
    layout = CollectionLayout.from_settings(settings)
    source_client = open_client(settings)
    target_client = None
    try:
        target_client = open_client(settings.model_copy(update={"index_dir": target_dir, "store_backend": backend}), create=True)
        source = UnitStore(source_client, settings.collection, layout)
        names = _collections(source)
        if on_total:
            on_total(sum(source_client.count(name, exact=True).count for name in names))
        _prepare_target(source, UnitStore(target_client, settings.collection, layout))
        for name in names:
            report.points[name] = _copy_collection(source_client, target_client, name, on_points)
    finally:
        source_client.close()
        if target_client is not None:
            target_client.close()  # edge: builds the HNSW and payload indexes
    report.files = _copy_side_files(source_dir, target_dir)
    return report


def _collections(source: UnitStore) -> list[str]:
    """The source's collections in copy order: units, procedures, then document records."""
    if not source.meta() or not source.exists():
        raise IndexUnavailable("Chỉ mục nguồn trống / the source index is empty")
    procedures = ProcedureStore(source.client, source.units)
    names = [source.units]
    if procedures.exists():
        names += [n for n in (procedures.cards, procedures.sources) if source.client.collection_exists(n)]
    return names + [source.documents]  # records last: a document is complete when its record exists


def _prepare_target(source: UnitStore, target: UnitStore) -> None:
    """Create the target's collections exactly as an ingest would."""
    meta = source.meta()
    if meta is None:
        raise IndexUnavailable("Chỉ mục nguồn trống / the source index is empty")
    target.ensure(meta.dim, meta.embedder)
    if ProcedureStore(source.client, source.units).exists():
        ProcedureStore(target.client, target.units).ensure(meta.dim)


def _copy_collection(source, target, name: str, on_points: Callable[[int], None] | None) -> int:
    copied = 0
    for records in scroll_pages(source, name, with_vectors=True, limit=BATCH):
        points = [models.PointStruct(id=r.id, vector=r.vector or {}, payload=r.payload or {}) for r in records]
        if points:
            target.upsert(name, points, wait=True)
            copied += len(points)
            if on_points:
                on_points(len(points))
    return copied


def _copy_side_files(source_dir: Path, target_dir: Path) -> list[str]:
    """Copy the index folder's side files (docstore, failures, caches valid for both engines)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    copied = []
    for pattern in SIDE_FILES:
        for path in sorted(source_dir.glob(pattern)):
            shutil.copy2(path, target_dir / path.name)
            copied.append(path.name)
    return copied
