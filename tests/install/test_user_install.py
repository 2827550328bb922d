"""The product as a user installs it: a copy of the repository, `make install` into a fresh venv
(exactly what `make run` installs, no test extras), then the CLI and the app in a browser.

CI runs this stage on its own (`pytest -m install`, see .ci/run): it is what caught a `make run`
that crashed on every fresh machine while the test suite, with its extras, was green.
The browser (Debian's chromium, driven by the test venv's Playwright) is outside the user's venv;
the app server runs from the user's venv only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bench.browser import ask, chromium, free_port, wait_until_up
from tests.conftest import ROOT

pytestmark = pytest.mark.install

LAW = "data/starter/documents/60-2014-QH13.md"  # a small part of the starter set: Luật Hộ tịch
QUESTION = "Thời hạn đăng ký khai sinh cho con là bao lâu?"
# DESIGN.md "First run": 694 MB measured 2026-12-05 (torch alone would add 750 MB, scipy 136 MB,
# llama-index-core's tree 120 MB: each now an extra or gone); 798 MB with the int8 passage engine
# (onnxruntime 78 MB + onnx 31 MB + protobuf), which took the starter ingestion from 336 s to 47 s
# and the whole corpus from ≈ 30 to ≈ 10 min (docs/benchmarks.md): worth its 104 MB.
VENV_BUDGET_MB = 820


def _user_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no test venv, no TTHC_* settings of the test session."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TTHC_", "VIRTUAL_ENV", "PYTHON"))}
    return {**env, **extra}


def _du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


@pytest.fixture(scope="module")
def user_copy(tmp_path_factory) -> Path:
    """The repository as a user gets it (tracked and new files of this checkout, nothing ignored),
    installed with `make install` into its own fresh .venv."""
    repo = tmp_path_factory.mktemp("user") / "tthc"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    started = time.perf_counter()
    done = subprocess.run(["make", "install"], cwd=repo, env=_user_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    print(f"\nmake install: {time.perf_counter() - started:.0f} s, venv {_du_mb(repo / '.venv'):.0f} MB")
    return repo


def tthc(repo: Path, *args: str, index: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(repo / ".venv" / "bin" / "tthc"), "--index", str(index), *args],
        cwd=repo, env=_user_env(), capture_output=True, text=True, timeout=900,
    )


def test_the_default_install_is_small_and_has_no_torch(user_copy):
    python = user_copy / ".venv" / "bin" / "python"
    probe = subprocess.run([str(python), "-c", "import torch"], capture_output=True, text=True)
    assert probe.returncode != 0, "torch is installed by `make run`: it belongs to the [st] extra"
    assert _du_mb(user_copy / ".venv") <= VENV_BUDGET_MB


def test_cli_ingests_and_answers_with_a_citation(user_copy, tmp_path):
    assert tthc(user_copy, "--help", index=tmp_path / "unused").returncode == 0
    index = tmp_path / "index"
    ingest = tthc(user_copy, "ingest", "--if-empty", LAW, index=index)
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    again = tthc(user_copy, "ingest", "--if-empty", LAW, index=index)
    assert again.returncode == 0 and "bỏ qua" in again.stdout  # the starter set goes into an empty index only
    asked = tthc(user_copy, "ask", QUESTION, "--json", index=index)
    assert asked.returncode == 0, asked.stderr[-3000:]
    answer = json.loads(asked.stdout)
    assert not answer["abstained"]
    assert answer["citations"][0]["doc"] == "60/2014/QH13"
    assert answer["citations"][0]["article"] == "Điều 15"


def test_the_app_answers_in_a_browser(user_copy, tmp_path):
    index = tmp_path / "index"
    assert tthc(user_copy, "ingest", LAW, index=index).returncode == 0
    port = free_port()
    log_path = tmp_path / "server.log"
    env = _user_env(TTHC_INDEX_DIR=str(index), TTHC_AUDIT_DB=str(tmp_path / "audit.db"),
                    TTHC_ACCOUNTS_FILE=str(tmp_path / "no-accounts.json"))
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(user_copy / ".venv" / "bin" / "streamlit"), "run", "ui/app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=user_copy, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            assert wait_until_up(url, server, timeout_s=120), log_path.read_text(errors="replace")[-3000:]
            chips = _ask_in_browser(url, QUESTION)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log_path.read_text(errors="replace")
    assert "Traceback" not in text and "ModuleNotFoundError" not in text, text[-3000:]
    assert any("Điều 15" in c and "60/2014/QH13" in c for c in chips), chips


def _ask_in_browser(url: str, question: str) -> list[str]:
    """Open the app, ask, wait for the citation chips; their labels."""
    with chromium() as browser:
        return ask(browser, url, question, "Điều 15", timeout_ms=180_000).get_by_role("radio").all_inner_texts()
