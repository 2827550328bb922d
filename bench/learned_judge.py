"""A learned judge over the e5 vectors (issue 15, session 8): does it add abstentions out of sample?

    PYTHONPATH=. python bench/learned_judge.py dump --index DIR --out /tmp/features.npz
    PYTHONPATH=. python bench/learned_judge.py eval --features /tmp/features.npz [--models …] [--grid …] --json OUT
    PYTHONPATH=. python bench/learned_judge.py first-look --code OLD_CHECKOUT --index DIR_COPY --batch 15m --out F
    PYTHONPATH=. python bench/learned_judge.py summary --features /tmp/features.npz [--first-look DIR] OUT …

``dump`` asks every tune row of bench/data/clerk/questions.jsonl (kinds clerk and unanswerable; the
test half is never read) and every row of data/eval/dev.jsonl through the shipped engine (extractive
``ask``, as bench/clerk.py does) and records the question's e5 query vector, the top
``--depth`` articles after the relevance stage with the e5 vector of each one's shown unit, its
stage score, features and dense similarity, whether it is a gold article, and the engine's verdict
(answered / abstained and the reason code).

``eval`` fits small L2-regularised logistic models on those vectors and measures them strictly out
of sample, as an ADDITIONAL abstention on top of the shipped judge (abstain when the judge does OR
the model says no): leave-one-batch-out over the fresh batches 15i–15m (train on the rest of tune +
dev), and grouped 5-fold over the other tune rows. Each fold's threshold is chosen on its training
rows alone (out-of-fold scores of an inner split) so that the model turns away at most
``--max-loss`` of the answerable training questions the judge answers.

Models (sklearn LogisticRegression, standardised inputs, class-balanced; C chosen in the inner split):
``pair-e5`` scores (question, article) for "this is a gold article" from [q⊙p, |q−p|, cosine, stage score,
1/(1+rank)] (q⊙p is a diagonal bilinear adapter over e5; ``pair-pure``: [q⊙p, |q−p|, cosine] only), trained with gold articles as positives and the
other candidates and every candidate of an unanswerable question as negatives; a question's score is its
best over the judge's top 3. ``pair-e5+stage`` adds the stage's 14 features. ``question-e5`` is a
question-level "answerable?" model over the query vector, its product with the top passage's vector, the
top-3 cosines and stage scores and the top article's stage features; ``question-scalar`` the same without
the vectors; ``-nodev`` leaves dev's exam-style questions out of training.

``first-look`` records an older checkout's verdicts on a fresh batch (the code from before the batch was
read); ``summary`` puts the out-of-fold flags on top of those verdicts, and gives the trade-off the
held-out rows would allow with a threshold moved on them (an upper bound, not an estimate).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.clerk import DEV, QUESTIONS, load_rows  # noqa: E402
from bench.fresh import hidden_kind  # noqa: E402

BATCHES = ("15i", "15j", "15k", "15l", "15m")
FEATURE_NAMES = ("fused", "rank", "dense", "cover", "pairs", "title_cover", "doc_cover", "doc_share",
                 "intent_title", "intent_text", "figure", "generic", "narrow", "anchor")


def tune_rows() -> list[dict]:
    """Tune-half clerk and unanswerable rows."""
    return [r for r in load_rows("tune") if r["kind"] in ("clerk", "unanswerable")]


def dev_rows() -> list[dict]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        r["kind"] = "dev"
        r["answerable"] = True
    return rows


# -- dump ---------------------------------------------------------------------------------------


def dump(args) -> int:
    from rag.config import load_settings
    from rag.engine import Engine
    from rag.index.store import DENSE
    from rag.search.evaluation import normalise_article

    settings = load_settings(index_dir=args.index)
    engine = Engine(settings)
    retriever = engine.retriever
    retriever.search("khởi động", top_k=5)
    captured: dict = {}
    embed = retriever.embedder.embed_queries
    rank_articles = retriever.rank_articles

    def embed_queries(texts):  # the query vector rank_articles searched with
        vecs = embed(texts)
        if captured.get("in_rank") and "q" not in captured:
            captured["q"] = np.asarray(vecs[0], dtype=np.float32)
        return vecs

    def ranked(*a, **kw):  # the articles the judge saw, after the relevance stage
        captured["in_rank"] = True
        try:
            hits = rank_articles(*a, **kw)
        finally:
            captured["in_rank"] = False
        captured["hits"] = list(hits)
        return hits

    retriever.embedder.embed_queries = embed_queries
    retriever.rank_articles = ranked

    rows = tune_rows() + (dev_rows() if not args.no_dev else [])
    if args.batch:  # one fresh batch alone (e.g. a batch newer than the model's training rows)
        rows = [r for r in rows if r.get("batch") == args.batch]
    if args.limit:
        rows = rows[: args.limit]
    depth, dim = args.depth, None
    Q, P, S, F, G, D, M = [], [], [], [], [], [], []
    meta = []
    started = time.time()
    for n, r in enumerate(rows):
        captured.clear()
        a = engine.ask(r["question"], mode="extractive")
        hits = captured.get("hits", [])[:depth]
        q = captured.get("q")
        if q is None:
            q = np.asarray(retriever.embedder.embed_queries([retriever.analyse(r["question"]).search_text])[0], np.float32)
        dim = dim or len(q)
        ids = [h.passages[0].unit_id if h.passages else "" for h in hits]
        vecs = {}
        wanted = [i for i in ids if i]
        if wanted:
            for rec in engine.store.client.retrieve(engine.store.units, wanted, with_vectors=[DENSE]):
                vecs[str(rec.id)] = np.asarray(rec.vector[DENSE], dtype=np.float32)
        gold = {(g["doc"], normalise_article(g["article"])) for g in r.get("gold", [])}
        p = np.zeros((depth, dim), np.float32)
        s = np.full(depth, np.nan, np.float32)
        f = np.zeros((depth, len(FEATURE_NAMES)), np.float32)
        g = np.zeros(depth, bool)
        m = np.zeros(depth, bool)
        d = np.full(depth, np.nan, np.float32)
        for i, h in enumerate(hits):
            if not h.passages or ids[i] not in vecs:
                continue
            unit = h.passages[0].unit
            p[i] = vecs[ids[i]]
            m[i] = True
            s[i] = h.relevance.score if h.relevance is not None else np.nan
            if h.relevance is not None:
                f[i] = [h.relevance.features.get(k, 0.0) for k in FEATURE_NAMES]
            d[i] = h.passages[0].similarity if h.passages[0].similarity is not None else np.nan
            g[i] = ((unit.document.doc_number or unit.document.key), f"Điều {unit.article}") in gold
        Q.append(q)
        P.append(p)
        S.append(s)
        F.append(f)
        G.append(g)
        M.append(m)
        D.append(d)
        code = (a.judgement or {}).get("code", "") if a.abstained else "answered"
        meta.append({"id": r["id"], "kind": r["kind"], "batch": r.get("batch") or "", "answerable": bool(r["answerable"]),
                     "abstained": bool(a.abstained), "code": code, "reason_kind": hidden_kind(r.get("reason", "")),
                     "topic": r.get("topic", ""), "style": r.get("style", "")})
        if n % 50 == 0:
            print(f"{n}/{len(rows)} {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    np.savez_compressed(
        args.out, q=np.stack(Q), p=np.stack(P), score=np.stack(S), features=np.stack(F), gold=np.stack(G),
        mask=np.stack(M), dense=np.stack(D), meta=np.asarray([json.dumps(x, ensure_ascii=False) for x in meta]),
    )
    print(f"wrote {args.out}: {len(meta)} rows in {time.time() - started:.0f}s", file=sys.stderr)
    engine.close()
    return 0


# -- eval ---------------------------------------------------------------------------------------


def load(path: str) -> dict:
    z = np.load(path, allow_pickle=False)
    data = {k: z[k] for k in z.files if k != "meta"}
    data["meta"] = [json.loads(m) for m in z["meta"]]
    data["score"] = np.nan_to_num(data["score"], nan=-5.0)
    data["dense"] = np.nan_to_num(data["dense"], nan=0.0)
    return data


def group_of(m: dict) -> str:
    """Folds keep together rows written together: a fresh batch, else a block of ten neighbouring ids."""
    if m["batch"]:
        return m["batch"]
    digits = "".join(ch for ch in m["id"] if ch.isdigit()) or "0"
    return f"{m['kind']}-{int(digits) // 10}"


def pair_matrix(data: dict, rows: np.ndarray, stage: bool, pure: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(question row, candidate) pairs: [q⊙p, |q−p|, cosine, stage score, 1/(1+rank), stage features?];
    ``pure``: the e5 terms alone (nothing the relevance stage computed)."""
    q = data["q"][rows][:, None, :]
    p = data["p"][rows]
    k = p.shape[1]
    parts = [q * p, np.abs(q - p), data["dense"][rows][..., None]]
    if not pure:
        parts += [data["score"][rows][..., None], np.broadcast_to(1.0 / (1.0 + np.arange(k)), (len(rows), k))[..., None]]
    if stage:
        parts.append(data["features"][rows])
    x = np.concatenate(parts, axis=2)
    return x, data["gold"][rows], data["mask"][rows]


