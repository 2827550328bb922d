"""First run on a fresh machine: `git clone` → first cited answer in the browser (DESIGN.md "First run").

Usage:
    python bench/first_run.py [--repo PATH_OR_URL] [--ref main] [--keep]

Clones the repository into a temp folder and runs the steps of `make run` one at a time, timing each:
``make install`` (fresh .venv, warm package cache), ``make ingest`` (the starter set into the empty
index), then ``make app`` on a free port and one question in Debian's Chromium until a citation chip
appears. Prints JSON: seconds per step and in total, the venv size, the index size, and the app
server's resident memory after the answer. Run it with the test venv (Playwright drives the browser;
the app runs from the clone's own venv).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import ask, chromium, free_port, wait_until_up  # noqa: E402

QUESTION = "Thời hạn đăng ký khai sinh cho con là bao lâu?"
CHIP = "Điều 15"


def _mb(path: Path) -> int:
    return int(sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20)


def _user_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TTHC_", "VIRTUAL_ENV"))}
    return {**env, "TTHC_AUDIT_DB": str(work / "audit.db"), "TTHC_ACCOUNTS_FILE": str(work / "accounts.json")}


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return round(time.perf_counter() - started, 1)


def _streamlit_rss_mb(cwd: Path) -> int:
    """Resident memory of the app server started by `make app` in ``cwd``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "streamlit run ui/app.py" in cmdline and Path(os.readlink(proc / "cwd")) == cwd:
                status = (proc / "status").read_text()
                return int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1]) // 1024
        except OSError:
            continue
    raise SystemExit("app server process not found")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=str(ROOT))
    parser.add_argument("--ref", default="HEAD")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--screenshot", help="save the page with the first answer to this PNG")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tthc-first-run-"))
    clone = work / "tthc"
    env = _user_env(work)
    result: dict[str, object] = {"load_before": Path("/proc/loadavg").read_text().split()[:3]}
    started = time.perf_counter()
    try:
        result["clone_s"] = _timed(["git", "clone", "-q", args.repo, str(clone)], work, env)
        if args.ref != "HEAD":
            _timed(["git", "checkout", "-q", args.ref], clone, env)
        result["install_s"] = _timed(["make", "install"], clone, env)
        result["ingest_starter_s"] = _timed(["make", "ingest"], clone, env)
        port = free_port()
        t = time.perf_counter()
        app = subprocess.Popen(
            ["make", "app", f"PORT={port}"], cwd=clone, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            if not wait_until_up(url, app):
                raise SystemExit("make app exited")
            with chromium() as browser:
                page = ask(browser, url, QUESTION, CHIP, timeout_ms=300_000)
                result["app_to_first_answer_s"] = round(time.perf_counter() - t, 1)
                result["total_s"] = round(time.perf_counter() - started, 1)
                if args.screenshot:
                    page.wait_for_timeout(500)
                    page.screenshot(path=args.screenshot, full_page=True)
            result["app_rss_mb"] = _streamlit_rss_mb(clone)
        finally:
            os.killpg(app.pid, signal.SIGTERM)
            app.wait(timeout=30)
        result["venv_mb"] = _mb(clone / ".venv")
        result["index_mb"] = _mb(clone / "data" / "index")
        result["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
