"""The administrator's validity override file (CSV): status and dates that win over extraction.

Columns: ``doc,status,effective_from,effective_to,note``; ``doc`` is the số hiệu (or the document
key when it has none); dates are ISO ``yyyy-mm-dd`` or empty. Other columns (e.g. ``replaced_by``,
``amended_by`` of the validity module) are kept as they are. Writes are atomic (temp file +
rename) and keep every other row.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.text.csvfile import read_table
from rag.errors import InputError
from rag.legal.records import EXPIRED, IN_FORCE, NOT_YET, PARTIAL, UNKNOWN
from rag.validity.relations import OVERRIDE_COLUMNS

FIELDS = ("doc", "status", "effective_from", "effective_to", "note")
STATUSES = (IN_FORCE, PARTIAL, EXPIRED, NOT_YET, UNKNOWN)  # the one vocabulary, in the form's order


@dataclass(frozen=True)
class ValidityOverride:
    doc: str
    status: str
    effective_from: str = ""
    effective_to: str = ""
    note: str = ""


def _check_date(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(f"{label} không hợp lệ: '{value}' (cần dạng yyyy-mm-dd) / invalid date") from exc


def validate(override: ValidityOverride) -> ValidityOverride:
    """A cleaned copy, or ``InputError`` naming what is wrong."""
    doc = override.doc.strip()
    if not doc:
        raise InputError("Thiếu số hiệu văn bản / missing document number")
    if override.status not in STATUSES:
        raise InputError(
            f"Tình trạng '{override.status}' không hợp lệ; chọn một trong: {', '.join(STATUSES)} / invalid status"
        )
    start = _check_date(override.effective_from, "Ngày có hiệu lực")
    end = _check_date(override.effective_to, "Ngày hết hiệu lực")
    if start and end and end < start:
        raise InputError("Ngày hết hiệu lực phải sau ngày có hiệu lực / end date before start date")
    note = " ".join(override.note.split())[:500]
    return ValidityOverride(doc, override.status, start, end, note)


def read_overrides(path: Path) -> dict[str, ValidityOverride]:
    """All rows by ``doc`` (missing file: empty). A malformed row raises ``ConfigError`` naming its line."""
    _, rows = read_table(Path(path), ("doc",), OVERRIDE_COLUMNS, "tệp hiệu lực")
    return {
        row.get("doc"): ValidityOverride(
            doc=row.get("doc"),
            status=row.get("status"),
            effective_from=row.get("effective_from"),
            effective_to=row.get("effective_to"),
            note=row.get("note"),
        )
        for row in rows
        if row.get("doc")
    }


def write_override(path: Path, override: ValidityOverride) -> ValidityOverride:
    """Insert or replace the row for ``override.doc``; returns the validated row."""
    clean = validate(override)
    columns, rows = _read_raw(Path(path))
    row = rows.get(clean.doc, {})
    row.update(asdict(clean))
    rows[clean.doc] = row
    _write_all(Path(path), columns, rows)
    return clean


def remove_override(path: Path, doc: str) -> bool:
    columns, rows = _read_raw(Path(path))
    if rows.pop(doc, None) is None:
        return False
    _write_all(Path(path), columns, rows)
    return True


def _read_raw(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """Every column of every row (so columns this module does not know survive a rewrite)."""
    header, rows = read_table(path, ("doc",), OVERRIDE_COLUMNS, "tệp hiệu lực")
    columns = list(FIELDS) + [c for c in header if c and c not in FIELDS]
    return columns, {row.get("doc"): {k: v or "" for k, v in row.values.items() if k} for row in rows if row.get("doc")}


def _write_all(path: Path, columns: list[str], rows: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".validity-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for doc in sorted(rows):
                writer.writerow({c: rows[doc].get(c, "") for c in columns})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
