"""Thủ tục: search procedure cards, filter by field and level, print the dossier checklist."""

from __future__ import annotations

import streamlit as st

from rag.errors import IndexMissing, IndexUnavailable, TthcError
from rag.procedures.checklist import checklist_docx, checklist_pdf
from rag.procedures.legal_basis import resolve_basis
from rag.procedures.render import duration_label
from ui.procedure_card import render_card
from ui.resources import get_engine, get_settings

ALL = "Tất cả"

st.title("Thủ tục hành chính")
st.caption(
    "Thẻ thủ tục: hồ sơ, các bước, thời hạn, phí, căn cứ pháp lý — kèm danh mục hồ sơ để in cho người dân."
)


def load_cards():
    try:
        engine = get_engine()
        return engine, engine.procedures.store.all()
    except IndexMissing:
        return None, []
    except IndexUnavailable as exc:
        st.error(str(exc))
        st.stop()


engine, cards = load_cards()
if not cards:
    settings = get_settings()
    st.info(
        "Chưa có thủ tục nào trong chỉ mục. Hãy nạp tệp quy trình (JSONL thủ tục, tệp Word/PDF dạng "
        f'"QUY TRÌNH … 5. NỘI DUNG") bằng lệnh `tthc ingest THƯ_MỤC --index {settings.index_dir}`.'
    )
    st.stop()

fields = sorted({p.field for p in cards if p.field})
levels = sorted({p.level for p in cards if p.level})
c1, c2, c3 = st.columns([3, 1, 1])
query = c1.text_input("Tìm thủ tục", placeholder="Ví dụ: làm lại giấy khai sinh bị mất")
field = c2.selectbox("Lĩnh vực", [ALL, *fields])
level = c3.selectbox("Cấp thực hiện", [ALL, *levels])
chosen_field = None if field == ALL else field
chosen_level = None if level == ALL else level

if query.strip():
    try:
        with st.spinner("Đang tìm…"):
            results = [
                h.procedure
                for h in engine.procedures.search(query, top_k=10, field=chosen_field, level=chosen_level)
            ]
    except TthcError as exc:
        st.error(str(exc))
        st.stop()
else:
    results = sorted(
        (
            p
            for p in cards
            if (not chosen_field or p.field == chosen_field) and (not chosen_level or p.level == chosen_level)
        ),
        key=lambda p: (p.field, p.code, p.name),
    )

if not results:
    st.warning("Không có thủ tục nào khớp. Hãy bỏ bớt bộ lọc hoặc đổi từ khóa.")
    st.stop()

st.caption(f"{len(results)} thủ tục")


def label(p) -> str:
    flag = " · tóm tắt thứ cấp" if p.secondary else ""
    return f"{p.name} — {p.code or 'không mã'} · {p.level or 'cấp ?'}{flag}"


index = st.selectbox("Chọn thủ tục", range(len(results)), format_func=lambda i: label(results[i]))
card = results[index]
resolved = resolve_basis(card.legal_basis, engine.store)
render_card(card, resolved)

st.divider()
st.markdown("**Danh mục hồ sơ cho người dân** (in hoặc gửi kèm)")
d1, d2 = st.columns(2)
stem = (card.code or card.key).replace("/", "-").replace(" ", "")
d1.download_button(
    "Tải DOCX",
    data=checklist_docx(card),
    file_name=f"danh-muc-ho-so_{stem}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
try:
    pdf = checklist_pdf(card, font=get_settings().pdf_font)
except TthcError as exc:
    d2.error(str(exc))
else:
    d2.download_button("Tải PDF", data=pdf, file_name=f"danh-muc-ho-so_{stem}.pdf", mime="application/pdf")
st.caption(f"Thời hạn: {duration_label(card) or '—'}")
