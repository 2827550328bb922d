"""Copy an index to another embedded engine (or a server) without re-embedding anything.

Every point of every collection the product writes — units, document records, procedure cards
and procedure sources — is read with its vectors and payload from the source client and
upserted into a target created with the product's own ``ensure`` (same vector parameters,
payload indexes, layout options). Document records are copied last, after all units, so a copy
interrupted half-way holds only units without records: absent documents, never half-present
ones, exactly like an interrupted ingest. The product's side files of the index folder (the llama-index
docstore, the last ingest failures, the diacritics model cache) are copied beside it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from qdrant_client import models

from rag.errors import IndexUnavailable
from rag.store import ProcedureStore, UnitStore

SIDE_FILES = ("docstore.json", "ingest_failures.json", "diacritics-*.json.gz")
BATCH = 256


@dataclass
class CopyReport:
    """Points copied per collection."""

    points: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.points.values())


def copy_index(
    source: UnitStore,
    target: UnitStore,
    on_points: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every collection of ``source`` into the empty ``target`` (same collection names)."""
    meta = source.meta()
    if not meta or not source.exists():
        raise IndexUnavailable("Chỉ mục nguồn trống / the source index is empty")
    if target.exists() and target.unit_count():
        raise IndexUnavailable("Chỉ mục đích đã có dữ liệu / the target index is not empty")
    target.ensure(int(meta["dim"]), str(meta["embedder"]))
    report = CopyReport()
    procedures_from = ProcedureStore(source.client, source.units)
    procedures_to = ProcedureStore(target.client, target.units)
    collections = [source.units]
    if procedures_from.exists():
        procedures_to.ensure(int(meta["dim"]))
        collections += [procedures_from.cards, procedures_from.sources]
    collections.append(source.documents)  # records last: a document is complete when its record exists
    for name in collections:
        if source.client.collection_exists(name):
            report.points[name] = _copy_collection(source, target, name, on_points)
    return report


def _copy_collection(
    source: UnitStore, target: UnitStore, name: str, on_points: Callable[[str, int], None] | None
) -> int:
    copied, offset = 0, None
    while True:
        records, offset = source.client.scroll(
            name, limit=BATCH, offset=offset, with_payload=True, with_vectors=True
        )
        points = [models.PointStruct(id=r.id, vector=r.vector or {}, payload=r.payload or {}) for r in records]
        if points:
            target.client.upsert(name, points, wait=True)
            copied += len(points)
            if on_points:
                on_points(name, len(points))
        if offset is None:
            return copied


def copy_side_files(source_dir: Path, target_dir: Path) -> list[str]:
    """Copy the index folder's side files (docstore, metadata, caches valid for both engines)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    copied = []
    for pattern in SIDE_FILES:
        for path in sorted(Path(source_dir).glob(pattern)):
            shutil.copy2(path, target_dir / path.name)
            copied.append(path.name)
    return copied