def question_matrix(data: dict, rows: np.ndarray, vectors: bool) -> np.ndarray:
    """One row per question: the top candidates' cosine and stage score, the top one's stage features,
    and (``vectors``) the query vector and its product with the top passage's vector."""
    s = data["score"][rows]
    d = data["dense"][rows]
    parts = [d[:, :3], s[:, :3], (s[:, 0] - s[:, 1])[:, None], d.max(axis=1)[:, None], data["features"][rows][:, 0, :]]
    if vectors:
        parts += [data["q"][rows], data["q"][rows] * data["p"][rows][:, 0, :]]
    return np.concatenate(parts, axis=1)


class Model:
    """A standardised, L2-regularised logistic model; ``score`` is higher for 'answers'."""

    def __init__(self, kind: str, c: float, top: int = 3):
        self.kind, self.c, self.top = kind.removesuffix("-nodev"), c, top

    def _x(self, data, rows):
        if self.kind.startswith("pair"):
            return pair_matrix(data, rows, stage=self.kind.endswith("+stage"), pure=self.kind == "pair-pure")
        return question_matrix(data, rows, vectors=self.kind == "question-e5")

    def fit(self, data: dict, rows: np.ndarray) -> "Model":
        try:
            from sklearn.linear_model import LogisticRegression
        except ImportError as exc:
            raise SystemExit("scikit-learn is needed: pip install 'tthc-assistant[bench]'") from exc

        if self.kind.startswith("pair"):
            x, gold, mask = self._x(data, rows)
            x, y = x[mask], gold[mask]
        else:
            x = self._x(data, rows)
            y = np.asarray([data["meta"][i]["answerable"] for i in rows])
        self.mean, self.std = x.mean(axis=0), x.std(axis=0) + 1e-6
        self.lr = LogisticRegression(C=self.c, max_iter=2000, class_weight="balanced")
        self.lr.fit((x - self.mean) / self.std, y)
        return self

    def score(self, data: dict, rows: np.ndarray) -> np.ndarray:
        if self.kind.startswith("pair"):
            x, _gold, mask = self._x(data, rows)
            z = self.lr.decision_function(((x - self.mean) / self.std).reshape(-1, x.shape[2])).reshape(mask.shape)
            z = np.where(mask, z, -np.inf)[:, : self.top]
            return z.max(axis=1)  # the best of the articles the judge reads
        return self.lr.decision_function((self._x(data, rows) - self.mean) / self.std)


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg)))


