"""Warm in-process latency of `search` and extractive `ask` (40 different dev questions each).

Usage: PYTHONPATH=. python bench/query_latency.py INDEX_DIR
(copy the index first if an app holds it: an embedded index is locked by its owner).
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import SHARED  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.engine import Engine  # noqa: E402

DEV = SHARED / "eval" / "dev.jsonl"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(index_dir: str) -> None:
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines()]
    engine = Engine(load_settings(index_dir=index_dir))
    start = time.perf_counter()
    engine.search("khai sinh")
    engine.ask("Thời hạn đăng ký khai sinh?")
    print(f"warm-up {time.perf_counter() - start:.1f} s")
    runs = (
        ("search", lambda q: engine.search(q, 10), questions[::13][:40]),
        ("ask", engine.ask, questions[5::13][:40]),
    )
    for name, call, batch in runs:
        times = []
        for question in batch:
            start = time.perf_counter()
            call(question)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{name}: n={len(times)} p50={statistics.median(times):.0f} ms p95={percentile(times, 0.95):.0f} ms"
        )
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    engine.close()


if __name__ == "__main__":
    main(sys.argv[1])
