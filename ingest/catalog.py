"""The administrator's view of the index: uploads, the document list, failures, re-ingest.

Used by the app's "Văn bản" page (and the CLI's ingest, to remember failures). Every write goes
through the caller's own ``Ingestor`` / ``UnitStore`` (an embedded index has one owner).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ingest.loaders import SUPPORTED_SUFFIXES, sniff
from ingest.pipeline import FileResult, Ingestor
from rag.config import Settings
from rag.errors import InputError
from rag.validity.overrides import ValidityOverride, read_overrides, remove_override, write_override
from rag.index.store import UnitStore
from rag.validity.service import ValidityService

# What each sniffed kind may be called (the bytes decide, not the extension).
_KIND_SUFFIXES = {
    "pdf": {".pdf"},
    "zip": {".docx"},
    "ole": {".doc"},
}


OVERRIDDEN = "tệp ghi đè"  # where a status comes from: the administrator's override file


@dataclass(frozen=True)
class DocumentRow:
    """One line of the document list."""

    key: str
    doc_number: str
    doc_type: str
    title: str
    issuer: str
    status: str
    status_from: str  # OVERRIDDEN when the override file set it, else "văn bản"
    effective_from: str
    effective_to: str
    units: int
    ingested_at: str
    source: str
    error: str = ""


def failures_path(settings: Settings) -> Path:
    """Where the last failure per file is remembered (beside the index, or beside documents/)."""
    base = Path(settings.index_dir) if not settings.qdrant_url else Path(settings.documents_dir).parent
    return base / "ingest_failures.json"


def load_failures(settings: Settings) -> dict[str, dict[str, str]]:
    path = failures_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record_results(settings: Settings, results: Iterable[FileResult]) -> None:
    """Remember failures by file path; a later success clears the file's entry."""
    failures = load_failures(settings)
    for r in results:
        if r.status == "failed":
            failures[r.path] = {"reason": r.reason, "at": _now()}
        else:
            failures.pop(r.path, None)
    path = failures_path(settings)
    if not failures and not path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(failures, ensure_ascii=False, indent=1), encoding="utf-8")


def safe_filename(name: str) -> str:
    """A plain file name (no folders, no control or shell characters), Vietnamese letters kept."""
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name).strip()
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w\-. ]+", "_", stem).strip(" ._") or "van-ban"
    return f"{stem[:120]}{suffix}"


def check_upload(name: str, data: bytes, settings: Settings) -> str:
    """The safe file name for an upload, or ``InputError`` with the reason it is refused."""
    filename = safe_filename(name)
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(f"{name}: loại tệp {suffix or '(không có đuôi)'} không được hỗ trợ (chỉ nhận {allowed})")
    limit = int(settings.max_file_mb * 1e6)
    if len(data) > limit:
        raise InputError(f"{name}: tệp quá lớn ({len(data) / 1e6:.1f} MB > {settings.max_file_mb:g} MB)")
    if not data.strip():
        raise InputError(f"{name}: tệp rỗng")
    kind = sniff(data, suffix)
    expected = _KIND_SUFFIXES.get(kind)
    if expected is not None and suffix not in expected:
        raise InputError(f"{name}: nội dung tệp không khớp với đuôi {suffix} (thực chất là {kind.upper()})")
    if expected is None and suffix in {s for group in _KIND_SUFFIXES.values() for s in group}:
        raise InputError(f"{name}: nội dung không phải tệp {suffix} hợp lệ")
    if expected is None and b"\x00" in data[:4096]:
        raise InputError(f"{name}: tệp nhị phân, không phải văn bản")
    return filename


