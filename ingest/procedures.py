"""Procedure sources → ``Procedure`` cards.

Sources understood:
- JSON Lines of internal procedures (ISO "QUY TRÌNH" documents split into fields, with
  ``full_text``), e.g. a Sở Tư pháp's commune-level procedures;
- JSON Lines of raw National Public Service Portal pages (``raw_page_text``, flattened);
- JSON Lines of secondary summaries (``text``) — flagged ``secondary``;
- procedure files (Word .doc/.docx, PDF, text) in the common
  "1. MỤC ĐÍCH … 5. NỘI DUNG QUY TRÌNH" layout, as read by the shared loaders (``ingest.loaders``).

Files are read here inside the parse worker (``ingest.worker``); the cards are written to the
index by ``ingest.procedure_index``.

Fields that cannot be read stay as raw text (or empty); nothing is invented.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.loaders import LoadedFile
from ingest.procedure_text import (
    _INVISIBLE,
    agency_level,
    channels,
    clean,
    copy_type,
    field_of,
    form_code,
    inline_references,
    iso_date,
    one_line,
    parse_dossier,
    parse_fees,
    parse_inline_steps,
    parse_legal_basis,
    parse_processing_time,
    parse_step_table,
)
from rag.domain import DossierItem, Procedure, Step
from rag.errors import IngestError
from rag.text.vietnamese import nfc, strip_diacritics

PROCEDURE_SUFFIXES = {".jsonl", ".doc", ".docx", ".pdf", ".txt", ".md"}

# -- the "5. NỘI DUNG" layout ---------------------------------------------------------------

_SECTION_LABELS = (
    (r"thành phần", "dossier"),
    (r"thời hạn", "time"),
    (r"đối tượng", "requesters"),
    (r"cơ quan phối hợp", "partners"),
    (r"cơ quan", "agency"),
    (r"kết quả", "result"),
    (r"(?:lệ )?phí", "fees"),
    (r"(?:tên )?mẫu đơn", "forms"),
    (r"yêu cầu", "conditions"),
    (r"căn cứ pháp lý", "legal"),
    (r"quy trình", "steps"),
)
_HEADING = re.compile(
    r"^[ \t]*[a-zđ][ \t]*[.)][ \t]*(?P<label>"
    + "|".join(p for p, _ in _SECTION_LABELS)
    + r")(?P<rest>[^\n]*)$",
    re.I | re.M,
)
_END = re.compile(r"^\s*(\*\s*Ghi chú|\d+\.\s*BIỂU MẪU|\d+\.\s*HỒ SƠ)", re.M)
_CONTENT_START = re.compile(r"^\s*5\.\s*NỘI DUNG[^\n]*$", re.M)


def layout_sections(text: str) -> dict[str, str]:
    """Split the "5. NỘI DUNG" part into named sections (dossier, time, fees, legal, steps, …)."""
    start = _CONTENT_START.search(text)
    body = text[start.end() :] if start else text
    headings = list(_HEADING.finditer(body))
    sections: dict[str, str] = {}
    for i, m in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        label = m.group("label").lower()
        name = next(n for p, n in _SECTION_LABELS if re.fullmatch(p, label, re.I))
        rest = m.group("rest")
        # The heading line holds the label and possibly the value after the colon.
        _, _, value = rest.partition(":")
        chunk = value + body[m.end() : end]
        if name == "steps":
            stop = _END.search(chunk)
        else:
            stop = _END.search(chunk) if name in ("legal", "conditions") else None
        if stop:
            chunk = chunk[: stop.start()]
        if name == "partners":
            name, chunk = "agency", f"Cơ quan phối hợp: {clean(chunk)}"
        if name in sections and name in ("agency",):
            sections[name] += "\n" + clean(chunk)
        elif name not in sections:
            sections[name] = chunk if name == "steps" else clean(chunk)
    return sections


_HEADER_CODE = re.compile(r"Mã\s*hiệu\s*:\s*([A-ZĐ]{1,4}\s*\d+[^\s|]*)", re.I)
_HEADER_DATE = re.compile(r"Ngày\s+ban\s+hành\s*:\s*([\d/ ]+\d)", re.I)


def _header_name(text: str) -> str:
    """The procedure name printed under "QUY TRÌNH" in the title table."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for j, cell in enumerate(cells):
            if cell.upper() == "QUY TRÌNH":
                parts = []
                for follow in lines[i + 1 : i + 4]:
                    fc = [c.strip() for c in follow.strip().strip("|").split("|")]
                    if j < len(fc) and fc[j] and not fc[j].lower().startswith(("lần", "ngày", "mã")):
                        parts.append(fc[j])
                    else:
                        break
                return one_line(" ".join(parts))
    m = re.search(r"^\s*QUY TRÌNH\s*\n\s*(.+)$", text, re.M)
    return one_line(m.group(1)) if m else ""


