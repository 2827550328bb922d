"""Link a card's legal basis to documents and articles in the index, with their validity.

Uses the shared reference parser/resolver (``rag.legal.references``); when it finds nothing, matches
by số hiệu, or by law title and year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from rag.domain import LegalBasis, LegalUnit
from rag.index.store import UnitStore
from rag.legal.records import DocumentRecord
from rag.legal.references import DocumentResolver, find_references
from rag.text.vietnamese import nfc, strip_diacritics


@dataclass(frozen=True)
class ResolvedBasis:
    basis: LegalBasis
    doc_key: str = ""  # the index document, when found
    doc_label: str = ""
    doc_number: str = ""
    status: str = ""  # tình trạng hiệu lực as recorded in the index
    units: tuple[LegalUnit, ...] = ()  # the cited article's units, when an article is named

    @property
    def found(self) -> bool:
        return bool(self.doc_key)


def _fold(text: str) -> str:
    return " ".join(strip_diacritics(nfc(text or "")).lower().replace("đ", "d").split())


def _title_key(title: str) -> str:
    t = _fold(title)
    for prefix in ("bo luat ", "luat "):
        if t.startswith(prefix):
            t = t[len(prefix) :]
    return t


def _fallback_match(basis: LegalBasis, records: list[DocumentRecord]) -> DocumentRecord | None:
    if basis.doc_number:
        for r in records:
            if _fold(r.doc_number) == _fold(basis.doc_number):
                return r
        return None
    if basis.title:
        want = _title_key(basis.title)
        candidates = [
            r
            for r in records
            if _title_key(r.title) == want
            and (not basis.doc_type or _fold(basis.doc_type) in _fold(r.doc_type))
        ]
        if basis.year:
            dated = [
                r
                for r in candidates
                if basis.year in r.doc_number + (r.issued_date or "")
            ]
            candidates = dated or candidates
        return candidates[0] if candidates else None
    return None


def _shared_match(basis: LegalBasis, resolver: DocumentResolver) -> DocumentRecord | None:
    refs = [r for r in find_references(basis.text, known_names=resolver.titles) if r.has_document]
    if not refs:
        return None
    resolution = resolver.resolve(refs[0])
    return resolution.record if resolution.found else None


def resolve_basis(items: Iterable[LegalBasis], store: UnitStore | None) -> list[ResolvedBasis]:
    """Each basis with the index document (and article units) it points to, when present."""
    items = list(items)
    if store is None or not store.exists():
        return [ResolvedBasis(b) for b in items]
    records = store.document_records()
    resolver = DocumentResolver(records)
    out = []
    for basis in items:
        record = _shared_match(basis, resolver) or _fallback_match(basis, records)
        if not record:
            out.append(ResolvedBasis(basis))
            continue
        units: tuple[LegalUnit, ...] = ()
        if basis.article:
            units = tuple(store.units_of(record.key, basis.article))
            if basis.clause:
                units = tuple(u for u in units if u.clause == basis.clause) or units
        number = record.doc_number
        label = " ".join(x for x in (record.doc_type, record.title, number) if x)
        out.append(ResolvedBasis(basis, record.key, label, number, record.ingested_status, units))
    return out
