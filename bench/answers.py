"""Answers benchmark (issue 5): verification, abstention, latency; and threshold calibration.

    python bench/answers.py --index DIR [--llm N] [--calibrate] [--json OUT]

- 50 dev questions with short answers (first 50 "Tự luận (đáp án ngắn)" rows of dev.jsonl):
  share of displayed sentences verified, displayed numbers absent from their cited passage
  (checked independently of the verifier: every number value in a shown sentence must occur among
  the number values of the passages it cites), extractive ``ask`` latency p50/p95.
- Abstention: on bench/data/unanswerable.jsonl (written for this benchmark; the corpus cannot
  answer them) vs answered share of all dev questions.
- ``--llm N``: N of the 50 questions in llm mode with the configured model: time to first token,
  tokens/s, verified share, abstentions.
- ``--calibrate``: grid-search the abstention parameters on relevance features (dense similarity,
  lexical overlap) — fitted on the odd-numbered unanswerable questions and odd dev rows, reported on
  the even ones — and the verifier's overlap threshold (gold short answers against their gold
  article vs against another question's article).

Never reads heldout.jsonl.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answering.answer import answer_extractive, prepare, relevance  # noqa: E402
from bench import SHARED  # noqa: E402
from bench.report import pct  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.domain import Answer  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.answering.verification import content_words  # noqa: E402
from rag.text.quantities import extract_quantities  # noqa: E402

DEV = SHARED / "eval" / "dev.jsonl"
UNANSWERABLE = ROOT / "bench" / "data" / "unanswerable.jsonl"


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answerable(rows: list[dict], doc_numbers: set[str]) -> list[dict]:
    """Dev questions whose gold documents are all in the index (all of them on the full corpus)."""
    return [r for r in rows if all(g["doc"] in doc_numbers for g in r["gold"])]


def short_answer_questions(rows: list[dict], n: int = 50) -> list[dict]:
    """The first n rows with short answers ("Tự luận (đáp án ngắn)"), topped up with other answered rows."""
    short = [r for r in rows if r.get("question_type") == "Tự luận (đáp án ngắn)" and r.get("answer")]
    rest = [r for r in rows if r not in short and r.get("answer")]
    return (short + rest)[:n]


def absent_numbers(answer: Answer) -> list[str]:
    """Numbers shown in a sentence that do not occur in the passages that sentence cites."""
    units = {c.n: c.unit for c in answer.citations}
    missing = []
    for s in answer.displayed_sentences:
        cited = " ".join(f"{units[n].citation} {units[n].text}" for n in s.citations if n in units)
        have = {q.value for q in extract_quantities(cited)}
        have |= {p.lstrip("0") or "0" for q in extract_quantities(cited) if q.kind == "date" for p in q.value.split("-")}
        for q in extract_quantities(s.text):
            if q.value not in have:
                missing.append(q.label())
    return missing


def run_llm(engine: Engine, questions: list[dict]) -> dict:
    ttft, rates, shown, verified, absent, abstained, removed = [], [], 0, 0, [], 0, 0
    for row in questions:
        started = time.perf_counter()
        stream = engine.ask_stream(row["question"], mode="llm")
        first, tokens = None, 0
        for _chunk in stream:
            tokens += 1
            if first is None:
                first = time.perf_counter()
        end = time.perf_counter()
        answer = stream.answer
        assert answer is not None
        if first is not None:
            ttft.append(first - started)
            if tokens > 1 and end > first:
                rates.append((tokens - 1) / (end - first))
        abstained += answer.abstained
        removed += sum(s.status == "removed" for s in answer.sentences)
        shown += len(answer.displayed_sentences)
        verified += sum(s.status == "verified" for s in answer.displayed_sentences)
        absent += absent_numbers(answer)
    return {
        "n": len(questions),
        "model": engine.generator.name,
        "ttft_p50_s": round(statistics.median(ttft), 2) if ttft else None,
        "tokens_per_s": round(statistics.median(rates), 2) if rates else None,
        "abstained": abstained,
        "sentences_removed": removed,
        "displayed_sentences": shown,
        "verified_share": round(verified / shown, 4) if shown else None,
        "absent_numbers": len(absent),
    }


def abstention(engine: Engine, unanswerable: list[dict], dev: list[dict]) -> dict:
    abstained = [r["id"] for r in unanswerable if engine.ask(r["question"]).abstained]
    answered = sum(not engine.ask(r["question"]).abstained for r in dev)
    return {
        "unanswerable_n": len(unanswerable),
        "unanswerable_abstained": len(abstained),
        "abstention_rate": round(len(abstained) / len(unanswerable), 4),
        "not_abstained": sorted(set(r["id"] for r in unanswerable) - set(abstained)),
        "dev_n": len(dev),
        "dev_answered": answered,
        "answered_rate": round(answered / len(dev), 4),
    }


# -- calibration --------------------------------------------------------------------------------


def features(engine: Engine, rows: list[dict]) -> list[tuple[float, float]]:
    out = []
    for r in rows:
        prep = prepare(engine.retriever, engine.settings, r["question"])
        rel = relevance(prep.query, prep.passages, engine.settings)
        out.append((rel.similarity, rel.lexical))
    return out


def calibrate_abstention(pos: list[tuple[float, float]], neg: list[tuple[float, float]], target: float = 0.9) -> dict:
    """Max answered share on ``pos`` s.t. abstention on ``neg`` ≥ target (ties: larger margin)."""
    best = None
    for w in [0.0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3]:
        for floor in [x / 1000 for x in range(760, 880, 5)]:
            scores_neg = sorted(s + w * lex for s, lex in neg if s >= floor)
            # smallest threshold that keeps abstention ≥ target
            allowed = int(len(neg) * (1 - target))  # negatives allowed through
            if len(scores_neg) <= allowed:
                threshold = 0.0
            else:
                threshold = scores_neg[len(scores_neg) - allowed - 1] + 1e-6
            answered = sum(s >= floor and s + w * lex >= threshold for s, lex in pos) / len(pos)
            abst = sum(not (s >= floor and s + w * lex >= threshold) for s, lex in neg) / len(neg)
            key = (answered, abst)
            if best is None or key > best[0]:
                best = (key, {"weight": w, "similarity_floor": floor, "score_threshold": round(threshold, 4)})
    assert best is not None
    return {**best[1], "fit_answered": round(best[0][0], 4), "fit_abstained": round(best[0][1], 4)}


def apply(params: dict, feats: list[tuple[float, float]]) -> list[bool]:
    w, floor, t = params["weight"], params["similarity_floor"], params["score_threshold"]
    return [s >= floor and s + w * lex >= t for s, lex in feats]


def calibrate_overlap(engine: Engine, rows: list[dict]) -> dict:
    """Content-word overlap of gold short answers with their gold article vs another article."""
    from rag.answering.verification import overlap

    texts = {}
    for r in rows:
        g = r["gold"][0]
        doc_key = g["doc"].replace("/", "-").replace("Đ", "D")
        units = [u for u in engine.store.units_of(doc_key, g["article"].split()[-1])]
        if units:
            texts[r["id"]] = " ".join(f"{u.heading} {u.text}" for u in units)
    ids = [r for r in rows if r["id"] in texts]
    pos, neg = [], []
    for i, r in enumerate(ids):
        words = frozenset(content_words(texts[r["id"]]))
        other = frozenset(content_words(texts[ids[(i + 7) % len(ids)]["id"]]))
        if len(content_words(r["answer"])) < 3:
            continue
        pos.append(overlap(r["answer"], words))
        neg.append(overlap(r["answer"], other))
    table = []
    for t in [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]:
        table.append(
            {
                "threshold": t,
                "gold_passes": round(sum(p >= t for p in pos) / len(pos), 3),
                "wrong_article_passes": round(sum(n >= t for n in neg) / len(neg), 3),
            }
        )
    return {"n": len(pos), "table": table}


def measure(engine: Engine, rows: list[dict], out: Path, answer: bool) -> None:
    """One JSON line per question (appended as it goes): relevance features, and for ``answer`` rows
    the extractive answer's verification stats and latency (retrieval included)."""
    done = {json.loads(line)["id"] for line in out.read_text().splitlines()} if out.exists() else set()
    with out.open("a", encoding="utf-8") as fh:
        for row in rows:
            if row["id"] in done:
                continue
            started, started_cpu = time.perf_counter(), time.process_time()
            prep = prepare(engine.retriever, engine.settings, row["question"])
            record: dict = {"id": row["id"]}
            if answer:
                a = answer_extractive(prep, engine.settings)
                record.update(
                    abstained=a.abstained,
                    shown=len(a.displayed_sentences),
                    verified=sum(s.status == "verified" for s in a.displayed_sentences),
                    absent=absent_numbers(a),
                )
            record.update(seconds=time.perf_counter() - started, cpu=time.process_time() - started_cpu)
            rel = relevance(prep.query, prep.passages, engine.settings)
            record.update(similarity=rel.similarity, lexical=rel.lexical)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()


