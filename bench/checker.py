"""Citation checker accuracy on our own labelled cases (tests/data/checker/cases.jsonl).

    PYTHONPATH=. python bench/checker.py --index DIR [--cases FILE] [--json] [--table]

The index must hold the documents the cases cite (the test fixture builds it from the shared corpus:
60/2014/QH13, 23/2015/NĐ-CP, 10/2014/TT-TTCP, 03/2021/TT-TTCP). Prints verdict accuracy overall and
per expected verdict, and every miss.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "checker" / "cases.jsonl"

if TYPE_CHECKING:
    from rag.engine import Engine


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_case(case: dict[str, Any], found: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare the checker's output for one case with its expectations."""
    misses = []
    for want in case["expect"]:
        match = next((f for f in found if want.get("article") is None or f["article"] == want["article"]), None)
        if match is None:
            misses.append(f"no citation for {want.get('article')}")
            continue
        if match["verdict"] != want["verdict"]:
            misses.append(f"verdict {match['verdict']} != {want['verdict']} ({match['evidence']})")
        elif want.get("doc") and match["doc"] != want["doc"]:
            misses.append(f"doc {match['doc']} != {want['doc']}")
        elif want.get("suggestion") and want["suggestion"] not in (match.get("suggestion") or ""):
            misses.append(f"suggestion {match.get('suggestion')!r} lacks {want['suggestion']}")
    if len(found) != len(case["expect"]):
        misses.append(f"{len(found)} citations found, {len(case['expect'])} expected")
    return {"id": case["id"], "ok": not misses, "expected": [w["verdict"] for w in case["expect"]],
            "got": [f["verdict"] for f in found], "misses": misses}


def run(engine: Engine, cases: list[dict[str, Any]]) -> dict[str, Any]:
    from rag.validity.checker import CitationChecker

    rows = []
    for case in cases:
        checker = CitationChecker(engine.store, engine.validity, search=lambda q, k: engine.retriever.search(q, k),
                                  as_of=case.get("as_of") or "2026-06-01")
        found = [c.as_dict() for c in checker.check(case["text"])]
        rows.append(score_case(case, found))
    per = Counter()
    per_ok = Counter()
    for case, row in zip(cases, rows):
        for verdict in row["expected"]:
            per[verdict] += 1
            per_ok[verdict] += row["ok"]
    return {
        "cases": len(rows),
        "accuracy": sum(r["ok"] for r in rows) / len(rows) if rows else 0.0,
        "per_verdict": {v: {"n": per[v], "correct": per_ok[v]} for v in sorted(per)},
        "misses": [r for r in rows if not r["ok"]],
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", required=True)
    parser.add_argument("--cases", default=str(CASES))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--table", action="store_true", help="one markdown row per case")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from rag.config import load_settings
    from rag.engine import Engine

    engine = Engine(load_settings(index_dir=args.index))
    try:
        result = run(engine, load_cases(Path(args.cases)))
    finally:
        engine.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"cases={result['cases']} accuracy={result['accuracy']:.3f}")
    for verdict, c in result["per_verdict"].items():
        print(f"  {verdict:<22} {c['correct']}/{c['n']}")
    for miss in result["misses"]:
        print(f"  MISS {miss['id']}: {'; '.join(miss['misses'])}")
    if args.table:
        print("| case | expected | got | right |\n|---|---|---|---|")
        for row in result["rows"]:
            print(f"| {row['id']} | {', '.join(row['expected'])} | {', '.join(row['got']) or '—'} | "
                  f"{'✓' if row['ok'] else '✗'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
