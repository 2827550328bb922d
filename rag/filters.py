"""Search filters: which documents a search may return (type, issuer, số hiệu, dates, validity).

``SearchFilters`` is a plain value; ``parse_filters`` reads the CLI/app form ``key=value``
(Vietnamese or English keys, a value list separated by "|" or repeated keys meaning "any of").
The store turns it into a Qdrant payload filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable

from rag.errors import InputError
from rag.vietnamese import nfc, strip_diacritics

_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class SearchFilters:
    doc_types: tuple[str, ...] = ()  # "Luật", "Nghị định", …
    issuers: tuple[str, ...] = ()  # "Quốc hội", "Chính phủ", …
    doc_numbers: tuple[str, ...] = ()  # số hiệu as written, "60/2014/QH13"
    statuses: tuple[str, ...] = ()  # tình trạng hiệu lực
    issued_from: str | None = None  # ISO date, inclusive
    issued_to: str | None = None  # ISO date, inclusive
    doc_keys: tuple[str, ...] = field(default=(), compare=True)  # internal: restrict to documents
    exclude_statuses: tuple[str, ...] = ()  # drop these tình trạng
    in_force: bool = False  # only documents and units in force (the app's toggle, the CLI's --in-force)

    def __bool__(self) -> bool:
        return any(
            (self.doc_types, self.issuers, self.doc_numbers, self.statuses, self.issued_from, self.issued_to,
             self.doc_keys, self.exclude_statuses, self.in_force)
        )

    @property
    def asks_validity(self) -> bool:
        """Validity conditions are answered by ``rag.legal.service.ValidityService.resolve_filters`` (as of
        a date, across documents), never by the status stored at ingestion: until resolved they filter nothing."""
        return bool(self.statuses or self.exclude_statuses or self.in_force)

    def with_doc_keys(self, keys: Iterable[str]) -> "SearchFilters":
        return replace(self, doc_keys=tuple(keys))

    def allows(self, record: dict) -> bool:
        """Whether a document record passes the filters (validity conditions: see ``asks_validity``)."""
        if self.doc_types and record.get("doc_type") not in self.doc_types:
            return False
        if self.issuers and record.get("issuer") not in self.issuers:
            return False
        if self.doc_numbers and record.get("doc_number") not in self.doc_numbers:
            return False
        if self.doc_keys and record.get("key") not in self.doc_keys:
            return False
        issued = record.get("issued_date") or ""
        if self.issued_from and (not issued or issued < self.issued_from):
            return False
        if self.issued_to and (not issued or issued > _end_of(self.issued_to)):
            return False
        return True


_KEYS = {
    "doc_types": ("loai", "type", "doc_type", "loai_van_ban"),
    "issuers": ("co_quan", "issuer", "co_quan_ban_hanh", "noi_ban_hanh"),
    "doc_numbers": ("so_hieu", "doc", "doc_number", "number"),
    "statuses": ("tinh_trang", "status", "hieu_luc"),
    "issued_from": ("tu_ngay", "from", "issued_from", "since"),
    "issued_to": ("den_ngay", "to", "issued_to", "until"),
}
_ALIASES = {alias: name for name, aliases in _KEYS.items() for alias in aliases}
_HELP = "loai, co_quan, so_hieu, tinh_trang, tu_ngay, den_ngay"


def _key(raw: str) -> str:
    return strip_diacritics(nfc(raw).strip().lower()).replace(" ", "_").replace("-", "_")


def _end_of(iso: str) -> str:
    """Inclusive upper bound for "2015" / "2015-06" / "2015-06-30"."""
    return {4: iso + "-12-31", 7: iso + "-31"}.get(len(iso), iso)


def parse_filters(items: Iterable[str]) -> SearchFilters:
    """["loai=Luật|Nghị định", "tu_ngay=2015-01-01", "co_quan=Quốc hội"] → ``SearchFilters``."""
    values: dict[str, list[str]] = {}
    for item in items:
        if "=" not in item:
            raise InputError(
                f"Bộ lọc '{item}' phải có dạng khóa=giá_trị (khóa: {_HELP}) / filter must be key=value"
            )
        raw_key, raw_value = item.split("=", 1)
        name = _ALIASES.get(_key(raw_key))
        if name is None:
            raise InputError(f"Không biết bộ lọc '{raw_key.strip()}' (dùng: {_HELP}) / unknown filter key")
        parts = [nfc(v).strip() for v in raw_value.split("|") if v.strip()]
        if not parts:
            raise InputError(f"Bộ lọc '{raw_key.strip()}' thiếu giá trị / filter value is empty")
        values.setdefault(name, []).extend(parts)
    for name in ("issued_from", "issued_to"):
        if name in values:
            if len(values[name]) != 1 or not _ISO.match(values[name][0]):
                raise InputError(
                    f"Ngày '{'|'.join(values[name])}' phải có dạng YYYY, YYYY-MM hoặc YYYY-MM-DD / "
                    "date must be ISO (YYYY[-MM[-DD]])"
                )
    start = values.get("issued_from", [None])[0]
    end = values.get("issued_to", [None])[0]
    if start and len(start) < 10:
        start = start + ("-01-01" if len(start) == 4 else "-01")
    if end:
        end = _end_of(end)
    return SearchFilters(
        doc_types=tuple(values.get("doc_types", ())),
        issuers=tuple(values.get("issuers", ())),
        doc_numbers=tuple(values.get("doc_numbers", ())),
        statuses=tuple(values.get("statuses", ())),
        issued_from=start,
        issued_to=end,
    )