def save_upload(name: str, data: bytes, settings: Settings) -> Path:
    """Check an upload and store it in the documents folder (a new name if one differs)."""
    filename = check_upload(name, data, settings)
    folder = Path(settings.documents_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    n = 1
    while target.exists() and target.read_bytes() != data:
        target = folder / f"{Path(filename).stem}-{n}{Path(filename).suffix}"
        n += 1
    target.write_bytes(data)
    return target


def document_rows(
    store: UnitStore, settings: Settings, validity: ValidityService | None = None
) -> list[DocumentRow]:
    """Indexed documents followed by files whose last ingest failed. Status and dates come from the
    validity service (``validity``: the engine's, as of the configured date) when given."""
    overrides = read_overrides(settings.validity_file)
    failures = load_failures(settings)
    rows: list[DocumentRow] = []
    sources: set[str] = set()
    for rec in store.document_records():
        number, key, source = rec.doc_number, rec.key, rec.source
        ov = overrides.get(number) or overrides.get(key)
        sources.add(source)
        status = ov.status if ov else (rec.ingested_status or "không rõ")
        effective_from = ov.effective_from if ov and ov.effective_from else rec.effective_date or ""
        effective_to = ov.effective_to if ov else rec.effective_to or ""
        if validity is not None and key in validity.registry.records:
            known = validity.record(key)
            status, effective_from, effective_to = known.status, known.effective_from or "", known.effective_to or ""
        rows.append(
            DocumentRow(
                key=key,
                doc_number=number,
                doc_type=rec.doc_type,
                title=rec.title,
                issuer=rec.issuer,
                status=status,
                status_from=OVERRIDDEN if ov and ov.status else "văn bản",
                effective_from=effective_from,
                effective_to=effective_to,
                units=rec.unit_count,
                ingested_at=rec.ingested_at,
                source=source,
                error=failures.get(source, {}).get("reason", ""),
            )
        )
    rows.sort(key=lambda r: (r.doc_type, r.doc_number or r.key))
    for path, failure in sorted(failures.items()):
        if path not in sources:
            rows.append(
                DocumentRow(
                    key="",
                    doc_number="",
                    doc_type="",
                    title=Path(path).name,
                    issuer="",
                    status="",
                    status_from="",
                    effective_from="",
                    effective_to="",
                    units=0,
                    ingested_at=failure.get("at", ""),
                    source=path,
                    error=failure.get("reason", ""),
                )
            )
    return rows


def reingest(ingestor: Ingestor, doc_key: str) -> FileResult:
    """Rebuild one document from its source file (even when the file did not change)."""
    record = ingestor.store.document_record(doc_key)
    if record is None:
        raise InputError(f"Không có văn bản '{doc_key}' trong chỉ mục")
    source = Path(record.source)
    if not source.is_file():
        raise InputError(f"Không còn tệp gốc {source}: không thể nạp lại")
    ingestor.store.delete_document(doc_key)
    result = ingestor.ingest_file(source)
    record_results(ingestor.settings, [result])
    return result


def remove_document(ingestor: Ingestor, doc_key: str, delete_file: bool = False) -> str:
    """Remove a document from the index (and its file, when it lives in the documents folder)."""
    record = ingestor.store.document_record(doc_key)
    if record is None:
        raise InputError(f"Không có văn bản '{doc_key}' trong chỉ mục")
    ingestor.store.delete_document(doc_key)
    source = Path(record.source)
    if delete_file and source.is_file() and _inside(source, Path(ingestor.settings.documents_dir)):
        source.unlink()
    return record.doc_number or doc_key


def set_validity(store: UnitStore, settings: Settings, doc_key: str, override: ValidityOverride) -> ValidityOverride:
    """Write the override file row and apply it to the index at once (badges and filters)."""
    saved = write_override(settings.validity_file, override)
    store.set_document_validity(doc_key, saved.status, saved.effective_from or None, saved.effective_to or None)
    return saved


def clear_validity(store: UnitStore, settings: Settings, doc_key: str) -> str:
    """Take back the administrator's override of a document (its row leaves the override file): its
    status is read from the texts again, and stored on the index like ``set_validity`` stores one."""
    record = store.document_record(doc_key)
    if record is None:
        raise InputError(f"Không có văn bản '{doc_key}' trong chỉ mục")
    names = [doc for doc in dict.fromkeys((record.doc_number, doc_key)) if doc]
    if not [doc for doc in names if remove_override(settings.validity_file, doc)]:
        raise InputError(f"{names[0]}: không có dòng ghi đè trong {settings.validity_file}")
    service = ValidityService.from_store(store, settings.validity_file, settings.reforms_file, settings.as_of)
    known = service.record(doc_key)
    store.set_document_validity(doc_key, known.status, known.effective_from, known.effective_to)
    return record.doc_number or doc_key


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