def looks_like_procedure_layout(text: str) -> bool:
    return (
        bool(_CONTENT_START.search(text))
        and bool(re.search(r"Thành phần,?\s*số lượng hồ sơ", text, re.I))
        and bool(re.search(r"Thời hạn giải quyết", text, re.I))
    )


def procedure_from_layout(
    text: str,
    *,
    code: str = "",
    name: str = "",
    field: str = "",
    issuer: str = "",
    issued: str = "",
    source: str = "",
    key: str = "",
    source_file: str = "",
    fallbacks: dict[str, str] | None = None,
) -> Procedure:
    """A card from a procedure document's text in the "5. NỘI DUNG" layout.

    ``fallbacks`` are section texts split by someone else; they are used only for sections this
    parser does not find by their labels (pre-split fields can be shifted by one section when a
    document inserts an extra lettered item such as "đ. Cơ quan phối hợp").
    """
    text = keep_lines(text)
    sections = layout_sections(text)
    for k, v in (fallbacks or {}).items():
        if v and v.strip() and not sections.get(k, "").strip():
            sections[k] = v if k == "steps" else clean(v)
    code = code or (m.group(1).strip() if (m := _HEADER_CODE.search(text)) else "")
    name = name or _header_name(text)
    if not issued and (m := _HEADER_DATE.search(text)):
        issued = m.group(1)
    if not issuer:
        m = re.search(r"^\s*\|?\s*(SỞ [A-ZĐÀ-Ỹ ]+|UBND [^|\n]+|ỦY BAN NHÂN DÂN [^|\n]+)\s*\|", text, re.M)
        issuer = m.group(1).strip().title() if m else ""
    dossier_text = sections.get("dossier", "")
    dossier, sets, notes = parse_dossier(dossier_text)
    steps = parse_step_table(sections.get("steps", ""))
    agency = sections.get("agency", "")
    content = text[m.end() :] if (m := _CONTENT_START.search(text)) else text
    return Procedure(
        code=one_line(code),
        name=one_line(name),
        field=field or field_of(name),
        agency=agency,
        dossier=dossier,
        steps=steps,
        processing_time=one_line(sections.get("time", "")),
        fees=sections.get("fees", ""),
        legal_basis=parse_legal_basis(sections.get("legal", "")),
        source=source,
        key=key or slug(f"{code}-{name}"),
        level=agency_level(agency) or agency_level(" ".join(s.actor for s in steps)),
        issuer=issuer,
        requesters=one_line(sections.get("requesters", "")).rstrip("."),
        channels=channels(_until_notes(dossier_text) + " " + content[:20000]),
        dossier_text=dossier_text,
        dossier_sets=sets,
        processing=parse_processing_time(sections.get("time", "")),
        fee_info=parse_fees(sections.get("fees", "")),
        result=sections.get("result", ""),
        conditions=sections.get("conditions", ""),
        forms=sections.get("forms", ""),
        notes=notes,
        issued_date=iso_date(issued),
        source_file=source_file,
    )


def keep_lines(text: str) -> str:
    """NFC and invisible marks removed, but line layout (table pipes, indents) kept."""
    text = _INVISIBLE.sub("", nfc(text or "")).replace("\xa0", " ").replace("\t", " ")
    return "\n".join(line.rstrip() for line in text.splitlines())


def _until_notes(text: str) -> str:
    m = re.search(r"\*\s*Lưu ý", text)
    return text[: m.start()] if m else text