def group_folds(groups: list[str], k: int, seed: int = 15) -> list[np.ndarray]:
    names = sorted(set(groups))
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    fold_of = {g: i % k for i, g in enumerate(names)}
    return [np.asarray([fold_of[g] == f for g in groups]) for f in range(k)]


def threshold(scores: np.ndarray, answerable: np.ndarray, answered: np.ndarray, max_loss: float) -> float:
    """The highest threshold that turns away at most ``max_loss`` of the answerable rows (among those
    the judge answers; a row the judge already turns away costs nothing)."""
    cand = np.sort(scores[answerable & answered])
    allowed = int(np.floor(max_loss * answerable.sum() + 1e-9))
    return float(cand[allowed] - 1e-9) if allowed < len(cand) else float("inf")


def fold_run(data: dict, kind: str, grid: tuple[float, ...], train: np.ndarray, test: np.ndarray,
             tune: np.ndarray, dev: np.ndarray, max_loss: float, inner: int = 3) -> tuple[np.ndarray, float, float, float]:
    """Fit on ``train`` (+ dev), pick C and the threshold on inner out-of-fold scores of the training
    tune rows, return the test rows' scores, the threshold, the chosen C and the inner AUC."""
    meta = data["meta"]
    ans = np.asarray([m["answerable"] for m in meta])
    answered = np.asarray([not m["abstained"] for m in meta])
    if kind.endswith("-nodev"):  # dev's exam-style questions are all answerable: leave them out
        train = train[~dev[train]]
    inner_rows = train[tune[train]]
    groups = [group_of(meta[i]) for i in inner_rows]
    best = None
    for c in grid:
        oof = np.zeros(len(inner_rows))
        for f in group_folds(groups, inner):
            fit_rows = np.concatenate([inner_rows[~f], train[dev[train]]])
            oof[f] = Model(kind, c).fit(data, fit_rows).score(data, inner_rows[f])
        live = answered[inner_rows]  # what the model can still change: rows the judge answers
        a = auc(oof[live & ans[inner_rows]], oof[live & ~ans[inner_rows]])
        if best is None or a > best[0]:
            best = (a, c, oof)
    a, c, oof = best
    t = threshold(oof, ans[inner_rows], answered[inner_rows], max_loss)
    model = Model(kind, c).fit(data, train)
    return model.score(data, test), t, c, a


