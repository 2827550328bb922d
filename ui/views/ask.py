"""Hỏi đáp: chat with numbered citation chips that open the source passage."""

from __future__ import annotations

import functools
import uuid

import streamlit as st

from rag.domain import Answer
from rag.domain import SearchFilters
from rag.errors import TthcError
from rag.governance.feedback import record_feedback
from ui.answering import ask_streaming, conversation_history, mode_switch, verification_panel
from rag.governance.privacy import KIND_LABELS
from ui.auth import current_user as signed_in_user
from ui.components.access import is_admin
from ui.components.citation import citation_chips, escape_markdown, source_panel
from ui.components.status import badge_text, index_state, show_index_problem
from ui.export import answer_plaintext, memo_docx, memo_pdf
from ui.resources import get_engine, get_settings

EXAMPLES = (
    "Thời hạn đăng ký khai sinh cho con là bao lâu?",
    "Chứng thực bản sao từ bản chính cần giấy tờ gì?",
)


def _status_text(status: str | None) -> str:
    return badge_text(status)[2:]


def sidebar_filters() -> SearchFilters:
    """Document type, issuer and in-force filters, with options from the indexed documents."""
    records = get_engine().store.document_records()
    types = sorted({r.doc_type for r in records if r.doc_type})
    issuers = sorted({r.issuer for r in records if r.issuer})
    with st.sidebar:
        st.subheader("Bộ lọc")
        doc_types = st.multiselect("Loại văn bản", types, placeholder="Tất cả", key="filter-types")
        chosen_issuers = st.multiselect("Cơ quan ban hành", issuers, placeholder="Tất cả", key="filter-issuers")
        in_force = st.toggle(
            "Chỉ văn bản còn hiệu lực",
            key="filter-in-force",
            help="Bỏ các văn bản (và điều bị bãi bỏ) hết hiệu lực hoặc chưa có hiệu lực tại ngày tra cứu, "
            "như lệnh tthc --in-force. Văn bản chưa rõ tình trạng vẫn hiện, kèm huy hiệu ⚪.",
        )
        if st.button("Xóa hội thoại", icon=":material/delete_sweep:", key="clear-chat"):
            st.session_state.messages = []
    return SearchFilters(
        doc_types=tuple(doc_types),
        issuers=tuple(chosen_issuers),
        in_force=in_force,  # answered by the validity service (rag.validity.service), as --in-force is
    )


def render_redactions(answer: Answer) -> None:
    """Tell the user which personal data was hidden before search, any model, and the audit log."""
    if not answer.redactions:
        return
    kinds = ", ".join(dict.fromkeys(KIND_LABELS.get(r.kind, r.kind) for r in answer.redactions))
    st.caption(f"🔒 Đã ẩn dữ liệu cá nhân ({kinds}) trước khi tìm kiếm và ghi nhật ký. Câu hỏi đã xử lý:")
    st.text(answer.question)


def render_answer(message: dict) -> None:
    answer: Answer = message["answer"]
    key = message["id"]
    render_redactions(answer)
    if getattr(answer, "procedure", None):
        _procedure_card(answer.procedure)
    for w in answer.warnings:
        st.caption(f"⚠️ {escape_markdown(w)}")
    if answer.abstained:
        st.warning(answer.text, icon=":material/search_off:")
    else:
        st.markdown(escape_markdown(answer.text).replace("\n", "  \n"))
    chosen = citation_chips(answer, key=f"chips-{key}")
    if chosen is not None:
        badge = chosen.passage.badge  # the validity service's answer (texts, relations, override file)
        if badge is None:
            status = "không rõ"
        else:
            status = badge.label if badge.symbol in ("🟡", "🔴") else badge.status
        source_panel(chosen, answer, status)
    verification_panel(answer)
    if answer.related:
        with st.expander("Có thể liên quan"):
            for p in answer.related:
                st.markdown(f"- **{escape_markdown(p.unit.citation)}**")
                st.text(p.unit.text[:600])
    _actions(message)


def _procedure_card(procedure) -> None:
    """The matching procedure card on top of the answer (full card on the Thủ tục page)."""
    from ui.procedure_card import render_summary

    with st.container(border=True):
        st.markdown(f":material/assignment: **Thủ tục liên quan: {escape_markdown(procedure.name)}**")
        render_summary(procedure)
        items = procedure.dossier[:8]
        if items:
            st.markdown("Hồ sơ: " + "; ".join(escape_markdown(d.name[:90]) for d in items))
        st.caption(f"Nguồn: {escape_markdown(str(procedure.source))} · xem đầy đủ ở trang Thủ tục")


# The signable answer memo, one download button per format: (extension, builder, MIME type, icon, tooltip).
MEMO_FORMATS = (
    ("docx", memo_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     ":material/description:", "Tải phiếu trả lời (Word) để trình lãnh đạo"),
    ("pdf", memo_pdf, "application/pdf", ":material/picture_as_pdf:", "Tải phiếu trả lời (PDF)"),
)


