"""Warm in-process latency of `search` and extractive `ask` on an index (40 dev questions each).

Usage: PYTHONPATH=. python bench/query_latency.py INDEX_DIR   (copy the index first if an app holds it)
"""

import json
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())
from rag.config import load_settings
from rag.engine import Engine

DEV = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "eval", "dev.jsonl"
)
qs = [json.loads(l)["question"] for l in open(DEV)][::13][:40]
e = Engine(load_settings(index_dir=sys.argv[1]))
t = time.time()
e.search("khai sinh")
e.ask("Thời hạn đăng ký khai sinh?")
print("warm-up s", round(time.time() - t, 1))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


qs2 = [json.loads(l)["question"] for l in open(DEV)][5::13][:40]
for name, fn, qq in (("search", lambda q: e.search(q, 10), qs), ("ask", e.ask, qs2)):
    ts = []
    for q in qq:
        t = time.perf_counter()
        fn(q)
        ts.append((time.perf_counter() - t) * 1000)
    print(name, "n", len(ts), "p50 ms", round(statistics.median(ts)), "p95 ms", round(pct(ts, 0.95)))
print("maxrss MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
