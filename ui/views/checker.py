"""Kiểm tra trích dẫn: paste any text, see each legal citation beside the real text and a verdict."""

from __future__ import annotations

from datetime import date

import streamlit as st

from rag.errors import IndexMissing, IndexUnavailable, TthcError
from rag.validity.checker import VERDICT_LABELS, CheckedCitation
from ui.auth import current_user
from ui.resources import get_engine

st.title("Kiểm tra trích dẫn")
st.caption(
    "Dán một đoạn văn bản (ví dụ câu trả lời của ChatGPT). Mỗi trích dẫn Điều / Khoản / Điểm được đối chiếu "
    "với văn bản thật trong chỉ mục: có tồn tại không, có nói như vậy không, còn hiệu lực không."
)

EXAMPLE = (
    "Theo khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP, thời hạn chứng thực hợp đồng là 02 ngày làm việc. "
    "Theo Điều 16 Luật Hộ tịch, trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm "
    "đăng ký khai sinh cho con."
)


def escape(text: str) -> str:
    """Markdown-escape text we did not write (document text, pasted text): shown, never interpreted."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~$" else ch for ch in text).replace("\n", "  \n")


def render_result(i: int, r: CheckedCitation) -> None:
    badge = f" {r.badge.symbol}" if r.badge else ""
    with st.expander(f"{i}. {VERDICT_LABELS[r.verdict]} — {escape(r.text)}{badge}", expanded=r.verdict != "correct"):
        st.markdown(escape(r.evidence))
        if r.suggestion:
            st.caption(escape(f"Gợi ý: {r.suggestion}"))
        for notice in r.badge.notices if r.badge else ():  # reform notices (rag.validity.reforms)
            st.warning(notice, icon="⚠️")
        left, right = st.columns(2)
        with left:
            st.markdown("**Câu trích dẫn**")
            st.text(r.sentence)
        with right:
            st.markdown("**Văn bản thật**")
            if r.cited_text:
                st.caption(escape(r.cited_label + (f" · {r.badge.text}" if r.badge else "")))
                st.text(r.cited_text)
            elif r.details.get("suggested_text"):
                st.text(r.details["suggested_text"])
            else:
                st.caption("Không có văn bản để đối chiếu.")
        if r.verdict == "wrong_article" and r.details.get("suggested_text"):
            st.markdown(f"**Nội dung tìm thấy ở: {escape(r.suggestion or '')}**")
            st.text(r.details["suggested_text"])


def index_ready() -> bool:
    try:
        if get_engine().store.unit_count() == 0:
            raise IndexMissing("")
    except IndexMissing:
        st.info("Chưa có văn bản nào trong chỉ mục: hãy nạp văn bản bằng `tthc ingest THƯ_MỤC` rồi mở lại trang này.")
        return False
    except IndexUnavailable as exc:
        st.error(str(exc))
        return False
    return True


if index_ready():
    text = st.text_area("Đoạn văn bản cần kiểm tra", height=200, placeholder=EXAMPLE, key="checker_text")
    as_of = st.date_input("Tính hiệu lực tại ngày", value=date.today(), format="DD/MM/YYYY", key="checker_as_of")
    if st.button("Kiểm tra", type="primary"):
        if not (text or "").strip():
            st.warning("Hãy dán đoạn văn bản có trích dẫn (ví dụ: «Điều 15 Luật Hộ tịch …»).")
        else:
            engine = get_engine()
            try:
                with st.spinner("Đang đối chiếu với văn bản gốc…"):
                    results = engine.check(text, user=current_user(), as_of=as_of.isoformat())
            except TthcError as exc:
                st.error(str(exc))
            else:
                if not results:
                    st.info("Không tìm thấy trích dẫn nào (cần dạng «Điều N» kèm số hiệu hoặc tên văn bản).")
                counts: dict[str, int] = {}
                for r in results:
                    counts[r.verdict] = counts.get(r.verdict, 0) + 1
                if results:
                    st.caption(" · ".join(f"{VERDICT_LABELS[v]}: {n}" for v, n in counts.items()))
                for i, r in enumerate(results, start=1):
                    render_result(i, r)
