"""The payload codec: typed records ↔ the JSON payloads stored in Qdrant, in one place.

- a unit point: the ``LegalUnit`` fields and its document's fields (``doc_key``/``doc_source`` for the
  document's ``key``/``source``);
- a document record: the ``DocumentRecord`` fields (``status`` is the status computed at ingestion),
  the validity extraction, and the adapter's bookkeeping — the file's byte hash (``file_hash``) and the
  "being written" marker (``pending``), which never leave ``rag/index``;
- the index's meta record (embedder name, dimension), a procedure card, a procedure source file.

Readers take every payload written since the first index: a missing field gets its default.
Nothing outside ``rag/index`` sees a payload dict.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from rag.domain import (
    DossierItem,
    Duration,
    FeeAmount,
    Fees,
    LegalBasis,
    LegalDocument,
    LegalUnit,
    Procedure,
    ProcessingTime,
    Step,
)
from rag.legal.records import DocumentRecord, Extraction, Relation

PENDING = "pending"  # document record key: the document's write has not finished
META = "meta"  # document record key: the index's meta record, not a document
FILE_HASH = "file_hash"  # document record key: sha256 of the file's bytes at the last ingestion
VALIDITY = "validity"  # document record key: the extraction (absent in indexes older than issue 6)

_DOC_FIELDS = set(LegalDocument.__dataclass_fields__)
_UNIT_FIELDS = set(LegalUnit.__dataclass_fields__) - {"document"}
_RELATION_FIELDS = set(Relation.__dataclass_fields__)
_EXTRACTION_FIELDS = set(Extraction.__dataclass_fields__) - {"relations"}
_PROCEDURE_FIELDS = set(Procedure.__dataclass_fields__)
_RELATION_LISTS = ("amends", "amended_by", "replaces", "replaced_by", "guides")


# -- units -----------------------------------------------------------------------------------------

def unit_payload(unit: LegalUnit) -> dict[str, Any]:
    payload = {k: v for k, v in asdict(unit).items() if k != "document"}
    doc = asdict(unit.document)
    doc["access"] = list(doc["access"])
    payload.update({f"doc_{k}" if k in ("key", "source") else k: v for k, v in doc.items()})
    return payload


def _unit_document(p: dict[str, Any]) -> LegalDocument:
    values = {k: p.get(k) for k in _DOC_FIELDS if k in p}
    values["key"] = p.get("doc_key", p.get("key", ""))
    values["source"] = p.get("doc_source", p.get("source", ""))
    values["access"] = tuple(p.get("access") or ())
    for name in _RELATION_LISTS:
        if isinstance(values.get(name), list):
            values[name] = tuple(values[name])
    nullable = ("issued_date", "effective_date", "effective_to")
    return LegalDocument(**{k: v for k, v in values.items() if v is not None or k in nullable})


def unit_from_payload(p: dict[str, Any]) -> LegalUnit:
    values = {k: p.get(k) for k in _UNIT_FIELDS if k in p}
    values["article_title"] = values.get("article_title") or ""
    return LegalUnit(document=_unit_document(p), **values)


# -- document records ------------------------------------------------------------------------------

def extraction_payload(extraction: Extraction) -> dict[str, Any]:
    """JSON-ready (lists, not tuples), so a stored payload compares equal to a fresh one."""
    return json.loads(json.dumps(asdict(extraction), ensure_ascii=False))


def extraction_from_payload(data: dict[str, Any] | None) -> Extraction:
    if not data:
        return Extraction()
    relations = tuple(
        Relation(**{**{k: v for k, v in r.items() if k in _RELATION_FIELDS},
                    "articles": tuple(r.get("articles") or ()), "clauses": tuple(r.get("clauses") or ())})
        for r in data.get("relations") or ()
    )
    return Extraction(**{k: v for k, v in data.items() if k in _EXTRACTION_FIELDS}, relations=relations)


def document_payload(record: DocumentRecord, file_hash: str = "") -> dict[str, Any]:
    """The stored document record: the ``LegalDocument`` fields, then what ingestion found."""
    payload = asdict(record.document)
    payload["status"] = record.ingested_status
    for name in ("access", *_RELATION_LISTS):
        payload[name] = list(payload[name])
    payload.update(
        unit_count=record.unit_count, format=record.format, pages=record.pages, ocr_pages=list(record.ocr_pages),
        encoding=record.encoding, articles=record.articles, ingested_at=record.ingested_at,
    )
    payload[FILE_HASH] = file_hash
    payload[VALIDITY] = extraction_payload(record.validity)
    return payload


def document_from_payload(p: dict[str, Any]) -> DocumentRecord:
    return DocumentRecord(
        key=str(p.get("key") or p.get("doc_key") or ""),
        doc_number=str(p.get("doc_number") or ""),
        doc_type=str(p.get("doc_type") or ""),
        title=str(p.get("title") or ""),
        issuer=str(p.get("issuer") or ""),
        issued_date=p.get("issued_date") or None,
        effective_date=p.get("effective_date") or None,
        effective_to=p.get("effective_to") or None,
        source=str(p.get("source") or p.get("doc_source") or ""),
        access=tuple(p.get("access") or ()),
        unit_count=int(p.get("unit_count") or 0),
        ingested_at=str(p.get("ingested_at") or ""),
        ingested_status=str(p.get("status") or ""),
        validity=extraction_from_payload(p.get(VALIDITY)),
        content_hash=str(p.get("content_hash") or ""),
        **{name: tuple(p.get(name) or ()) for name in _RELATION_LISTS},
        format=str(p.get("format") or ""),
        pages=int(p.get("pages") or 0),
        articles=int(p.get("articles") or 0),
        ocr_pages=tuple(int(n) for n in p.get("ocr_pages") or ()),
        encoding=str(p.get("encoding") or ""),
    )


def validity_edit_payload(status: str, effective_from: str | None, effective_to: str | None) -> dict[str, Any]:
    """The fields an administrator's validity edit overwrites, on the record and on every unit
    (``effective_from`` None: the stored start date stays)."""
    fields: dict[str, Any] = {"status": status, "effective_to": effective_to}
    if effective_from:
        fields["effective_date"] = fields["effective_from"] = effective_from
    return fields


def pending_payload(doc_key: str, source: str) -> dict[str, Any]:
    """The marker that stands in for a document while its units are written."""
    return {"key": doc_key, "source": source, PENDING: True}


def is_document(p: dict[str, Any] | None) -> bool:
    """A complete document record (not the meta record, not a write marker)."""
    return bool(p) and not p.get(META) and not p.get(PENDING)


def holds_file(p: dict[str, Any], file_hash: str) -> bool:
    """The record was written from a file with these bytes, and with its validity extraction."""
    return bool(file_hash) and p.get(FILE_HASH) == file_hash and VALIDITY in p


@dataclass(frozen=True)
class IndexMeta:
    """What the index was built with (refused with another embedder)."""

    embedder: str
    dim: int


def meta_payload(meta: IndexMeta) -> dict[str, Any]:
    return {META: True, "embedder": meta.embedder, "dim": meta.dim}


def meta_from_payload(p: dict[str, Any]) -> IndexMeta:
    return IndexMeta(embedder=str(p.get("embedder") or ""), dim=int(p.get("dim") or 0))


# -- procedures ------------------------------------------------------------------------------------

def procedure_payload(procedure: Procedure) -> dict[str, Any]:
    """A procedure as a JSON-safe payload (tuples become lists)."""
    return asdict(procedure)


def procedure_from_payload(p: dict[str, Any]) -> Procedure:
    """Rebuild the nested dataclasses from a payload written by ``procedure_payload``."""
    values = {k: v for k, v in p.items() if k in _PROCEDURE_FIELDS}
    values["dossier"] = tuple(DossierItem(**d) for d in values.get("dossier") or ())
    values["steps"] = tuple(Step(**s) for s in values.get("steps") or ())
    values["legal_basis"] = tuple(LegalBasis(**b) for b in values.get("legal_basis") or ())
    values["channels"] = tuple(values.get("channels") or ())
    if values.get("processing"):
        pt = values["processing"]
        values["processing"] = ProcessingTime(pt["text"], tuple(Duration(**d) for d in pt.get("durations") or ()))
    if values.get("fee_info"):
        fi = values["fee_info"]
        values["fee_info"] = Fees(
            text=fi["text"],
            amounts=tuple(FeeAmount(**a) for a in fi.get("amounts") or ()),
            exemptions=tuple(fi.get("exemptions") or ()),
            free=bool(fi.get("free")),
        )
    return Procedure(**values)


@dataclass(frozen=True)
class ProcedureSource:
    """One procedure source file as indexed: its content hash and how many cards it gave."""

    path: str
    content_hash: str
    count: int


def source_payload(source: ProcedureSource) -> dict[str, Any]:
    return asdict(source)


def source_from_payload(p: dict[str, Any]) -> ProcedureSource:
    return ProcedureSource(str(p.get("path") or ""), str(p.get("content_hash") or ""), int(p.get("count") or 0))
