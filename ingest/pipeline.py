"""Ingestion pipeline: files → documents and units → embeddings → Qdrant.

Per document: its record in the documents collection is first replaced by a "pending" marker,
then the old units are deleted, the new ones written, and the complete record written last. So
after a crash (even ``kill -9``) a document is either complete or absent: the next run removes
whatever a pending marker points at. Re-ingesting an unchanged file does nothing; a changed file
replaces every old unit (also when its số hiệu changed). This process only hashes a file's bytes;
everything else — deciding whether it holds procedure cards or a legal document, and parsing it —
happens in a child process (``ingest.worker``) with a timeout and a memory cap. One bad file never
aborts a run: an unreadable file is reported with its reason, a bug in our code as an internal
error naming the file (its traceback logged). While one document is embedded, the next file is
already being parsed by that child process. A pháp điển JSONL (one document a line) is parsed
there too and comes back record by record (``RecordStream``): each record is written as its own
document while the worker parses the next ones; a bad record fails alone.

Dense vectors come from the embedding cache (``rag.models.embedding_cache``, keyed by model and exact
text) whenever the same text was embedded before: re-ingesting a document with one amended
article embeds only that article's units. Each result says how many units were embedded now
and how many reused.
"""

from __future__ import annotations

import hashlib
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ingest.loaders import SUPPORTED_SUFFIXES, LoadedFile, Loader, LoadLimits
from ingest.phapdien_jsonl import RecordStream
from ingest.procedure_index import ProcedureIngestor
from ingest.procedures import ProcedureFile
from ingest.progress import ProgressState
from ingest.worker import ParsedFile, ParseOptions, ParserProcess, parse_loaded, parse_path
from rag.config import Settings
from rag.domain import LegalDocument, LegalUnit
from rag.models.embedding_cache import EmbeddingCache, embed_passages_cached
from rag.models.embeddings import Embedder
from rag.errors import IngestError, InternalIngestError
from rag.models.sparse import make_sparse_encoder
from rag.index.store import ProcedureStore, UnitStore
from rag.legal.records import DocumentRecord, Extraction

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
    format: str = ""  # pdf | docx | doc | html | text | markdown
    pages: int = 0
    articles: int = 0
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR
    needs_ocr: list[int] = field(default_factory=list)  # scanned pages left without text
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    embedded: int = 0  # units whose vector was computed in this run
    reused: int = 0  # units whose vector came from the embedding cache
    internal_error: bool = False  # failed because of a bug in our code (logged), not because of the file
    procedures: list[dict[str, str]] = field(default_factory=list)  # cards read: {"code", "name"} each


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # interrupted writes cleaned up at start

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
            "internal_errors": sum(1 for r in self.results if r.internal_error),
            "ocr_pages": sum(len(r.ocr_pages) for r in self.results),
            "pages_needing_ocr": sum(len(r.needs_ocr) for r in self.results),
            "units_embedded": sum(r.embedded for r in self.results),
            "units_reused": sum(r.reused for r in self.results),
            "recovered": self.recovered,
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
                and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            found.append(path)
    return found


def parse_options(settings: Settings) -> ParseOptions:
    limits = LoadLimits(
        max_bytes=int(settings.max_file_mb * 1e6),
        max_pages=settings.max_pages,
        max_unzipped_bytes=int(settings.max_unzipped_mb * 1e6),
        ocr=settings.ocr,
        ocr_language=settings.ocr_language,
        ocr_dpi=settings.ocr_dpi,
    )
    return ParseOptions(limits, settings.max_chunk_chars, settings.chunk_overlap_chars, dict(settings.access_folders))


def embedding_text(unit: LegalUnit) -> str:
    """What the dense and sparse encoders see: heading (document, article title) + text."""
    return f"{unit.heading}\n{unit.text}"


def _file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes, read in blocks (the only read of a file in this process)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def parse_file(loaded: LoadedFile, settings: Settings) -> tuple[LegalDocument, list[LegalUnit]]:
    """Document and units of an already loaded file (in this process; see ``ingest.worker``)."""
    parsed = parse_loaded(loaded, parse_options(settings))
    return parsed.document, parsed.units


FileCallback = Callable[[Path], None]
PageCallback = Callable[[Path, int, int], None]
ProgressCallback = Callable[[ProgressState], None]


