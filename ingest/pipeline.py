"""Ingestion pipeline: files → documents and units → embeddings → Qdrant.

Per document: a record in the documents collection is written only after all its units, so
after a crash a document is either complete or absent. Re-ingesting an unchanged file does
nothing; a changed file replaces every old unit. Embedding runs through a llama-index
``IngestionPipeline`` whose docstore (persisted beside the index) skips units whose content
and address were already embedded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ingest.loaders import SUPPORTED_SUFFIXES, LoadedFile, load_file
from ingest.metadata import document_from
from ingest.procedures import PROCEDURE_SUFFIXES, ProcedureIngestor, sniff_procedures
from ingest.phapdien_jsonl import is_phapdien_jsonl, iter_records
from ingest.structure import build_units, parse_articles
from ingest.validity import attach_validity
from rag.access import folder_tags
from rag.config import Settings
from rag.domain import LegalDocument, LegalUnit
from rag.embeddings import Embedder
from rag.errors import IngestError
from rag.sparse import BM25Encoder
from rag.store import ProcedureStore, UnitStore, unit_id

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    path: str
    status: str  # added | updated | unchanged | failed
    doc_number: str = ""
    doc_key: str = ""
    units: int = 0
    reason: str = ""
    kind: str = "document"  # "document" (legal text) or "procedures" (procedure cards)


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "failed": self.count("failed"),
            "files": [r.__dict__ for r in self.results],
        }


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest under the given files/folders, sorted, hidden files skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
                and p.suffix.lower() in SUPPORTED_SUFFIXES | PROCEDURE_SUFFIXES
            )
        else:
            found.append(path)
    return found


def embedding_text(unit: LegalUnit) -> str:
    """What the dense and sparse encoders see: heading (document, article title) + text."""
    return f"{unit.heading}\n{unit.text}"


def parse_file(loaded: LoadedFile, settings: Settings) -> tuple[LegalDocument, list[LegalUnit]]:
    tags = folder_tags(loaded.path.resolve(), settings.access_folders)  # e.g. .../noi-bo/x.pdf → noi-bo
    document = document_from(loaded.path, loaded.header, loaded.text, extra_access=tags)
    articles = parse_articles(loaded.lines)
    units = build_units(document, articles, settings.max_chunk_chars, settings.chunk_overlap_chars)
    if not units:
        raise IngestError(
            f"{loaded.path.name}: không tìm thấy Điều nào (cần dòng 'Điều N.') / no articles found"
        )
    return document, units


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class _Embed:
    """llama-index transformation: attach dense + sparse vectors to nodes."""

    def __init__(self, embedder: Embedder, sparse: BM25Encoder):
        from llama_index.core.schema import TransformComponent

        outer = self

        class EmbedUnits(TransformComponent):
            def __call__(self, nodes: Sequence[Any], **kwargs: Any) -> Sequence[Any]:
                texts = [n.text for n in nodes]
                dense = outer.embedder.embed_passages(texts) if texts else np.zeros((0, outer.embedder.dim))
                for node, vec, text in zip(nodes, dense, texts):
                    node.embedding = vec.tolist()
                    node.metadata["_sparse"] = outer.sparse.encode_document(text)
                return nodes

        self.embedder = embedder
        self.sparse = sparse
        self.component = EmbedUnits()


class Ingestor:
    """Ingests files into the store; one instance per process."""

    def __init__(self, settings: Settings, store: UnitStore, embedder: Embedder):
        from llama_index.core.ingestion import DocstoreStrategy, IngestionPipeline
        from llama_index.core.storage.docstore import SimpleDocumentStore

        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.sparse = BM25Encoder(settings.bm25_k1, settings.bm25_b, settings.bm25_avgdl, settings.sparse_bigrams)
        self._docstore_path = (
            Path(settings.index_dir) / "docstore.json" if not settings.qdrant_url else None
        )
        if self._docstore_path and self._docstore_path.is_file():
            docstore = SimpleDocumentStore.from_persist_path(str(self._docstore_path))
        else:
            docstore = SimpleDocumentStore()
        self._pipeline = IngestionPipeline(
            transformations=[_Embed(embedder, self.sparse).component],
            docstore=docstore,
            docstore_strategy=DocstoreStrategy.DUPLICATES_ONLY,
        )
        store.ensure(embedder.dim, embedder.name)
        self.procedures = ProcedureIngestor(settings, ProcedureStore(store.client, settings.collection), embedder)

    def ingest(
        self,
        paths: Sequence[Path],
        on_file: Callable[[Path], None] | None = None,
    ) -> IngestReport:
        report = IngestReport()
        for path in discover(paths):
            if on_file:
                on_file(path)
            report.results.extend(self.ingest_path(path))
        return report

    def ingest_path(self, path: Path) -> list[FileResult]:
        """One result per file, or one per document for a multi-document file (pháp điển JSONL)."""
        if is_phapdien_jsonl(path):
            return self.ingest_phapdien(path)
        return [self.ingest_file(path)]

    def ingest_phapdien(self, path: Path, persist_every: int = 500) -> list[FileResult]:
        """Every record of a pháp điển JSONL as its own document (streamed, no size limit)."""
        results: list[FileResult] = []
        try:
            for n, record in enumerate(
                iter_records(path, self.settings.max_chunk_chars, self.settings.chunk_overlap_chars), start=1
            ):
                if record.error:
                    log.warning("ingest failed: %s", record.error)
                    results.append(FileResult(f"{path}#{record.line}", "failed", reason=record.error))
                    continue
                result = self._write(path, record.document, record.units, persist=n % persist_every == 0)
                result.path = f"{path}#{record.line}"
                results.append(result)
        except IngestError as exc:
            results.append(FileResult(str(path), "failed", reason=str(exc)))
        self._persist_docstore()
        return results

    def ingest_file(self, path: Path) -> FileResult:
        try:
            procedures = self._procedure_file(path)
            if procedures is not None:
                return procedures
            loaded = load_file(path, max_bytes=int(self.settings.max_file_mb * 1e6))
            document, units = parse_file(loaded, self.settings)
            document, units, validity = attach_validity(loaded, document, units)
            return self._write(path, document, units, validity=validity)
        except IngestError as exc:
            log.warning("ingest failed: %s", exc)
            return FileResult(str(path), "failed", reason=str(exc))

    def _procedure_file(self, path: Path) -> FileResult | None:
        """Index a procedure source (JSONL records, a "QUY TRÌNH" document); None for other files."""
        if path.suffix.lower() not in PROCEDURE_SUFFIXES or not path.is_file():
            return None
        if path.stat().st_size > self.settings.max_file_mb * 1e6:
            return None  # the loader reports the size
        found = sniff_procedures(path, path.read_bytes())
        if found is None:
            return None
        status, count = self.procedures.write(found)
        reason = "; ".join(found.errors[:3]) + (f" (+{len(found.errors) - 3})" if len(found.errors) > 3 else "")
        return FileResult(str(path), status, "", "", count, reason, kind="procedures")

    def _resolve_key(self, path: Path, document: LegalDocument) -> LegalDocument:
        """Two different files with the same số hiệu become two documents (key@stem)."""
        from dataclasses import replace

        record = self.store.document_record(document.key)
        if record and record.get("source") != str(path) and Path(record.get("source", "")).exists():
            return replace(document, key=f"{document.key}@{path.stem}")
        return document

    def _write(
        self,
        path: Path,
        document: LegalDocument,
        units: list[LegalUnit],
        persist: bool = True,
        validity: dict[str, Any] | None = None,
    ) -> FileResult:
        from dataclasses import replace

        resolved = self._resolve_key(path, document)
        if resolved.key != document.key:
            units = [replace(u, document=resolved) for u in units]
            document = resolved
        record = self.store.document_record(document.key)
        if record and record.get("content_hash") == document.content_hash:
            if validity is not None and record.get("validity") != validity:  # indexed before validity existed
                kept = {k: record[k] for k in ("ingested_at",) if k in record}
                self.store.put_document(document, record.get("unit_count", 0), extra={**kept, "validity": validity})
            return FileResult(str(path), "unchanged", document.doc_number, document.key, record.get("unit_count", 0))
        status = "updated" if record else "added"
        # Make the document absent first, then rewrite it whole.
        self.store.delete_document(document.key)
        self._embed_and_upsert(units)
        extra = {"ingested_at": _now(), **({"validity": validity} if validity else {})}
        self.store.put_document(document, len(units), extra=extra)
        if persist:
            self._persist_docstore()
        return FileResult(str(path), status, document.doc_number, document.key, len(units))

    def _embed_and_upsert(self, units: list[LegalUnit]) -> None:
        from llama_index.core.schema import TextNode

        ids = [unit_id(u) for u in units]
        docstore = self._pipeline.docstore
        for node_id in ids:  # a rewritten document is re-embedded whole
            docstore.delete_document(node_id, raise_error=False)
        nodes = [
            TextNode(id_=node_id, text=embedding_text(u), metadata={"unit_id": node_id})
            for node_id, u in zip(ids, units)
        ]
        by_id = dict(zip(ids, units))
        batch = max(self.settings.embedding_batch * 4, 64)
        for start in range(0, len(nodes), batch):
            done = self._pipeline.run(nodes=nodes[start : start + batch], show_progress=False)
            if not done:
                continue
            chunk_units = [by_id[n.id_] for n in done]
            dense = np.asarray([n.embedding for n in done], dtype=np.float32)
            sparse = [n.metadata.pop("_sparse") for n in done]
            self.store.upsert_units(chunk_units, dense, sparse)

    def _persist_docstore(self) -> None:
        if self._docstore_path:
            self._pipeline.docstore.persist(str(self._docstore_path))

    def remove(self, key_or_number: str) -> bool:
        """Delete a document by key or số hiệu; True when something was removed."""
        for record in self.store.document_records():
            if key_or_number in (record.get("key"), record.get("doc_number")):
                self.store.delete_document(record["key"])
                return True
        return False
