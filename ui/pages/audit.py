"""Nhật ký (admin): answers given and the feedback staff left on them, filterable."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from rag.feedback import read_feedback
from ui.components.access import require_admin
from ui.components.audit_trail import render_audit_trail
from ui.resources import get_settings

st.title("Nhật ký")
require_admin()
st.caption("Đánh giá 👍/👎 và góp ý của cán bộ về các câu trả lời.")

settings = get_settings()


def _local(value: str) -> str:
    try:
        return dt.datetime.fromisoformat(value).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return value


def feedback_section() -> None:
    st.subheader("Đánh giá câu trả lời")
    items = read_feedback(settings.feedback_file)
    latest = {}
    for fb in items:  # the last rating/comment for an answer wins
        prev = latest.get(fb.answer_id)
        latest[fb.answer_id] = fb if not prev or fb.comment or not prev.comment else prev
    rows = sorted(latest.values(), key=lambda f: f.at, reverse=True)
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
        and (since is None or f.at[:10] >= since.isoformat())
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
                "Thời gian": _local(f.at),
                "Đánh giá": "👍" if f.rating == "up" else "👎",
                "Câu hỏi": f.question,
                "Góp ý": f.comment,
                "Trích dẫn": "; ".join(f.citations),
                "Người dùng": f.user,
            }
            for f in shown
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption(f"Hiển thị {len(shown)}/{len(rows)} đánh giá. Tệp: `{settings.feedback_file}`")


feedback_section()
render_audit_trail(settings)
