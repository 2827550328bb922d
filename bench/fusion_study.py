"""Base retrieval fusion study (issue 15, session 9): can candidates + article-level fusion, before the
relevance stage, rank the gold article higher on exam-style questions?

    PYTHONPATH=. python bench/fusion_study.py --index DIR [--cache /tmp/fusion-study-odd.pkl] [--joint 25]

Once per question (cached in ``--cache``): the question analysis of ``Retriever.analyse`` (diacritics,
glossary), the e5 query vector and the BM25 query vector of the texts ``rank_articles`` searches, then every
unit's dense cosine and BM25 score from the in-process ``UnitIndex`` arrays (the product's candidates for a
local index; an edge or server index scores the same stored vectors itself), keeping the top ``--keep`` units
of each encoder with their articles; each candidate article's title overlap with the question; whether the
question names an article or document (the product puts those first whatever the fusion says, so every
variant keeps the product's order there); and the product's own ranking with the relevance stage off
(``bench.retrieval.variant``), to check the reproduction of today's fusion.

Then fusion variants are scored in milliseconds on the cached pools: R@1 / R@5 / MRR@10 at article level
with ``rag.search.evaluation.score`` (the metrics of bench/retrieval.py). Dev odd rows (0-based 1, 3, …)
are the only rows read here; the even rows are judged through the shipped path only
(``bench/retrieval.py --rows even``), for a final candidate.
"""

from __future__ import annotations

import argparse
import itertools
import math
import pickle
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.clerk import DEV  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.search.evaluation import CUTOFF, dedupe, load_questions, score  # noqa: E402
from rag.text.vietnamese import syllables  # noqa: E402


# -- collection (once per question) ----------------------------------------------------------------


def collect(index: str, keep: int) -> dict:
    from bench.retrieval import variant
    from rag.config import load_settings
    from rag.engine import Engine
    from rag.search.retrieval import load_or_build_unit_index

    questions = load_questions(DEV)
    questions = questions[1::2]  # dev odd rows, as bench/retrieval.py --rows odd
    engine = Engine(load_settings(index_dir=index))
    retriever = engine.retriever
    retriever.search("khởi động / warm-up", top_k=10)
    # the in-process arrays (an edge or server index searches itself; its scores are the same vectors')
    unit_index = retriever.unit_index() or load_or_build_unit_index(
        retriever.store, Path(index), retriever.document_records())
    table = retriever.article_table()
    numbers = {r.key: r.doc_number or r.key for r in retriever.document_records()}
    article_keys = sorted(set(zip(unit_index.doc_keys.tolist(), unit_index.articles.tolist())))
    code = {k: i for i, k in enumerate(article_keys)}
    unit_article = np.asarray([code[k] for k in zip(unit_index.doc_keys.tolist(), unit_index.articles.tolist())])
    labels = [(numbers.get(d, d), f"Điều {a}") for d, a in article_keys]
    df = table.df
    n_articles = table.n
    product = variant(retriever, stage=False)
    out = []
    for q in questions:
        analysis = retriever.analyse(q.question)
        dense_vec = retriever.embedder.embed_queries([analysis.search_text])[0]
        sparse_vec = retriever.sparse.encode_query(analysis.sparse_text)
        dense = unit_index.dense_scores(dense_vec)
        sparse = unit_index.sparse_scores(sparse_vec)
        d_rows = np.argsort(-dense, kind="stable")[:keep]
        s_rows = np.argsort(-sparse, kind="stable")[:keep]
        s_rows = s_rows[sparse[s_rows] > 0]
        refs = retriever.references(analysis.text)
        # title overlap: share of the question's syllable IDF mass found in the article title
        words = set(syllables(analysis.text.lower()))
        idf = {w: math.log1p(n_articles / (1 + df.get(w, 0))) for w in words}
        mass = sum(idf.values()) or 1.0
        titles = {}
        for a in set(unit_article[d_rows].tolist()) | set(unit_article[s_rows].tolist()):
            entry = table.articles.get(article_keys[a])
            title = set(syllables(entry.title.lower())) if entry and entry.title else set()
            titles[a] = sum(idf[w] for w in words & title) / mass
        out.append({
            "id": q.id,
            "d_rows": d_rows.astype(np.int32), "d_scores": dense[d_rows].astype(np.float32),
            "s_rows": s_rows.astype(np.int32), "s_scores": sparse[s_rows].astype(np.float32),
            "title": titles, "referenced": bool(refs.targets or refs.documents),
            "product": product(q.question),
        })
    engine.close()
    return {"keep": keep, "unit_article": unit_article, "labels": labels,
            "questions": questions, "pools": out}


