"""Load test (issue 10): concurrent questions against the app's backend functions, in-process.

    python bench/load.py --index DIR [--mode ask|search] [--concurrency 1 4 8]
                         [--requests 40] [--seconds 60] [--questions data/eval/dev.jsonl]

One ``Engine`` per process, shared by every worker thread — exactly what the Streamlit app
does (``ui/resources.py``: one cached engine, one Qdrant client, one embedding model). Nothing
leaves the process (no network at all). Every run is bounded twice: at most ``--requests``
questions and at most ``--seconds`` of wall time per concurrency level, whichever comes first.
Reports throughput and p50/p95 latency per level, and errors (any error fails the run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import SHARED  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.index.store import embedded_backend  # noqa: E402

DEV = SHARED / "eval" / "dev.jsonl"


def load_questions(path: Path, limit: int) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line)["question"])
        if len(out) == limit:
            break
    return out


def run_level(engine: Engine, questions: list[str], mode: str, concurrency: int, requests: int, seconds: float) -> dict:
    """Send up to ``requests`` questions with ``concurrency`` threads, stop after ``seconds``."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            question = questions[n % len(questions)]
            started = time.perf_counter()
            try:
                if mode == "ask":
                    engine.ask(question)
                else:
                    engine.search(question)
            except Exception as exc:  # noqa: BLE001 - a load test counts every failure, then reports it
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [latencies[0] if latencies else 0.0] * 19
    return {
        "mode": mode,
        "concurrency": concurrency,
        "completed": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "wall_s": round(wall, 2),
        "throughput_qps": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(q[18] * 1000, 1) if latencies else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Concurrent in-process load test of the TTHC backend")
    parser.add_argument("--index", help="index folder (TTHC_INDEX_DIR)")
    parser.add_argument("--mode", choices=["ask", "search"], default="ask")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--requests", type=int, default=40, help="questions per level (upper bound)")
    parser.add_argument("--seconds", type=float, default=60.0, help="wall time per level (upper bound)")
    parser.add_argument("--questions", type=Path, default=DEV)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (1 <= max(args.concurrency) <= 64 and 1 <= args.requests <= 10_000 and 0 < args.seconds <= 900):
        parser.error("bounds: concurrency 1..64, requests 1..10000, seconds ≤ 900")
    settings = load_settings(index_dir=args.index)
    engine = Engine(settings)
    questions = load_questions(args.questions, 200)
    started = time.perf_counter()
    engine.search(questions[0])  # build client, model and retriever once, before the threads
    warmup = time.perf_counter() - started
    rows = [run_level(engine, questions, args.mode, c, args.requests, args.seconds) for c in args.concurrency]
    units = engine.store.unit_count()
    engine.close()
    summary = {
        "backend": "server" if settings.qdrant_url else embedded_backend(settings.store_backend, Path(settings.index_dir)),
        "units": units,
        "warmup_s": round(warmup, 2),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpus": os.cpu_count(),
        "levels": rows,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"backend={summary['backend']} units={units} warmup={summary['warmup_s']}s rss={summary['rss_mb']}MB")
        for r in rows:
            print(
                f"{r['mode']:<6} c={r['concurrency']:<3} done={r['completed']:<4} err={r['errors']:<3} "
                f"{r['throughput_qps']:>6} q/s  p50={r['p50_ms']} ms  p95={r['p95_ms']} ms"
            )
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
