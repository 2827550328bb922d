"""Query adapter over e5 (issue 15): a linear map on the question vector, fitted on (question, gold article).

    PYTHONPATH=. python bench/query_adapter.py cache --index IDX --cache /tmp/qa     # vectors + pools, once
    PYTHONPATH=. python bench/query_adapter.py cv --cache /tmp/qa [--lam 0.03,0.1] [--tau 0.05] [--objective fused]
    PYTHONPATH=. python bench/query_adapter.py train --index IDX --out F.npy [--feedback data/audit.db]

``q' = Wq / |Wq|`` with ``W`` started at the identity and pulled back to it by ``lam × |W − I|²``;
passage vectors are untouched, so an index needs no re-ingest. Not adopted (docs/benchmarks.md "Query
adapter over e5"): the product wiring that was measured (``TTHC_QUERY_ADAPTER=F.npy``: the adapted vector
finds and fuses the dense candidates, passages keep e5's own cosine as similarity) is the commit "query adapter
wiring (issue 15, session 9)", reverted by the next commit. ``--feedback`` adds 👍-rated answers of an audit log (question,
first cited article) as extra rows.

Training rows: data/eval/dev.jsonl ODD rows (0-based 1, 3, …) and the clerk set's ``tune`` rows with gold
(``kind == "clerk"``). Never the even dev rows (judging), the clerk ``test`` half or heldout.jsonl.
Question vectors come from the product's own path (``Retriever.analyse(q).search_text`` →
``embed_queries``), BM25 from its sparse encoder; the unit vectors and the candidate pools from the
index's in-process search arrays.

Objectives (both softmax losses over the candidates of each training question):
- ``unit``: InfoNCE over the top-200 dense candidate units plus the gold article's units (temperature tau);
- ``fused``: over candidate ARTICLES scored as ``Retriever._fuse`` scores them (0.45 × dense best-unit
  cosine, min-max over the dense pool, + 0.55 × BM25 / best BM25), so the adapter learns what helps the
  hybrid, not dense alone (the ``unit`` objective lifted dense-only but cost hybrid MRR on dev in CV).

``cv`` reports 5-fold cross-validated article R@5 / MRR@10 of dense-only and of hybrid base retrieval (the
fusion above, relevance stage off, no explicit references) per group, before → after.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.clerk import DEV, QUESTIONS as CLERK, as_question, load_rows  # noqa: E402
from rag.config import Settings  # noqa: E402

log = logging.getLogger("query_adapter")
_SHIPPED = Settings.model_fields  # the shipped fusion this adapter is fitted for (defaults, not this shell's env)
POOL = _SHIPPED["candidate_pool"].default  # candidate units per encoder
WD, WS = _SHIPPED["dense_weight"].default, _SHIPPED["sparse_weight"].default


def training_rows(feedback: Path | None = None) -> list[tuple[str, str, list[str], str]]:
    """(id, question, gold "số hiệu|Điều N" keys, group) of every row the adapter may learn from."""
    from rag.search.evaluation import load_questions

    dev = load_questions(DEV)
    rows = [(q.id, q.question, sorted(f"{d}|{a}" for d, a in q.gold), "dev-odd") for q in dev[1::2]]
    rows += [(r["id"], r["question"], sorted(f"{d}|{a}" for d, a in as_question(r).gold), "clerk-tune")
             for r in load_rows("tune") if r.get("kind") == "clerk" and r.get("gold")]
    if feedback is not None:
        rows += feedback_rows(feedback)
    return rows


CITED = re.compile(r"Điều (\S+) (\S+)$")


def feedback_rows(audit_db: Path) -> list[tuple[str, str, list[str], str]]:
    """👍-rated answers of the audit log: (question, its first citation's article) pairs."""
    from rag.governance.audit import AuditLog
    from rag.governance.feedback import feedback_items, latest_per_answer

    out = []
    for item in latest_per_answer(feedback_items(AuditLog(audit_db))):
        m = CITED.search(item.citations[0]) if item.rating == "up" and item.citations and item.question else None
        if m:
            out.append((f"feedback-{item.answer_id}", item.question, [f"{m.group(2)}|Điều {m.group(1)}"], "feedback"))
    return out


def build_cache(index: str, out: Path, feedback: Path | None = None) -> None:
    """Question vectors, BM25 candidates and the unit arrays of the training rows (npz + json)."""
    from rag.config import load_settings
    from rag.engine import Engine

    engine = Engine(load_settings(index_dir=index, search_backend="memory"))
    retriever = engine.retriever
    idx = retriever.unit_index()
    numbers = {r.key: r.doc_number or r.key for r in retriever.document_records()}
    rows = training_rows(feedback)
    vectors, sparse_rows, sparse_scores = [], [], []
    t0 = time.perf_counter()
    for _id, question, _gold, _group in rows:
        analysis = retriever.analyse(question)
        vectors.append(retriever.embedder.embed_queries([analysis.search_text])[0])
        sv = retriever.sparse.encode_query(analysis.sparse_text)
        hits = idx.top(idx.sparse_scores(sv), POOL, None, positive=True) if sv.indices else []
        sparse_rows.append([h.row for h in hits])
        sparse_scores.append([h.score for h in hits])
    log.info("%d questions embedded in %.0f s", len(rows), time.perf_counter() - t0)
    articles = [f"{numbers.get(d, d)}|Điều {a}" for d, a in zip(idx.doc_keys, idx.articles)]
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "cache.npz", Q=np.asarray(vectors, np.float32), D=idx.dense, art=np.asarray(articles),
             ids=np.asarray([r[0] for r in rows]), grp=np.asarray([r[3] for r in rows]),
             gold=np.asarray([json.dumps(r[2], ensure_ascii=False) for r in rows]))
    (out / "sparse.json").write_text(json.dumps({"rows": sparse_rows, "scores": sparse_scores}))
    engine.close()