def slug(text: str) -> str:
    plain = strip_diacritics(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:96] or "thu-tuc"


# -- source 1: internal procedures already split into fields --------------------------------

_SPLIT_FIELDS = {
    "thanh_phan_so_luong_ho_so": "dossier",
    "thoi_han_giai_quyet": "time",
    "doi_tuong_thuc_hien": "requesters",
    "co_quan_thuc_hien": "agency",
    "ket_qua_thuc_hien": "result",
    "phi_le_phi": "fees",
    "mau_don_to_khai": "forms",
    "yeu_cau_dieu_kien": "conditions",
    "can_cu_phap_ly": "legal",
    "quy_trinh_cac_buoc": "steps",
}


def procedure_from_split_record(record: dict[str, Any], source: str = "") -> Procedure:
    """A record with the QUY TRÌNH fields split (``ten_thu_tuc``, ``ma_hieu_quy_trinh``, …)."""
    fallbacks = {section: str(record.get(name) or "") for name, section in _SPLIT_FIELDS.items()}
    listed = record.get("can_cu_phap_ly_list")
    if not fallbacks["legal"] and isinstance(listed, list):
        fallbacks["legal"] = "\n".join(f"- {x}" for x in listed)
    collection = str(record.get("linh_vuc_collection") or "")
    name = str(record.get("ten_thu_tuc") or "")
    return procedure_from_layout(
        str(record.get("full_text") or ""),
        code=str(record.get("ma_hieu_quy_trinh") or record.get("ma_thu_tuc") or ""),
        name=name,
        field=field_of(collection) or field_of(name),
        issuer=str(record.get("co_quan_ban_hanh_quy_trinh") or ""),
        issued=str(record.get("ngay_ban_hanh") or ""),
        source=str(record.get("source_file") or source),
        key=str(record.get("id") or ""),
        fallbacks=fallbacks,
    )


# -- source 2: raw National Public Service Portal pages --------------------------------------

_PORTAL_END = re.compile(r"Chọn cơ quan thực hiện|Cơ quan chủ quản:")
_COUNTS = re.compile(r"Bản chính:\s*(\d+)\s*-\s*Bản sao:\s*(\d+)")
_FEE_MARK = re.compile(r"(?:Lệ phí|Phí)\s*:\s*(?P<value>[\d.,]+|Miễn phí)?\s*Đồng\s*Xem chi tiết")
_RECEIPT = re.compile(
    r"(?:Thời gian tiếp nhận hồ sơ|Thời gian trả[^:]*):[^.]*?(?:pháp luật\)|ngày lễ\)?|ngày Tết, ngày lễ\)?)\.?"
)


def _portal_body(raw: str, name: str) -> str:
    text = one_line(raw)
    anchor = text.find("Chi tiết thủ tục hành chính")
    if anchor >= 0:
        text = text[anchor + len("Chi tiết thủ tục hành chính") :].strip()
    if name and text.startswith(name):
        text = text[len(name) :].strip()
    if text.startswith("Xem chi tiết"):
        text = text[len("Xem chi tiết") :].strip()
    end = _PORTAL_END.search(text)
    return text[: end.start()].strip() if end else text