# -- fusion variants (milliseconds) ----------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str = "today"
    pool: int = Settings.model_fields["candidate_pool"].default  # today's: the shipped defaults
    wd: float = Settings.model_fields["dense_weight"].default
    ws: float = Settings.model_fields["sparse_weight"].default
    dense_norm: str = "minmax"  # minmax | max | z | rank
    sparse_norm: str = "max"  # max | minmax | z | rank
    decay: float = 0.0  # weight of each article's 2nd unit (decay² for the 3rd), per encoder
    units: int = 1  # units summed per article and encoder (1 = the best unit only)
    sparse_sum: float = 0.0  # weight of the article's summed BM25 over its candidate units (÷ best such sum)
    title: float = 0.0  # weight of the title overlap
    rrf: float = 0.0  # weight of RRF over the two article rankings (× rrf_k + 1, so 1 ≈ a first place)
    rrf_k: float = 60.0
    dense_power: float = 1.0  # normalised best-unit score ** power (per encoder)
    sparse_power: float = 1.0


def _norm(values: np.ndarray, how: str) -> np.ndarray:
    if len(values) == 0:
        return values
    if how == "minmax":
        lo, hi = values.min(), values.max()
        return (values - lo) / max(hi - lo, 1e-9)
    if how == "max":
        return values / (values.max() or 1.0)
    if how == "z":
        return (values - values.mean()) / (values.std() or 1.0)
    if how == "rank":  # 1 for the first, falling linearly to 0
        order = np.argsort(-values, kind="stable")
        ranks = np.empty(len(values))
        ranks[order] = np.arange(len(values))
        return 1 - ranks / max(len(values) - 1, 1)
    raise ValueError(how)


def _articles(rows: np.ndarray, scores: np.ndarray, unit_article: np.ndarray, units: int):
    """Article codes in order of their best unit, and their top ``units`` unit scores (0-padded)."""
    arts = unit_article[rows]
    order_keys, first = np.unique(arts, return_index=True)
    ranking = order_keys[np.argsort(first, kind="stable")]  # rows come best first
    per = np.zeros((len(ranking), units), dtype=np.float64)
    pos = {a: i for i, a in enumerate(ranking.tolist())}
    filled = np.zeros(len(ranking), dtype=np.int64)
    total = np.zeros(len(ranking), dtype=np.float64)
    for a, s in zip(arts.tolist(), scores.tolist()):
        i = pos[a]
        if filled[i] < units:
            per[i, filled[i]] = s
            filled[i] += 1
        total[i] += s
    return ranking, per, filled, total


def fuse(p: dict, v: Variant, unit_article: np.ndarray) -> list[int]:
    """Article codes, best first, for one question's cached pool."""
    d_rank, d_per, d_n, _ = _articles(p["d_rows"][: v.pool], p["d_scores"][: v.pool], unit_article, max(v.units, 1))
    s_rank, s_per, s_n, s_total = _articles(p["s_rows"][: v.pool], p["s_scores"][: v.pool], unit_article, max(v.units, 1))
    score: dict[int, float] = {}
    seen = set(d_rank.tolist())
    order = list(d_rank.tolist()) + [a for a in s_rank.tolist() if a not in seen]
    for ranking, per, filled, how, w, total, power in (
        (d_rank, d_per, d_n, v.dense_norm, v.wd, None, v.dense_power),
        (s_rank, s_per, s_n, v.sparse_norm, v.ws, s_total, v.sparse_power),
    ):
        if not len(ranking):
            continue
        best = per[:, 0]
        value = _norm(best, how)
        if power != 1.0:
            value = np.clip(value, 0, None) ** power
        if v.units > 1 and v.decay:
            # later units on the best units' scale: the same affine map for minmax / max, else their
            # share of the best unit's normalised score
            if how in ("minmax", "max"):
                lo = best.min() if how == "minmax" else 0.0
                hi = best.max()
                later = np.clip((per[:, 1:] - lo) / max(hi - lo, 1e-9), 0, None)
            else:
                later = per[:, 1:] * (value / np.where(best != 0, best, 1))[:, None]
            for j in range(1, v.units):
                value = value + (v.decay ** j) * np.where(filled > j, later[:, j - 1], 0)
        contrib = w * value
        if total is not None and v.sparse_sum:
            contrib += v.sparse_sum * total / (total.max() or 1.0)
        if v.rrf:
            contrib += v.rrf * (v.rrf_k + 1) / (v.rrf_k + np.arange(len(ranking)) + 1) * (w / (v.wd + v.ws))
        for a, c in zip(ranking.tolist(), contrib.tolist()):
            score[a] = score.get(a, 0.0) + c
    if v.title:
        for a in score:
            score[a] += v.title * p["title"].get(a, 0.0)
    position = {a: i for i, a in enumerate(order)}
    return sorted(score, key=lambda a: (-score[a], position[a]))


def evaluate(data: dict, v: Variant, skip_referenced: bool = True):
    labels, unit_article = data["labels"], data["unit_article"]
    runs = {}
    for p in data["pools"]:
        if skip_referenced and p["referenced"]:
            runs[p["id"]] = dedupe(p["product"])[:CUTOFF]
            continue
        runs[p["id"]] = dedupe(labels[a] for a in fuse(p, v, unit_article))[:CUTOFF]
    return score(data["questions"], runs), runs


