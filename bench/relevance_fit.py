"""Fit the relevance stage's weights and abstention thresholds on the TUNING half only (issue 15).

    PYTHONPATH=. python bench/relevance_fit.py --index DIR [--write rag/data/relevance.json]

Questions: bench/data/clerk/questions.jsonl, rows with ``split == "tune"`` (the test half is never
read here). For every answerable clerk question the retriever's candidate pool is scored with the
features of ``rag.search.relevance``; the weights are fitted by coordinate ascent on MRR@10 and R@1 from the
hand-set defaults (few features, small data: the ranking metric itself is the objective). The abstention
thresholds (``min_cover``, ``min_score``, ``min_figure``, ``min_figure_fit``) are then chosen on the same tuning rows:
the most abstention on the unanswerable ones while ≥ 92 % of the answerable clerk questions are
answered (the issue's two targets; the named-document, later-year and reform rules are unfitted); a floor
besides the score's is used only when it turns away at least ``MIN_GAIN`` more unanswerable questions,
and each floor sits halfway between the tune questions on either side of it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.config import load_settings  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.search.relevance import DEFAULT_WEIGHTS, FEATURES, Weights, judge, missing_named_documents, rerank  # noqa: E402

QUESTIONS = ROOT / "bench" / "data" / "clerk" / "questions.jsonl"
DEV = Path(os.environ.get("TTHC_SHARED_DATA", "/work/shared/data")) / "eval" / "dev.jsonl"


def dev_tune_rows() -> list[dict]:
    """The odd rows of data/eval/dev.jsonl (the even rows are reported, never fitted on)."""
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{**r, "kind": "clerk"} for i, r in enumerate(rows) if i % 2 == 1]


def load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] == split]


def doc_number(table, key: str) -> str:
    return table.documents.get(key, {}).get("number") or key


def collect(engine: Engine, rows: list[dict]) -> list[dict]:
    """Per question: the candidates' features and which candidates are gold."""
    retriever = engine.retriever
    table = retriever.article_table()
    out = []
    for r in rows:
        hits = retriever.rank_articles(r["question"], 40)
        cands = [h.relevance for h in hits if h.relevance is not None]
        gold = {(g["doc"], g["article"]) for g in r.get("gold", [])}
        labels = [(doc_number(table, c.key[0]), f"Điều {c.key[1]}") in gold for c in cands]
        analysis = retriever.analyse(r["question"])
        out.append({"row": r, "cands": cands, "labels": labels, "profile": retriever.profile(analysis)})
    return out


def fit_weights(data: list[dict], start: dict[str, float], passes: int = 4) -> dict[str, float]:
    """Coordinate ascent on the tuning rows' mean of MRR@10 and R@1, starting from ``start``.

    Each feature's weight is moved by the step that most improves the objective (ties and
    improvements below 1e-4 leave it); a few passes over the features, no other freedom.
    """
    rows = []
    for d in data:
        if any(d["labels"]):
            x = np.asarray([[c.features[f] for f in FEATURES] for c in d["cands"]])
            order = np.asarray([c.rank for c in d["cands"]], dtype=float)
            rows.append((x, np.asarray(d["labels"]), order))

    def objective(w: np.ndarray) -> float:
        total = 0.0
        for x, y, order in rows:
            scores = x @ w - 1e-6 * order  # ties keep the retrieval order
            ranked = y[np.argsort(-scores)]
            first = int(np.argmax(ranked)) if ranked.any() else None
            if first is not None and first < 10:
                total += (1 / (first + 1) + (first == 0)) / 2
        return total / max(len(rows), 1)

    w = np.asarray([start.get(f, 0.0) for f in FEATURES], dtype=float)
    best = objective(w)
    steps = [-1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0]
    for _ in range(passes):
        improved = False
        for i in range(len(FEATURES)):
            trial_best, trial_w = best, None
            for step in steps:
                trial = w.copy()
                trial[i] += step
                value = objective(trial)
                if value > trial_best + 1e-4:
                    trial_best, trial_w = value, trial
            if trial_w is not None:
                w, best, improved = trial_w, trial_best, True
        if not improved:
            break
    return {f: round(float(v), 4) for f, v in zip(FEATURES, w)}


def mrr(data: list[dict], weights: Weights, table) -> tuple[float, float]:
    r1 = rr = 0.0
    n = 0
    for d in data:
        if not d["row"].get("gold"):
            continue
        n += 1
        ranked = rerank(d["profile"], list(d["cands"]), table, weights)
        keys = [(doc_number(table, c.key[0]), f"Điều {c.key[1]}") for c in ranked]
        gold = {(g["doc"], g["article"]) for g in d["row"]["gold"]}
        first = next((i for i, k in enumerate(keys[:10]) if k in gold), None)
        if first is not None:
            r1 += first == 0
            rr += 1 / (first + 1)
    return r1 / max(n, 1), rr / max(n, 1)


MIN_GAIN = 2  # unanswerable tune questions a floor besides the score's must turn away to be used


