"""End-to-end: `streamlit run` on a free port, driven by Debian's Chromium through Playwright."""

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
pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(slice_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(slice_index, index)  # the server process owns its own copy of the index
    port = free_port()
    env = dict(os.environ, TTHC_INDEX_DIR=str(index))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
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
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (make system-deps)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        yield page
        browser.close()


def test_ask_in_browser_and_open_citation(app_url, page):
    page.goto(app_url, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
    box.wait_for(timeout=90_000)
    box.fill("Thời hạn đăng ký khai sinh cho con là bao lâu?")
    box.press("Enter")
    citation = page.get_by_text("[1] Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13", exact=False)
    citation.first.wait_for(timeout=90_000)
    citation.first.click()
    page.get_by_text("60/2014/QH13 › Chương II", exact=False).first.wait_for(timeout=10_000)
    shots = ROOT / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "hoi-dap.png"), full_page=True)
