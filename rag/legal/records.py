"""Typed records of validity: the status vocabulary, relations, a document's own-text extraction, and
the document record the index adapter hands out (``rag.index.store.UnitStore.documents``).

One vocabulary for every module: the five statuses below, the four badge symbols, and
``normalise_status`` for what people and headers write ("Hết hiệu lực toàn bộ" → "hết hiệu lực").
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

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

    def as_payload(self) -> dict[str, Any]:
        """JSON-ready (lists, not tuples), so a stored payload compares equal to a fresh one."""
        return json.loads(json.dumps(asdict(self), ensure_ascii=False))

    @classmethod
    def from_payload(cls, data: dict[str, Any] | None) -> "Extraction":
        if not data:
            return cls()
        relations = tuple(
            Relation(**{**{k: v for k, v in r.items() if k in Relation.__dataclass_fields__},
                        "articles": tuple(r.get("articles") or ()), "clauses": tuple(r.get("clauses") or ())})
            for r in data.get("relations") or ()
        )
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "relations"}
        return cls(**fields, relations=relations)


@dataclass(frozen=True)
class DocumentRecord:
    """An indexed document as validity sees it (built by the index adapter from its stored record).

    ``ingested_status`` is what was computed at ingestion with that day's date: kept for display of
    old indexes only; nothing filters or badges on it (``rag.validity.service.ValidityService`` does).
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

    def get(self, name: str, default: Any = None) -> Any:
        """Mapping-style read, for code that resolves references over plain records too."""
        value = getattr(self, name, default)
        return default if value is None else value

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> "DocumentRecord":
        """From a stored document record (the index adapter's payload)."""
        return cls(
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
            validity=Extraction.from_payload(p.get("validity")),
        )
