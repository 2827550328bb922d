"""The one answer to "is it in force": status of a document or a cited unit as of a date.

Badges, ranking (demotion of units not in force), the app's "chỉ văn bản còn hiệu lực" toggle, the
CLI's ``--in-force`` and ``--filter tinh_trang=…``, the citation checker and reform notices all ask
this service. It reads typed document records (``rag.index.store.UnitStore.document_records``), the relations
between them (``ValidityRegistry``), the administrator's override file and the reform rules file;
the status stored at ingestion never decides anything.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from rag.domain import Badge, LegalUnit, Passage
from rag.domain import SearchFilters
from rag.legal.records import NOT_IN_FORCE, normalise_status
from rag.validity.reforms import ReformNotice, ReformRule, load_reforms, reform_notices
from rag.validity.relations import (
    DocumentSource, ValidityRecord, ValidityRegistry, document_label, prefer_in_force,
)

# doc_keys value that matches no document (an empty tuple would mean "no restriction")
NO_DOCUMENT = ("\x00",)


class ValidityService:
    """Validity of the indexed documents for any date (``as_of`` None: the configured date, else today)."""

    def __init__(self, registry: ValidityRegistry, reforms: Sequence[ReformRule] = (), as_of: str | None = None):
        self.registry = registry
        self.reforms = list(reforms)
        self.default_as_of = as_of

    @classmethod
    def from_store(cls, store: DocumentSource, override_file: Path | None, reforms_file: Path | None = None,
                   as_of: str | None = None) -> "ValidityService":
        return cls(ValidityRegistry.from_store(store, override_file), load_reforms(reforms_file), as_of)

    # -- documents -----------------------------------------------------------------------------
    @property
    def resolver(self):
        return self.registry.resolver

    def date(self, as_of: str | None = None) -> str:
        return as_of or self.default_as_of or date.today().isoformat()

    def find(self, doc: str):
        """A document record by key, số hiệu or name (what ``tthc validity DOC`` accepts)."""
        return self.registry.find(doc)

    def mentioned(self, doc_type: str, name: str) -> list[tuple[str, str]]:
        """(year, số hiệu) of documents of that type and name the indexed texts name (indexed or not)."""
        return self.registry.mentioned(doc_type, name)

    def label(self, key: str) -> str:
        """Short name of an indexed document ("Luật Tố cáo 25/2018/QH14")."""
        record = self.registry.records.get(key)
        return document_label(record.document) if record is not None else key

    def ended_by(self, number: str) -> list[tuple[str, str | None]]:
        """(key, date) of indexed documents that end the document ``number`` (indexed or not) as a whole."""
        return self.registry.ended_by(number)

    def record(self, key: str, as_of: str | None = None) -> ValidityRecord:
        """Status, dates and relations of one document, with where each came from."""
        return self.registry.record(key, self.date(as_of))

    def status(self, key: str, as_of: str | None = None) -> str:
        return self.record(key, as_of).status

    # -- units ---------------------------------------------------------------------------------
    def notices(self, unit: LegalUnit, as_of: str | None = None) -> tuple[ReformNotice, ...]:
        text = f"{unit.article_title}\n{unit.text}" if unit.article_title else unit.text
        return reform_notices(text, unit.document.issued_date, self.date(as_of), self.reforms)

    def badge(self, unit: LegalUnit, as_of: str | None = None) -> Badge:
        """The cited unit's badge: the document's status, its article's amendments, reform notices."""
        badge = self.registry.badge(unit, self.date(as_of))
        notices = self.notices(unit, as_of)
        return replace(badge, notices=tuple(n.text for n in notices)) if notices else badge

    def annotate(self, passages: Iterable[Passage], as_of: str | None = None) -> list[Passage]:
        return [replace(p, badge=self.badge(p.unit, as_of)) for p in passages]

    def rank(self, passages: list[Passage], as_of: str | None = None, only_in_force: bool = False,
             demotion: int = 3) -> list[Passage]:
        """Badge every passage; units not in force move down (or are dropped with ``only_in_force``)."""
        return prefer_in_force(self.annotate(passages, as_of), None, None, only_in_force, demotion)

    # -- filters -------------------------------------------------------------------------------
    def resolve_filters(self, filters: SearchFilters | None, as_of: str | None = None) -> SearchFilters | None:
        """``filters`` with its validity conditions (in force only, tình trạng, excluded statuses) turned
        into the documents that meet them on the date; the stored payload status is never consulted."""
        if not filters or not filters.asks_validity:
            return filters
        wanted = {normalise_status(s) or s for s in filters.statuses}
        excluded = {normalise_status(s) or s for s in filters.exclude_statuses}
        if filters.in_force:
            excluded |= set(NOT_IN_FORCE)
        keys = [
            k for k in self.registry.records
            if (not wanted or self.status(k, as_of) in wanted) and self.status(k, as_of) not in excluded
        ]
        if filters.doc_keys:
            keys = [k for k in keys if k in set(filters.doc_keys)]
        return replace(filters, statuses=(), exclude_statuses=(), doc_keys=tuple(keys) or NO_DOCUMENT)