def report(paths: list[Path], unanswerable_ids: set[str]) -> dict:
    rows = [json.loads(line) for p in paths for line in p.read_text().splitlines() if line.strip()]
    neg_rows = [r for r in rows if r["id"] in unanswerable_ids]
    pos_rows = [r for r in rows if r["id"] not in unanswerable_ids]
    feat = lambda rs: [(r["similarity"], r["lexical"]) for r in rs]  # noqa: E731
    pos, neg = feat(pos_rows), feat(neg_rows)
    fit = calibrate_abstention(pos[1::2], neg[1::2])
    out: dict = {
        "calibration_fit_on_odd_rows": {
            **fit,
            "even_rows_answered": round(sum(apply(fit, pos[0::2])) / len(pos[0::2]), 4),
            "even_rows_abstained": round(sum(not x for x in apply(fit, neg[0::2])) / len(neg[0::2]), 4),
        },
        "calibration_all_rows": calibrate_abstention(pos, neg),
    }
    answered = [r for r in pos_rows if "shown" in r]
    secs = [r["seconds"] for r in answered]
    shown = sum(r["shown"] for r in answered)
    out["extractive"] = {
        "n": len(answered),
        "answered_with_bench_defaults": sum(not r["abstained"] for r in answered),
        "displayed_sentences": shown,
        "verified_share": round(sum(r["verified"] for r in answered) / shown, 4) if shown else None,
        "absent_numbers": sum(len(r["absent"]) for r in answered),
        "p50_s": round(statistics.median(secs), 3),
        "p95_s": round(pct(secs, 0.95), 3),
        "cpu_p50_s": round(statistics.median(r["cpu"] for r in answered), 3),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="index folder (measure / llm)")
    parser.add_argument("--rows", choices=["short", "unanswerable", "dev"], default="short")
    parser.add_argument("--shard", default="0/1", help="i/n: this process measures every n-th row from i")
    parser.add_argument("--out", type=Path, help="measure: JSONL of per-question measurements (resumable)")
    parser.add_argument("--report", type=Path, nargs="*", help="compute metrics from measurement files")
    parser.add_argument("--llm", type=int, default=0, help="questions to run in llm mode (0 = skip)")
    parser.add_argument("--overlap", action="store_true", help="calibrate the verifier's overlap threshold")
    args = parser.parse_args(argv)
    unanswerable = load_jsonl(UNANSWERABLE)
    if args.report:
        print(json.dumps(report(args.report, {r["id"] for r in unanswerable}), ensure_ascii=False, indent=1))
        return 0
    engine = Engine(load_settings(index_dir=args.index))
    docs = {d.doc_number or d.key for d in engine.store.document_records()}
    dev = answerable(load_jsonl(DEV), docs)
    short = short_answer_questions(dev)
    i, n = (int(x) for x in args.shard.split("/"))
    if args.out:
        rows = {"short": short, "unanswerable": unanswerable, "dev": [r for r in dev if r not in short]}[args.rows]
        measure(engine, rows[i::n], args.out, answer=args.rows != "unanswerable")
    if args.overlap:
        print(json.dumps(calibrate_overlap(engine, [r for r in dev if r.get("answer")]), ensure_ascii=False, indent=1))
    if args.llm:
        print(json.dumps(run_llm(engine, short[: args.llm]), ensure_ascii=False, indent=1))
    engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
