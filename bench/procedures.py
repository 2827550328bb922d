"""Procedure cards benchmark: field fill rates and "right card first" on written questions.

    PYTHONPATH=. python bench/procedures.py [--index DIR] [--json OUT]

Without --index a temporary index is built from ../shared/data/procedures and the original
.doc procedure file (through the real `tthc ingest`). Questions: bench/procedure_questions.jsonl
(written for this benchmark; gold = acceptable card keys).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.loaders import LoadLimits  # noqa: E402
from ingest.procedures import ProcedureFile  # noqa: E402
from ingest.worker import ParseOptions, parse_path  # noqa: E402
from rag.domain import Procedure  # noqa: E402

from bench import SHARED  # noqa: E402
SOURCES = [SHARED / "procedures", SHARED / "pdf" / "quy-trinh_QT01-CX-HCTP_dang-ky-khai-sinh.doc"]
QUESTIONS = ROOT / "bench" / "procedure_questions.jsonl"

FIELDS: dict[str, object] = {
    "code": lambda p: p.code,
    "name": lambda p: p.name,
    "field (lĩnh vực)": lambda p: p.field,
    "level (cấp)": lambda p: p.level,
    "agency": lambda p: p.agency,
    "requesters (đối tượng)": lambda p: p.requesters,
    "channels": lambda p: p.channels,
    "dossier items": lambda p: p.dossier,
    "dossier: bản chính/bản sao": lambda p: any(d.copy_type or d.originals is not None for d in p.dossier),
    "dossier: form codes": lambda p: any(d.form for d in p.dossier),
    "dossier sets (số bộ)": lambda p: p.dossier_sets,
    "steps": lambda p: p.steps,
    "steps with actor": lambda p: any(s.actor for s in p.steps),
    "steps with time": lambda p: any(s.time for s in p.steps),
    "processing time (text)": lambda p: p.processing_time,
    "processing time parsed": lambda p: p.processing and p.processing.durations,
    "fees (text)": lambda p: p.fees,
    "fees parsed (amount/free)": lambda p: p.fee_info and (p.fee_info.amounts or p.fee_info.free),
    "fee exemptions": lambda p: p.fee_info and p.fee_info.exemptions,
    "result": lambda p: p.result,
    "conditions": lambda p: p.conditions,
    "legal basis": lambda p: p.legal_basis,
    "legal basis with số hiệu/title": lambda p: any(b.doc_number or b.title for b in p.legal_basis),
    "issue date": lambda p: p.issued_date,
    "source": lambda p: p.source,
}


def load_cards() -> dict[str, list[Procedure]]:
    out: dict[str, list[Procedure]] = {}
    for path in sorted((SHARED / "procedures").glob("*.jsonl")) + [SOURCES[1]]:
        found = parse_path(path, ParseOptions(LoadLimits(ocr=False)))  # as the parse worker reads it
        out[path.name] = found.procedures if isinstance(found, ProcedureFile) else []
    return out


def fill_rates(cards: list[Procedure]) -> dict[str, float]:
    return {name: sum(1 for p in cards if fn(p)) / len(cards) for name, fn in FIELDS.items()}  # type: ignore[operator]


@dataclass
class Result:
    id: str
    question: str
    gold: list[str]
    ranked: list[str]

    @property
    def rank(self) -> int | None:
        for i, key in enumerate(self.ranked, start=1):
            if key in self.gold:
                return i
        return None


def run_questions(index: Path) -> tuple[list[Result], float]:
    from rag.config import load_settings
    from rag.engine import Engine

    engine = Engine(load_settings(index_dir=index))
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    results = []
    engine.procedures.search("khởi động", top_k=1)  # load the model outside the timing
    start = time.perf_counter()
    for row in rows:
        hits = engine.procedures.search(row["question"], top_k=5)
        results.append(Result(row["id"], row["question"], row["gold"], [h.procedure.key for h in hits]))
    elapsed = (time.perf_counter() - start) / max(len(rows), 1)
    engine.close()
    return results, elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    cards = load_cards()
    official = cards["cantho_sotuphap_quytrinh.jsonl"] + cards["dichvucong_raw_pages.jsonl"]
    groups = {
        "cantho (53)": cards["cantho_sotuphap_quytrinh.jsonl"],
        "dichvucong (22)": cards["dichvucong_raw_pages.jsonl"],
        "53+22": official,
        "secondary (31)": cards["secondary_summaries_qd2228.jsonl"],
    }
    rates = {g: fill_rates(c) for g, c in groups.items()}
    print("| field | " + " | ".join(f"{g} n={len(c)}" for g, c in groups.items()) + " |")
    print("|---|" + "---|" * len(groups))
    for name in FIELDS:
        print(f"| {name} | " + " | ".join(f"{rates[g][name]:.0%}" for g in groups) + " |")

    tmp = None
    index = args.index
    if index is None:
        from ui.cli import main as cli

        tmp = tempfile.TemporaryDirectory(prefix="tthc-proc-bench-")
        index = Path(tmp.name) / "index"
        t0 = time.perf_counter()
        code = cli(["--index", str(index), "ingest", *map(str, SOURCES)])
        print(f"\ningest: exit {code}, {time.perf_counter() - t0:.1f} s")
    results, per_query = run_questions(index)
    top1 = sum(1 for r in results if r.rank == 1)
    top3 = sum(1 for r in results if r.rank and r.rank <= 3)
    print(
        f"\nright card first: {top1}/{len(results)}; in top 3: {top3}/{len(results)}; {per_query * 1000:.0f} ms/query"
    )
    for r in results:
        mark = "✓" if r.rank == 1 else f"✗ (rank {r.rank})"
        print(f"  {r.id} {mark} {r.question}  → {r.ranked[0] if r.ranked else '-'}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "fill_rates": rates,
                    "top1": top1,
                    "top3": top3,
                    "n": len(results),
                    "ms_per_query": per_query * 1000,
                    "results": [r.__dict__ | {"rank": r.rank} for r in results],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