def grid() -> list[Variant]:
    today = Variant()
    out = [today]
    for wd in (0.35, 0.40, 0.50, 0.55):
        out.append(replace(today, name=f"weights {wd:.2f}/{1 - wd:.2f}", wd=wd, ws=round(1 - wd, 2)))
    for pool in (50, 100, 300, 500, 1000):
        out.append(replace(today, name=f"pool {pool}", pool=pool))
    for dn, sn in itertools.product(("minmax", "max", "z", "rank"), ("max", "minmax", "z", "rank")):
        if (dn, sn) != ("minmax", "max"):
            out.append(replace(today, name=f"norm dense {dn} / sparse {sn}", dense_norm=dn, sparse_norm=sn))
    for units, decay in itertools.product((2, 3), (0.1, 0.2, 0.3, 0.5)):
        out.append(replace(today, name=f"{units} units, decay {decay}", units=units, decay=decay))
    for w in (0.05, 0.1, 0.2):
        out.append(replace(today, name=f"+ article BM25 sum × {w}", sparse_sum=w))
    for w in (0.02, 0.05, 0.1, 0.2):
        out.append(replace(today, name=f"+ title overlap × {w}", title=w))
    for w in (0.1, 0.2, 0.5):
        out.append(replace(today, name=f"+ RRF × {w}", rrf=w))
    for dp, sp in ((0.5, 1.0), (2.0, 1.0), (1.0, 0.5), (1.0, 2.0), (2.0, 2.0), (0.5, 0.5)):
        out.append(replace(today, name=f"power dense {dp} / sparse {sp}", dense_power=dp, sparse_power=sp))
    return out


def joint() -> list[Variant]:
    """Weights × pool × title × RRF × powers, together (the odd rows pick; the even rows judge)."""
    out = []
    for wd, pool, title, rrf, (dp, sp) in itertools.product(
        (0.35, 0.40, 0.45, 0.50, 0.55, 0.60), (200, 300, 500), (0.0, 0.05), (0.0, 0.2, 0.5),
        ((1.0, 1.0), (2.0, 1.0), (1.0, 2.0), (2.0, 2.0)),
    ):
        name = f"wd {wd:.2f}, pool {pool}, title {title}, rrf {rrf}, powers {dp}/{sp}"
        out.append(Variant(name, pool, wd, round(1 - wd, 2), title=title, rrf=rrf, dense_power=dp, sparse_power=sp))
    return out


def table(data: dict, variants: list[Variant]) -> list[tuple[Variant, object]]:
    rows = [(v, evaluate(data, v)[0]) for v in variants]
    print("| variant | R@1 | R@5 | MRR@10 |\n|---|---|---|---|")
    for v, m in rows:
        print(f"| {v.name} | {m.r1:.3f} | {m.r5:.3f} | {m.mrr10:.3f} |")
    return rows


def sanity(data: dict) -> None:
    """Today's fusion reproduced vs the product's own ranking with the relevance stage off. Questions naming
    an article or document keep the product's order in every variant (those articles are put first)."""
    m, runs = evaluate(data, Variant())
    product = {p["id"]: dedupe(p["product"])[:CUTOFF] for p in data["pools"]}
    plain = [p["id"] for p in data["pools"] if not p["referenced"]]
    same = sum(runs[i] == product[i] for i in plain)
    pm = score(data["questions"], product)
    print(f"sanity: today's fusion reproduced R@1/R@5/MRR@10 {m.r1:.3f}/{m.r5:.3f}/{m.mrr10:.3f}; product, stage off "
          f"{pm.r1:.3f}/{pm.r5:.3f}/{pm.mrr10:.3f}; identical top-{CUTOFF} on {same}/{len(plain)} questions naming no "
          f"article or document ({len(runs) - len(plain)} do: the product's order kept)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", help="index folder (needed when the cache is absent)")
    parser.add_argument("--cache", default="/tmp/fusion-study-odd.pkl")
    parser.add_argument("--joint", type=int, default=0, help="also the joint grid: print its best N")
    parser.add_argument("--keep", type=int, default=1000, help="units kept per encoder and question")
    args = parser.parse_args(argv)
    path = Path(args.cache)
    if path.exists():
        data = pickle.loads(path.read_bytes())
    else:
        if not args.index:
            parser.error("--index is needed to collect the pools")
        t0 = time.perf_counter()
        data = collect(args.index, args.keep)
        path.write_bytes(pickle.dumps(data))
        print(f"collected {len(data['pools'])} pools in {time.perf_counter() - t0:.0f}s → {path}", file=sys.stderr)
    sanity(data)
    t0 = time.perf_counter()
    table(data, grid())
    print(f"({len(grid())} variants in {time.perf_counter() - t0:.1f}s)", file=sys.stderr)
    if args.joint:
        ranked = sorted(((evaluate(data, v)[0], v) for v in joint()), key=lambda mv: (-mv[0].r5, -mv[0].mrr10))
        print(f"\njoint grid ({len(ranked)} variants), best {args.joint} by R@5 then MRR@10:")
        print("| variant | R@1 | R@5 | MRR@10 |\n|---|---|---|---|")
        for m, v in ranked[: args.joint]:
            print(f"| {v.name} | {m.r1:.3f} | {m.r5:.3f} | {m.mrr10:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
