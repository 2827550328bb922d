"""Loader for pháp điển document JSON Lines (``shared/data/full/phapdien_documents.jsonl``).

One JSON object per line = one legal document with its articles::

    {"so_hieu", "loai", "ten", "co_quan_ban_hanh", "ngay_ban_hanh", "ngay_hieu_luc",
     "articles": [{"article": "Điều 1", "title", "text", "chuong", "chuong_title",
                   "muc", "muc_title", "amended", ...}], ...}

Recognised by the fields of its first record (not by the file name), so any slice of the file
works. Each record is rendered to the same lines the Markdown corpus uses (``Chương``/``Mục``
headings, ``Điều N. Title``, clause lines, ``> Ghi chú pháp điển`` notes) and goes through the
ordinary structure parser, so its units look exactly like those of a Markdown document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ingest.metadata import content_hash, doc_key, iso_date
from ingest.structure import build_units, parse_articles
from rag.domain import LegalDocument, LegalUnit
from rag.errors import IngestError
from rag.text.vietnamese import nfc

REQUIRED_FIELDS = ("so_hieu", "articles")
SUFFIXES = (".jsonl", ".json", ".ndjson")


def _first_record(path: Path) -> dict[str, Any] | None:
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    return record if isinstance(record, dict) else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return None


def is_phapdien_jsonl(path: Path) -> bool:
    """True when the file's first record has a số hiệu and a list of articles with text."""
    if path.suffix.lower() not in SUFFIXES or not path.is_file():
        return False
    record = _first_record(path)
    if not record or not all(f in record for f in REQUIRED_FIELDS):
        return False
    articles = record["articles"]
    return isinstance(articles, list) and all(isinstance(a, dict) and "text" in a for a in articles[:3])


@dataclass
class ParsedRecord:
    line: int
    document: LegalDocument | None = None
    units: list[LegalUnit] | None = None
    error: str = ""


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


def iter_records(path: Path, max_chars: int = 1800, overlap: int = 200) -> Iterator[ParsedRecord]:
    """Every line of the file as a parsed document, or the reason it could not be read.

    Two records with the same số hiệu in one file become two documents (``key@line``).
    """
    seen: set[str] = set()
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise IngestError(f"{path.name}: không đọc được tệp / cannot read: {exc.strerror}") from exc
    with handle:
        number = 0
        while True:
            try:
                raw = handle.readline()
            except UnicodeDecodeError:
                yield ParsedRecord(number + 1, error=f"{path.name}:{number + 1}: không phải UTF-8 / not UTF-8")
                return
            if not raw:
                return
            number += 1
            if not raw.strip():
                continue
            try:
                document, units = parse_record(json.loads(raw), path, number, max_chars, overlap)
            except json.JSONDecodeError as exc:
                yield ParsedRecord(number, error=f"{path.name}:{number}: JSON lỗi / bad JSON: {exc.msg}")
                continue
            except IngestError as exc:
                yield ParsedRecord(number, error=str(exc))
                continue
            if document.key in seen:
                from dataclasses import replace

                document = replace(document, key=f"{document.key}@{number}")
                units = [replace(u, document=document) for u in units]
            seen.add(document.key)
            yield ParsedRecord(number, document, units)
