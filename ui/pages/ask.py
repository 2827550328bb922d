"""Hỏi đáp: chat with numbered citations that expand to the full passage."""

from __future__ import annotations

import streamlit as st

from rag.domain import Answer
from rag.errors import IndexMissing, IndexUnavailable, TthcError
from ui.resources import get_engine, get_settings

st.title("Hỏi đáp pháp luật và thủ tục hành chính")
st.caption(
    "Câu trả lời trích nguyên văn điều, khoản từ các văn bản đã nạp. "
    "Hãy kiểm tra căn cứ trước khi áp dụng."
)


def render_answer(answer: Answer) -> None:
    if answer.procedure:
        from ui.procedure_card import render_summary

        with st.container(border=True):
            st.markdown(f"📋 **Thủ tục liên quan: {_escape(answer.procedure.name)}**")
            render_summary(answer.procedure)
            items = answer.procedure.dossier[:8]
            if items:
                st.markdown("Hồ sơ: " + "; ".join(_escape(d.name[:90]) for d in items))
            st.caption(f"Nguồn: {answer.procedure.source} · xem đầy đủ ở trang Thủ tục")
    if answer.abstained:
        st.warning(answer.text)
    else:
        st.markdown(_escape(answer.text))
    for c in answer.citations:
        u = c.unit
        page = f" · trang {u.page_start}" if u.page_start else ""
        with st.expander(f"[{c.n}] {u.citation}{page}"):
            st.caption(f"{u.document.label} · {u.breadcrumb}")
            if u.article_title:
                st.markdown(f"**Điều {u.article}. {_escape(u.article_title)}**")
            st.text(u.text)
            st.caption(f"Số hiệu: {u.document.doc_number or '—'} · Nguồn: {u.document.source}")
    if answer.related:
        with st.expander("Có thể liên quan"):
            for p in answer.related:
                st.markdown(f"- {_escape(p.unit.citation)}")
                st.text(p.unit.text[:600])


def _escape(text: str) -> str:
    """Markdown-escape document text so it is shown, never interpreted (no HTML)."""
    out = []
    for ch in text:
        if ch in "\\`*_{}[]<>()#+-.!|~$":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out).replace("\n", "  \n")


def index_state() -> str | None:
    """None when ready, else a Vietnamese explanation of what is missing."""
    try:
        engine = get_engine()
        if engine.store.unit_count() == 0:
            return "empty"
    except IndexMissing:
        return "empty"
    except IndexUnavailable as exc:
        return str(exc)
    return None


state = index_state()
if state == "empty":
    settings = get_settings()
    st.info(
        "Chưa có văn bản nào trong chỉ mục. Hãy chép tệp văn bản (PDF, Markdown, TXT) vào thư mục "
        f"`{settings.documents_dir}` rồi chạy `make run`, hoặc nạp bằng lệnh "
        f"`tthc ingest THƯ_MỤC --index {settings.index_dir}`."
    )
    st.stop()
elif state:
    st.error(state)
    st.stop()

if "messages" not in st.session_state:
    st.session_state.messages = []

for message in st.session_state.messages:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.text(message["content"])
        else:
            render_answer(message["answer"])

question = st.chat_input("Nhập câu hỏi, ví dụ: Thời hạn đăng ký khai sinh là bao lâu?")
if question is not None:
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        try:
            with st.spinner("Đang tìm căn cứ…"):
                answer = get_engine().ask(question)
        except TthcError as exc:
            st.error(str(exc))
        else:
            render_answer(answer)
            st.session_state.messages.append({"role": "user", "content": question})
            st.session_state.messages.append({"role": "assistant", "answer": answer})
