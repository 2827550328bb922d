"""Page logic through Streamlit's AppTest (real engine on the corpus slice)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


@pytest.fixture
def release_engine():
    """The app caches one engine (and the embedded index lock) per process: release it after."""
    yield
    import streamlit as st

    from ui.resources import get_engine

    try:
        get_engine().close()
    finally:
        st.cache_resource.clear()


def test_chat_answers_with_numbered_citations(index_env, release_engine):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value.startswith("Hỏi đáp")
    at.chat_input[0].set_value("Thời hạn đăng ký khai sinh cho con là bao lâu?").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert labels[0].startswith("[1] Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13")
    assert any("60 ngày" in t.value for t in at.text)


def test_empty_question_and_unrelated_question(index_env, release_engine):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("Giá vé xem phim tối nay là bao nhiêu?").run()
    assert not at.exception
    assert any("Không tìm thấy căn cứ" in w.value for w in at.warning)


def test_no_index_explains_how_to_add_documents(tmp_path, monkeypatch, release_engine):
    monkeypatch.setenv("TTHC_INDEX_DIR", str(tmp_path / "none"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "tthc ingest" in at.info[0].value
    assert not at.chat_input
