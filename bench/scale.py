"""Scale benchmark (issue 10): cost curves of the embedded backends from 1k units to the full corpus.

    python bench/scale.py prepare --snapshot INDEX   # units, BM25 vectors, dense vectors → $CACHE
    python bench/scale.py run [--sizes ...] [--backends edge local]   # subprocesses per row
    python bench/scale.py table | plot               # Markdown table, docs/scale-curves.png

What is real and what is not (also written into the results):
- Units: real. The 248-document corpus (``corpus/*.md``) plus every document of
  ``full/phapdien_documents.jsonl`` whose số hiệu is not in the corpus, parsed by the product's
  own loaders; ordered "core" first (documents whose every unit has a real embedding in the
  snapshot index, e.g. the product's own index of the corpus), then distractors in random order.
- Sparse (BM25) vectors: real, for every unit.
- Dense vectors: real multilingual-e5-small vectors from the snapshot; every other unit gets a
  synthetic vector: a real core vector picked at random plus Gaussian noise scaled so that its
  cosine to that vector is about 0.85, renormalised — same dimension, norm and neighbourhood
  density as e5 output, but no meaning. Embedding 133k more units with e5 on 2 cores would
  take hours; the store's cost does not depend on what the vectors mean.
- Recall: dev questions whose gold documents are all in the core, at every size at or above
  the core (distractors grow around it), beside the product's BM25-only mode on the same index.
- Per row, three fresh processes: "ingest" (store only: ``UnitStore.upsert_units`` + document
  records, then the edge backend's index build on close), "query" (the product's ``Engine`` →
  ``Retriever.search`` — what ``tthc search`` and the app run — with the real e5 question
  embedding), "reopen" (an app restart: open the index again + one search; its RSS is the
  retrieval part of the app's memory, model included).
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

from bench import SHARED  # noqa: E402
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
    from rag.models.sparse import make_sparse_encoder
    from rag.index.store import unit_id

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
    encoder = make_sparse_encoder(settings)
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
    from rag.models.embeddings import make_embedder

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

    from rag.index.store import UnitStore
    from rag.legal.records import DocumentRecord
    from rag.index.edge import EdgeClient

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
        store.put_document(DocumentRecord.of(document, count))
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


def _engine(backend: str, index: Path):
    """The product's own engine on a benchmark index (no audit, no validity overrides)."""
    from rag.config import load_settings
    from rag.engine import Engine

    settings = load_settings(
        index_dir=index, store_backend=backend, audit_enabled=False, validity_file=index / "validity.csv",
    )
    return Engine(settings)


def measure_query(backend: str, n: int, workdir: Path) -> dict:
    """Open the index with the product's engine in a fresh process and run the dev questions
    through ``Retriever.search`` — the path ``tthc search`` and the app take (local mode: in-process
    search arrays copied from Qdrant once; edge: Qdrant's HNSW and sparse index) — with the real
    e5 question embedding. Latency, recall (hybrid and the product's BM25-only mode), RSS."""
    from rag.search.evaluation import Question, normalise_article, retriever_ranker, run_eval

    index = workdir / f"{backend}-{n}"
    base_rss = _rss_mb()
    started = time.perf_counter()
    engine = _engine(backend, index)
    assert engine.store.unit_count() == n
    open_s = time.perf_counter() - started
    engine.embedder.embed_queries(["khởi động"])  # model load: a constant, not the store's cost
    model_rss = _rss_mb()
    started = time.perf_counter()
    engine.retriever.search("thời hạn đăng ký khai sinh")  # builds arrays / diacritics model / validity once
    warm_s = time.perf_counter() - started
    rows = json.loads((CACHE / "questions.json").read_text(encoding="utf-8"))
    limit = int(os.environ.get("SCALE_QUERIES", "0")) or len(rows)
    questions = [
        Question(q["id"], q["question"], frozenset((g["doc"], normalise_article(g["article"])) for g in q["gold"]))
        for q in rows[:limit]
    ]
    started = time.perf_counter()
    embedded = engine.embedder.embed_queries([q.question for q in questions[:20]])
    embed_ms = (time.perf_counter() - started) * 1000 / max(len(embedded), 1)
    hybrid = run_eval(questions, retriever_ranker(engine.retriever, "hybrid"))
    lexical = run_eval(questions, retriever_ranker(engine.retriever, "sparse"), name="bm25")
    query_rss = _rss_mb()
    engine.close()
    return {
        "open_s": round(open_s, 2),
        "first_search_s": round(warm_s, 2),
        "query_p50_ms": round(hybrid.percentile(50), 1),
        "query_p95_ms": round(hybrid.percentile(95), 1),
        "embed_ms": round(embed_ms, 1),
        "queries": len(questions),
        "recall@5": hybrid.overall.r5,
        "mrr@10": hybrid.overall.mrr10,
        "bm25_recall@5": lexical.overall.r5,
        "bm25_mrr@10": lexical.overall.mrr10,
        "rss_query_mb": round(query_rss - model_rss),
        "rss_process_mb": round(query_rss),
    }


