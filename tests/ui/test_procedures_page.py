"""The "Thủ tục" page through Streamlit's AppTest (real engine, slice corpus + shared procedures)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


@pytest.fixture
def procedures_env(procedure_index, monkeypatch):
    monkeypatch.setenv("TTHC_INDEX_DIR", str(procedure_index))
    yield procedure_index
    import streamlit as st

    from ui.resources import get_engine

    try:
        get_engine().close()
    finally:
        st.cache_resource.clear()


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()  # st.navigation registers the pages
    return at.switch_page("views/procedures.py").run()


def test_search_filter_card_and_downloads(procedures_env):
    at = open_page()
    assert not at.exception
    assert at.title[0].value == "Thủ tục hành chính"
    field, level = at.selectbox[0], at.selectbox[1]
    assert {"Hộ tịch", "Chứng thực", "Cư trú", "Căn cước", "Xuất nhập cảnh", "Đất đai"} <= set(field.options)
    assert "cấp xã" in level.options
    at.text_input[0].set_value("làm lại giấy khai sinh bị mất").run()
    assert not at.exception
    assert at.subheader[0].value == "Đăng ký lại khai sinh"
    assert any("Luật Hộ tịch năm 2014" in m.value for m in at.markdown)
    assert any("có trong chỉ mục" in m.value for m in at.markdown)
    assert [b.label for b in at.get("download_button")] == ["Tải DOCX", "Tải PDF"]
    # filter by field: only Căn cước cards are listed
    at.text_input[0].set_value("").run()
    at.selectbox[0].set_value("Căn cước").run()
    assert not at.exception
    cards = at.selectbox[2].options
    assert cards and all("căn cước" in o.lower() or "chứng minh" in o.lower() for o in cards), cards


def test_secondary_card_shows_its_flag(procedures_env):
    at = open_page()
    at.text_input[0].set_value("đăng ký biện pháp bảo đảm bằng quyền sử dụng đất").run()
    assert not at.exception
    assert any("Tóm tắt thứ cấp" in w.value for w in at.warning)
