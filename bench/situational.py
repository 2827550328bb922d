"""Situational clerk questions (issue 15, helper 15g): does the governing article rank first?

    PYTHONPATH=. python bench/situational.py --index DIR [--glossary FILE] [--no-dev] [--nodiac] [--ranks]

Tune half only (bench/data/clerk/questions.jsonl, ``split == "tune"``; the test half is never read here).
Reports article-level R@1 / R@5 / MRR@10 of the shipped retriever (relevance stage on) for:

- the 30 situational rows written before the situation lexicon (``clerk-260`` … ``clerk-289``): out of sample
  for the lexicon;
- the rows other helpers wrote meanwhile (``clerk-184`` … ``clerk-259``, unseen by the lexicon's author);
- the older tune situational rows, each other tune style, and every tune clerk row;
- data/eval/dev.jsonl (gold documents in the index), which must not regress; ``--nodiac`` adds the same
  questions typed without diacritics;
- search latency p50 / p95 over all the searches of the run.

Experiments for the owner of rag/search/retrieval.py (measurement only, nothing shipped changes):
``--expansion-weight W`` gives BM25 query terms that only the glossary's expansion adds the weight W instead of
1.0; ``--dense-question-only`` embeds the question without the expansion (BM25 and the relevance stage still
see it).

``--glossary FILE`` searches with another glossary file (e.g. the shipped one without a section) in the same
process, to compare glossaries under the same load. The diacritics model cached beside the index was counted
with the glossary of its first run; the run says which file it used.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.clerk import DEV, as_question, load_rows  # noqa: E402
from bench.report import pct  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.models.sparse import SparseVector, terms, token_id  # noqa: E402
from rag.search.evaluation import Question, load_questions, retriever_ranker, run_eval, score, without_diacritics  # noqa: E402
from rag.search.query import GLOSSARY_FILE, load_glossary  # noqa: E402

NEW_IDS = {f"clerk-{n}" for n in range(260, 290)}
# Rows other helpers wrote while the lexicon was being written, never read by its author before it was committed.
OTHERS_IDS = {f"clerk-{n}" for n in range(184, 260)}


def tune_clerk_rows() -> list[dict]:
    return [r for r in load_rows("tune") if r["kind"] == "clerk"]


def groups(rows: list[dict]) -> dict[str, list[Question]]:
    out: dict[str, list[Question]] = defaultdict(list)
    for r in rows:
        q = as_question(r)
        if r["id"] in NEW_IDS:
            out["new situational (clerk-260…289)"].append(q)
            continue
        if r["id"] in OTHERS_IDS:
            out["other helpers' rows (clerk-184…259)"].append(q)
        out[f"tune {r.get('style', '?')}"].append(q)
        out["all tune clerk (without the new rows)"].append(q)
    return dict(sorted(out.items()))


def first_rank(q: Question, ranked) -> int | None:
    return next((i + 1 for i, item in enumerate(ranked) if item in q.gold), None)


class _ExpansionWeighted:
    """BM25 query encoder: terms only the expansion adds weigh ``weight`` (experiment, see the docstring)."""

    def __init__(self, encoder, last: dict, weight: float):
        self.encoder, self.last, self.weight = encoder, last, weight

    def encode_query(self, text: str) -> SparseVector:
        vec = self.encoder.encode_query(text)
        analysis = self.last.get("analysis")
        if analysis is None or text != analysis.search_text or not analysis.expansions:
            return vec
        own = {token_id(t) for t in terms(analysis.text, self.encoder.bigrams)}
        return SparseVector(vec.indices, [1.0 if i in own else self.weight for i in vec.indices])

    def __getattr__(self, name):
        return getattr(self.encoder, name)


def experiment(retriever, expansion_weight: float | None, dense_question_only: bool) -> None:
    """Wrap the retriever's query encoders for the weighting experiments (this process only)."""
    last: dict = {}
    analyse = retriever.analyse

    def remembering(question: str):
        last["analysis"] = analyse(question)
        return last["analysis"]

    retriever.analyse = remembering
    if expansion_weight is not None:
        retriever.sparse = _ExpansionWeighted(retriever.sparse, last, expansion_weight)
    if dense_question_only:
        embed = retriever.embedder.embed_queries

        def question_only(texts):
            a = last.get("analysis")
            return embed([a.text if a is not None and t == a.search_text else t for t in texts])

        retriever.embedder.embed_queries = question_only


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--glossary", help="glossary file to search with (default: the shipped one)")
    parser.add_argument("--no-dev", action="store_true", help="skip data/eval/dev.jsonl")
    parser.add_argument("--nodiac", action="store_true", help="also the dev questions typed without diacritics")
    parser.add_argument("--ranks", action="store_true", help="print the first gold rank of each situational row")
    parser.add_argument("--json", help="dump the metrics to this JSON file")
    parser.add_argument("--expansion-weight", type=float, help="experiment: BM25 weight of expansion-only terms")
    parser.add_argument("--dense-question-only", action="store_true", help="experiment: embed the question without the expansion")
    args = parser.parse_args(argv)
    load_start = open("/proc/loadavg").read().split()[0]
    engine = Engine(load_settings(index_dir=args.index))
    retriever = engine.retriever
    glossary_path = Path(args.glossary) if args.glossary else GLOSSARY_FILE
    retriever.glossary = load_glossary(glossary_path)
    if args.expansion_weight is not None or args.dense_question_only:
        experiment(retriever, args.expansion_weight, args.dense_question_only)
    retriever.search("khởi động", top_k=5)
    retriever.article_table()
    rank = retriever_ranker(retriever)
    rows = tune_clerk_rows()
    result: dict = {"glossary": str(glossary_path), "entries": len(retriever.glossary.entries), "sets": {},
                    "expansion_weight": args.expansion_weight, "dense_question_only": args.dense_question_only}
    latencies: list[float] = []
    clerk = [as_question(r) for r in rows]
    res = run_eval(clerk, rank, name="ours")
    latencies += res.latencies_ms
    for name, qs in groups(rows).items():
        result["sets"][name] = score(qs, res.runs).as_dict()
    result["sets"]["all tune clerk (with the new rows)"] = res.overall.as_dict()
    if args.ranks:
        for r in rows:
            if r.get("style") == "situational":
                q = as_question(r)
                got = res.runs[q.id]
                print(f"{q.id}\t{first_rank(q, got)}\t{got[0] if got else None}\t{q.question}")
    if not args.no_dev:
        indexed = {rec.doc_number or rec.key for rec in retriever.document_records()}
        dev = [q for q in load_questions(DEV) if all(doc in indexed for doc, _a in q.gold)]
        d = run_eval(dev, rank, name="dev")
        latencies += d.latencies_ms
        result["sets"]["dev (gold in index)"] = d.overall.as_dict()
        if args.nodiac:
            dn = run_eval(without_diacritics(dev), rank, name="dev nodiac")
            latencies += dn.latencies_ms
            result["sets"]["dev typed without diacritics"] = dn.overall.as_dict()
    result["search_ms"] = {"p50": round(pct(latencies, 0.5), 1), "p95": round(pct(latencies, 0.95), 1), "n": len(latencies)}
    result["load"] = (load_start, open("/proc/loadavg").read().split()[0])
    print(f"glossary {result['glossary']} ({result['entries']} entries); expansion weight "
          f"{args.expansion_weight or 1.0}, dense question only {args.dense_question_only}; load {result['load'][0]} → {result['load'][1]}")
    print("| set | n | R@1 | R@5 | MRR@10 |\n|---|---|---|---|---|")
    for name, m in result["sets"].items():
        print(f"| {name} | {m['n']} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
    print(f"search p50 {result['search_ms']['p50']} ms, p95 {result['search_ms']['p95']} ms ({result['search_ms']['n']} searches)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
