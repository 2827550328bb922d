"""Streamlit rendering of a procedure card (shared by the Thủ tục and Hỏi đáp pages)."""

from __future__ import annotations

import streamlit as st

from rag.domain import Procedure
from rag.procedures.legal_basis import ResolvedBasis
from rag.procedures.render import SECONDARY_NOTE, dossier_item_details, duration_label


def escape(text: str) -> str:
    """Markdown-escape source text so it is shown, never interpreted (no HTML)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~$" else ch for ch in text).replace("\n", "  \n")


def fee_label(p: Procedure) -> str:
    if p.fee_info and p.fee_info.amounts:
        amounts = sorted({a.amount for a in p.fee_info.amounts})
        text = ", ".join(f"{a:,}".replace(",", ".") + " đ" for a in amounts)
        return text + (" (có trường hợp miễn, giảm)" if p.fee_info.exemptions else "")
    if p.fee_info and p.fee_info.free:
        return "không thu"
    return p.fees or "—"


def render_summary(p: Procedure) -> None:
    """The key facts: what a clerk needs at a glance."""
    if p.secondary:
        st.warning(f"{SECONDARY_NOTE}.")
    facts = [
        ("Mã", p.code),
        ("Lĩnh vực", p.field),
        ("Cấp thực hiện", p.level),
        ("Thời hạn", duration_label(p)),
        ("Phí, lệ phí", fee_label(p)),
        ("Cách nộp", ", ".join(p.channels)),
    ]
    st.markdown("  \n".join(f"**{label}:** {escape(value or '—')}" for label, value in facts))


def render_card(p: Procedure, resolved: list[ResolvedBasis] | None = None) -> None:
    st.subheader(p.name)
    render_summary(p)
    if p.agency:
        st.markdown("**Cơ quan thực hiện**")
        st.text(p.agency)
    if p.requesters:
        st.markdown(f"**Đối tượng thực hiện:** {escape(p.requesters)}")
    st.markdown(f"**Thành phần hồ sơ** ({escape(p.dossier_sets or 'số bộ không ghi')})")
    group = None
    for i, d in enumerate(p.dossier, start=1):
        if d.group and d.group != group:
            st.markdown(f"*{escape(d.group)}*")
        group = d.group
        details = dossier_item_details(d, kind_prefix="phải ")
        st.markdown(f"{i}\\. {escape(d.name)}" + (f"  \n*({escape('; '.join(details))})*" if details else ""))
    if not p.dossier and p.dossier_text:
        st.text(p.dossier_text)
    if p.steps:
        st.markdown("**Các bước thực hiện**")
        st.dataframe(
            [{"Bước": s.n, "Nội dung": s.text, "Trách nhiệm": s.actor, "Thời gian": s.time} for s in p.steps],
            hide_index=True,
            width="stretch",
        )
    with st.expander("Thời hạn, phí, kết quả, điều kiện (nguyên văn)"):
        for label, value in (
            ("Thời hạn giải quyết", p.processing_time),
            ("Phí, lệ phí", p.fees),
            ("Kết quả", p.result),
            ("Yêu cầu, điều kiện", p.conditions),
            ("Mẫu đơn, tờ khai", p.forms),
            ("Lưu ý", p.notes),
        ):
            if value:
                st.markdown(f"**{label}**")
                st.text(value)
    if p.legal_basis:
        st.markdown("**Căn cứ pháp lý**")
        by_text = {r.basis.text: r for r in resolved or []}
        for b in p.legal_basis:
            r = by_text.get(b.text)
            if r and r.found:
                badge = f"✅ có trong chỉ mục: {r.doc_label} — hiệu lực: {r.status or 'không rõ'}"
            else:
                badge = "⚪ chưa có trong chỉ mục"
            st.markdown(f"- {escape(b.text)}  \n  *{escape(badge)}*")
            if r and r.units:
                with st.expander(f"{r.units[0].citation}"):
                    for u in r.units[:5]:
                        st.text(u.text)
    st.caption(
        f"Nguồn: {p.source}"
        + (f" · ban hành {p.issued_date}" if p.issued_date else "")
        + (f" · {p.source_note}" if p.source_note else "")
    )
