"""Sign-in and page guards for the Streamlit app.

Three modes (``TTHC_AUTH_MODE``, default ``auto``):
- ``oidc``: single sign-on through ``st.login`` (needs ``[auth]`` in ``.streamlit/secrets.toml``
  and ``pip install 'tthc-assistant[auth]'``); roles come from the accounts file
  (``tthc user add EMAIL --sso --role leader``), otherwise ``TTHC_OIDC_DEFAULT_ROLE``;
- ``local``: user name + password checked against the accounts file (argon2id hashes);
- ``none``: single-user mode, the machine's operator with ``TTHC_DEFAULT_ROLE``; the shipped
  ``.streamlit/config.toml`` then serves on loopback only.
``auto`` picks ``oidc`` when secrets configure it, ``local`` when the accounts file exists, else ``none``.

Pages call ``require_role("admin")``; ``login_gate`` runs once per script run in ``ui/app.py``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from rag.governance.access import ROLE_LABELS, AccountStore, User
from rag.config import Settings

USER_KEY, ROLE_KEY, NAME_KEY = "tthc_user", "tthc_role", "tthc_display_name"
_FAILS_KEY = "tthc_login_failures"
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file (StreamlitSecretNotFoundError subclasses it)
        return False


def auth_mode(settings: Settings) -> str:
    if settings.auth_mode != "auto":
        return settings.auth_mode
    if oidc_configured():
        return "oidc"
    if AccountStore(settings.accounts_file).exists():
        return "local"
    return "none"


def current_user() -> User | None:
    name = st.session_state.get(USER_KEY)
    if not name:
        return None
    return User(name, st.session_state.get(ROLE_KEY, "clerk"), st.session_state.get(NAME_KEY, ""))


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user.name
    st.session_state[ROLE_KEY] = user.role
    st.session_state[NAME_KEY] = user.display_name


def sign_out(settings: Settings) -> None:
    for key in (USER_KEY, ROLE_KEY, NAME_KEY):
        st.session_state.pop(key, None)
    if auth_mode(settings) == "oidc":
        st.logout()


def login_gate(settings: Settings, routes: Sequence[StreamlitPage] = ()) -> User | None:
    """The signed-in user; ``None`` after drawing the sign-in form (the caller stops the run then).

    ``routes``: every page of the app, resolved against the requested address (hidden) before the
    form is drawn, so /nhat-ky still opens Nhật ký after signing in. It must come first: widget
    identities depend on the page being run, and the form's values would be lost otherwise.
    """
    mode = auth_mode(settings)
    if mode == "none":  # single-user: the operator; a role already chosen in the session is kept
        import getpass

        st.session_state.setdefault(USER_KEY, f"local:{getpass.getuser()}")
        st.session_state.setdefault(ROLE_KEY, settings.default_role)
        return current_user()
    if mode == "oidc":
        return _oidc_gate(settings)
    user = current_user()
    if user is not None:
        return user
    if routes:
        st.navigation(list(routes), position="hidden")
    _login_form(AccountStore(settings.accounts_file))
    return None


def _oidc_gate(settings: Settings) -> User:
    if not st.user.is_logged_in:
        st.title("Đăng nhập")
        st.write("Hãy đăng nhập bằng tài khoản của cơ quan.")
        st.button("Đăng nhập một lần (SSO)", on_click=st.login, type="primary")
        st.stop()
    identity = str(st.user.get("email") or st.user.get("sub") or "")
    known = AccountStore(settings.accounts_file).get(identity) if identity else None
    user = User(identity, known.role if known else settings.oidc_default_role, str(st.user.get("name") or ""))
    sign_in(user)
    return user


def _login_form(accounts: AccountStore) -> None:
    st.title("Đăng nhập")
    failures: list[float] = [t for t in st.session_state.get(_FAILS_KEY, []) if time.time() - t < LOCKOUT_SECONDS]
    st.session_state[_FAILS_KEY] = failures
    locked = len(failures) >= MAX_FAILURES
    with st.form("login"):
        name = st.text_input("Tên đăng nhập")
        password = st.text_input("Mật khẩu", type="password")
        submitted = st.form_submit_button("Đăng nhập", type="primary", disabled=locked)
    if locked:
        st.error(f"Sai mật khẩu quá {MAX_FAILURES} lần. Hãy thử lại sau {LOCKOUT_SECONDS} giây.")
        return
    if not submitted:
        return
    user = accounts.authenticate(name, password)
    if user is None:
        failures.append(time.time())
        st.error("Tên đăng nhập hoặc mật khẩu không đúng.")
        return
    st.session_state.pop(_FAILS_KEY, None)
    sign_in(user)
    st.rerun()


def require_role(*roles: str) -> User:
    """Stop the page with a clear message unless the signed-in user has one of ``roles``."""
    user = current_user()
    if user is None or user.role not in roles:
        allowed = ", ".join(ROLE_LABELS.get(r, r) for r in roles)
        st.error(f"Trang này chỉ dành cho: {allowed}. Hãy đăng nhập bằng tài khoản phù hợp.", icon="🔒")
        st.stop()
    return user


def sign_out_button(settings: Settings) -> None:
    """A sign-out button (in the current container) when there is a sign-in."""
    if current_user() is not None and auth_mode(settings) != "none":
        st.button("Đăng xuất", on_click=sign_out, args=(settings,), key="tthc-sign-out")
