"""App latency in a real browser: cold start, first answer after warm-up, later answers.

Usage:
    python bench/app_latency.py --index DIR [--questions N]

Copies the index to a temp folder, starts `streamlit run ui/app.py`, drives Debian's Chromium
with Playwright and prints JSON:
- ``server_start_s``: process start → health endpoint answers;
- ``cold_ready_s``: process start → chat box visible in the first browser session (includes
  model loading, shown to the user as a spinner);
- ``first_answer_s``: Enter → the answer rendered (its action row visible), for the first question after warm-up;
- ``answers_s``: the same for the following questions (p50 reported);
- ``server_rss_mb`` / ``server_peak_rss_mb``: the app server's memory after those answers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import VIEWPORT, chromium, free_port, wait_until_up  # noqa: E402

QUESTIONS = [
    "Thời hạn đăng ký khai sinh cho con là bao lâu?",
    "Chứng thực bản sao từ bản chính cần giấy tờ gì?",
    "Ai có trách nhiệm đi đăng ký khai tử?",
    "Thẩm quyền đăng ký kết hôn thuộc cơ quan nào?",
    "Người yêu cầu chứng thực chữ ký phải xuất trình giấy tờ gì?",
    "Đăng ký khai sinh lưu động được thực hiện khi nào?",
]


def _rss(pid: int) -> tuple[int, int]:
    """Resident and peak resident memory (MB) of the app server after answering."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tthc-bench-app-"))
    shutil.copytree(args.index, work / "index")
    port = free_port()
    env = dict(os.environ, TTHC_INDEX_DIR=str(work / "index"), TTHC_AUDIT_DB=str(work / "audit.db"))
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    result: dict[str, object] = {}
    try:
        if not wait_until_up(url, proc):
            raise SystemExit("the app server exited")
        result["server_start_s"] = round(time.perf_counter() - started, 2)
        with chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(url, wait_until="domcontentloaded")
            box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
            box.wait_for(timeout=300_000)
            result["cold_ready_s"] = round(time.perf_counter() - started, 2)
            page.close()
            times = []
            page = browser.new_page(viewport=VIEWPORT)  # a fresh session, warm process
            t = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
            box.wait_for(timeout=60_000)
            result["warm_page_load_s"] = round(time.perf_counter() - t, 2)
            for i, question in enumerate(QUESTIONS[: args.questions]):
                box.fill(question)
                t = time.perf_counter()
                box.press("Enter")
                # every rendered answer ends with its "Sao chép" button
                page.get_by_role("button", name="Sao chép").nth(i).wait_for(timeout=60_000)
                times.append(time.perf_counter() - t)
        result["first_answer_s"] = round(times[0], 2)
        result["answers_s"] = [round(x, 2) for x in times]
        result["answer_p50_s"] = round(statistics.median(times), 2)
        result["server_rss_mb"], result["server_peak_rss_mb"] = _rss(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
