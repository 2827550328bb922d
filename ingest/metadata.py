"""Document metadata (số hiệu, loại, tên, cơ quan, dates) from a header or the text itself."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rag.domain import LegalDocument

DOC_NUMBER = re.compile(
    r"\b(\d{1,4}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)\b",
)
_NUMBER_LINE = re.compile(r"(?:Luật\s+)?[Ss]ố\s*:?\s*(\d{1,4}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9\-]*)")
DOC_TYPES = (
    "Bộ luật", "Luật", "Pháp lệnh", "Nghị định", "Nghị quyết liên tịch", "Nghị quyết",
    "Thông tư liên tịch", "Thông tư", "Quyết định", "Chỉ thị", "Hiến pháp", "Văn bản hợp nhất",
    "Công văn",
)
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def iso_date(text: str | None) -> str | None:
    """"20/11/2014" or "ngày 20 tháng 11 năm 2014" → "2014-11-20"."""
    if not text:
        return None
    m = _DATE.search(text) or _DATE_WORDS.search(text)
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def doc_key(doc_number: str, fallback: str) -> str:
    """"60/2014/QH13" → "60-2014-QH13"; file stem when there is no số hiệu."""
    key = doc_number.replace("/", "-") if doc_number else fallback
    return re.sub(r"[^\w\-.]+", "_", key)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _guess_type(head: str) -> str:
    upper = head.upper()
    for t in DOC_TYPES:
        if re.search(rf"(^|\n)\s*{re.escape(t.upper())}\b", upper):
            return t
    return ""


def document_from(
    path: Path, header: dict[str, str], text: str, extra_access: tuple[str, ...] = ()
) -> LegalDocument:
    """Build the ``LegalDocument`` from the corpus header when present, else from the text."""
    head = text[:3000]
    number = header.get("so_hieu", "")
    if not number:
        m = _NUMBER_LINE.search(head) or DOC_NUMBER.search(head)
        number = m.group(1) if m else ""
    doc_type = header.get("loai") or _guess_type(head)
    title = header.get("ten", "")
    if not title:
        for line in text.splitlines()[:40]:
            line = line.strip("# ").strip()
            if line.startswith("#") or not line:
                continue
            if doc_type and line.upper().startswith(doc_type.upper()) and len(line) > len(doc_type) + 3:
                title = line
                break
    access = tuple(a.strip() for a in header.get("access", "").split(",") if a.strip()) + extra_access
    return LegalDocument(
        key=doc_key(number, path.stem),
        doc_number=number,
        doc_type=doc_type,
        title=title,
        issuer=header.get("co_quan_ban_hanh", ""),
        issued_date=iso_date(header.get("ngay_ban_hanh")),
        effective_date=iso_date(header.get("ngay_hieu_luc")),
        status=header.get("tinh_trang", "không rõ")[:200],
        source=str(path),
        content_hash=content_hash(text),
        access=access,
    )