class Study:
    """The cached arrays, the offline hybrid (as ``Retriever._fuse``) and the two training objectives."""

    def __init__(self, cache: Path):
        z = np.load(cache / "cache.npz")
        self.Q, self.D, self.group = z["Q"], z["D"], z["grp"]
        self.ids = z["ids"]
        sp = json.loads((cache / "sparse.json").read_text())
        self.sparse_rows, self.sparse_scores = sp["rows"], sp["scores"]
        names, self.art = np.unique(z["art"], return_inverse=True)
        known = {n: i for i, n in enumerate(names)}
        self.gold = [{known[g] for g in json.loads(s) if g in known} for s in z["gold"]]

    def __len__(self) -> int:
        return len(self.Q)

    # -- evaluation ------------------------------------------------------------------------
    def rank(self, Qm: np.ndarray, rows, mode: str = "hybrid") -> dict[int, list[int]]:
        """Top-10 articles per row: dense best unit min-max over the pool, BM25 / best (``_fuse``)."""
        out = {}
        S = Qm[rows] @ self.D.T
        for n, i in enumerate(rows):
            s = S[n]
            top = np.argpartition(-s, POOL)[:POOL]
            score: dict[int, float] = {}
            if mode in ("hybrid", "dense"):
                dbest: dict[int, float] = {}
                for u in top[np.argsort(-s[top])]:
                    dbest.setdefault(int(self.art[u]), float(s[u]))
                lo, hi = min(dbest.values()), max(dbest.values())
                score = {a: WD * (v - lo) / max(hi - lo, 1e-9) for a, v in dbest.items()}
            if mode in ("hybrid", "sparse"):
                bbest: dict[int, float] = {}
                for u, v in zip(self.sparse_rows[i], self.sparse_scores[i]):
                    bbest.setdefault(int(self.art[u]), v)
                bhi = max(bbest.values(), default=1.0) or 1.0
                for a, v in bbest.items():
                    score[a] = score.get(a, 0.0) + WS * v / bhi
            out[i] = sorted(score, key=lambda a: -score[a])[:10]
        return out

    def metrics(self, ranked: dict[int, list[int]], rows) -> tuple[float, float]:
        """Article R@5 and MRR@10."""
        r5 = mrr = 0.0
        for i in rows:
            first = next((j for j, a in enumerate(ranked[i]) if a in self.gold[i]), None)
            r5 += first is not None and first < 5
            mrr += 0.0 if first is None else 1 / (first + 1)
        return r5 / len(rows), mrr / len(rows)

    # -- training --------------------------------------------------------------------------
    def pools(self, rows) -> list[tuple]:
        """Per row: candidate units (dense top-200 ∪ BM25 top-200 ∪ gold units), their article (local),
        each article's BM25 share, whether it is in the dense pool, whether it is gold."""
        S = self.Q[rows] @ self.D.T
        out = []
        for n, i in enumerate(rows):
            dense_top = np.argpartition(-S[n], POOL)[:POOL]
            gold_units = np.nonzero(np.isin(self.art, list(self.gold[i])))[0]
            units = np.unique(np.concatenate([dense_top, np.asarray(self.sparse_rows[i], np.int64), gold_units]))
            arts, local = np.unique(self.art[units], return_inverse=True)
            best: dict[int, float] = {}
            for u, v in zip(self.sparse_rows[i], self.sparse_scores[i]):
                best.setdefault(int(self.art[u]), v)
            bhi = max(best.values(), default=1.0) or 1.0
            share = np.asarray([best.get(int(a), 0.0) / bhi for a in arts], np.float32)
            out.append((units, local, share, np.isin(arts, self.art[dense_top]), np.isin(arts, list(self.gold[i]))))
        return out

    def train(self, rows, lam: float, tau: float, steps: int = 100, objective: str = "fused", lr: float = 1e-3) -> np.ndarray:
        import torch

        rows = [i for i in rows if self.gold[i]]
        pools = self.pools(rows)
        n, L, A = len(rows), max(len(p[0]) for p in pools), max(len(p[2]) for p in pools)
        U = np.zeros((n, L), np.int64)
        LOC = np.full((n, L), A, np.int64)  # padding goes to a dump column A
        UM = np.zeros((n, L), bool)
        UG = np.zeros((n, L), bool)
        SH, IN, AM, G = (np.zeros((n, A), np.float32), np.zeros((n, A), bool), np.zeros((n, A), bool), np.zeros((n, A), bool))
        for k, (units, local, share, in_dense, gold) in enumerate(pools):
            U[k, : len(units)], LOC[k, : len(units)], UM[k, : len(units)] = units, local, True
            UG[k, : len(units)] = gold[local]
            SH[k, : len(share)], IN[k, : len(share)], AM[k, : len(share)], G[k, : len(share)] = share, in_dense, True, gold
        t = {k: torch.from_numpy(v) for k, v in dict(U=U, LOC=LOC, UM=UM, UG=UG, SH=SH, IN=IN, AM=AM, G=G).items()}
        E = torch.from_numpy(self.D)[t["U"]]
        Qt = torch.from_numpy(self.Q[rows])
        W = torch.eye(self.Q.shape[1], requires_grad=True)
        eye = torch.eye(self.Q.shape[1])
        opt = torch.optim.Adam([W], lr=lr)
        for _ in range(steps):
            q = torch.nn.functional.normalize(Qt @ W.T, dim=1)
            s = torch.einsum("nld,nd->nl", E, q)
            if objective == "unit":
                logits, mask, positive = s / tau, t["UM"], t["UG"]
            else:
                d = torch.full((n, A + 1), -10.0).scatter_reduce(1, t["LOC"], s, reduce="amax", include_self=True)[:, :A]
                hi = d.masked_fill(~t["AM"], -10.0).max(1, keepdim=True).values
                lo = d.masked_fill(~t["IN"], 10.0).min(1, keepdim=True).values
                dn = ((d - lo) / (hi - lo).clamp_min(1e-6)).clamp_min(0.0)
                logits, mask, positive = (WD * dn + WS * t["SH"]) / tau, t["AM"], t["G"]
            logits = logits.masked_fill(~mask, -1e9)
            nll = torch.logsumexp(logits, 1) - torch.logsumexp(logits.masked_fill(~positive, -1e9), 1)
            loss = nll.mean() + lam * ((W - eye) ** 2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return W.detach().numpy().astype(np.float32)

    @staticmethod
    def apply(W: np.ndarray, Qm: np.ndarray) -> np.ndarray:
        q = Qm @ W.T
        return q / np.linalg.norm(q, axis=1, keepdims=True)

    def cross_validate(self, lam: float, tau: float, steps: int, objective: str, train_groups: set[str]) -> str:
        """5 folds over every cached row; rows outside ``train_groups`` are only ever tested."""
        rng = np.random.default_rng(0)
        perm = rng.permutation(len(self))
        folds = [sorted(perm[k::5]) for k in range(5)]
        every = list(range(len(self)))
        base_h, base_d = self.rank(self.Q, every, "hybrid"), self.rank(self.Q, every, "dense")
        hyb: dict[int, list[int]] = {}
        den: dict[int, list[int]] = {}
        for test in folds:
            held = set(test)
            train = [i for i in every if i not in held and self.group[i] in train_groups]
            W = self.train(train, lam, tau, steps, objective)
            Qp = self.Q.copy()
            Qp[test] = self.apply(W, self.Q[test])
            hyb.update(self.rank(Qp, test, "hybrid"))
            den.update(self.rank(Qp, test, "dense"))
        parts = []
        for g in sorted(set(self.group.tolist())):
            rows = [i for i in every if self.group[i] == g]
            (a, b), (c, d), (e, f), (h, k) = (self.metrics(x, rows) for x in (base_d, den, base_h, hyb))
            parts.append(f"{g} (n={len(rows)}): dense {a:.3f}/{b:.3f} → {c:.3f}/{d:.3f}; hybrid {e:.3f}/{f:.3f} → {h:.3f}/{k:.3f}")
        return f"{objective} lam={lam} tau={tau} steps={steps} train={'+'.join(sorted(train_groups))} | " + " | ".join(parts)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache", help="embed the training questions once")
    c.add_argument("--index", required=True)
    c.add_argument("--cache", required=True, type=Path)
    c.add_argument("--feedback", type=Path, help="an audit database: its 👍-rated answers become extra rows")
    v = sub.add_parser("cv", help="cross-validate inside the training rows")
    v.add_argument("--cache", required=True, type=Path)
    v.add_argument("--lam", default="0.03")
    v.add_argument("--tau", default="0.05")
    v.add_argument("--steps", type=int, default=100)
    v.add_argument("--objective", choices=["fused", "unit"], default="fused")
    v.add_argument("--train-groups", default="dev-odd,clerk-tune")
    t = sub.add_parser("train", help="fit W on every training row and save it (.npy)")
    t.add_argument("--index", help="index folder (builds the cache in --cache first)")
    t.add_argument("--cache", type=Path, default=Path("/tmp/query-adapter-cache"))
    t.add_argument("--out", required=True, type=Path)
    t.add_argument("--feedback", type=Path, help="an audit database: its 👍-rated answers become extra rows")
    t.add_argument("--lam", type=float, default=0.03)
    t.add_argument("--tau", type=float, default=0.05)
    t.add_argument("--steps", type=int, default=100)
    t.add_argument("--objective", choices=["fused", "unit"], default="fused")
    t.add_argument("--train-groups", default="dev-odd,clerk-tune,feedback")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)  # the machine is shared; one thread is minutes, not hours
    if args.command == "cache" or (args.command == "train" and args.index):
        build_cache(args.index, args.cache, args.feedback)
    if args.command == "cv":
        study = Study(args.cache)
        for lam in (float(x) for x in args.lam.split(",")):
            for tau in (float(x) for x in args.tau.split(",")):
                print(study.cross_validate(lam, tau, args.steps, args.objective, set(args.train_groups.split(","))), flush=True)
    if args.command == "train":
        study = Study(args.cache)
        groups = set(args.train_groups.split(","))
        rows = [i for i in range(len(study)) if study.group[i] in groups]
        W = study.train(rows, args.lam, args.tau, args.steps, args.objective)
        np.save(args.out, W)
        log.info("%s: %d rows (%s), |W − I| = %.3f", args.out, len(rows), ", ".join(sorted(groups)),
                 float(np.linalg.norm(W - np.eye(len(W)))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