def _actions(message: dict) -> None:
    answer: Answer = message["answer"]
    key = message["id"]
    with st.container(horizontal=True, key=f"actions-{key}"):
        with st.popover("Sao chép", icon=":material/content_copy:"):
            st.caption("Bấm biểu tượng sao chép ở góc khung để chép câu trả lời kèm trích dẫn.")
            st.code(answer_plaintext(answer, _status_text), language=None, wrap_lines=True)
        if answer.citations:
            for label, build, mime, icon, help_text in MEMO_FORMATS:
                st.download_button(
                    label.upper(),
                    data=functools.partial(build, answer, _status_text),
                    file_name=f"phieu-tra-loi-{key[:8]}.{label}",
                    mime=mime,
                    icon=icon,
                    on_click="ignore",
                    key=f"{label}-{key}",
                    help=help_text,
                )
        st.feedback("thumbs", key=f"fb-{key}", on_change=_save_rating, args=(message,))
    if st.session_state.get(f"fb-{key}") is not None:
        _comment_box(message)


def _save_rating(message: dict, comment: str = "") -> None:
    """Write the rating (and comment) as a feedback entry of the audit log, tied to the answer's record."""
    value = st.session_state.get(f"fb-{message['id']}")
    if value is None:
        return
    engine = get_engine()
    answer_record = message.get("audit_id")
    if engine.audit is None or answer_record is None:
        st.session_state[f"fb-error-{message['id']}"] = (
            "Nhật ký kiểm toán đang tắt nên không lưu được đánh giá."
        )
        return
    try:
        record_feedback(
            engine.audit,
            answer_record,
            "up" if value == 1 else "down",
            signed_in_user() or engine.local_user,
            comment,
        )
    except TthcError as exc:
        st.session_state[f"fb-error-{message['id']}"] = f"Không lưu được đánh giá: {exc}"


def _comment_box(message: dict) -> None:
    key = message["id"]
    if st.session_state.get(f"commented-{key}"):
        st.caption("✅ Đã ghi nhận đánh giá và góp ý. Cảm ơn anh/chị!")
        return
    if err := st.session_state.get(f"fb-error-{key}"):
        st.error(err)
    with st.form(f"comment-{key}", clear_on_submit=True, border=False):
        comment = st.text_input(
            "Góp ý thêm (không bắt buộc)",
            key=f"comment-text-{key}",
            placeholder="Ví dụ: trích sai khoản, thiếu văn bản mới…",
        )
        if st.form_submit_button("Gửi góp ý"):
            if comment.strip():
                _save_rating(message, comment)
            st.session_state[f"commented-{key}"] = True
            st.rerun()
    st.caption("Đã ghi nhận đánh giá.")


def ask(question: str, filters: SearchFilters) -> None:
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        try:
            history = conversation_history(st.session_state.messages)
            answer = ask_streaming(get_engine(), question, mode, history, filters=filters, user=signed_in_user())
        except TthcError as exc:
            st.error(str(exc))
            return
        # audit_id: the answer's audit record, which feedback entries reference
        message = {"role": "assistant", "answer": answer, "id": uuid.uuid4().hex, "audit_id": answer.audit_id}
        # Keep only the redacted question in the session.
        st.session_state.messages.append({"role": "user", "content": answer.question})
        st.session_state.messages.append(message)
    st.rerun()  # render from history: one place, stable widget keys


st.title("Hỏi đáp pháp luật và thủ tục hành chính")
st.caption(
    "Câu trả lời trích nguyên văn điều, khoản từ các văn bản đã nạp. "
    "Hãy bấm vào từng căn cứ để đối chiếu trước khi áp dụng."
)

state = index_state()
if state.kind != "ready":
    show_index_problem(state, is_admin())
    st.stop()

filters = sidebar_filters()
mode = mode_switch(get_settings())
if filters:
    st.caption("🔎 Đang áp dụng bộ lọc ở thanh bên.")

if "messages" not in st.session_state:
    st.session_state.messages = []

for message in st.session_state.messages:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.text(message["content"])
        else:
            render_answer(message)

if not st.session_state.messages:
    st.markdown("**Gợi ý câu hỏi:**")
    with st.container(horizontal=True):
        for i, example in enumerate(EXAMPLES):
            if st.button(example, key=f"example-{i}"):
                st.session_state["pending-question"] = example
                st.rerun()

question = st.chat_input("Nhập câu hỏi, ví dụ: Thời hạn đăng ký khai sinh là bao lâu?")
pending = st.session_state.pop("pending-question", None)
if question is None and pending:
    question = pending
if question is not None:
    ask(question, filters)
