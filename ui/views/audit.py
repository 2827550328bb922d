"""Nhật ký (admin): answers given and the feedback staff left on them, filterable."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from rag.governance.audit import AuditLog
from rag.errors import TthcError
from rag.governance.feedback import feedback_items, latest_per_answer
from ui.components.access import require_admin
from ui.components.audit_trail import render_audit_trail
from ui.resources import get_settings

require_admin()
st.title("Nhật ký")
st.caption("Đánh giá 👍/👎 và góp ý của cán bộ về các câu trả lời, và nhật ký kiểm toán các câu trả lời.")

settings = get_settings()


def _local(value: str) -> str:
    try:
        return dt.datetime.fromisoformat(value).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return value


def feedback_section() -> None:
    st.subheader("Đánh giá câu trả lời")
    if not settings.audit_enabled or not settings.audit_db.is_file():
        st.info("Chưa có đánh giá nào.", icon="📭")
        return
    try:  # feedback entries live in the audit log, each tied to the answer record it rates
        rows = latest_per_answer(feedback_items(AuditLog(settings.audit_db, settings.audit_key)))
    except TthcError as exc:
        st.error(str(exc))
        return
    if not rows:
        st.info("Chưa có đánh giá nào.", icon="📭")
        return
    col1, col2, col3 = st.columns([1, 1, 2])
    rating = col1.selectbox("Đánh giá", ["Tất cả", "👍 Hữu ích", "👎 Chưa đúng"], key="fb-rating")
    since = col2.date_input("Từ ngày", value=None, format="DD/MM/YYYY", key="fb-since")
    text = col3.text_input("Tìm trong câu hỏi, góp ý, trích dẫn", key="fb-text")
    wanted = {"👍 Hữu ích": "up", "👎 Chưa đúng": "down"}.get(rating)
    q = text.strip().lower()
    shown = [
        f
        for f in rows
        if (wanted is None or f.rating == wanted)
        and (since is None or f.ts[:10] >= since.isoformat())
        and (not q or q in f"{f.question} {f.comment} {' '.join(f.citations)}".lower())
    ]
    up = sum(1 for f in rows if f.rating == "up")
    m1, m2, m3 = st.columns(3)
    m1.metric("Tổng số đánh giá", len(rows))
    m2.metric("👍 Hữu ích", up)
    m3.metric("👎 Chưa đúng", len(rows) - up)
    st.dataframe(
        [
            {
                "Thời gian": _local(f.ts),
                "Đánh giá": "👍" if f.rating == "up" else "👎",
                "Câu hỏi (đã ẩn dữ liệu cá nhân)": f.question,
                "Góp ý": f.comment,
                "Trích dẫn": "; ".join(f.citations),
                "Người dùng": f.user,
                "Câu trả lời #": f.answer_id,
            }
            for f in shown
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption(
        f"Hiển thị {len(shown)}/{len(rows)} đánh giá (mỗi câu trả lời, mỗi người: đánh giá cuối cùng). "
        "Cột «Câu trả lời #» là số bản ghi của câu trả lời trong nhật ký kiểm toán bên dưới."
    )


feedback_section()
render_audit_trail(settings)