def evaluate(args) -> int:
    data = load(args.features)
    meta = data["meta"]
    n = len(meta)
    tune = np.asarray([m["kind"] in ("clerk", "unanswerable") for m in meta])
    dev = np.asarray([m["kind"] == "dev" for m in meta])
    batch = np.asarray([m["batch"] for m in meta])
    rest = np.flatnonzero(tune & (batch == ""))
    folds = [(f"batch {b}", np.flatnonzero(batch == b)) for b in BATCHES]
    rest_groups = [group_of(meta[i]) for i in rest]
    folds += [(f"other tune, fold {i + 1}/5", rest[f]) for i, f in enumerate(group_folds(rest_groups, 5, seed=8))]
    ans = np.asarray([m["answerable"] for m in meta])
    abst = np.asarray([m["abstained"] for m in meta])
    kinds = args.models.split(",")
    grid = tuple(float(c) for c in args.grid.split(","))
    report: dict = {"features": args.features, "rows": {"tune": int(tune.sum()), "dev": int(dev.sum())},
                    "max_loss": args.max_loss, "grid": grid, "models": {}}
    for kind in kinds:
        flags = np.zeros(n, bool)
        scores = np.full(n, np.nan)
        margins = np.full(n, np.nan)  # score − the fold's threshold (< 0: the model says no)
        per = []
        started = time.time()
        for name, test in folds:
            train = np.flatnonzero((tune | dev) & ~np.isin(np.arange(n), test))
            s, t, c, inner_auc = fold_run(data, kind, grid, train, test, tune, dev, args.max_loss, args.inner)
            scores[test] = s
            flags[test] = s < t
            margins[test] = s - t
            u, a = test[~ans[test]], test[ans[test]]
            row = {"fold": name, "C": c, "inner_auc": round(inner_auc, 3), "threshold": round(t, 3),
                   "unanswerable": len(u), "abstained": int(abst[u].sum()), "abstained_with_model": int((abst[u] | flags[u]).sum()),
                   "answerable": len(a), "answered": int((~abst[a]).sum()), "answered_with_model": int((~abst[a] & ~flags[a]).sum())}
            per.append(row)
            print(kind, json.dumps(row, ensure_ascii=False), f"{time.time() - started:.0f}s", file=sys.stderr, flush=True)
        ev = np.flatnonzero(tune)
        u, a = ev[~ans[ev]], ev[ans[ev]]
        live = ev[~abst[ev]]
        gains = defaultdict(lambda: [0, 0, 0])
        for i in u:
            k = meta[i]["reason_kind"]
            gains[k][0] += 1
            gains[k][1] += bool(abst[i])
            gains[k][2] += bool(abst[i] or flags[i])
        pooled = {
            "unanswerable": len(u), "abstained": int(abst[u].sum()), "abstained_with_model": int((abst[u] | flags[u]).sum()),
            "answerable": len(a), "answered": int((~abst[a]).sum()), "answered_with_model": int((~abst[a] & ~flags[a]).sum()),
            "oof_auc_where_judge_answers": round(auc(scores[live][ans[live]], scores[live][~ans[live]]), 3),
            "by_kind": {k: {"unanswerable": v[0], "abstained": v[1], "abstained_with_model": v[2]} for k, v in sorted(gains.items())},
            "caught": [meta[i]["id"] for i in u if flags[i] and not abst[i]],
            "lost": [meta[i]["id"] for i in a if flags[i] and not abst[i]],
        }
        report["models"][kind] = {"folds": per, "pooled": pooled,
                                  "margins": {meta[i]["id"]: round(float(margins[i]), 4) for i in ev}}
        print(kind, "POOLED", json.dumps(pooled, ensure_ascii=False), file=sys.stderr, flush=True)
    report["load"] = open("/proc/loadavg").read().split()[0]
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(text)
    return 0


