"""Helpers of the end-to-end tests: the app under `streamlit run` on a free port, Debian's Chromium
(``bench.browser``), and what a user does in it (sign in, ask, open a citation)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.browser import chromium, free_port, wait_until_up
from tests.conftest import ROOT

ADMIN = ("quantri", "mật-khẩu-quản-trị")


@contextmanager
def run_app(work: Path, env: dict[str, str]) -> Iterator[str]:
    """The app with ``env`` added to this environment, its log in ``work/server.log``; yields its URL.
    Stopping it checks that the log holds no traceback."""
    url = f"http://127.0.0.1:{free_port()}"
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", url.rsplit(":", 1)[1],
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    if not wait_until_up(url, proc, timeout_s=60):
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
    with chromium() as browser:
        yield browser


def sign_in(page, who: tuple[str, str]) -> None:
    page.get_by_label("Tên đăng nhập").fill(who[0])
    page.get_by_label("Mật khẩu").fill(who[1])
    page.get_by_role("button", name="Đăng nhập").click()


VISITS = [0]  # browser sessions opened on this module's server


def open_page(browser, url: str, width: int = 1366, height: int = 768, who: tuple[str, str] | None = ADMIN):
    """A new browser session at ``url``, signed in as ``who`` (None: left at the sign-in form)."""
    VISITS[0] += 1
    page = browser.new_page(viewport={"width": width, "height": height}, locale="vi-VN")
    page.goto(url, wait_until="domcontentloaded")
    if who is not None:
        sign_in(page, who)
        page.get_by_role("button", name="Đăng xuất").wait_for(state="attached", timeout=120_000)
    return page


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


def go_to(page, title: str) -> None:
    """Navigate like a user: the top navigation link, then the page's own title."""
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=120_000)
