"""Who is using the app and what they may open.

When the access-control module (``ui.auth``) is not installed, the app runs in single-user mode:
the local user is an administrator (the machine's own operator).
"""

from __future__ import annotations

import streamlit as st

ADMIN = "admin"


def current_user() -> tuple[str, str]:
    """(user name, role) of this session."""
    return st.session_state.get("tthc_user", ""), st.session_state.get("tthc_role", ADMIN)


def is_admin() -> bool:
    return current_user()[1] == ADMIN


def require_admin() -> None:
    """Stop the page with a clear message unless the user is an administrator."""
    if not is_admin():
        st.error("Trang này chỉ dành cho quản trị viên. Hãy đăng nhập bằng tài khoản quản trị.", icon="🔒")
        st.stop()
