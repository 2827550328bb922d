"""Document metadata (số hiệu, loại, tên, cơ quan, dates) from a header or the text itself.

The corpus Markdown carries a ``---`` header; PDFs, Word files and scans carry the same facts in
their first lines (issuer, "Số: 26/2023/QH15", the type line "LUẬT", the name) and in the text
("thông qua ngày ...", "có hiệu lực thi hành từ ngày ...").
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rag.domain import LegalDocument

_NUM = r"\d{1,4}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*"
DOC_NUMBER = re.compile(rf"\b({_NUM})\b")
_NUMBER_LINE = re.compile(rf"(?:^|\n|\|)\s*(?:Luật\s+|Pháp\s+lệnh\s+|Nghị\s+quyết\s+)?[Ss]ố\s*[:.]?\s*({_NUM})")
_CODE_LINE = re.compile(r"Mã\s+hiệu\s*:\s*([A-ZĐ]{1,5}\s*\d{1,4}/[A-ZĐ0-9\-]+)")
DOC_TYPES = (
    "Bộ luật", "Luật", "Pháp lệnh", "Nghị định", "Nghị quyết liên tịch", "Nghị quyết",
    "Thông tư liên tịch", "Thông tư", "Quyết định", "Chỉ thị", "Hiến pháp", "Văn bản hợp nhất",
    "Công văn", "Quy trình", "Kế hoạch", "Thông báo", "Hướng dẫn", "Quy chế", "Quy định",
)
_TYPE_BY_SUFFIX = (
    (re.compile(r"/VBHN-"), "Văn bản hợp nhất"),
    (re.compile(r"/NĐ-|/ND-"), "Nghị định"),
    (re.compile(r"/TTLT-"), "Thông tư liên tịch"),
    (re.compile(r"/TT-"), "Thông tư"),
    (re.compile(r"/NQLT-"), "Nghị quyết liên tịch"),
    (re.compile(r"/NQ-"), "Nghị quyết"),
    (re.compile(r"/QĐ-"), "Quyết định"),
    (re.compile(r"/CT-"), "Chỉ thị"),
    (re.compile(r"/PL-"), "Pháp lệnh"),
    (re.compile(r"/\d{4}/QH\d+$"), "Luật"),
)
_ISSUER = re.compile(
    r"^(QUỐC\s+HỘI|CHÍNH\s+PHỦ|THỦ\s+TƯỚNG\s+CHÍNH\s+PHỦ|ỦY\s+BAN\s+THƯỜNG\s+VỤ\s+QUỐC\s+HỘI|"
    r"UỶ\s+BAN\s+THƯỜNG\s+VỤ\s+QUỐC\s+HỘI|CHỦ\s+TỊCH\s+NƯỚC|BỘ\s+[A-ZĐÀ-Ỹ ,\-–]+|"
    r"(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN(?:\s+[A-ZĐÀ-Ỹ ,\-–]+)?|HỘI\s+ĐỒNG\s+NHÂN\s+DÂN(?:\s+[A-ZĐÀ-Ỹ ,\-–]+)?|"
    r"NGÂN\s+HÀNG\s+NHÀ\s+NƯỚC(?:\s+VIỆT\s+NAM)?|TÒA\s+ÁN\s+NHÂN\s+DÂN\s+TỐI\s+CAO|"
    r"VIỆN\s+KIỂM\s+SÁT\s+NHÂN\s+DÂN\s+TỐI\s+CAO|VĂN\s+PHÒNG\s+QUỐC\s+HỘI|VĂN\s+PHÒNG\s+CHÍNH\s+PHỦ|"
    r"KIỂM\s+TOÁN\s+NHÀ\s+NƯỚC|SỞ\s+[A-ZĐÀ-Ỹ ,\-–]+|CỤC\s+[A-ZĐÀ-Ỹ &,\-–]+|TỔNG\s+CỤC\s+[A-ZĐÀ-Ỹ ,\-–]+)"
)
_NATIONAL = re.compile(r"\s*CỘNG\s+H[OÒ][AÀ].*$", re.IGNORECASE)
_BODY_START = re.compile(r"^(Căn\s+cứ|Chương\s|CHƯƠNG\s|Điều\s+\d|Phần\s+thứ|PHẦN\s|Theo\s+đề\s+nghị|Để\s|Kính\s+gửi|Thực\s+hiện|Mục\s+\d|MỤC\s+LỤC|\d\.\s)")
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_PLACE_DATE = re.compile(r"[^\W\d_][^,\n|]{1,40},\s*" + _DATE_WORDS.pattern, re.IGNORECASE)
_ISSUED_FIELD = re.compile(r"Ngày\s+ban\s+hành\s*:\s*\d{1,2}/\d{1,2}/\d{4}", re.IGNORECASE)
_ADOPTED = re.compile(r"thông\s+qua\s+" + _DATE_WORDS.pattern, re.IGNORECASE)
_EFFECTIVE = re.compile(
    r"(?:Luật|Bộ\s+luật|Nghị\s+định|Thông\s+tư|Quyết\s+định|Nghị\s+quyết|Pháp\s+lệnh|Chỉ\s+thị|Văn\s+bản)\s+"
    r"này\s+có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+(?:kể\s+)?từ\s+(ngày\s+ký|" + _DATE_WORDS.pattern + ")",
    re.IGNORECASE,
)


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


def sentence_case(text: str) -> str:
    """"CĂN CƯỚC" → "Căn cước"; "BỘ CÔNG AN" → "Bộ Công an" (mixed-case text is kept)."""
    text = " ".join(text.split())
    if not text or text != text.upper():
        return text
    out = text.lower()
    out = out[0].upper() + out[1:]
    # agency names: the word after Bộ / Sở / Cục / Vụ is capitalised
    return re.sub(r"\b(Bộ|Sở|Cục|Vụ|Tổng cục) (\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", out)


def _header_lines(text: str, limit: int = 60) -> list[str]:
    """The lines before the body starts (issuer, number, type, name)."""
    out = []
    for raw in text.splitlines()[:200]:
        line = " ".join(raw.strip("# ").split())
        if not line:
            continue
        if _BODY_START.match(line) and out:
            break
        out.extend(cell.strip() for cell in line.split("|") if cell.strip())
        if len(out) >= limit:
            break
    return out


def _type_and_title(lines: list[str]) -> tuple[str, str]:
    for i, line in enumerate(lines):
        clean = line.strip(" ,.;:'\"`‘’“”")
        upper = clean.upper()
        for t in DOC_TYPES:
            if upper == t.upper() or (upper.startswith(t.upper() + " ") and clean == upper and len(clean) > len(t) + 3):
                title_parts = [clean[len(t):].strip()] if upper != t.upper() else []
                for nxt in lines[i + 1 : i + 5]:
                    if _BODY_START.match(nxt) or re.match(r"^[\-_=–—.\s]+$", nxt):
                        break
                    if ":" in nxt or re.fullmatch(r"[\d\W]+", nxt):  # "Mã hiệu: ...", "01" in a header table
                        continue
                    title_parts.append(nxt.strip(" .;:,"))
                    if nxt != nxt.upper():  # a mixed-case title may run over several lines
                        continue
                    if len(" ".join(title_parts)) > 60:
                        break
                return t, sentence_case(" ".join(p for p in title_parts if p))
    for line in lines:
        if line.startswith("V/v"):
            return "Công văn", line[3:].strip(" .:")
    return "", ""


def _type_from_number(number: str) -> str:
    for pattern, doc_type in _TYPE_BY_SUFFIX:
        if pattern.search(number):
            return doc_type
    return ""


def _issuer(lines: list[str]) -> str:
    for line in lines[:12]:
        m = _ISSUER.match(_NATIONAL.sub("", line).strip())
        if m:
            return sentence_case(m.group(1).strip(" ,-–"))
    return ""


def _date(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return iso_date(m.group(0)) if m else None


def document_from(
    path: Path, header: dict[str, str], text: str, extra_access: tuple[str, ...] = ()
) -> LegalDocument:
    """Build the ``LegalDocument`` from the corpus header when present, else from the text."""
    head = re.sub(r"(\d)\s*/+\s*(\d{4})\s*/+\s*", r"\1/\2/", text[:4000])  # OCR: "51/⁄2025/"
    lines = _header_lines(text)
    number = header.get("so_hieu", "")
    if not number:
        m = _NUMBER_LINE.search(head) or _CODE_LINE.search(head) or DOC_NUMBER.search(head)
        number = " ".join(m.group(1).split()) if m else ""
    found_type, found_title = _type_and_title(lines)
    doc_type = header.get("loai") or found_type or _type_from_number(number)
    title = header.get("ten", "") or found_title
    issuer = header.get("co_quan_ban_hanh") or _issuer(lines)
    issued = iso_date(header.get("ngay_ban_hanh"))
    if not issued and not header:
        header_text = "\n".join(lines)
        issued = (
            _date(_ISSUED_FIELD, header_text) or _date(_PLACE_DATE, header_text)
            or _date(_ADOPTED, text[-6000:]) or _date(_DATE_WORDS, header_text)
        )
    effective = iso_date(header.get("ngay_hieu_luc"))
    if not effective and not header:
        m = _EFFECTIVE.search(text)
        if m:
            effective = issued if m.group(1).lower().startswith("ngày ký") else iso_date(m.group(1))
    access = tuple(a.strip() for a in header.get("access", "").split(",") if a.strip()) + extra_access
    return LegalDocument(
        key=doc_key(number, path.stem),
        doc_number=number,
        doc_type=doc_type,
        title=title,
        issuer=issuer,
        issued_date=issued,
        effective_date=effective,
        status=header.get("tinh_trang", "không rõ")[:200],
        source=str(path),
        content_hash=content_hash(text),
        access=access,
    )
