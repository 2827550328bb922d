"""The "Kiểm tra trích dẫn" page through Streamlit's AppTest (real engine on the corpus slice)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


def test_checker_page_shows_verdicts_beside_the_real_text(index_env, release_engine):
    at = AppTest.from_file(APP, default_timeout=180).run()  # st.navigation registers the pages
    at.switch_page("views/checker.py").run()
    assert not at.exception
    assert at.title[0].value == "Kiểm tra trích dẫn"
    at.text_area[0].set_value(
        "Theo khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP, thời hạn chứng thực hợp đồng là 02 ngày làm việc. "
        "Theo Điều 16 Luật Hộ tịch, trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm "
        "đăng ký khai sinh cho con. <script>alert(1)</script>"
    )
    at.button[0].click().run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert labels[0].startswith("1. 🚫 Không có điều/khoản/điểm này") and "khoản 2 Điều 37" in labels[0]
    assert labels[1].startswith("2. ↪️ Sai điều")
    texts = [t.value for t in at.text]
    assert any("60 ngày kể từ ngày sinh con" in t and "Điều 16" in t for t in texts)  # the citing sentence
    assert any(t.startswith("1. Trong thời hạn 60 ngày") for t in texts)  # the real text it should cite
    assert not any("<script>" in m.value for m in at.markdown)  # pasted text never rendered as HTML/Markdown


def test_checker_page_asks_for_text(index_env, release_engine):
    at = AppTest.from_file(APP, default_timeout=180).run()  # st.navigation registers the pages
    at.switch_page("views/checker.py").run()
    at.button[0].click().run()
    assert not at.exception
    assert "Hãy dán đoạn văn bản" in at.warning[0].value