def procedure_from_portal_record(record: dict[str, Any], source: str = "") -> Procedure:
    """A raw dichvucong.gov.vn page whose section boundaries were flattened by the scraper.

    Read: steps ("Bước N:"), fees ("Phí: N Đồng"), channels, processing time when stated
    ("Thời hạn giải quyết: …" or "N ngày làm việc kể từ …"), dossier items (each ends with
    "Bản chính: N - Bản sao: M"), conditions, references mentioned in the text. The page has
    no separate legal-basis, result or requester section, so those stay empty.
    """
    name = one_line(str(record.get("ten_thu_tuc") or ""))
    code = one_line(str(record.get("ma_thu_tuc") or ""))
    raw = str(record.get("raw_page_text") or "")
    body = _portal_body(raw, name)
    first_fee = _FEE_MARK.search(body)
    counts = list(_COUNTS.finditer(body))
    steps_text = body[: first_fee.start()] if first_fee else body
    # Without a fee marker the steps run into the channel descriptions: stop at the first channel line.
    if not first_fee:
        cut = re.search(
            r"\s-?\s*(?:Trực tiếp|Nộp hồ sơ trực tiếp|Thông qua)\b", steps_text[steps_text.rfind("Bước") :]
        )
        if cut:
            steps_text = steps_text[: steps_text.rfind("Bước") + cut.start()]
    steps = parse_inline_steps(steps_text)
    if not steps:
        steps = parse_inline_steps(body[: counts[0].start()] if counts else body)
    # Region between steps and the dossier: channels, fees, processing time.
    channel_start = first_fee.start() if first_fee else (len(steps_text) if steps else 0)
    dossier_region_start = _dossier_start(body, channel_start, counts)
    channel_text = body[channel_start:dossier_region_start]
    fees_found = [m.group("value") for m in _FEE_MARK.finditer(body)]
    fees_text = "; ".join(f"{'Miễn phí' if v == 'Miễn phí' else (v + ' đồng')}" for v in fees_found if v)
    time_text = _portal_time(channel_text) or _portal_time(body)
    dossier = _portal_dossier(body, dossier_region_start, counts)
    tail = body[counts[-1].end() :] if counts else ""
    conditions = ""
    agency_tail = ""
    if "Yêu cầu, điều kiện thực hiện" in tail:
        agency_tail, _, conditions = tail.partition("Yêu cầu, điều kiện thực hiện")
    agency = one_line(agency_tail)
    if not agency:
        agency = _portal_agency(body)
    return Procedure(
        code=code,
        name=name,
        field=field_of(name),
        agency=agency,
        dossier=dossier,
        steps=steps,
        processing_time=time_text,
        fees=fees_text,
        legal_basis=inline_references(body),
        source=str(record.get("source") or source),
        key=slug(f"dvc-{code}"),
        level=agency_level(name, agency, channel_text),
        requesters="",
        channels=channels(channel_text),
        dossier_text=body[dossier_region_start : counts[-1].end()] if counts else "",
        processing=parse_processing_time(time_text) if time_text else None,
        fee_info=parse_fees(fees_text) if fees_text else None,
        conditions=one_line(conditions),
        forms="; ".join(sorted({i.form for i in dossier if i.form})),
        source_note=str(record.get("note") or ""),
    )


def _dossier_start(body: str, channel_start: int, counts: list[re.Match[str]]) -> int:
    """Where the first dossier item begins: after the last channel/receipt sentence before it."""
    if not counts:
        return len(body)
    first = counts[0].start()
    region = body[channel_start:first]
    cut = channel_start
    for pattern in (
        _RECEIPT,
        re.compile(r"Xem chi tiết"),
        re.compile(r"Thời hạn giải quyết:[^.]*\."),
        re.compile(r"\d+ ngày làm việc[^.]*\."),
        re.compile(r"Tiếp nhận ngay[^.]*\."),
    ):
        for m in pattern.finditer(region):
            cut = max(cut, channel_start + m.end())
    return cut


def _portal_dossier(body: str, start: int, counts: list[re.Match[str]]) -> tuple[DossierItem, ...]:
    """Each dossier item is the text before a "Bản chính: N - Bản sao: M" marker."""
    items: list[DossierItem] = []
    pos = start
    group = ""
    for m in counts:
        chunk = body[pos : m.start()].strip()
        pos = m.end()
        heading = re.match(r"^\*?\s*([^*]{3,120}?\.\.\.)\s*", chunk)
        if heading:
            group = heading.group(1).strip("* ")
            chunk = chunk[heading.end() :]
        chunk = re.sub(r"\s\S+\.docx?\b", "", chunk)
        chunk = re.sub(r"^\*?\s*Hồ sơ [^:]{0,60}gồm:\s*", "", chunk.strip()).strip(" -+*;")
        if not chunk:
            continue
        items.append(
            DossierItem(
                name=chunk,
                copy_type=copy_type(chunk),
                originals=int(m.group(1)),
                copies=int(m.group(2)),
                form=form_code(chunk),
                group=group,
            )
        )
    return tuple(items)


