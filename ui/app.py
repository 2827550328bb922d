"""Streamlit entry point: `streamlit run ui/app.py`.

Builds the navigation (public pages for everyone, administration pages for admins) and the
shared sidebar (index state, signed-in user). Pages live in ``ui/pages/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run ui/app.py` puts ui/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.components.access import ROLE_LABELS, current_user, is_admin  # noqa: E402
from ui.components.status import index_state  # noqa: E402

st.set_page_config(
    page_title="Trợ lý thủ tục hành chính",
    page_icon="⚖️",
    layout="wide",
    menu_items={"About": "Trợ lý thủ tục hành chính — hỏi đáp có trích dẫn, chạy trên máy của cơ quan."},
)

from ui.auth import login_gate, sign_out_button  # noqa: E402
from ui.resources import get_settings  # noqa: E402

login_gate(get_settings())  # stops here with a sign-in form until someone signs in (when configured)

# Pages every signed-in user sees (other features add theirs here).
PAGES = [
    st.Page("pages/ask.py", title="Hỏi đáp", icon=":material/forum:", url_path="hoi-dap", default=True),
    st.Page("pages/procedures.py", title="Thủ tục", icon=":material/assignment:", url_path="thu-tuc"),
    st.Page("pages/checker.py", title="Kiểm tra trích dẫn", icon=":material/fact_check:", url_path="kiem-tra-trich-dan"),
]
# Administration pages (admins only).
ADMIN_PAGES = [
    st.Page("pages/documents.py", title="Văn bản", icon=":material/library_books:", url_path="van-ban"),
    st.Page("pages/audit.py", title="Nhật ký", icon=":material/receipt_long:", url_path="nhat-ky"),
]
HELP_PAGES = [
    st.Page("pages/guide.py", title="Hướng dẫn sử dụng", icon=":material/help:", url_path="huong-dan"),
]


def sidebar() -> None:
    with st.sidebar:
        st.markdown("### :material/balance: Trợ lý thủ tục hành chính")
        name, role = current_user()
        who = f"{name} · " if name else ""
        st.caption(f":material/person: {who}{ROLE_LABELS.get(role, role)}")
        sign_out_button(get_settings())
        state = index_state()
        if state.kind == "ready":
            st.caption(f":material/library_books: {state.documents} văn bản · {state.units} đoạn đã nạp")


pages = PAGES + (ADMIN_PAGES if is_admin() else []) + HELP_PAGES
page = st.navigation(pages, position="top")
sidebar()
page.run()
