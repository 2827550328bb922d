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
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer import prepare, relevance  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.domain import Answer  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.verification import content_words, extract_quantities  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "eval" / "dev.jsonl"
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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def run_extractive(engine: Engine, questions: list[dict]) -> dict:
    latencies, cpu, shown, verified, absent, answered = [], [], 0, 0, [], 0
    for row in questions:
        started, started_cpu = time.perf_counter(), time.process_time()
        answer = engine.ask(row["question"], mode="extractive")
        latencies.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        answered += not answer.abstained
        shown += len(answer.displayed_sentences)
        verified += sum(s.status == "verified" for s in answer.displayed_sentences)
        absent += absent_numbers(answer)
    return {
        "n": len(questions),
        "answered": answered,
        "displayed_sentences": shown,
        "verified_share": round(verified / shown, 4) if shown else None,
        "absent_numbers": len(absent),
        "absent_examples": absent[:5],
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(pct(latencies, 0.95), 3),
        "cpu_p50_s": round(statistics.median(cpu), 3),  # process CPU time: less sensitive to a busy machine
    }


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
    from rag.verification import overlap

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--llm", type=int, default=0, help="questions to run in llm mode (0 = skip)")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--json", help="write results here")
    args = parser.parse_args(argv)

    settings = load_settings(index_dir=args.index)
    engine = Engine(settings)
    docs = {d.get("doc_number") or d.get("key") for d in engine.store.document_records()}
    dev = answerable(load_jsonl(DEV), docs)
    short = short_answer_questions(dev)
    unanswerable = load_jsonl(UNANSWERABLE)
    results: dict = {
        "index": args.index,
        "date": time.strftime("%Y-%m-%d"),
        "documents": len(docs),
        "units": engine.store.unit_count(),
        "dev_answerable": len(dev),
        "short_set": len(short),
    }
    engine.ask("khởi động / warm-up")  # load models before timing

    if args.calibrate:
        pos = features(engine, dev)
        neg = features(engine, unanswerable)
        fit_pos, test_pos = pos[1::2], pos[0::2]
        fit_neg, test_neg = neg[1::2], neg[0::2]
        params = calibrate_abstention(fit_pos, fit_neg)
        results["calibration"] = {
            **params,
            "heldout_answered": round(sum(apply(params, test_pos)) / len(test_pos), 4),
            "heldout_abstained": round(sum(not x for x in apply(params, test_neg)) / len(test_neg), 4),
            "all_params": calibrate_abstention(pos, neg),
            "overlap": calibrate_overlap(engine, short + [r for r in dev if r not in short][:150]),
        }
        print(json.dumps(results["calibration"], ensure_ascii=False, indent=1))

    results["extractive_50"] = run_extractive(engine, short)
    print("extractive:", json.dumps(results["extractive_50"], ensure_ascii=False))
    results["abstention"] = abstention(engine, unanswerable, dev)
    print("abstention:", json.dumps(results["abstention"], ensure_ascii=False))
    if args.llm:
        results["llm"] = run_llm(engine, short[: args.llm])
        print("llm:", json.dumps(results["llm"], ensure_ascii=False))
    engine.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