def fit_thresholds(
    pos: list[dict], neg: list[dict], weights: Weights, table, min_dense: float, target: float = 0.85,
    min_answered: float = 0.92,
) -> tuple[float, float, float, float, dict]:
    ranked_pos = [(d, rerank(d["profile"], list(d["cands"]), table, weights)) for d in pos]
    ranked_neg = [(d, rerank(d["profile"], list(d["cands"]), table, weights)) for d in neg]
    missing = {id(d): missing_named_documents(d["profile"], table) for d in pos + neg}

    def verdicts(data, min_cover, min_score, min_figure, min_figure_fit):
        w = Weights(weights.weights, min_score, min_cover, min_figure=min_figure, min_similarity=weights.min_similarity,
                    min_figure_fit=min_figure_fit)
        return [judge(d["profile"], r, table, w, missing[id(d)], min_dense=min_dense).answer for d, r in data]

    best = None
    tops = sorted({round(r[0].score, 4) for _d, r in ranked_pos + ranked_neg if r})
    for min_figure_fit in [0.0, 0.3, 0.35, 0.4, 0.45, 0.5]:
        for min_figure in [0.0, 0.3, 0.5, 0.6, 0.7, 0.8]:
            for min_cover in [0.0, 0.3, 0.4, 0.5, 0.6]:
                for min_score in [-1e9] + [t - 1e-4 for t in tops[:: max(1, len(tops) // 40)]]:
                    answered = sum(verdicts(ranked_pos, min_cover, min_score, min_figure, min_figure_fit)) / len(pos)
                    turned_away = len(neg) - sum(verdicts(ranked_neg, min_cover, min_score, min_figure, min_figure_fit))
                    abstained = turned_away / len(neg)
                    # a floor besides the score's must earn its place: it counts only when it turns away
                    # at least MIN_GAIN more unanswerable questions (one tune question is chance)
                    active = sum(x > 0 for x in (min_figure_fit, min_figure, min_cover))
                    # ties: the least strict thresholds (fewest answerable questions turned away by chance)
                    key = (answered >= min_answered, turned_away - (MIN_GAIN - 0.5) * active, abstained >= target,
                           answered, -min_figure_fit, -min_figure, -min_cover)
                    if best is None or key > best[0]:
                        best = (key, min_cover, min_score, min_figure, min_figure_fit)
    assert best is not None
    (_, _, _, answered, *_rest), min_cover, min_score, min_figure, min_figure_fit = best
    abstained = 1 - sum(verdicts(ranked_neg, min_cover, min_score, min_figure, min_figure_fit)) / len(neg)
    below = [t for t in tops if t < min_score]
    if min_score > -1e9 and below:  # halfway between the last question turned away and the first answered
        min_score = round((max(below) + min_score + 1e-4) / 2, 4)
    if min_figure_fit > 0:  # the same for the figure floor: halfway between the fits on either side of it
        fits = sorted({max(c.features.get("figure", 0.0) for c in r[:3]) for d, r in ranked_pos + ranked_neg
                       if r and d["profile"].wants_figure and d["profile"].figure_kind})
        lower = [f for f in fits if 0 < f < min_figure_fit]
        upper = [f for f in fits if f >= min_figure_fit]
        if lower and upper:
            min_figure_fit = round((max(lower) + min(upper)) / 2, 4)
    stats = {"tune_answered": round(answered, 4), "tune_abstained": round(abstained, 4)}
    return min_cover, min_score, min_figure, min_figure_fit, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--write", default=str(ROOT / "rag" / "data" / "relevance.json"))
    parser.add_argument("--dev-half", action="store_true", help="also fit on the odd rows of data/eval/dev.jsonl")
    parser.add_argument("--anchor", type=float, default=0.0, help="starting weight of the anchor feature")
    args = parser.parse_args(argv)
    engine = Engine(load_settings(index_dir=args.index))
    table = engine.retriever.article_table()
    tune = load("tune")
    answerable = [r for r in tune if r["kind"] == "clerk"]
    unanswerable = [r for r in tune if r["kind"] == "unanswerable"]
    procedures = [r for r in tune if r["kind"] == "procedure"]
    pos = collect(engine, answerable)
    neg = collect(engine, unanswerable)
    proc = collect(engine, procedures)
    dev = collect(engine, dev_tune_rows()) if args.dev_half else []
    weights = fit_weights(pos + dev, {**DEFAULT_WEIGHTS.weights, "anchor": args.anchor})
    fitted = Weights(weights)
    before = mrr(pos, engine.retriever.weights, table)
    after = mrr(pos, fitted, table)
    min_dense = max(engine.settings.abstain_similarity, fitted.min_similarity)
    min_cover, min_score, min_figure, min_figure_fit, stats = fit_thresholds(pos, neg, fitted, table, min_dense)
    result = {
        "weights": weights,
        "min_cover": min_cover,
        "min_score": min_score,
        "min_figure": min_figure,
        "min_figure_fit": min_figure_fit,
        "min_similarity": fitted.min_similarity,
        "provenance": (
            f"fitted {date.today().isoformat()} by bench/relevance_fit.py on an index of {len(table.documents)} "
            f"documents, on the tuning half of "
            f"bench/data/clerk/questions.jsonl ({len(answerable)} clerk, {len(procedures)} procedure, "
            f"{len(unanswerable)} unanswerable questions)"
            + (f" + {len(dev)} odd rows of data/eval/dev.jsonl" if dev else "")
            + "; test half never read"
        ),
        "fit": {"tune_r1_mrr_before": [round(x, 4) for x in before], "tune_r1_mrr_after": [round(x, 4) for x in after], **stats},
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.write:
        Path(args.write).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
