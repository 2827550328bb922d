"""Scale benchmark (issue 10): store cost curves at 1k, 10k, 50k and the full corpus's units.

    python bench/scale.py prepare             # units, BM25 vectors, dense vectors → $CACHE
    python bench/scale.py run [--sizes ...] [--backends local edge]   # one subprocess each
    python bench/scale.py plot                # docs/scale-*.png from the results

What is real and what is not (also written into the results):
- Units: real. The 248-document corpus (``corpus/*.md``) plus every document of
  ``full/phapdien_documents.jsonl`` whose số hiệu is not in the corpus, parsed by the product's
  own loaders; ordered "core" first (documents with real embeddings), then distractors.
- Sparse (BM25) vectors: real, for every unit.
- Dense vectors: real multilingual-e5-small vectors where an index built by the product had
  them (a snapshot of the corpus index that another job was building); every other unit gets a
  synthetic vector: a real core vector picked at random plus Gaussian noise scaled so that its
  cosine to that vector is about 0.85, renormalised — same dimension, norm and neighbourhood
  density as e5 output, but no meaning. Embedding 150k units with e5 on these 2 shared cores
  would take many hours.
- Recall: dev questions whose gold documents are all in the core, at every size (the core is in
  every index; distractors grow around it), beside BM25 alone on the same index.
- Latency: store time of the hybrid query (dense + BM25 prefetch, RRF) with cached question
  vectors; question embedding is measured once and reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CACHE = Path(os.environ.get("TTHC_BENCH_CACHE", "/work/cache/issue10"))
RESULTS = ROOT / "bench" / "results" / "scale.jsonl"
SIZES = [1_000, 10_000, 50_000, 0]  # 0 = every unit
SYNTHETIC_COSINE = 0.85


def _rss_mb() -> float:
    """Current resident set size of this process (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _disk_mb(path: Path) -> float:
    """Blocks really used on disk (edge preallocates sparse files)."""
    return sum(f.stat().st_blocks * 512 for f in path.rglob("*") if f.is_file()) / 1e6


# -- prepare ---------------------------------------------------------------------------------


def _real_vectors(snapshots: list[Path]) -> dict[str, np.ndarray]:
    """Dense vectors by unit id from embedded-index sqlite files (copied, never opened in place)."""
    out: dict[str, np.ndarray] = {}
    for folder in snapshots:
        db = folder / "collection" / "tthc_units" / "storage.sqlite"
        if not db.is_file():
            continue
        tmp = CACHE / "snapshot.sqlite"
        for _attempt in range(20):  # the index may be being written: copy until the copy is consistent
            shutil.copyfile(db, tmp)
            try:
                rows = sqlite3.connect(tmp).execute("select * from points").fetchall()
                break
            except sqlite3.DatabaseError:
                time.sleep(3)
        else:
            raise SystemExit(f"no consistent copy of {db}")
        for _, blob in rows:
            point = pickle.loads(blob)  # qdrant-client local mode stores pickled PointStruct
            out[str(point.id)] = np.asarray(point.vector["dense"], dtype=np.float32)
        tmp.unlink()
    return out


def prepare(snapshots: list[Path]) -> None:
    from ingest.loaders import load_file
    from ingest.phapdien_jsonl import iter_records
    from ingest.pipeline import embedding_text, parse_file
    from rag.config import load_settings
    from rag.errors import IngestError
    from rag.sparse import BM25Encoder
    from rag.store import unit_id

    settings = load_settings()
    CACHE.mkdir(parents=True, exist_ok=True)
    real = _real_vectors(snapshots)
    docs: list[tuple[str, list]] = []  # (group, units)
    numbers: set[str] = set()
    for path in sorted((SHARED / "corpus").glob("*.md")):
        try:
            document, units = parse_file(load_file(path), settings)
        except IngestError:
            continue
        numbers.add(document.doc_number)
        docs.append(("corpus", units))
    for record in iter_records(SHARED / "full" / "phapdien_documents.jsonl"):
        if record.error or record.document.doc_number in numbers:
            continue
        docs.append(("full", record.units))
    core = [d for d in docs if all(unit_id(u) in real for u in d[1])]
    rest = [d for d in docs if not all(unit_id(u) in real for u in d[1])]
    random.Random(10).shuffle(rest)
    ordered = core + rest
    encoder = BM25Encoder(settings.bm25_k1, settings.bm25_b, settings.bm25_avgdl, settings.sparse_bigrams)
    units = [u for _, us in ordered for u in us]
    ids = [unit_id(u) for u in units]
    rng = np.random.default_rng(10)
    core_ids = [i for i in ids if i in real]
    pool = np.stack([real[i] for i in core_ids])
    sigma = np.sqrt((1 / SYNTHETIC_COSINE**2 - 1) / pool.shape[1])
    dense = np.empty((len(units), pool.shape[1]), dtype=np.float32)
    synthetic = np.zeros(len(units), dtype=bool)
    for n, uid in enumerate(ids):
        if uid in real:
            dense[n] = real[uid]
        else:
            v = pool[rng.integers(len(pool))] + rng.normal(0, sigma, pool.shape[1]).astype(np.float32)
            dense[n] = v / np.linalg.norm(v)
            synthetic[n] = True
    sparse = [encoder.encode_document(embedding_text(u)) for u in units]
    np.save(CACHE / "dense.npy", dense)
    np.save(CACHE / "synthetic.npy", synthetic)
    with open(CACHE / "units.pkl", "wb") as out:
        pickle.dump({"units": units, "sparse": sparse, "ids": ids}, out)
    core_docs = {u.document.doc_number for _, us in core for u in us}
    questions = []
    for line in (SHARED / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["gold"] and all(g["doc"] in core_docs for g in row["gold"]):
            questions.append({"id": row["id"], "question": row["question"], "gold": row["gold"]})
    from rag.embeddings import make_embedder

    embedder = make_embedder(settings)
    started = time.perf_counter()
    qvec = embedder.embed_queries([q["question"] for q in questions])
    per_query = (time.perf_counter() - started) / max(len(questions), 1)
    np.save(CACHE / "questions.npy", qvec)
    summary = {
        "units": len(units),
        "core_units": len(core_ids),
        "core_documents": len(core),
        "documents": len(ordered),
        "corpus_units": sum(len(us) for g, us in ordered if g == "corpus"),
        "synthetic_units": int(synthetic.sum()),
        "questions": len(questions),
        "embedder": embedder.name,
        "query_embed_ms_mean": round(per_query * 1000, 1),
        "synthetic_cosine": SYNTHETIC_COSINE,
    }
    (CACHE / "questions.json").write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    (CACHE / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(json.dumps(summary))


# -- one measurement (run in a fresh subprocess so RSS is its own) ---------------------------


def measure_ingest(backend: str, size: int, workdir: Path) -> dict:
    """Store-only ingestion of the first ``size`` units; RSS reported above the loaded dataset."""
    from qdrant_client import QdrantClient

    from rag.store import UnitStore
    from rag.stores.edge import EdgeClient

    sliced = CACHE / f"units-{size}.pkl"
    if size and sliced.is_file():
        with open(sliced, "rb") as handle:
            units, sparse = pickle.load(handle)
    else:
        with open(CACHE / "units.pkl", "rb") as handle:
            data = pickle.load(handle)
        for cut in SIZES + [size]:  # small per-size files: later runs need not unpickle 165k units
            if cut and not (CACHE / f"units-{cut}.pkl").is_file():
                with open(CACHE / f"units-{cut}.pkl", "wb") as out:
                    pickle.dump((data["units"][:cut], data["sparse"][:cut]), out)
        cut = len(data["units"]) if size == 0 else min(size, len(data["units"]))
        units, sparse = data["units"][:cut], data["sparse"][:cut]
        del data
    n = len(units)
    dense = np.load(CACHE / "dense.npy", mmap_mode="r")
    summary = json.loads((CACHE / "summary.json").read_text())
    index = workdir / f"{backend}-{n}"
    shutil.rmtree(index, ignore_errors=True)
    dataset_rss = _rss_mb()
    started = time.perf_counter()
    client = EdgeClient(index, create=True) if backend == "edge" else QdrantClient(path=str(index))
    store = UnitStore(client, "tthc_units")
    store.ensure(dense.shape[1], summary["embedder"])
    peak = 0.0
    for start in range(0, n, 256):
        store.upsert_units(units[start : start + 256], np.asarray(dense[start : start + 256]), sparse[start : start + 256])
        if start % (256 * 20) == 0:
            peak = max(peak, _rss_mb())
    docs: dict[str, list] = {}
    for u in units:
        docs.setdefault(u.document.key, [u.document, 0])[1] += 1
    for document, count in docs.values():
        store.put_document(document, count)
    upsert_s = time.perf_counter() - started
    peak = max(peak, _rss_mb())
    started = time.perf_counter()
    client.close()  # edge: builds HNSW + payload indexes; local: nothing to build
    build_s = time.perf_counter() - started
    return {
        "backend": backend,
        "units": n,
        "documents": len(docs),
        "synthetic_units": int(np.load(CACHE / "synthetic.npy")[:n].sum()),
        "upsert_s": round(upsert_s, 2),
        "index_build_s": round(build_s, 2),
        "ingest_units_per_s": round(n / (upsert_s + build_s), 1),
        "rss_ingest_mb": round(peak - dataset_rss),
        "disk_mb": round(_disk_mb(index), 1),
    }


def measure_query(backend: str, n: int, workdir: Path) -> dict:
    """Open the index in a fresh process, run the dev questions, measure latency, recall, RSS."""
    from qdrant_client import QdrantClient, models

    from rag.evaluation import Question, normalise_article, score
    from rag.sparse import BM25Encoder
    from rag.store import SPARSE, UnitStore, unit_from_payload
    from rag.stores.edge import EdgeClient

    index = workdir / f"{backend}-{n}"
    base_rss = _rss_mb()
    started = time.perf_counter()
    client = EdgeClient(index) if backend == "edge" else QdrantClient(path=str(index))
    store = UnitStore(client, "tthc_units")
    assert store.unit_count() == n
    open_s = time.perf_counter() - started
    questions = json.loads((CACHE / "questions.json").read_text(encoding="utf-8"))
    qvec = np.load(CACHE / "questions.npy")
    bm25 = BM25Encoder()
    hybrid_ms, runs, bm25_runs = [], {}, {}

    def articles(points) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for p in points:
            u = p.unit if hasattr(p, "unit") else unit_from_payload(p.payload or {})
            item = (u.document.doc_number or u.document.key, f"Điều {u.article}")
            if item not in out:
                out.append(item)
        return out[:10]

    limit = int(os.environ.get("SCALE_QUERIES", "80"))
    for q, vec in list(zip(questions, qvec))[:limit]:
        sv = bm25.encode_query(q["question"])
        t = time.perf_counter()
        passages = store.hybrid_query(vec, sv, limit=40, prefetch_limit=60)
        hybrid_ms.append((time.perf_counter() - t) * 1000)
        runs[q["id"]] = articles(passages)
        res = client.query_points(
            "tthc_units", query=models.SparseVector(indices=sv.indices, values=sv.values), using=SPARSE,
            limit=40, with_payload=True,
        )
        bm25_runs[q["id"]] = articles(res.points)
    qs = [
        Question(q["id"], q["question"], frozenset((g["doc"], normalise_article(g["article"])) for g in q["gold"]))
        for q in questions[:limit]
    ]
    hybrid, lexical = score(qs, runs), score(qs, bm25_runs)
    query_rss = _rss_mb()
    client.close()
    shutil.rmtree(index, ignore_errors=True)
    q = statistics.quantiles(hybrid_ms, n=20)
    return {
        "open_s": round(open_s, 2),
        "query_p50_ms": round(statistics.median(hybrid_ms), 1),
        "query_p95_ms": round(q[18], 1),
        "queries": len(hybrid_ms),
        "recall@5": hybrid.r5,
        "mrr@10": hybrid.mrr10,
        "bm25_recall@5": lexical.r5,
        "bm25_mrr@10": lexical.mrr10,
        "rss_query_mb": round(query_rss - base_rss),
        "machine": "2 cores (shared with 7 other jobs) / 24 GiB / no GPU",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def run(sizes: list[int], backends: list[str], workdir: Path) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        for backend in backends:
            started = time.perf_counter()
            row = {}
            for phase in ("ingest", "query"):
                arg = str(size if phase == "ingest" else row["units"])
                cmd = [sys.executable, __file__, "measure", phase, backend, arg, "--workdir", str(workdir)]
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
                if done.returncode != 0:
                    print(f"{backend} {size} {phase}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
                    break
                row.update(json.loads(done.stdout.strip().splitlines()[-1]))
            if "query_p50_ms" not in row:
                continue
            row["wall_s"] = round(time.perf_counter() - started, 1)
            with RESULTS.open("a", encoding="utf-8") as out:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(json.dumps(row, ensure_ascii=False), flush=True)


def plot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(line) for line in RESULTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    latest: dict[tuple[str, int], dict] = {}
    for row in rows:
        latest[(row["backend"], row["units"])] = row
    panels = [
        ("ingest_units_per_s", "Ingestion (store only), units/s"),
        ("query_p50_ms", "Hybrid query p50, ms"),
        ("query_p95_ms", "Hybrid query p95, ms"),
        ("rss_query_mb", "RSS of the open index (above the interpreter), MB"),
        ("open_s", "Open index, s"),
        ("recall@5", "Recall@5, core dev questions (below 6,289 units the core is cut)"),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(14, 8))
    for ax, (key, title) in zip(axes.flat, panels):
        for backend in sorted({b for b, _ in latest}):
            pts = sorted((n, r[key]) for (b, n), r in latest.items() if b == backend)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=backend)
        if key == "recall@5":
            pts = sorted((n, r["bm25_recall@5"]) for (b, n), r in latest.items() if b == "edge")
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="x", linestyle="--", label="BM25 alone")
        ax.set_xscale("log")
        ax.set_xlabel("units in the index")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("TTHC store scaling: qdrant-client local mode vs qdrant-edge (2 shared cores)")
    fig.tight_layout()
    out = ROOT / "docs" / "scale-curves.png"
    fig.savefig(out, dpi=90)
    print(out)


def table() -> None:
    """The results as a Markdown table (latest row per backend and size)."""
    rows = [json.loads(line) for line in RESULTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    latest: dict[tuple[str, int], dict] = {}
    for row in rows:
        latest[(row["backend"], row["units"])] = row
    core = json.loads((CACHE / "summary.json").read_text())["core_units"]
    print(
        "| backend | units | synthetic | ingest units/s (upsert + index build) | open s | query p50 / p95 ms "
        "| Recall@5 / MRR@10 | BM25 alone | ingest RSS MB | index RSS MB | disk MB |"
    )
    print("|---|---:|---:|---|---:|---|---|---|---:|---:|---:|")
    for (backend, n), r in sorted(latest.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        recall = f"{r['recall@5']:.3f} / {r['mrr@10']:.3f}" if n >= core else "n/a (core cut)"
        bm25 = f"{r['bm25_recall@5']:.3f} / {r['bm25_mrr@10']:.3f}" if n >= core else "n/a"
        print(
            f"| {backend} | {n:,} | {r['synthetic_units']:,} | {r['ingest_units_per_s']} ({r['upsert_s']} + "
            f"{r['index_build_s']} s) | {r['open_s']} | {r['query_p50_ms']} / {r['query_p95_ms']} | {recall} | {bm25} "
            f"| {r['rss_ingest_mb']} | {r['rss_query_mb']} | {r['disk_mb']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--snapshot", action="append", type=Path, default=[])
    p = sub.add_parser("run")
    p.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    p.add_argument("--backends", nargs="+", default=["edge", "local"])
    p.add_argument("--workdir", type=Path, default=Path("/tmp/tthc-scale"))
    p = sub.add_parser("measure")
    p.add_argument("phase", choices=["ingest", "query"])
    p.add_argument("backend")
    p.add_argument("size", type=int)
    p.add_argument("--workdir", type=Path, default=Path("/tmp/tthc-scale"))
    sub.add_parser("plot")
    sub.add_parser("table")
    args = parser.parse_args()
    if args.cmd == "prepare":
        prepare(args.snapshot)
    elif args.cmd == "run":
        run(args.sizes, args.backends, args.workdir)
    elif args.cmd == "measure":
        func = measure_ingest if args.phase == "ingest" else measure_query
        print(json.dumps(func(args.backend, args.size, args.workdir), ensure_ascii=False))
    elif args.cmd == "table":
        table()
    else:
        plot()


if __name__ == "__main__":
    main()
