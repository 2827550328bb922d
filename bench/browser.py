"""The app in Debian's Chromium, as a user sees it: a free port, waiting for the server, the one Chromium
launch and one question asked. Shared by bench/first_run.py, bench/app_latency.py and the browser tests
(tests/ui/test_e2e.py, tests/install/test_user_install.py)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen | None = None, timeout_s: float = 3600.0) -> bool:
    """True once the Streamlit server at ``url`` answers its health check; False if it exits or time runs out."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return True
        except OSError:
            if server is not None and server.poll() is not None:
                return False
            time.sleep(0.3)
    return False


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium (make system-deps installs it) under Playwright; closed on exit."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("install Debian's chromium (make system-deps)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def ask(browser: Any, url: str, question: str, chip: str, timeout_ms: int) -> Any:
    """A new page at ``url``: ask ``question`` and wait for a citation chip naming ``chip``; the page."""
    page = browser.new_page(viewport=VIEWPORT, locale="vi-VN")
    page.goto(url, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
    box.wait_for(timeout=timeout_ms)
    box.fill(question)
    box.press("Enter")
    page.get_by_role("radio", name=chip, exact=False).first.wait_for(timeout=timeout_ms)
    return page
