"""Loader for pháp điển document JSON Lines (``shared/data/full/phapdien_documents.jsonl``).

One JSON object per line = one legal document with its articles::

    {"so_hieu", "loai", "ten", "co_quan_ban_hanh", "ngay_ban_hanh", "ngay_hieu_luc",
     "articles": [{"article": "Điều 1", "title", "text", "chuong", "chuong_title",
                   "muc", "muc_title", "amended", ...}], ...}

Recognised by the fields of its first record (not by the file name), so any slice of the file
works. Each record is rendered to the same lines the Markdown corpus uses (``Chương``/``Mục``
headings, ``Điều N. Title``, clause lines, ``> Ghi chú pháp điển`` notes) and goes through the
ordinary structure parser, so its units look exactly like those of a Markdown document.

The file is read only in the sandboxed parse worker (``ingest.worker``), one line at a time: a
record over the size limit, a line that is not UTF-8 or not JSON, a record without articles is an
error for that record only, and the records come back to the ingesting process in chunks
(``RecordStream``) while the rest of the file is still being read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from ingest.metadata import content_hash, doc_key, iso_date
from ingest.structure import build_units, parse_articles
from rag.domain import LegalDocument, LegalUnit
from rag.errors import IngestError
from rag.text.vietnamese import nfc

REQUIRED_FIELDS = ("so_hieu", "articles")
SUFFIXES = (".jsonl", ".json", ".ndjson")


def _read_line(handle: IO[bytes], max_bytes: int | None) -> tuple[bytes, int, bool]:
    """The next line (at most ``max_bytes`` of it kept), its size, and whether it was over the limit
    (the rest of an over-limit line is skipped, never held in memory)."""
    if not max_bytes:
        raw = handle.readline()
        return raw, len(raw), False
    raw = handle.readline(max_bytes + 1)
    if len(raw) <= max_bytes or raw.endswith(b"\n"):
        return raw, len(raw), False
    size = len(raw)
    while not raw.endswith(b"\n"):
        raw = handle.readline(1 << 20)
        if not raw:
            break
        size += len(raw)
    return b"", size, True


def _first_record(path: Path, max_bytes: int | None) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            while True:
                raw, _, over = _read_line(handle, max_bytes)
                if over or not raw:
                    return None
                if raw.strip():
                    record = json.loads(raw.decode("utf-8"))
                    return record if isinstance(record, dict) else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def is_phapdien_jsonl(path: Path, max_record_bytes: int | None = None) -> bool:
    """True when the file's first record has a số hiệu and a list of articles with text (a first
    line longer than ``max_record_bytes`` is not read: the file is not recognised)."""
    if path.suffix.lower() not in SUFFIXES or not path.is_file():
        return False
    record = _first_record(path, max_record_bytes)
    if not record or not all(f in record for f in REQUIRED_FIELDS):
        return False
    articles = record["articles"]
    return isinstance(articles, list) and all(isinstance(a, dict) and "text" in a for a in articles[:3])


@dataclass
class ParsedRecord:
    line: int
    document: LegalDocument | None = None
    units: list[LegalUnit] | None = None
    error: str = ""  # one line: why this record was not read
    internal: bool = False  # the error is a bug in our code (``details``: its traceback), not the record's fault
    details: str = ""
    size: int = 0  # bytes of the line


@dataclass
class RecordStream:
    """A pháp điển JSONL being read: its records, one at a time, while the rest is still parsed.
    ``close`` releases the reader (the worker process reading it) when the records are not all read."""

    path: Path
    records: Iterable[ParsedRecord]
    close: Callable[[], None] = lambda: None


def record_lines(record: dict[str, Any]) -> list[tuple[str, int | None]]:
    """The record as Markdown-corpus lines for ``parse_articles``."""
    lines: list[str] = []
    chapter = section = None
    for article in record.get("articles") or []:
        if article.get("chuong") and article["chuong"] != chapter:
            chapter, section = article["chuong"], None
            title = article.get("chuong_title") or ""
            lines.append(f"## {chapter}. {title}".rstrip(". "))
        if article.get("muc") and article["muc"] != section:
            section = article["muc"]
            title = article.get("muc_title") or ""
            lines.append(f"### {section}. {title}".rstrip(". "))
        label = str(article.get("article") or "").strip()
        if not label.startswith("Điều"):
            label = f"Điều {label}"
        title = (article.get("title") or "").strip()
        lines.append(f"#### {label}. {title}" if title else f"#### {label}.")
        lines.extend(str(article.get("text") or "").splitlines())
        if article.get("amended"):
            lines.append(f"> Ghi chú pháp điển: {article['amended']}")
    return [(nfc(line), None) for line in lines]


def parse_record(
    record: dict[str, Any], path: Path, line: int, max_chars: int = 1800, overlap: int = 200
) -> tuple[LegalDocument, list[LegalUnit]]:
    if not isinstance(record, dict) or not isinstance(record.get("articles"), list):
        raise IngestError(f"{path.name}:{line}: bản ghi thiếu 'articles' / record without articles")
    if not all(isinstance(article, dict) for article in record["articles"]):
        raise IngestError(f"{path.name}:{line}: 'articles' phải là danh sách đối tượng / articles must be objects")
    number = nfc(str(record.get("so_hieu") or "")).strip()
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True)
    document = LegalDocument(
        key=doc_key(number, f"{path.stem}-{line}"),
        doc_number=number,
        doc_type=nfc(record.get("loai") or ""),
        title=nfc(record.get("ten") or ""),
        issuer=nfc(record.get("co_quan_ban_hanh") or ""),
        issued_date=iso_date(record.get("ngay_ban_hanh")),
        effective_date=iso_date(record.get("ngay_hieu_luc")),
        status=nfc(record.get("tinh_trang") or "không rõ")[:200],
        source=str(path),
        content_hash=content_hash(canonical),
    )
    units = build_units(document, parse_articles(record_lines(record)), max_chars, overlap)
    if not units:
        raise IngestError(f"{path.name}:{line}: {number or 'văn bản'} không có Điều nào / no articles")
    return document, units


def iter_records(
    path: Path,
    max_chars: int = 1800,
    overlap: int = 200,
    max_record_bytes: int | None = None,
    failed: Callable[[int, Exception], ParsedRecord] | None = None,
) -> Iterator[ParsedRecord]:
    """Every line of the file as a parsed document, or the reason it could not be read.

    A line longer than ``max_record_bytes`` is skipped unread, with an error for that record. An
    unexpected exception while parsing one record goes to ``failed`` (the worker reports it as an
    internal error of that record and reads on); without ``failed`` it propagates. Two records with
    the same số hiệu in one file become two documents (``key@line``).
    """
    seen: set[str] = set()
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise IngestError(f"{path.name}: không đọc được tệp / cannot read: {exc.strerror}") from exc
    with handle:
        number = 0
        while True:
            raw, size, over = _read_line(handle, max_record_bytes)
            if not raw and not over:
                return
            number += 1
            if over:
                limit = (max_record_bytes or 0) / 1e6
                yield ParsedRecord(number, size=size, error=(
                    f"{path.name}:{number}: bản ghi quá lớn ({size / 1e6:.1f} MB > {limit:g} MB, TTHC_MAX_FILE_MB), "
                    "đã bỏ qua / record too large, skipped"
                ))
                continue
            if not raw.strip():
                continue
            out = [_parsed(raw, path, number, size, seen, max_chars, overlap, failed)]
            raw = b""
            yield out.pop()  # this frame keeps nothing of the record while it is handed on (memory cap)


def _parsed(
    raw: bytes,
    path: Path,
    number: int,
    size: int,
    seen: set[str],
    max_chars: int,
    overlap: int,
    failed: Callable[[int, Exception], ParsedRecord] | None,
) -> ParsedRecord:
    """One line of the file as a parsed document, or the reason it could not be read."""
    try:
        document, units = parse_record(json.loads(raw.decode("utf-8")), path, number, max_chars, overlap)
    except UnicodeDecodeError:
        return ParsedRecord(number, size=size, error=f"{path.name}:{number}: không phải UTF-8 / not UTF-8")
    except json.JSONDecodeError as exc:
        return ParsedRecord(number, size=size, error=f"{path.name}:{number}: JSON lỗi / bad JSON: {exc.msg}")
    except IngestError as exc:
        return ParsedRecord(number, size=size, error=str(exc))
    except Exception as exc:  # a bug in our code (or out of memory): the caller decides, per record
        if failed is None:
            raise
        return replace(failed(number, exc), size=size)
    if document.key in seen:
        document = replace(document, key=f"{document.key}@{number}")
        units = [replace(u, document=document) for u in units]
    seen.add(document.key)
    return ParsedRecord(number, document, units, size=size)