# The per-row verdicts of an older checkout on one fresh batch: run in a child process whose import path is
# that checkout alone (``git archive COMMIT rag | tar -x -C DIR``), reading the batch from this worktree.
FIRST_LOOK = """
import json, sys
from rag.config import load_settings
from rag.engine import Engine
index, questions, batch, out = sys.argv[1:5]
rows = [r for r in map(json.loads, filter(str.strip, open(questions, encoding="utf-8")))
        if r["split"] == "tune" and r.get("batch") == batch and r["kind"] in ("clerk", "unanswerable")]
engine = Engine(load_settings(index_dir=index))
res = []
for r in rows:
    a = engine.ask(r["question"], mode="extractive")
    res.append({"id": r["id"], "answerable": r["answerable"], "abstained": bool(a.abstained)})
json.dump(res, open(out, "w"), ensure_ascii=False)
engine.close()
"""


def first_look(args) -> int:
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(Path(args.code).resolve())}
    subprocess.run([sys.executable, "-c", FIRST_LOOK, args.index, str(QUESTIONS), args.batch, args.out],
                   check=True, env=env, cwd=args.code)
    rows = json.loads(Path(args.out).read_text(encoding="utf-8"))
    u = [r for r in rows if not r["answerable"]]
    a = [r for r in rows if r["answerable"]]
    print(f"{args.batch} at {args.code}: abstained {sum(r['abstained'] for r in u)}/{len(u)}, "
          f"answered {sum(not r['abstained'] for r in a)}/{len(a)}")
    return 0


