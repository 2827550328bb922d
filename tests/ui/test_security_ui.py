"""The app never renders document text or questions as HTML; sign-in and role guards work."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rag.governance.access import AccountStore
from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")
PAYLOAD_MARKERS = ("<script", "onerror", "javascript:")
STYLESHEET = ROOT / "ui" / "vietnamese.css"


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def unsafe_renderings(at: AppTest) -> list[str]:
    """Elements that would let a payload reach the browser as HTML."""
    bad = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        text = str(proto)
        if not any(m in text for m in PAYLOAD_MARKERS):
            continue
        if node.type in ("html", "iframe") or getattr(proto, "allow_html", False):
            bad.append(f"{node.type}: {text[:200]}")
    return bad


def shown_text(at: AppTest) -> str:
    return "\n".join(str(getattr(n, "proto", "")) for n in _nodes(at._tree))


def test_xss_payload_in_a_document_is_shown_as_text(secure_index, monkeypatch, release_engine):
    monkeypatch.setenv("TTHC_INDEX_DIR", str(secure_index))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("Mức lệ phí bản sao trích lục được niêm yết ở đâu tại xã Tân Lập?").run()
    assert not at.exception
    assert "onerror" in shown_text(at)  # the passage is displayed...
    assert unsafe_renderings(at) == []  # ...but never as HTML
    # the only HTML element is the app's own stylesheet (Streamlit's widget texts in Vietnamese)
    assert [h.proto.body for h in at.get("html")] == [f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"]


def test_xss_payload_in_a_question_is_shown_as_text(secure_index, monkeypatch, release_engine):
    monkeypatch.setenv("TTHC_INDEX_DIR", str(secure_index))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("<img src=x onerror=alert(1)><script>alert(2)</script> lệ phí bản sao trích lục").run()
    assert not at.exception
    assert "onerror" in shown_text(at)
    assert unsafe_renderings(at) == []


def test_redactions_are_shown_to_the_user(index_env, release_engine):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("Chị Trần Thị Mai, SĐT 0912345678, hỏi thời hạn đăng ký khai sinh cho con").run()
    assert not at.exception
    assert any("Đã ẩn dữ liệu cá nhân" in c.value and "họ tên" in c.value for c in at.caption)
    assert any(t.value.startswith("Chị [HỌ TÊN], SĐT [SĐT]") for t in at.text)
    assert "0912345678" not in str(at.session_state["messages"])


def test_local_accounts_require_sign_in(index_env, tmp_path, monkeypatch, release_engine):
    accounts = tmp_path / "accounts.json"
    AccountStore(accounts).add("lan", "clerk", "mật-khẩu-đủ-dài")
    monkeypatch.setenv("TTHC_ACCOUNTS_FILE", str(accounts))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Đăng nhập" and not at.chat_input
    at.text_input[0].set_value("lan")
    at.text_input[1].set_value("sai-mật-khẩu")
    at.button[0].click().run()
    assert any("không đúng" in e.value for e in at.error) and not at.chat_input
    at.text_input[1].set_value("mật-khẩu-đủ-dài")
    at.button[0].click().run()
    assert not at.exception and at.chat_input
    assert at.session_state["tthc_role"] == "clerk"


def _guarded_page():
    import streamlit as st

    from ui.auth import require_role

    user = require_role("admin")
    st.write(f"Xin chào {user.name}")


@pytest.mark.parametrize("role, allowed", [("clerk", False), ("leader", False), ("admin", True)])
def test_require_role_guards_admin_pages(role, allowed):
    at = AppTest.from_function(_guarded_page)
    at.session_state["tthc_user"] = "lan"
    at.session_state["tthc_role"] = role
    at.run()
    assert not at.exception
    assert bool(at.markdown and "Xin chào lan" in at.markdown[0].value) is allowed
    assert bool(at.error) is not allowed


def _audit_page():
    from rag.config import load_settings
    from ui.components.audit_trail import render_audit_trail

    render_audit_trail(load_settings())


def test_audit_trail_view_shows_chain_state(tmp_path, monkeypatch):
    import sqlite3

    from rag.governance.audit import AuditLog, AuditRecord

    db = tmp_path / "audit.db"
    monkeypatch.setenv("TTHC_AUDIT_DB", str(db))
    log = AuditLog(db)
    for i in range(3):
        log.append(AuditRecord(user=f"u{i}", role="clerk", question=f"câu hỏi {i} của [HỌ TÊN]", mode="extractive"))
    at = AppTest.from_function(_audit_page).run()
    assert not at.exception
    assert "toàn vẹn: 3 bản ghi" in at.success[0].value
    assert len(at.dataframe[0].value) == 3
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit SET question = 'sửa' WHERE id = 2")
    at = AppTest.from_function(_audit_page).run()
    assert "đã bị thay đổi" in at.error[0].value