def _portal_time(text: str) -> str:
    m = re.search(r"Thời hạn giải quyết:\s*(.+?)(?=(?:Lệ phí|Phí):|Thời hạn giải quyết:|$)", text)
    if m:
        return m.group(1).strip(" .-")
    m = re.search(
        r"((?:Trong thời gian|Không quá|Trong thời hạn)?\s*\d+\s*ngày(?: làm việc)?\s+kể từ[^.]*\.(?:\s*[Tt]rường hợp[^.]*\.)?)",
        text,
    )
    if m:
        return m.group(1).strip()
    m = re.search(r"(Tiếp nhận ngay[^.]*\.)", text)
    return m.group(1).strip() if m else ""


def _portal_agency(body: str) -> str:
    m = re.search(
        r"(Công an cấp (?:xã|huyện|tỉnh)|Cơ quan Quản lý xuất nhập cảnh Công an cấp tỉnh|Cục Quản lý xuất nhập cảnh|"
        r"cơ quan quản lý căn cước của (?:Bộ Công an|Công an cấp tỉnh)|cơ quan đăng ký cư trú)",
        body,
    )
    return m.group(1)[0].upper() + m.group(1)[1:] if m else ""


# -- source 3: secondary summaries ----------------------------------------------------------

_SUMMARY_HEADINGS = {
    "⏰ Thời gian giải quyết": "time",
    "💰 Chi phí tối ưu": "fee_hint",
    "📍 Nơi nộp hồ sơ": "channels",
    "Yêu cầu & Điều kiện thực hiện": "conditions",
    "Hồ Sơ Cần Chuẩn Bị": "dossier",
    "Chi Tiết Chi Phí": "fees",
    "Đối Tượng Thực Hiện": "requesters",
    "Cơ Quan Giải Quyết": "agency",
    "Căn Cứ Pháp Lý": "legal",
    "Sẵn sàng thực hiện thủ tục?": "end",
}


def summary_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = "head"
    for line in clean(text).splitlines():
        line = line.strip()
        if line in _SUMMARY_HEADINGS:
            current = _SUMMARY_HEADINGS[line]
            continue
        if re.match(r"^Quy Trình \d+ Bước", line):
            current = "steps"
            continue
        sections.setdefault(current, []).append(line)
    return sections


def procedure_from_summary_record(record: dict[str, Any], source: str = "") -> Procedure:
    """A secondary summary page (flagged ``secondary``: not the published procedure text)."""
    name = one_line(str(record.get("ten_thu_tuc") or ""))
    code = one_line(str(record.get("ma_thu_tuc") or ""))
    s = summary_sections(str(record.get("text") or ""))
    steps: list[Step] = []
    lines = s.get("steps", [])
    i = 0
    while i < len(lines):
        if re.fullmatch(r"\d+", lines[i]) and i + 1 < len(lines):
            title = lines[i + 1]
            desc = lines[i + 2] if i + 2 < len(lines) and not re.fullmatch(r"\d+", lines[i + 2]) else ""
            steps.append(Step(n=len(steps) + 1, text=f"{title}: {desc}" if desc else title))
            i += 3 if desc else 2
        else:
            i += 1
    dossier_lines = [x for x in s.get("dossier", []) if x and not x.startswith("*")]
    dossier_note = " ".join(x for x in s.get("dossier", []) if x.startswith("*"))
    agency = "\n".join(s.get("agency", []))
    fees_lines = s.get("fees", [])
    fees_text = _join_summary_fees(fees_lines)
    time_text = " ".join(s.get("time", []))
    legal = "\n".join(f"- {x}" for x in s.get("legal", []))
    conditions = " ".join(s.get("conditions", []))
    return Procedure(
        code=code,
        name=name,
        field=field_of(name) or "Đất đai",
        agency=agency,
        dossier=tuple(DossierItem(name=x, copy_type=copy_type(x), form=form_code(x)) for x in dossier_lines),
        steps=tuple(steps),
        processing_time=time_text,
        fees=fees_text,
        legal_basis=parse_legal_basis(legal),
        source=str(record.get("source") or source),
        key=slug(f"tt-{code}"),
        level=agency_level(agency),
        requesters="; ".join(s.get("requesters", [])),
        channels=channels(" ".join(s.get("channels", []))),
        dossier_text="\n".join(s.get("dossier", [])),
        processing=parse_processing_time(time_text),
        fee_info=parse_fees(fees_text),
        conditions="" if "không có yêu cầu" in conditions.lower() else conditions,
        notes=dossier_note.lstrip("* "),
        secondary=True,
        source_note=str(record.get("note") or "Tóm tắt thứ cấp, không phải bản công bố thủ tục gốc"),
    )


