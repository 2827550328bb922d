"""Typed records of validity: the status vocabulary, relations, a document's own-text extraction, and
the document record the index adapter hands out (``rag.index.store.UnitStore.document_records``).

One vocabulary for every module: the five statuses below, the four badge symbols, and
``normalise_status`` for what people and headers write ("Hết hiệu lực toàn bộ" → "hết hiệu lực").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rag.domain import LegalDocument
from rag.legal.references import fold
from rag.text.vietnamese import nfc

IN_FORCE = "còn hiệu lực"
EXPIRED = "hết hiệu lực"
PARTIAL = "hết hiệu lực một phần"
NOT_YET = "chưa có hiệu lực"
UNKNOWN = "không rõ"
STATUSES = (IN_FORCE, EXPIRED, PARTIAL, NOT_YET, UNKNOWN)
# Not in force: dropped by "chỉ văn bản còn hiệu lực" / --in-force (unknown stays, with ⚪).
NOT_IN_FORCE = (EXPIRED, NOT_YET)

SYMBOLS = {"in_force": "🟢", "amended": "🟡", "not_in_force": "🔴", "unknown": "⚪"}
RELATION_KINDS = ("amends", "amended_by", "replaces", "replaced_by", "guides")


def normalise_status(text: str | None) -> str:
    """A status when ``text`` names one ("Hết hiệu lực toàn bộ" → "hết hiệu lực"), else ""."""
    f = fold(nfc(text or "")).strip()
    if not f:
        return ""
    if f.startswith(("het hieu luc mot phan", "con hieu luc mot phan")):
        return PARTIAL
    if f.startswith(("con hieu luc", "dang co hieu luc", "co hieu luc")):
        return IN_FORCE
    if f.startswith(("het hieu luc", "bi bai bo", "bai bo", "bi thay the", "da bi thay the", "het han")):
        return EXPIRED
    if f.startswith(("chua co hieu luc", "chua hieu luc")):
        return NOT_YET
    if f.startswith(("khong ro", "khong xac dinh", "chua xac dinh")):
        return UNKNOWN
    return ""


@dataclass(frozen=True)
class Relation:
    """One relation of a document to another, as found in a text."""

    kind: str  # amends | amended_by | replaces | replaced_by | guides
    target: str  # số hiệu when written ("79/2007/NĐ-CP"), else the designation ("Luật Hộ tịch")
    articles: tuple[str, ...] = ()  # only these articles of the target (partial)
    repeal: bool = False  # the articles (or the target) are repealed (bãi bỏ / hết hiệu lực)
    date: str | None = None  # when the relation takes effect (ISO)
    evidence: str = ""  # the sentence it was read from
    source: str = ""  # "văn bản: Điều 48" | "ghi chú pháp điển: Điều 5" | "tệp ghi đè" | "chỉ mục: …"
    clauses: tuple[str, ...] = ()  # only these clauses of ``articles`` ("khoản 1, 2 Điều 4"): the article stays


@dataclass(frozen=True)
class Extraction:
    """What a document says about its own validity."""

    effective_from: str | None = None
    effective_from_source: str = ""
    effective_to: str | None = None
    effective_to_source: str = ""
    status: str = ""  # only when stated (header "tinh_trang" naming a status)
    status_source: str = ""
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class DocumentRecord:
    """A document as the index knows it: what was read from the file, what ingestion found about the
    file, and the validity extraction of its own text (built by the index adapter, ``rag/index/payload.py``).

    ``ingested_status`` is what was computed at ingestion with that day's date: kept for display of
    old indexes only; nothing filters or badges on it (``rag.validity.service.ValidityService`` does).
    Storage bookkeeping (the write marker, the file's byte hash) stays inside the adapter.
    """

    key: str
    doc_number: str = ""
    doc_type: str = ""
    title: str = ""
    issuer: str = ""
    issued_date: str | None = None
    effective_date: str | None = None
    effective_to: str | None = None
    source: str = ""
    access: tuple[str, ...] = ()
    unit_count: int = 0
    ingested_at: str = ""
    ingested_status: str = ""
    validity: Extraction = field(default_factory=Extraction)
    content_hash: str = ""  # sha256 of the normalised text
    amends: tuple[str, ...] = ()  # relations as ingestion read them (``LegalDocument``)
    amended_by: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] = ()
    guides: tuple[str, ...] = ()
    format: str = ""  # the file's real kind (pdf, docx, md, ...)
    pages: int = 0
    articles: int = 0
    ocr_pages: tuple[int, ...] = ()
    encoding: str = ""

    @classmethod
    def of(cls, document: LegalDocument, unit_count: int = 0, validity: Extraction | None = None,
           **facts: Any) -> "DocumentRecord":
        """The record of a parsed document; ``facts``: unit-independent fields (format, pages, ingested_at …)."""
        return cls(
            key=document.key, doc_number=document.doc_number, doc_type=document.doc_type, title=document.title,
            issuer=document.issuer, issued_date=document.issued_date, effective_date=document.effective_date,
            effective_to=document.effective_to, source=document.source, access=tuple(document.access),
            unit_count=unit_count, ingested_status=document.status, validity=validity or Extraction(),
            content_hash=document.content_hash, amends=document.amends, amended_by=document.amended_by,
            replaces=document.replaces, replaced_by=document.replaced_by, guides=document.guides, **facts,
        )

    @property
    def document(self) -> LegalDocument:
        """The document fields as the domain type (status: the one stored at ingestion)."""
        return LegalDocument(
            key=self.key, doc_number=self.doc_number, doc_type=self.doc_type, title=self.title, issuer=self.issuer,
            issued_date=self.issued_date, effective_date=self.effective_date,
            status=self.ingested_status or UNKNOWN, source=self.source, content_hash=self.content_hash,
            access=self.access, effective_to=self.effective_to, amends=self.amends, amended_by=self.amended_by,
            replaces=self.replaces, replaced_by=self.replaced_by, guides=self.guides,
        )
