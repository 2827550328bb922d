"""The asked figure in the answer's first sentence (issue 15), without the rest of bench/clerk.py.

    python bench/lead_first.py --index DIR [--rows tune|new|none] [--dev] [--json OUT]

- ``--rows tune``: the numeric clerk rows of the TUNE half (bench/data/clerk/questions.jsonl, rows with a
  ``figure``): the gold figure in the first displayed sentence of extractive ``ask`` (as bench/clerk.py
  counts it); ``new``: only the third-round rows clerk-184 … clerk-229. Never the test half.
- ``--dev``: the data/eval/dev.jsonl questions whose gold answer states an amount with a unit
  (``rag.text.quantities.claims``; 46 rows): one of those amounts among the first sentence's amounts —
  a second set, written by others, to check that a change to the first sentence is general.

Prints hits / rows and abstentions per set, ask p50; ``--json`` keeps each row's first sentence.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import SHARED  # noqa: E402
from bench.clerk import first_sentence, load_rows, norm  # noqa: E402
from bench.report import pct  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.text.quantities import claims  # noqa: E402

FIRST_NEW_ROW = 184  # the third round's tune-only numeric rows (bench/data/clerk/README.md)


def clerk_rows(which: str) -> list[dict]:
    rows = [r for r in load_rows("tune") if r.get("figure") and r["kind"] == "clerk"]
    if which == "new":
        rows = [r for r in rows if int(r["id"].split("-")[1]) >= FIRST_NEW_ROW]
    return rows


def dev_rows() -> list[dict]:
    rows = [json.loads(line) for line in (SHARED / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("answer") and claims(r["answer"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--rows", default="tune", choices=["tune", "new", "none"])
    parser.add_argument("--dev", action="store_true", help="also the dev questions whose answer states an amount")
    parser.add_argument("--json", help="each row's first sentence to this file")
    args = parser.parse_args(argv)
    engine = Engine(load_settings(index_dir=args.index))
    engine.retriever.search("khởi động", top_k=5)
    out: dict[str, list[dict]] = {"clerk": [], "dev": []}
    latency: list[float] = []
    for r in clerk_rows(args.rows) if args.rows != "none" else []:
        started = time.perf_counter()
        a = engine.ask(r["question"], mode="extractive")
        latency.append((time.perf_counter() - started) * 1000)
        first = first_sentence(a)
        out["clerk"].append({"id": r["id"], "ok": norm(r["figure"]) in norm(first), "abstained": a.abstained,
                             "figure": r["figure"], "first": first,
                             "cited": [f"{c.unit.document.doc_number} {c.unit.article_label}" for c in a.citations]})
    for r in dev_rows() if args.dev else []:
        a = engine.ask(r["question"], mode="extractive")
        first = first_sentence(a)
        ok = any(c.found_in(claims(first)) for c in claims(r["answer"]))
        out["dev"].append({"id": r["id"], "ok": ok, "abstained": a.abstained, "answer": r["answer"], "first": first})
    for name, rows in out.items():
        if rows:
            print(f"{name}: figure first {sum(x['ok'] for x in rows)}/{len(rows)}, abstained {sum(x['abstained'] for x in rows)}")
    if latency:
        print(f"ask p50 {pct(latency, 0.5):.0f} ms (clerk rows)")
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
