"""Read files in a child process with a timeout and a memory cap.

One long-lived worker (started with ``spawn``, so it shares nothing with the parent's Qdrant
threads) reads files one by one; a file that hangs past the timeout or blows the memory cap
kills only the worker, which is restarted for the next file. Every byte of a file is read here,
once: the worker decides what the file is and returns plain objects — the legal document parsed
(``ParsedFile``) or the procedure cards it holds (``ProcedureFile``) — or a one-line reason.

A pháp điển JSONL (thousands of documents, ~100 MB) is streamed instead (``RecordStream``): the
worker parses it line by line and sends the records in chunks (≤ ``CHUNK_RECORDS`` records or
``CHUNK_BYTES`` of JSON, or one record alone), each when the ingesting process asks for it, and
it asks for the next ones before writing the current one, so parsing runs while the records are
embedded and at most ``CHUNKS_AHEAD`` + 1 chunks are in memory. The time limit applies to each
chunk, from the moment the worker could start it (a chunk is never more than one file's worth of
bytes: one record may have up to ``max_file_mb``); the size and memory limits to each record. A bad record is an error for that
record only. That worker belongs to the stream until it ends; the next file gets a new one.

What a parsing library cannot read (``ingest.loaders.library_errors``, and ``IngestError``) is an
unreadable file; any other exception is a bug in our code, raised as ``InternalIngestError`` with
its traceback, which the pipeline logs and reports as an internal error naming the file.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import pickle
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ingest.loaders import LoadedFile, Loader, LoadLimits, library_errors, load_file, preload, read_bytes
from ingest.metadata import document_from
from ingest.phapdien_jsonl import ParsedRecord, RecordStream, is_phapdien_jsonl, iter_records
from ingest.procedures import ProcedureFile, procedures_in_document, procedures_in_jsonl
from ingest.structure import build_units, paragraph_units, parse_articles
from ingest.validity import attach_validity
from rag.domain import LegalDocument, LegalUnit
from rag.errors import IngestError, InternalIngestError
from rag.governance.access import folder_tags
from rag.legal.records import Extraction

log = logging.getLogger(__name__)
MIN_PARAGRAPH_CHARS = 200  # a document without articles needs at least this much text
CHUNK_RECORDS = 32  # pháp điển records sent back per message …
CHUNK_BYTES = 2_000_000  # … or fewer, once their JSON lines reach this size
CHUNKS_AHEAD = 2  # chunks asked for before the one being handed on


@dataclass
class ParseOptions:
    limits: LoadLimits = field(default_factory=LoadLimits)
    max_chunk_chars: int = 1800
    chunk_overlap_chars: int = 200
    access_folders: dict[str, str] = field(default_factory=dict)  # folder name → access tag (noi-bo)
    loaders: dict[str, Loader] = field(default_factory=dict)  # extra loaders by suffix (module-level functions)


@dataclass
class ParsedFile:
    document: LegalDocument
    units: list[LegalUnit]
    kind: str
    pages: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    needs_ocr: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    articles: int = 0
    validity: Extraction | None = None  # status/dates/relations found in the text (ingest.validity)


def parse_path(
    path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None = None
) -> ParsedFile | ProcedureFile | RecordStream:
    """Read one file (in the current process): its procedure cards, the legal document parsed, or
    the records of a pháp điển JSONL as they are parsed.

    A file that cannot be read is an ``IngestError`` with a one-line reason; a bug in our code an
    ``InternalIngestError`` naming the file, with the traceback in ``details``."""
    try:
        return _read(path, options, on_page)
    except IngestError:
        raise
    except Exception as exc:  # classified, never swallowed: the file's fault or our bug
        raise read_error(path.name, exc) from exc


def read_error(label: str, exc: Exception) -> IngestError:
    """What to tell about ``exc`` raised while reading ``label`` (a file, or "file:line" of a
    record): the reason the file cannot be read, or — for anything a parsing library does not
    raise — an internal error with the traceback in ``details``."""
    if isinstance(exc, IngestError):
        return exc
    if isinstance(exc, MemoryError):
        return IngestError(f"{label}: hết bộ nhớ khi đọc tệp / out of memory")
    if isinstance(exc, library_errors()):  # a parsing library refusing a malformed file
        return IngestError(f"{label}: không đọc được tệp ({type(exc).__name__}: {one_line(exc)}) / unreadable file")
    return InternalIngestError(  # not the file's fault: a bug, reported with its traceback (never as "unreadable")
        f"{label}: lỗi nội bộ của chương trình khi đọc tệp ({type(exc).__name__}: {one_line(exc)}); "
        "chi tiết đã ghi vào nhật ký, xin báo cho người quản trị / internal error while reading the file "
        "(logged with its traceback)",
        "".join(traceback.format_exception(exc)),
    )


def record_failure(path: Path, line: int, exc: Exception) -> ParsedRecord:
    """One pháp điển record that raised ``exc`` while parsed: its one-line error (internal when a bug)."""
    error = read_error(f"{path.name}:{line}", exc)
    return ParsedRecord(line, error=str(error), internal=isinstance(error, InternalIngestError),
                        details=getattr(error, "details", ""))


def one_line(exc: BaseException, limit: int = 200) -> str:
    return " ".join(str(exc).split())[:limit]


def _read(
    path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None
) -> ParsedFile | ProcedureFile | RecordStream:
    if is_phapdien_jsonl(path, options.limits.max_bytes):  # documents, one a line: no limit on the file's size
        records = iter_records(path, options.max_chunk_chars, options.chunk_overlap_chars, options.limits.max_bytes,
                               failed=lambda line, exc: record_failure(path, line, exc))
        return RecordStream(path, records)
    if path.suffix.lower() == ".jsonl":  # procedure records
        found = procedures_in_jsonl(path, read_bytes(path, options.limits))
        if found is None:
            raise IngestError(f"{path.name}: tệp JSONL không phải nguồn văn bản hay thủ tục đã biết / unknown JSONL")
        return found
    loaded = load_file(path, options.limits, on_page, options.loaders)
    return procedures_in_document(loaded) or parse_loaded(loaded, options)


def parse_loaded(loaded: LoadedFile, options: ParseOptions) -> ParsedFile:
    """Structure and metadata of a loaded file; ``IngestError`` when there is nothing to index."""
    path = loaded.path
    tags = folder_tags(loaded.path.resolve(), options.access_folders)  # e.g. .../noi-bo/x.pdf → noi-bo
    document = document_from(loaded.path, loaded.header, loaded.text, extra_access=tags)
    articles = parse_articles(loaded.lines)
    units = build_units(document, articles, options.max_chunk_chars, options.chunk_overlap_chars)
    if not any(a.number for a in articles):
        if len(loaded.text.strip()) < MIN_PARAGRAPH_CHARS:
            raise IngestError(
                f"{path.name}: không tìm thấy Điều nào và quá ít nội dung / no articles and too little text"
            )
        # No articles (công văn, quy trình): the text in paragraphs, then any appendix units.
        units = paragraph_units(document, loaded.lines, options.max_chunk_chars, options.chunk_overlap_chars) + [
            u for u in units if u.annex
        ]
    document, units, validity = attach_validity(loaded, document, units)
    return ParsedFile(
        document=document,
        units=units,
        validity=validity,
        kind=loaded.kind,
        pages=loaded.pages,
        ocr_pages=loaded.ocr_pages,
        needs_ocr=loaded.needs_ocr,
        warnings=loaded.warnings,
        encoding=loaded.encoding,
        articles=sum(1 for a in articles if a.number),
    )


def _serve(conn: Connection, memory_mb: int) -> None:
    """Worker loop: cap the address space, then parse whatever the parent sends. After streaming
    a pháp điển JSONL the worker ends (the stream owned it)."""
    import resource

    preload()  # the parsing libraries are loaded before the cap: the cap is for the files
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        path, options = request
        name = Path(path).name

        def on_page(done: int, total: int) -> None:
            conn.send(("page", done, total))

        try:
            parsed = parse_path(Path(path), options, on_page)
            if isinstance(parsed, RecordStream):
                conn.send(("stream",))
                _send_records(conn, parsed.records, name, memory_mb)
                return
            conn.send(("ok", parsed))
        except InternalIngestError as exc:
            conn.send(("bug", str(exc), exc.details))
        except IngestError as exc:
            if isinstance(exc.__cause__, MemoryError):
                conn.send(("error", f"{name}: vượt giới hạn bộ nhớ {memory_mb} MB khi đọc tệp "
                                    "(TTHC_PARSE_MEMORY_MB) / memory cap exceeded"))
            else:
                conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("error", f"{name}: vượt giới hạn bộ nhớ {memory_mb} MB khi đọc tệp / memory cap exceeded"))
        except Exception as exc:  # a bug while streaming records (each record's own failure is in its record)
            error = read_error(name, exc)
            conn.send(("bug", str(error), getattr(error, "details", "")))


def _send_records(conn: Connection, records: Iterable[ParsedRecord], name: str, memory_mb: int) -> None:
    """Send the records in chunks, one chunk each time the parent asks ("more"), until none is left
    or the parent stops asking. Each record is pickled on its own, so that one too large for the
    memory cap fails alone and the chunk holds bytes, not the parsed objects."""
    pending = iter(records)
    while conn.recv() == "more":
        chunk: list[bytes] = []
        size = 0
        for record in pending:
            size += record.size
            packed = _packed(record)
            if packed is None:  # parsing fitted in the memory cap, its units in one message not
                line, units, record_size = record.line, len(record.units or []), record.size
                record = None  # nothing else holds it: freed before the error is written
                error = (f"{name}:{line}: vượt giới hạn bộ nhớ {memory_mb} MB khi gửi bản ghi ({units} đoạn; "
                         "TTHC_PARSE_MEMORY_MB) / memory cap exceeded")
                packed = pickle.dumps(ParsedRecord(line, error=error, size=record_size), pickle.HIGHEST_PROTOCOL)
            chunk.append(packed)
            if len(chunk) >= CHUNK_RECORDS or size >= CHUNK_BYTES:
                break
        else:
            conn.send(("records", chunk, True))
            return
        conn.send(("records", chunk, False))


def _packed(record: ParsedRecord) -> bytes | None:
    """The record pickled for the pipe, or None when that does not fit in the memory cap."""
    try:
        return pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return None


class _Worker:
    """One child process and its pipe."""

    def __init__(self, ctx: mp.context.SpawnContext, memory_mb: int):
        self.memory_mb = memory_mb
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, memory_mb), daemon=True, name="tthc-parser")
        self.proc.start()
        child.close()
        self.conn = parent

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        """Let the worker end (it reads no more requests), else kill it."""
        if self.proc.is_alive():
            try:
                self.conn.send(None)
                self.proc.join(2)
            except (OSError, BrokenPipeError):
                pass
        self.kill()

    def receive(
        self, label: str, deadline: float, timeout_s: float, on_page: Callable[[int, int], None] | None = None
    ) -> tuple:
        """The worker's next answer (page progress passed to ``on_page``); the worker is killed and
        ``IngestError`` raised when it has not answered by ``deadline`` or died."""
        while True:
            remaining = deadline - time.monotonic()
            try:
                ready = self.conn.poll(min(remaining, 1.0)) if remaining > 0 else self.conn.poll()
            except (EOFError, OSError):
                ready = False
            if not ready:
                if remaining <= 0:
                    self.kill()
                    raise IngestError(
                        f"{label}: đọc tệp quá {timeout_s:g} giây, đã dừng (TTHC_PARSE_TIMEOUT_S) / parsing timed out"
                    )
                if not self.proc.is_alive():
                    code = self.proc.exitcode
                    self.kill()
                    raise IngestError(
                        f"{label}: tiến trình đọc tệp bị dừng (mã {code}; có thể vượt giới hạn bộ nhớ "
                        f"{self.memory_mb} MB) / parser process died"
                    )
                continue
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                self.kill()
                raise IngestError(f"{label}: tiến trình đọc tệp bị dừng / parser process died") from None
            if message[0] == "page":
                if on_page:
                    on_page(message[1], message[2])
                continue
            if message[0] == "bug":
                raise InternalIngestError(message[1], message[2])
            if message[0] == "error":
                raise IngestError(message[1])
            return message


class _RemoteRecords:
    """The records a worker streams, a chunk at a time; ``CHUNKS_AHEAD`` chunks are asked for (and
    parsed by the worker) before the one being handed on, so the worker never waits for this
    process to be scheduled. Each chunk must come within ``timeout_s`` of the moment the worker
    could start it (asked for, and the one before it received). The worker is this stream's
    alone: it ends with the stream."""

    def __init__(self, worker: _Worker, path: Path, timeout_s: float):
        self.worker, self.path, self.timeout_s = worker, path, timeout_s
        self.finished = False

    def __iter__(self) -> Iterator[ParsedRecord]:
        after = 0  # last line received
        asked: deque[float] = deque()
        for _ in range(CHUNKS_AHEAD):
            self.worker.conn.send("more")
            asked.append(time.monotonic())
        received = 0.0
        while not self.finished:
            where = f"{self.path.name} (sau dòng {after} / after line {after})" if after else self.path.name
            deadline = max(asked.popleft(), received) + self.timeout_s
            _, chunk, self.finished = self.worker.receive(where, deadline, self.timeout_s)
            received = time.monotonic()
            if not self.finished:
                self.worker.conn.send("more")
                asked.append(received)
            for packed in chunk:
                record: ParsedRecord = pickle.loads(packed)  # from our own worker, as conn.recv would
                after = record.line
                yield record

    def close(self) -> None:
        """A worker that sent everything has ended by itself; one still reading is killed."""
        if self.finished:
            self.worker.stop()
        else:
            self.worker.kill()


class ParserProcess:
    """A restartable child process that parses one file at a time."""

    def __init__(self, timeout_s: float, memory_mb: int):
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._ctx = mp.get_context("spawn")
        self._worker: _Worker | None = None

    def _running(self) -> _Worker:
        """The worker, started when there is none (or it died)."""
        if self._worker is None or not self._worker.proc.is_alive():
            self._kill()
            self._worker = _Worker(self._ctx, self.memory_mb)
        return self._worker

    def _kill(self) -> None:
        if self._worker is not None:
            self._worker.kill()
        self._worker = None

    def parse(
        self, path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None = None
    ) -> ParsedFile | ProcedureFile | RecordStream:
        """What ``parse_path`` returns, read in the worker within the time and memory limits. A
        ``RecordStream`` takes this worker with it (close the stream when done)."""
        worker = self._running()
        worker.conn.send((str(path), options))
        message = worker.receive(path.name, time.monotonic() + self.timeout_s, self.timeout_s, on_page)
        if message[0] == "stream":
            self._worker = None  # the stream's own now; the next file starts a new worker
            records = _RemoteRecords(worker, path, self.timeout_s)
            return RecordStream(path, records, close=records.close)
        return message[1]

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
        self._worker = None

    def __enter__(self) -> "ParserProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
