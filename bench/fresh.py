"""A fresh validation batch (issue 15, round 15i): abstention and answers on rows nobody tuned on.

    PYTHONPATH=. python bench/fresh.py --index DIR [--batch 15i] [--before] [--json OUT]

Reads only the rows of bench/data/clerk/questions.jsonl whose ``batch`` field is ``--batch`` (round 15i:
``fresh-001`` … ``fresh-070``, written from the corpus and committed before the system was run on them) and
runs them through the same path as bench/clerk.py ("ours": hybrid retrieval + relevance stage + its
abstention, extractive ``ask``). Prints totals only: abstained on the unanswerable rows, overall and by hidden
kind (the ``reason`` prefix: missing law / missing figure / post-2025 reform / later document); answered on the
answerable rows; article-level R@1 / R@5 / MRR@10 of the gold; a gold article among the citations; the gold
figure in the first sentence / anywhere on the numeric rows. ``--before`` adds the same with the relevance
stage off. Per-row outcomes go only to ``--json`` (do not tune on them: the batch is a check, not a fit set).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.clerk import QUESTIONS, as_question, ask_rows  # noqa: E402
from bench.report import pct  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.search.evaluation import retriever_ranker, run_eval  # noqa: E402

KINDS = (("missing law", "missing law"), ("missing figure", "missing figure"), ("missing annex", "missing figure"),
         ("post-2025 reform", "post-2025 reform"), ("later document", "later document"))


def hidden_kind(reason: str) -> str:
    """The kind of an unanswerable row, from the prefix of its ``reason``."""
    for prefix, name in KINDS:
        if reason.startswith(prefix):
            return name
    return "other"


def load_batch(batch: str) -> list[dict]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("batch") == batch]


def measure(engine: Engine, rows: list[dict]) -> dict:
    clerk = [r for r in rows if r["kind"] == "clerk"]
    unans = [r for r in rows if r["kind"] == "unanswerable"]
    res = run_eval([as_question(r) for r in clerk], retriever_ranker(engine.retriever), name="fresh")
    asked = ask_rows(engine, clerk + unans)
    wrong = set(asked["wrong_answers"])
    total, abstained = Counter(), Counter()
    for r in unans:
        kind = hidden_kind(r["reason"])
        total[kind] += 1
        abstained[kind] += r["id"] not in wrong
    lat = asked.pop("latency")
    return {
        "retrieval": res.overall.as_dict(),
        "abstained": {"all": [asked["abstained"], asked["unanswerable"]],
                      **{k: [abstained[k], total[k]] for k in total}},
        "answered": [asked["answered"], asked["answerable"]],
        "gold_cited": [asked["gold_cited"], asked["answerable"]],
        "figure_first": [asked["figure_first"], asked["numeric"]],
        "figure_anywhere": [asked["figure_anywhere"], asked["numeric"]],
        "ask_p50_ms": pct(lat, 0.5), "ask_p95_ms": pct(lat, 0.95),
        "abstain_reasons": dict(asked["reasons"]),
        "abstain_codes_answerable": dict(Counter(m["code"] for m in asked["misses"])),
        "rows": {"answered_unanswerable": sorted(wrong), "abstained_answerable": [m["id"] for m in asked["misses"]],
                 "figure_not_first": asked["figure_misses"]},
    }


def report(name: str, m: dict) -> str:
    ret = m["retrieval"]
    lines = [f"{name}:",
             f"  abstained on unanswerable: {m['abstained']['all'][0]}/{m['abstained']['all'][1]}"
             + "".join(f"; {k} {v[0]}/{v[1]}" for k, v in m["abstained"].items() if k != "all"),
             f"  answered answerable: {m['answered'][0]}/{m['answered'][1]}; gold article cited: "
             f"{m['gold_cited'][0]}/{m['gold_cited'][1]}",
             f"  retrieval (article level, n={int(ret['n'])}): R@1 {ret['recall@1']:.3f}  R@5 {ret['recall@5']:.3f}  "
             f"MRR@10 {ret['mrr@10']:.3f}",
             f"  numeric: figure in first sentence {m['figure_first'][0]}/{m['figure_first'][1]}, "
             f"anywhere {m['figure_anywhere'][0]}/{m['figure_anywhere'][1]}",
             f"  abstention codes on unanswerable: {m['abstain_reasons']}",
             f"  abstention codes on answerable (wrongly abstained): {m['abstain_codes_answerable']}",
             f"  ask p50 {m['ask_p50_ms']:.0f} ms, p95 {m['ask_p95_ms']:.0f} ms"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--batch", default="15i", help="the rows whose 'batch' field is this")
    parser.add_argument("--before", action="store_true", help="also measure with the relevance stage off")
    parser.add_argument("--json", help="dump totals and per-row outcomes to this JSON file")
    args = parser.parse_args(argv)
    rows = load_batch(args.batch)
    if not rows:
        print(f"no rows with batch {args.batch!r} in {QUESTIONS}", file=sys.stderr)
        return 2
    load_start = open("/proc/loadavg").read().split()[0]
    settings = load_settings(index_dir=args.index)
    engine = Engine(settings)
    engine.retriever.search("khởi động", top_k=5)
    result = {"batch": args.batch, "n": len(rows)}
    runs = (("ours", True), ("hybrid (before)", False)) if args.before else (("ours", True),)
    for name, on in runs:
        settings.relevance_rerank = on
        result[name] = measure(engine, rows)
    settings.relevance_rerank = True
    engine.close()
    result["load"] = (load_start, open("/proc/loadavg").read().split()[0])
    print(f"batch {args.batch}: {len(rows)} rows ({QUESTIONS.relative_to(ROOT)}); load {result['load'][0]} → {result['load'][1]}")
    for name, _on in runs:
        print(report(name, result[name]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
