"""Streamlit entry point: `streamlit run ui/app.py`.

Builds the navigation (public pages for everyone, administration pages for admins) and the
shared sidebar (index state, signed-in user). Pages live in ``ui/views/`` (not ``pages/``: Streamlit would treat that folder as an old-style
multipage app on the first session after a start and answer deep links with "Page not found").
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run ui/app.py` puts ui/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rag.governance.access import ROLE_LABELS  # noqa: E402
from ui.components.access import current_user, is_admin, require_admin  # noqa: E402
from ui.components.status import index_state  # noqa: E402

st.set_page_config(
    page_title="Trợ lý thủ tục hành chính",
    page_icon="⚖️",
    layout="wide",
    # no menu_items: with toolbarMode "minimal" the ⋮ menu then disappears, and with it Streamlit's
    # English "Made with Streamlit" footer and "About" dialog (what the product is: Hướng dẫn page)
)
st.html(ROOT / "ui" / "vietnamese.css")  # Streamlit's own widget texts in Vietnamese (style only)

from rag.errors import ConfigError  # noqa: E402
from ui.auth import login_gate, sign_out_button  # noqa: E402
from ui.resources import get_settings  # noqa: E402

try:
    get_settings()
except ConfigError as exc:  # a mistyped TTHC_* setting or tthc.toml: one line, no traceback
    st.error(str(exc), icon=":material/settings_alert:")
    st.stop()

# Pages every signed-in user sees (other features add theirs here).
ASK = st.Page("views/ask.py", title="Hỏi đáp", icon=":material/forum:", url_path="hoi-dap")
PAGES = [
    ASK,
    st.Page("views/procedures.py", title="Thủ tục", icon=":material/assignment:", url_path="thu-tuc"),
    st.Page("views/checker.py", title="Kiểm tra trích dẫn", icon=":material/fact_check:", url_path="kiem-tra-trich-dan"),
]
# Administration pages (admins only).
ADMIN = {  # url path → (script, title, icon)
    "van-ban": ("views/documents.py", "Văn bản", ":material/library_books:"),
    "nhat-ky": ("views/audit.py", "Nhật ký", ":material/receipt_long:"),
}
ADMIN_PAGES = [st.Page(script, title=title, icon=icon, url_path=path) for path, (script, title, icon) in ADMIN.items()]
HELP_PAGES = [
    st.Page("views/guide.py", title="Hướng dẫn sử dụng", icon=":material/help:", url_path="huong-dan"),
]


def _home() -> None:
    st.switch_page(ASK)  # "/" opens Hỏi đáp at its own address, /hoi-dap


def _admin_only() -> None:
    require_admin()  # the lock message; the admin page's own script never runs for other roles


# The root URL (hidden in the menu), and for non-admins the admin addresses answered with a lock
# message instead of Streamlit's English "Page not found".
HOME = st.Page(_home, title="Trang chủ", url_path="trang-chu", default=True, visibility="hidden")
ADMIN_LOCKS = [
    st.Page(_admin_only, title=title, url_path=path, visibility="hidden") for path, (_, title, _) in ADMIN.items()
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


if login_gate(get_settings(), routes=[HOME, *PAGES, *ADMIN_PAGES, *HELP_PAGES]) is None:
    st.stop()  # the sign-in form is shown (when configured)

pages = [HOME, *PAGES, *(ADMIN_PAGES if is_admin() else ADMIN_LOCKS), *HELP_PAGES]
page = st.navigation(pages, position="top")
sidebar()
page.run()
