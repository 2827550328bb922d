"""Cards as JSON (the CLI contract) and as plain text."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rag.domain import DossierItem, Procedure
from rag.procedures.legal_basis import ResolvedBasis

SECONDARY_NOTE = "Tóm tắt thứ cấp: không phải bản công bố thủ tục gốc, cần đối chiếu văn bản gốc"


def card_json(
    p: Procedure, resolved: list[ResolvedBasis] | None = None, score: float | None = None
) -> dict[str, Any]:
    """``{code, name, field, agency, dossier, steps, processing_time, fees, legal_basis, source, ...}``."""
    by_text = {r.basis.text: r for r in resolved or []}
    legal = []
    for b in p.legal_basis:
        item = {k: v for k, v in asdict(b).items()}
        r = by_text.get(b.text)
        item["resolved"] = (
            {
                "doc": r.doc_number or r.doc_key,
                "doc_key": r.doc_key,
                "title": r.doc_label,
                "status": r.status,
                "article_found": bool(r.units),
                "text": r.units[0].text if r.units else None,
            }
            if r and r.found
            else None
        )
        legal.append(item)
    processing = asdict(p.processing) if p.processing else None
    fees = asdict(p.fee_info) if p.fee_info else None
    out: dict[str, Any] = {
        "key": p.key,
        "code": p.code,
        "name": p.name,
        "field": p.field,
        "level": p.level,
        "agency": p.agency,
        "requesters": p.requesters,
        "channels": list(p.channels),
        "dossier": [asdict(d) for d in p.dossier],
        "dossier_sets": p.dossier_sets,
        "steps": [asdict(s) for s in p.steps],
        "processing_time": {
            "text": p.processing_time,
            **({"durations": processing["durations"]} if processing else {}),
        },
        "fees": {"text": p.fees, **({k: fees[k] for k in ("amounts", "exemptions", "free")} if fees else {})},
        "result": p.result,
        "conditions": p.conditions,
        "forms": p.forms,
        "legal_basis": legal,
        "source": p.source,
        "source_file": p.source_file,
        "issued_date": p.issued_date,
        "issuer": p.issuer,
        "secondary": p.secondary,
        "source_note": p.source_note,
    }
    if score is not None:
        out["score"] = round(score, 6)
    return out


def duration_label(p: Procedure) -> str:
    """ "05 ngày làm việc (tối đa 25 ngày)" from the parsed time, else the raw text."""
    if not p.processing or not p.processing.durations:
        return p.processing_time
    first, *rest = p.processing.durations
    head = "ngay trong ngày" if first.value is None else f"{_num(first.value)} {first.unit}"
    if rest:
        longest = rest[-1]
        tail = "trong ngày" if longest.value is None else f"{_num(longest.value)} {longest.unit}"
        head += f" (trường hợp khác: {tail})"
    return head


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def card_text(p: Procedure, resolved: list[ResolvedBasis] | None = None) -> str:
    """A compact terminal rendering."""
    lines = [f"{p.name}", f"Mã: {p.code or '—'} · Lĩnh vực: {p.field or '—'} · Cấp: {p.level or '—'}"]
    if p.secondary:
        lines.append(f"⚠ {SECONDARY_NOTE}")
    if p.agency:
        lines.append(f"Cơ quan thực hiện: {_flat(p.agency, 300)}")
    if p.requesters:
        lines.append(f"Đối tượng: {p.requesters}")
    if p.channels:
        lines.append(f"Cách nộp: {', '.join(p.channels)}")
    if p.processing_time:
        lines.append(f"Thời hạn: {duration_label(p)}")
    if p.fee_info and (p.fee_info.amounts or p.fee_info.free):
        amounts = sorted({a.amount for a in p.fee_info.amounts})
        fee = (
            "không thu"
            if p.fee_info.free and not amounts
            else ", ".join(f"{a:,}".replace(",", ".") + " đ" for a in amounts)
        )
        lines.append(f"Phí, lệ phí: {fee}" + (" (có trường hợp miễn)" if p.fee_info.exemptions else ""))
    elif p.fees:
        lines.append(f"Phí, lệ phí: {_flat(p.fees, 200)}")
    if p.dossier:
        lines.append(f"Hồ sơ ({p.dossier_sets or 'số bộ không ghi'}):")
        for i, d in enumerate(p.dossier, start=1):
            extra = dossier_item_details(d)
            lines.append(f"  {i}. {_flat(d.name, 220)}" + (f" [{'; '.join(extra)}]" if extra else ""))
    if p.steps:
        lines.append("Các bước:")
        for s in p.steps:
            who = f" — {s.actor}" if s.actor else ""
            when = f" ({s.time})" if s.time else ""
            lines.append(f"  {s.n}. {_flat(s.text, 200)}{who}{when}")
    if p.result:
        lines.append(f"Kết quả: {_flat(p.result, 250)}")
    if p.legal_basis:
        lines.append("Căn cứ pháp lý:")
        by_text = {r.basis.text: r for r in resolved or []}
        for b in p.legal_basis:
            r = by_text.get(b.text)
            badge = (
                f" ✓ trong chỉ mục: {r.doc_label} [{r.status or 'không rõ hiệu lực'}]"
                if r and r.found
                else ""
            )
            lines.append(f"  - {_flat(b.text, 160)}{badge}")
    lines.append(f"Nguồn: {p.source}" + (f" (ban hành {p.issued_date})" if p.issued_date else ""))
    return "\n".join(lines)


def dossier_item_details(d: DossierItem, kind_prefix: str = "") -> list[str]:
    """What a paper of the dossier is: to submit or to show, originals and copies, its form."""
    details = []
    if d.kind:
        details.append(f"{kind_prefix}{d.kind}")
    if d.originals is not None:
        details.append(f"bản chính {d.originals}, bản sao {d.copies}")
    elif d.copy_type:
        details.append(d.copy_type)
    if d.form:
        details.append(f"mẫu {d.form}")
    return details


def _flat(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