def embedding_cache_path(settings: Settings) -> Path:
    """Where the embedding cache lives: ``TTHC_EMBEDDING_CACHE``, else beside the index."""
    return Path(settings.embedding_cache) if settings.embedding_cache else Path(settings.index_dir) / "embedding-cache.sqlite"


@dataclass
class _Job:
    """A file on its way: already done (unchanged), or being read in the background."""

    path: Path
    started: float
    done: list[FileResult] | None = None
    file_hash: str = ""
    prepared: Future[ParsedFile | ProcedureFile | RecordStream] | None = None


class Ingestor:
    """Ingests files into the store; one instance per process."""

    def __init__(
        self, settings: Settings, store: UnitStore, embedder: Embedder, loaders: dict[str, Loader] | None = None
    ):
        """``loaders``: extra file loaders by suffix (see ``ingest.loaders``), used in the parse worker."""
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.options = parse_options(settings)
        self.options.loaders.update(loaders or {})
        self.sparse = make_sparse_encoder(settings)
        self.cache = EmbeddingCache(embedding_cache_path(settings))
        self.progress: ProgressState | None = None  # of the running ingest(), if any
        self.last_progress: ProgressState | None = None  # of the last finished ingest()
        self._on_progress: ProgressCallback | None = None
        store.ensure(embedder.dim, embedder.name)
        self.procedures = ProcedureIngestor(settings, ProcedureStore(store.client, settings.collection), embedder)
        self.recovered = self.recover()

    def recover(self) -> list[str]:
        """Remove documents whose write was interrupted (they were never complete)."""
        keys = self.store.pending_documents()
        for key in keys:
            log.warning("removing interrupted document %s", key)
            self.store.delete_document(key)
        return keys

    def ingest(
        self,
        paths: Sequence[Path],
        on_file: FileCallback | None = None,
        on_page: PageCallback | None = None,
        on_progress: ProgressCallback | None = None,
        progress: ProgressState | None = None,
    ) -> IngestReport:
        """Ingest every file under ``paths``; the next file is parsed while the current one is
        embedded. ``on_progress`` is called after each file and each batch of units written,
        with ``progress`` (pass one to count several calls together, as the app does per upload)."""
        report = IngestReport(recovered=list(self.recovered))
        files = discover(paths)
        self.progress, self._on_progress = progress or ProgressState.for_files(files), on_progress
        parser = ParserProcess(self.settings.parse_timeout_s, self.settings.parse_memory_mb) if (
            self.settings.parse_in_subprocess
        ) else None
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="tthc-parse") as background:
                job = self._begin(files[0], parser, on_page, background) if files else None
                for i, path in enumerate(files):
                    if on_file:
                        on_file(path)
                    self.progress.current = path.name
                    current = job or self._begin(path, parser, on_page, background)
                    # Start the next file now: its parse runs while this one is embedded.
                    job = self._begin(files[i + 1], parser, on_page, background) if i + 1 < len(files) else None
                    report.results.extend(self._finish(current, parser, on_page))
                    self.progress.file_done(path)
                    self._report_progress()
        finally:
            if parser is not None:
                parser.close()
            self.last_progress, self.progress, self._on_progress = self.progress, None, None
        return report

    def _report_progress(self) -> None:
        if self._on_progress is not None and self.progress is not None:
            self._on_progress(self.progress)

    def _check(self, path: Path) -> _Job:
        """Hash the file's bytes (no parsing here); a file unchanged since it was indexed ends here."""
        job = _Job(path, time.perf_counter())
        try:
            job.file_hash = _file_hash(path) if path.is_file() else ""
        except OSError as exc:
            job.done = [FileResult(str(path), "failed", reason=f"{path.name}: không đọc được tệp ({exc.strerror}) / unreadable file")]
            return job
        same = self._unchanged_file(path, job.file_hash)
        if same is not None:  # byte-identical to what is indexed: no parsing, no OCR
            same.seconds = round(time.perf_counter() - job.started, 3)
            job.done = [same]
        return job

    def _begin(
        self, path: Path, parser: ParserProcess | None, on_page: PageCallback | None, background: ThreadPoolExecutor
    ) -> _Job:
        """Check a file in this thread, then start reading it in the background (the child process
        decides what it is and parses it)."""
        job = self._check(path)
        if job.done is None:
            job.prepared = background.submit(self._parse, path, parser, on_page)
        return job

    def _finish(self, job: _Job, parser: ParserProcess | None, on_page: PageCallback | None) -> list[FileResult]:
        if job.done is not None or job.prepared is None:  # _begin started every file it did not finish
            return job.done or []
        return self._complete(job, job.prepared.result)

    def _complete(self, job: _Job, read: Callable[[], ParsedFile | ProcedureFile | RecordStream]) -> list[FileResult]:
        """Write what the worker read from one file; its failure (or our bug) as a failed result.
        One result per file, or one per record of a pháp điển JSONL."""
        try:
            prepared = read()
            if isinstance(prepared, RecordStream):
                return self._write_records(prepared)
            if isinstance(prepared, ProcedureFile):
                result = self._write_procedures(prepared, job.file_hash)
            else:
                result = self._write(job.path, prepared, job.file_hash)
        except InternalIngestError as exc:
            log.error("internal error while reading %s: %s\n%s", job.path, exc, exc.details)
            result = FileResult(str(job.path), "failed", reason=str(exc), internal_error=True)
        except IngestError as exc:
            log.warning("ingest failed: %s", exc)
            result = FileResult(str(job.path), "failed", reason=str(exc))
        result.seconds = round(time.perf_counter() - job.started, 3)
        return [result]

    def _write_records(self, stream: RecordStream) -> list[FileResult]:
        """Every record of a pháp điển JSONL as its own document, written as the worker streams
        them; a record that could not be read fails alone, a failure of the stream stops the file
        (the records written so far stay)."""
        path, results = stream.path, []
        try:
            for record in stream.records:
                started = time.perf_counter()
                where = f"{path}#{record.line}"
                if record.internal:
                    log.error("internal error while reading %s: %s\n%s", where, record.error, record.details)
                    results.append(FileResult(where, "failed", reason=record.error, internal_error=True))
                elif record.error:
                    log.warning("ingest failed: %s", record.error)
                    results.append(FileResult(where, "failed", reason=record.error))
                else:
                    parsed = ParsedFile(document=record.document, units=record.units, kind="jsonl")
                    result = self._write(path, parsed, one_document_file=False)
                    result.path, result.seconds = where, round(time.perf_counter() - started, 3)
                    results.append(result)
        except InternalIngestError as exc:
            log.error("internal error while reading %s: %s\n%s", path, exc, exc.details)
            results.append(FileResult(str(path), "failed", reason=str(exc), internal_error=True))
        except IngestError as exc:
            log.warning("ingest failed: %s", exc)
            results.append(FileResult(str(path), "failed", reason=str(exc)))
        finally:
            stream.close()
        return results

    def _parse(
        self, path: Path, parser: ParserProcess | None, on_page: PageCallback | None
    ) -> ParsedFile | ProcedureFile | RecordStream:
        """The file's procedure cards or its legal document, read in the child process (no index
        access: any thread)."""
        page_cb = (lambda done, total: on_page(path, done, total)) if on_page else None
        if parser is not None:
            return parser.parse(path, self.options, page_cb)
        if self.settings.parse_in_subprocess:  # one file on its own (the app's upload, re-ingest)
            with ParserProcess(self.settings.parse_timeout_s, self.settings.parse_memory_mb) as own:
                return own.parse(path, self.options, page_cb)
        return parse_path(path, self.options, page_cb)

    def ingest_path(
        self, path: Path, parser: ParserProcess | None = None, on_page: PageCallback | None = None
    ) -> list[FileResult]:
        """One result per file, or one per document for a multi-document file (pháp điển JSONL)."""
        job = self._check(path)
        if job.done is not None:
            return job.done
        return self._complete(job, lambda: self._parse(path, parser, on_page))

    def ingest_file(
        self, path: Path, parser: ParserProcess | None = None, on_page: PageCallback | None = None
    ) -> FileResult:
        """The result of one file; of a multi-document file (pháp điển JSONL, every record ingested,
        see ``ingest_path``) the first record that changed, else the first."""
        results = self.ingest_path(path, parser, on_page)
        return next((r for r in results if r.status != "unchanged"), results[0])

    def _unchanged_file(self, path: Path, file_hash: str) -> FileResult | None:
        """The indexed document read from this very file, when the file's bytes did not change."""
        record = self.store.unchanged_document(str(path), file_hash)
        if record is None:
            return None
        return FileResult(
            str(path), "unchanged", record.doc_number, record.key, record.unit_count, format=record.format,
            pages=record.pages, articles=record.articles, ocr_pages=list(record.ocr_pages),
        )

    def _write_procedures(self, found: ProcedureFile, file_hash: str) -> FileResult:
        status, count = self.procedures.write(found, file_hash)
        reason = "; ".join(found.errors[:3]) + (f" (+{len(found.errors) - 3})" if len(found.errors) > 3 else "")
        return FileResult(
            str(found.path), status, "", "", count, reason, kind="procedures",
            procedures=[{"code": p.code, "name": p.name} for p in found.procedures],
        )

    def _resolve_key(self, path: Path, document: LegalDocument) -> LegalDocument:
        """Two different files with the same số hiệu become two documents (key@stem)."""
        record = self.store.document_record(document.key)
        if record and record.source != str(path) and Path(record.source).exists():
            return replace(document, key=f"{document.key}@{path.stem}")
        return document

    def _write(self, path: Path, parsed: ParsedFile, file_hash: str = "", one_document_file: bool = True) -> FileResult:
        document, units = parsed.document, parsed.units
        if not units:
            raise IngestError(f"{path.name}: không có nội dung để nạp / nothing to index")
        resolved = self._resolve_key(path, document)
        if resolved.key != document.key:
            units = [replace(u, document=resolved) for u in units]
            document = resolved
        result = FileResult(
            str(path), "added", document.doc_number, document.key, len(units), format=parsed.kind,
            pages=parsed.pages, articles=parsed.articles, ocr_pages=parsed.ocr_pages,
            needs_ocr=parsed.needs_ocr, warnings=parsed.warnings,
        )
        record = self.store.document_record(document.key)
        # The same file read before under another key (its số hiệu changed): replace it too.
        stale = [
            r.key for r in self.store.document_records_by_source(str(path)) if r.key != document.key
        ] if one_document_file else []
        validity = parsed.validity or Extraction()
        facts = dict(format=parsed.kind, pages=parsed.pages, ocr_pages=tuple(parsed.ocr_pages),
                     encoding=parsed.encoding, articles=parsed.articles)
        if record and record.content_hash == document.content_hash and not stale:
            result.status, result.units = "unchanged", record.unit_count
            if not self.store.is_current(document.key, file_hash, validity):  # new bytes or validity: remember
                kept = DocumentRecord.of(document, result.units, validity, ingested_at=record.ingested_at, **facts)
                self.store.put_document(kept, file_hash)
            return result
        result.status = "updated" if record or stale else "added"
        self.store.mark_pending(document.key, str(path))  # absent from here until put_document
        for key in stale:
            self.store.delete_document(key)
        self.store.delete_units_of(document.key)
        log.info("writing %s: %d units", document.key, len(units))
        result.embedded = self._embed_and_upsert(units)
        result.reused = len(units) - result.embedded
        self.store.put_document(DocumentRecord.of(document, len(units), validity, ingested_at=_now(), **facts), file_hash)
        return result

    def _embed_and_upsert(self, units: list[LegalUnit], chunk: int = 256) -> int:
        """Embed (or take from the cache) and write the units; returns how many were embedded."""
        embedded = 0
        for start in range(0, len(units), chunk):
            part = units[start : start + chunk]
            texts = [embedding_text(u) for u in part]
            dense, computed = embed_passages_cached(self.embedder, self.cache, texts)
            sparse = [self.sparse.encode_document(t) for t in texts]
            self.store.upsert_units(part, dense, sparse)
            embedded += computed
            if self.progress is not None:
                self.progress.units_written += len(part)
                self.progress.units_embedded += computed
                self._report_progress()
        return embedded

    def remove(self, key_or_number: str) -> list[str]:
        """Delete documents by key, số hiệu or source path; returns the removed keys."""
        removed = []
        for record in self.store.document_records():
            if key_or_number in (record.key, record.doc_number, record.source):
                self.store.delete_document(record.key)
                removed.append(record.key)
        return removed