def _join_summary_fees(lines: list[str]) -> str:
    """Summary pages break "label:" and "value" onto separate lines: join them back."""
    out: list[str] = []
    for line in lines:
        if out and (out[-1].endswith(":") or re.fullmatch(r"[~\d.,\sđ-]+|đến|Từ", line) or line == "."):
            out[-1] = f"{out[-1]} {line}".replace(" .", ".")
        else:
            out.append(line)
    return "\n".join(out)


# -- reading files (in the parse worker, ``ingest.worker``) ---------------------------------


@dataclass
class ProcedureFile:
    """The procedure cards read from one source file, and the records that could not be read."""

    path: Path
    procedures: list[Procedure]
    errors: list[str]


def record_kind(record: dict[str, Any]) -> str | None:
    """Which parser a JSON record needs (None: not a procedure record)."""
    if "raw_page_text" in record:
        return "portal"
    if (
        "ma_hieu_quy_trinh" in record
        or "thanh_phan_so_luong_ho_so" in record
        or ("full_text" in record and "ten_thu_tuc" in record)
    ):
        return "split"
    if "text" in record and ("ten_thu_tuc" in record or "ma_thu_tuc" in record):
        return "summary"
    return None


_PARSERS = {
    "split": procedure_from_split_record,
    "portal": procedure_from_portal_record,
    "summary": procedure_from_summary_record,
}


def read_jsonl(path: Path, data: bytes) -> ProcedureFile:
    procedures: list[Procedure] = []
    errors: list[str] = []
    lines = data.decode("utf-8-sig", errors="replace").splitlines()
    kinds = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"dòng {number}: JSON hỏng / bad JSON ({exc.msg})")
            continue
        kind = record_kind(record) if isinstance(record, dict) else None
        if kind is None:
            errors.append(f"dòng {number}: không phải bản ghi thủ tục / not a procedure record")
            continue
        kinds.add(kind)
        card = _PARSERS[kind](record, source=str(path))  # a bug here is a bug, not a bad record
        if not card.name:
            errors.append(f"dòng {number}: thiếu tên thủ tục / missing procedure name")
            continue
        procedures.append(replace(card, source_file=str(path)))
    if not procedures:
        raise IngestError(
            f"{path.name}: không có bản ghi thủ tục nào đọc được / no procedure records"
            + (f" ({errors[0]})" if errors else "")
        )
    return ProcedureFile(path, _unique_keys(procedures), errors)


def _unique_keys(procedures: list[Procedure]) -> list[Procedure]:
    seen: dict[str, int] = {}
    out = []
    for p in procedures:
        n = seen.get(p.key, 0)
        seen[p.key] = n + 1
        out.append(p if n == 0 else replace(p, key=f"{p.key}-{n + 1}"))
    return out


def procedures_in_jsonl(path: Path, data: bytes) -> ProcedureFile | None:
    """The procedure records of a JSON Lines file, or None when its first record is not one."""
    first = next((line for line in data.decode("utf-8-sig", errors="replace").splitlines() if line.strip()), "")
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or record_kind(record) is None:
        return None
    return read_jsonl(path, data)


def procedures_in_document(loaded: LoadedFile) -> ProcedureFile | None:
    """The procedure card of a loaded file in the "5. NỘI DUNG … Thành phần, số lượng hồ sơ … Thời
    hạn giải quyết" layout (Word tables read as "|cell|cell|" rows), or None for any other file."""
    path = loaded.path
    if path.suffix.lower() not in PROCEDURE_SUFFIXES:
        return None
    text = loaded.layout or loaded.text
    if not looks_like_procedure_layout(text):
        return None
    card = procedure_from_layout(text, source=str(path), source_file=str(path))
    if not card.name:
        card = replace(card, name=path.stem)
    return ProcedureFile(path, [card], [])
