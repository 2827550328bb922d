"""Read files in a child process with a timeout and a memory cap.

One long-lived worker (started with ``spawn``, so it shares nothing with the parent's Qdrant
threads) reads files one by one; a file that hangs past the timeout or blows the memory cap
kills only the worker, which is restarted for the next file. Every byte of a file is read here,
once: the worker decides what the file is and returns plain objects — the legal document parsed
(``ParsedFile``) or the procedure cards it holds (``ProcedureFile``) — or a one-line reason.

What a parsing library cannot read (``ingest.loaders.library_errors``, and ``IngestError``) is an
unreadable file; any other exception is a bug in our code, raised as ``InternalIngestError`` with
its traceback, which the pipeline logs and reports as an internal error naming the file.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from ingest.loaders import LoadedFile, Loader, LoadLimits, library_errors, load_file, preload, read_bytes
from ingest.metadata import document_from
from ingest.procedures import ProcedureFile, procedures_in_document, procedures_in_jsonl
from ingest.structure import build_units, paragraph_units, parse_articles
from ingest.validity import attach_validity
from rag.domain import LegalDocument, LegalUnit
from rag.errors import IngestError, InternalIngestError
from rag.governance.access import folder_tags
from rag.legal.records import Extraction

log = logging.getLogger(__name__)
MIN_PARAGRAPH_CHARS = 200  # a document without articles needs at least this much text


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
) -> ParsedFile | ProcedureFile:
    """Read one file (in the current process): its procedure cards, or the legal document parsed.

    A file that cannot be read is an ``IngestError`` with a one-line reason; a bug in our code an
    ``InternalIngestError`` naming the file, with the traceback in ``details``."""
    try:
        return _read(path, options, on_page)
    except IngestError:
        raise
    except MemoryError as exc:
        raise IngestError(f"{path.name}: hết bộ nhớ khi đọc tệp / out of memory") from exc
    except library_errors() as exc:  # a parsing library refusing a malformed file
        raise IngestError(
            f"{path.name}: không đọc được tệp ({type(exc).__name__}: {one_line(exc)}) / unreadable file"
        ) from exc
    except Exception as exc:  # not the file's fault: a bug, reported with its traceback (never as "unreadable")
        raise InternalIngestError(
            f"{path.name}: lỗi nội bộ của chương trình khi đọc tệp ({type(exc).__name__}: {one_line(exc)}); "
            "chi tiết đã ghi vào nhật ký, xin báo cho người quản trị / internal error while reading the file "
            "(logged with its traceback)",
            traceback.format_exc(),
        ) from exc


def one_line(exc: BaseException, limit: int = 200) -> str:
    return " ".join(str(exc).split())[:limit]


def _read(path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None) -> ParsedFile | ProcedureFile:
    if path.suffix.lower() == ".jsonl":  # procedure records (pháp điển JSONL is streamed by the pipeline)
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
    """Worker loop: cap the address space, then parse whatever the parent sends."""
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

        def on_page(done: int, total: int) -> None:
            conn.send(("page", done, total))

        try:
            conn.send(("ok", parse_path(Path(path), options, on_page)))
        except InternalIngestError as exc:
            conn.send(("bug", str(exc), exc.details))
        except IngestError as exc:
            if isinstance(exc.__cause__, MemoryError):
                conn.send(("error", f"{Path(path).name}: vượt giới hạn bộ nhớ {memory_mb} MB khi đọc tệp "
                                    "(TTHC_PARSE_MEMORY_MB) / memory cap exceeded"))
            else:
                conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("error", f"{Path(path).name}: vượt giới hạn bộ nhớ {memory_mb} MB khi đọc tệp / memory cap exceeded"))


class ParserProcess:
    """A restartable child process that parses one file at a time."""

    def __init__(self, timeout_s: float, memory_mb: int):
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._ctx = mp.get_context("spawn")
        self._proc: mp.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _running(self) -> tuple[mp.process.BaseProcess, Connection]:
        """The worker and its pipe, started when there is none (or it died)."""
        if self._proc is None or self._conn is None or not self._proc.is_alive():
            self._kill()
            parent, child = self._ctx.Pipe()
            self._proc = self._ctx.Process(target=_serve, args=(child, self.memory_mb), daemon=True, name="tthc-parser")
            self._proc.start()
            child.close()
            self._conn = parent
        return self._proc, self._conn

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def parse(
        self, path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None = None
    ) -> ParsedFile | ProcedureFile:
        """What ``parse_path`` returns, read in the worker within the time and memory limits."""
        proc, conn = self._running()
        conn.send((str(path), options))
        deadline = time.monotonic() + self.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            try:
                ready = remaining > 0 and conn.poll(min(remaining, 1.0))
            except (EOFError, OSError):
                ready = False
            if not ready:
                if remaining <= 0:
                    self._kill()
                    raise IngestError(
                        f"{path.name}: đọc tệp quá {self.timeout_s:g} giây, đã dừng (TTHC_PARSE_TIMEOUT_S) / "
                        "parsing timed out"
                    )
                if not proc.is_alive():
                    code = proc.exitcode
                    self._kill()
                    raise IngestError(
                        f"{path.name}: tiến trình đọc tệp bị dừng (mã {code}; có thể vượt giới hạn bộ nhớ "
                        f"{self.memory_mb} MB) / parser process died"
                    )
                continue
            try:
                message = conn.recv()
            except (EOFError, OSError):
                self._kill()
                raise IngestError(f"{path.name}: tiến trình đọc tệp bị dừng / parser process died") from None
            if message[0] == "page":
                if on_page:
                    on_page(message[1], message[2])
                continue
            if message[0] == "ok":
                return message[1]
            if message[0] == "bug":
                raise InternalIngestError(message[1], message[2])
            raise IngestError(message[1])

    def close(self) -> None:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            try:
                self._conn.send(None)
                self._proc.join(2)
            except (OSError, BrokenPipeError):
                pass
        self._kill()

    def __enter__(self) -> "ParserProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
