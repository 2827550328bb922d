"""End-to-end: `streamlit run` on a free port, driven by Debian's Chromium through Playwright.

One server per module (the tests share it: starting one costs model loading); screenshots of
each page go to docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "docs" / "screenshots"
QUESTION = "Thời hạn đăng ký khai sinh cho con là bao lâu?"
pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(procedure_index, tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    index = work / "index"
    shutil.copytree(procedure_index, index)  # corpus slice + shared procedure cards  # the server process owns its own copy of the index
    port = free_port()
    env = dict(
        os.environ,
        TTHC_INDEX_DIR=str(index),
        TTHC_DOCUMENTS_DIR=str(work / "documents"),
        TTHC_FEEDBACK_FILE=str(work / "feedback.jsonl"),
        TTHC_VALIDITY_FILE=str(work / "validity.csv"),
    )
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (work / "server.log").read_text(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()
    text = (work / "server.log").read_text(errors="replace")
    assert "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (make system-deps)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def open_page(browser, url: str, width: int = 1366, height: int = 768):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="vi-VN")
    page.goto(url, wait_until="domcontentloaded")
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let the last delta paint
    page.screenshot(path=str(SHOTS / name), full_page=True)


def ask_and_open_first_citation(page, question: str, citation: str) -> None:
    box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
    box.wait_for(timeout=120_000)
    box.fill(question)
    box.press("Enter")
    chip = page.get_by_role("radio", name=citation, exact=False)
    chip.first.wait_for(timeout=120_000)
    chip.first.click()
    page.get_by_text("Phần tô màu là câu làm căn cứ", exact=False).wait_for(timeout=30_000)


def highlighted(page) -> list[str]:
    return page.locator("span.stMarkdownColoredBackground").all_inner_texts()


def test_ask_open_citation_see_highlight_desktop_and_phone(app_url, browser):
    page = open_page(browser, app_url)
    ask_and_open_first_citation(page, QUESTION, "[1] Khoản 1 Điều 15 · 60/2014/QH13")
    assert any("60 ngày" in text for text in highlighted(page))
    page.get_by_text("60/2014/QH13 › Chương II › Mục 1 › Điều 15 › Khoản 1").wait_for(timeout=10_000)
    page.get_by_text("Còn hiệu lực").first.wait_for(timeout=10_000)  # from "Luật này có hiệu lực … 01/01/2016"
    shot(page, "hoi-dap.png")
    page.close()

    phone = open_page(browser, app_url, 390, 844)
    ask_and_open_first_citation(phone, QUESTION, "[1] Khoản 1 Điều 15")
    assert any("60 ngày" in text for text in highlighted(phone))
    # nothing wider than the phone screen
    overflow = phone.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, f"page is {overflow}px wide on a 390px screen"
    shot(phone, "hoi-dap-dien-thoai.png")
    phone.close()


DECREE = """NGHỊ ĐỊNH
Số: 99/2026/NĐ-CP
QUY ĐỊNH VỀ CẤP THẺ THƯ VIỆN XÃ

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định việc cấp thẻ thư viện tại xã.

Điều 2. Lệ phí cấp thẻ thư viện
1. Lệ phí cấp thẻ thư viện xã là 15.000 đồng mỗi thẻ.
2. Người cao tuổi được miễn lệ phí cấp thẻ thư viện.
"""


def go_to(page, title: str) -> None:
    """Navigate like a user: the top navigation link, then the page's own title."""
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=120_000)


def test_upload_ingest_then_ask_about_the_new_document(app_url, browser):
    page = open_page(browser, app_url)
    page.get_by_placeholder("Nhập câu hỏi", exact=False).wait_for(timeout=120_000)
    go_to(page, "Văn bản")
    uploader = page.locator("[data-testid=stFileUploader] input[type=file]")
    uploader.wait_for(state="attached", timeout=120_000)
    uploader.set_input_files(
        [{"name": "nd-99-2026.txt", "mimeType": "text/plain", "buffer": DECREE.encode("utf-8")}]
    )
    page.get_by_text("nd-99-2026.txt").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Nạp vào chỉ mục").click(timeout=120_000)
    page.get_by_text("Kết quả nạp", exact=False).wait_for(timeout=120_000)
    page.get_by_text("99/2026/NĐ-CP", exact=False).first.wait_for(timeout=10_000)
    shot(page, "van-ban.png")
    page.get_by_role("heading", name="Thao tác với một văn bản").scroll_into_view_if_needed()
    shot(page, "van-ban-danh-sach.png")

    page.get_by_role("link", name="Hỏi đáp").click()
    ask_and_open_first_citation(page, "Lệ phí cấp thẻ thư viện xã là bao nhiêu?", "[1] Khoản 1 Điều 2 · 99/2026/NĐ")
    assert any("15.000 đồng" in text for text in highlighted(page))
    page.locator("[data-testid=stFeedbackButton]").first.click()  # 👍
    page.get_by_text("Góp ý thêm (không bắt buộc)").wait_for(timeout=60_000)
    shot(page, "hoi-dap-van-ban-moi.png")

    go_to(page, "Nhật ký")
    page.get_by_text("Tổng số đánh giá").wait_for(timeout=30_000)  # the 👍 above is listed
    shot(page, "nhat-ky.png")

    page.get_by_role("link", name="Hướng dẫn sử dụng").click()
    page.get_by_role("heading", name="Hướng dẫn sử dụng cho cán bộ").wait_for(timeout=60_000)
    shot(page, "huong-dan.png")
    page.close()


def test_procedure_page_and_card_on_top_of_an_answer(app_url, browser):
    page = open_page(browser, app_url)
    page.get_by_placeholder("Nhập câu hỏi", exact=False).wait_for(timeout=120_000)
    page.get_by_role("link", name="Thủ tục").click()
    page.get_by_role("heading", name="Thủ tục hành chính", exact=True).wait_for(timeout=120_000)
    search = page.get_by_label("Tìm thủ tục")
    search.fill("làm lại giấy khai sinh bị mất")
    search.press("Enter")
    page.get_by_text("Danh mục hồ sơ cho người dân").wait_for(timeout=120_000)
    page.get_by_text("Thành phần hồ sơ", exact=False).first.wait_for(timeout=30_000)
    shot(page, "thu-tuc.png")

    page.get_by_role("link", name="Hỏi đáp").click()
    box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
    box.wait_for(timeout=120_000)
    box.fill("Làm lại giấy khai sinh bị mất cần gì?")
    box.press("Enter")
    page.get_by_text("Thủ tục liên quan:", exact=False).first.wait_for(timeout=120_000)
    page.get_by_role("button", name="Sao chép").first.wait_for(timeout=60_000)
    shot(page, "hoi-dap-thu-tuc.png")
    page.close()
