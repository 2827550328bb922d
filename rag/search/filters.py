"""Search filters: which documents a search may return (type, issuer, số hiệu, dates, validity).

``SearchFilters`` is a plain value; ``parse_filters`` reads the CLI/app form ``key=value``
(Vietnamese or English keys, a value list separated by "|" or repeated keys meaning "any of").
The store turns it into a Qdrant payload filter.
"""

from __future__ import annotations

import re
from typing import Iterable

from rag.domain import SearchFilters, end_of_date
from rag.errors import InputError
from rag.text.vietnamese import nfc, strip_diacritics

_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


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
        end = end_of_date(end)
    return SearchFilters(
        doc_types=tuple(values.get("doc_types", ())),
        issuers=tuple(values.get("issuers", ())),
        doc_numbers=tuple(values.get("doc_numbers", ())),
        statuses=tuple(values.get("statuses", ())),
        issued_from=start,
        issued_to=end,
    )