def summary(args) -> int:
    """Read ``eval`` results: (1) the pooled trade-off if the threshold were moved on the held-out rows
    themselves (an upper bound, not an estimate); (2) with ``--first-look``, the same out-of-fold model
    flags on top of each fresh batch's FIRST-LOOK verdicts (the code before the batch was read, per-row
    outcomes from bench/fresh.py-style runs: ``first_look_<batch>.json`` with id/answerable/abstained)."""
    data = load(args.features)
    meta = {m["id"]: m for m in data["meta"] if m["kind"] != "dev"}
    out: dict = {}
    for path in args.results:
        for kind, res in json.loads(Path(path).read_text(encoding="utf-8"))["models"].items():
            margins = res["margins"]
            ids = list(margins)
            u = [i for i in ids if not meta[i]["answerable"]]
            a = [i for i in ids if meta[i]["answerable"]]
            curve = []
            for allowed in range(0, 11):  # answerable rows the judge answers that the model may turn away
                live_a = sorted(margins[i] for i in a if not meta[i]["abstained"])
                cut = live_a[allowed] if allowed < len(live_a) else float("inf")
                caught = sum(1 for i in u if not meta[i]["abstained"] and margins[i] < cut)
                curve.append({"answered_lost": allowed, "abstained_gained": caught})
            entry = {"upper_bound_curve": curve}
            if args.first_look:
                per = {}
                for b in BATCHES:
                    f = Path(args.first_look) / f"first_look_{b}.json"
                    if not f.is_file():
                        continue
                    rows = json.loads(f.read_text(encoding="utf-8"))
                    uu = [r for r in rows if not r["answerable"]]
                    aa = [r for r in rows if r["answerable"]]
                    flag = {r["id"]: margins[r["id"]] < 0 for r in rows}
                    per[b] = {"unanswerable": len(uu), "abstained": sum(r["abstained"] for r in uu),
                              "abstained_with_model": sum(r["abstained"] or flag[r["id"]] for r in uu),
                              "answerable": len(aa), "answered": sum(not r["abstained"] for r in aa),
                              "answered_with_model": sum(not r["abstained"] and not flag[r["id"]] for r in aa)}
                per["pooled"] = {k: sum(v[k] for v in per.values()) for k in next(iter(per.values()))}
                kinds: dict = defaultdict(lambda: [0, 0, 0])
                for b in per:
                    f = Path(args.first_look) / f"first_look_{b}.json"
                    for r in json.loads(f.read_text(encoding="utf-8")) if f.is_file() else ():
                        if not r["answerable"]:
                            k = kinds[meta[r["id"]]["reason_kind"]]
                            k[0] += 1
                            k[1] += r["abstained"]
                            k[2] += r["abstained"] or margins[r["id"]] < 0
                per["by_kind"] = {k: {"unanswerable": v[0], "abstained": v[1], "abstained_with_model": v[2]}
                                  for k, v in sorted(kinds.items())}
                entry["first_look"] = per
            out[kind] = entry
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def confirm(args) -> int:
    """Fit one model on every row of ``--features`` (C and threshold from inner folds, as in ``eval``) and
    flag the rows of ``--new`` (a dump of rows the model never saw): judge vs judge + model."""
    data = load(args.features)
    new = load(args.new)
    meta = data["meta"]
    n = len(meta)
    tune = np.asarray([m["kind"] in ("clerk", "unanswerable") for m in meta])
    dev = np.asarray([m["kind"] == "dev" for m in meta])
    grid = tuple(float(c) for c in args.grid.split(","))
    # fold_run scores its test rows with the final model: score the training rows' first row as a stand-in,
    # then refit with the chosen C to score the new rows
    _s, t, c, inner_auc = fold_run(data, args.model, grid, np.arange(n), np.arange(1), tune, dev, args.max_loss, args.inner)
    train = np.arange(n) if not args.model.endswith("-nodev") else np.flatnonzero(~dev)
    model = Model(args.model, c).fit(data, train)
    scores = model.score(new, np.arange(len(new["meta"])))
    out = {"model": args.model, "C": c, "inner_auc": round(inner_auc, 3), "threshold": round(t, 4), "rows": []}
    totals = defaultdict(int)
    for m, s in zip(new["meta"], scores):
        flag = bool(s < t)
        out["rows"].append({"id": m["id"], "answerable": m["answerable"], "abstained": m["abstained"], "flag": flag,
                            "margin": round(float(s - t), 4), "reason_kind": m["reason_kind"]})
        key = "answerable" if m["answerable"] else "unanswerable"
        totals[key] += 1
        if m["answerable"]:
            totals["answered"] += not m["abstained"]
            totals["answered_with_model"] += not m["abstained"] and not flag
        else:
            totals["abstained"] += m["abstained"]
            totals["abstained_with_model"] += m["abstained"] or flag
            totals[f"gained: {m['reason_kind']}"] += flag and not m["abstained"]
    out["totals"] = dict(totals)
    text = json.dumps(out, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(json.dumps(out["totals"], ensure_ascii=False), f"C {c} threshold {t:.4f} inner AUC {inner_auc:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--index", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--depth", type=int, default=10)
    d.add_argument("--limit", type=int, default=0)
    d.add_argument("--no-dev", action="store_true")
    d.add_argument("--batch", help="only this fresh batch's tune rows")
    e = sub.add_parser("eval")
    e.add_argument("--features", required=True)
    e.add_argument("--max-loss", type=float, default=0.01)
    e.add_argument("--models", default="question-scalar,question-e5,pair-e5,pair-e5+stage")
    e.add_argument("--grid", default="0.01,0.1,1")
    e.add_argument("--inner", type=int, default=3, help="inner folds for C and the threshold")
    e.add_argument("--json")
    m = sub.add_parser("summary")
    m.add_argument("--features", required=True)
    m.add_argument("--first-look", help="folder of first_look_<batch>.json")
    m.add_argument("results", nargs="+", help="eval --json outputs")
    c = sub.add_parser("confirm")
    c.add_argument("--features", required=True, help="training dump")
    c.add_argument("--new", required=True, help="dump of rows never trained on")
    c.add_argument("--model", default="pair-e5")
    c.add_argument("--grid", default="0.0001,0.0003,0.001")
    c.add_argument("--max-loss", type=float, default=0.01)
    c.add_argument("--inner", type=int, default=3)
    c.add_argument("--json")
    f = sub.add_parser("first-look")
    f.add_argument("--code", required=True, help="an older checkout's folder (with rag/)")
    f.add_argument("--index", required=True, help="a copy of the index that checkout may write caches into")
    f.add_argument("--batch", required=True, choices=BATCHES)
    f.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.cmd == "confirm":
        return confirm(args)
    if args.cmd == "first-look":
        return first_look(args)
    if args.cmd == "dump":
        return dump(args)
    if args.cmd == "summary":
        return summary(args)
    return evaluate(args)


if __name__ == "__main__":
    raise SystemExit(main())