def measure_reopen(backend: str, n: int, workdir: Path) -> dict:
    """What an app restart costs: open the index again (caches written by the first open are
    reused) and answer one search; the process RSS is the app's retrieval memory."""
    index = workdir / f"{backend}-{n}"
    started = time.perf_counter()
    engine = _engine(backend, index)
    engine.retriever.search("thời hạn đăng ký khai sinh")
    reopen_s = time.perf_counter() - started
    rss = _rss_mb()
    engine.close()
    if not os.environ.get("SCALE_KEEP"):
        shutil.rmtree(index, ignore_errors=True)
    return {
        "reopen_first_search_s": round(reopen_s, 2),
        "rss_reopened_mb": round(rss),
        "load_avg": round(os.getloadavg()[0], 1),
        "machine": "2 cores / 24 GiB / no GPU",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def run(sizes: list[int], backends: list[str], workdir: Path) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        for backend in backends:
            started = time.perf_counter()
            row = {}
            for phase in ("ingest", "query", "reopen"):
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


def _latest() -> dict[tuple[str, int], dict]:
    rows = [json.loads(line) for line in RESULTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(row["backend"], row["units"]): row for row in rows}


def plot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latest = _latest()
    core = json.loads((CACHE / "summary.json").read_text())["core_units"]
    panels = [
        ("ingest_units_per_s", "Store ingestion (vectors precomputed), units/s"),
        ("query_p50_ms", "Retrieval p50 incl. question embedding, ms"),
        ("query_p95_ms", "Retrieval p95 incl. question embedding, ms"),
        ("rss_reopened_mb", "Process RSS: index open + e5 model, MB"),
        ("reopen_first_search_s", "Restart: open index + first answer, s"),
        ("recall@5", f"Recall@5, dev questions (gold in the {core:,}-unit core)"),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    for ax, (key, title) in zip(axes.flat, panels):
        for backend in sorted({b for b, _ in latest}):
            pts = sorted((n, r[key]) for (b, n), r in latest.items() if b == backend and (key != "recall@5" or n >= core))
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=backend)
        if key == "recall@5":
            pts = sorted((n, r["bm25_recall@5"]) for (b, n), r in latest.items() if b == "edge" and n >= core)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="x", linestyle="--", label="BM25 alone (same index)")
        if key == "query_p50_ms":
            ax.axhline(150, color="grey", linestyle=":", label="target 150 ms")
        if key == "rss_reopened_mb":
            ax.axhline(1536, color="grey", linestyle=":", label="target 1.5 GB")
        ax.set_xscale("log")
        ax.set_xlabel("units in the index")
        ax.set_title(title, fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("TTHC retrieval at scale: qdrant-edge vs qdrant-client local mode (2 cores, load average 2–8: see the table)")
    fig.tight_layout()
    out = ROOT / "docs" / "scale-curves.png"
    fig.savefig(out, dpi=90)
    print(out)


def table() -> None:
    """The results as a Markdown table (latest row per backend and size)."""
    latest = _latest()
    core = json.loads((CACHE / "summary.json").read_text())["core_units"]
    print(
        "| backend | units | synthetic dense | store ingest u/s (upsert + index build) | retrieval p50 / p95 ms "
        "| Recall@5 / MRR@10 | BM25 alone | restart s | RSS MB (index + model) | ingest RSS MB | disk MB | load |"
    )
    print("|---|---:|---:|---|---|---|---|---:|---:|---:|---:|---:|")
    for (backend, n), r in sorted(latest.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        recall = f"{r['recall@5']:.3f} / {r['mrr@10']:.3f}" if n >= core else "n/a (core cut)"
        bm25 = f"{r['bm25_recall@5']:.3f} / {r['bm25_mrr@10']:.3f}" if n >= core else "n/a"
        print(
            f"| {backend} | {n:,} | {r['synthetic_units']:,} | {r['ingest_units_per_s']:,} ({r['upsert_s']} + "
            f"{r['index_build_s']} s) | {r['query_p50_ms']} / {r['query_p95_ms']} | {recall} | {bm25} "
            f"| {r['reopen_first_search_s']} | {r['rss_reopened_mb']:,} | {r['rss_ingest_mb']:,} | {r['disk_mb']} "
            f"| {r['load_avg']} |"
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
    p.add_argument("phase", choices=["ingest", "query", "reopen"])
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
        func = {"ingest": measure_ingest, "query": measure_query, "reopen": measure_reopen}[args.phase]
        print(json.dumps(func(args.backend, args.size, args.workdir), ensure_ascii=False))
    elif args.cmd == "table":
        table()
    else:
        plot()


if __name__ == "__main__":
    main()
