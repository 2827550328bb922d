"""Parse files in a child process with a timeout and a memory cap.

One long-lived worker (started with ``spawn``, so it shares nothing with the parent's Qdrant
threads) reads files one by one; a file that hangs past the timeout or blows the memory cap
kills only the worker, which is restarted for the next file. The parent receives plain
domain objects (``ParsedFile``) or a one-line reason.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from ingest.loaders import LoadedFile, Loader, LoadLimits, load_file
from ingest.metadata import document_from
from ingest.structure import build_units, paragraph_units, parse_articles
from rag.domain import LegalDocument, LegalUnit
from rag.errors import IngestError

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
    validity: dict[str, Any] | None = None  # status/dates/relations found in the text (ingest.validity)


LIBRARY_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OSError, RuntimeError,
                   RecursionError, AssertionError, EOFError, LookupError)


def parse_path(path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None = None) -> ParsedFile:
    """Load, normalise and parse one file (in the current process); every failure is an
    ``IngestError`` with a one-line reason."""
    try:
        return _parse(path, options, on_page)
    except IngestError:
        raise
    except MemoryError as exc:
        raise IngestError(f"{path.name}: hết bộ nhớ khi đọc tệp / out of memory") from exc
    except LIBRARY_ERRORS as exc:  # a parser library choking on a malformed file
        raise IngestError(
            f"{path.name}: không đọc được tệp ({type(exc).__name__}: {str(exc)[:200]}) / unreadable file"
        ) from exc


def _parse(path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None) -> ParsedFile:
    return parse_loaded(load_file(path, options.limits, on_page, options.loaders), options)


def parse_loaded(loaded: LoadedFile, options: ParseOptions) -> ParsedFile:
    """Structure and metadata of a loaded file; ``IngestError`` when there is nothing to index."""
    path = loaded.path
    from rag.governance.access import folder_tags

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
    from ingest.validity import attach_validity

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

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_serve, args=(child, self.memory_mb), daemon=True, name="tthc-parser")
        self._proc.start()
        child.close()
        self._conn = parent

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def parse(self, path: Path, options: ParseOptions, on_page: Callable[[int, int], None] | None = None) -> ParsedFile:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        assert self._conn is not None and self._proc is not None
        self._conn.send((str(path), options))
        deadline = time.monotonic() + self.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            try:
                ready = remaining > 0 and self._conn.poll(min(remaining, 1.0))
            except (EOFError, OSError):
                ready = False
            if not ready:
                if remaining <= 0:
                    self._kill()
                    raise IngestError(
                        f"{path.name}: đọc tệp quá {self.timeout_s:.0f} giây, đã dừng (TTHC_PARSE_TIMEOUT_S) / "
                        "parsing timed out"
                    )
                if not self._proc.is_alive():
                    code = self._proc.exitcode
                    self._kill()
                    raise IngestError(
                        f"{path.name}: tiến trình đọc tệp bị dừng (mã {code}; có thể vượt giới hạn bộ nhớ "
                        f"{self.memory_mb} MB) / parser process died"
                    )
                continue
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                self._kill()
                raise IngestError(f"{path.name}: tiến trình đọc tệp bị dừng / parser process died") from None
            if message[0] == "page":
                if on_page:
                    on_page(message[1], message[2])
                continue
            if message[0] == "ok":
                return message[1]
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
