"""How many corpus documents get a validity status and relations from their own text.

    PYTHONPATH=. python bench/validity.py [CORPUS_DIR] [--json]

Parses the corpus files directly (no embeddings): load → structure → ``attach_validity`` (the same
function the ingestion pipeline calls), then builds the ``ValidityRegistry`` over all documents to
resolve relations between them and compute statuses as of today.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT if DEFAULT.is_dir() else ROOT.parent.parent / "shared/data/corpus"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from ingest.loaders import load_file
    from ingest.metadata import document_from
    from ingest.pipeline import discover
    from ingest.validity import attach_validity
    from rag.legal.validity import ValidityRegistry

    started = time.perf_counter()
    records, sources, kinds, docs_with = [], Counter(), Counter(), Counter()
    for path in discover([Path(args.corpus)]):
        loaded = load_file(path)
        doc = document_from(path, loaded.header, loaded.text)
        doc, _, payload = attach_validity(loaded, doc, [])
        records.append({**doc.__dict__, "validity": payload})
        src = payload["effective_from_source"]
        sources["body text" if src.startswith("văn bản") else "pháp điển note" if src.startswith("ghi chú")
                else "header only" if src else "none"] += 1
        seen = set()
        for rel in payload["relations"]:
            kinds[rel["kind"]] += 1
            seen.add(rel["kind"])
        for kind in seen:
            docs_with[kind] += 1
        docs_with["any relation"] += bool(seen)
        docs_with["own text (date from body/note or a relation)"] += bool(seen) or src.startswith(("văn bản", "ghi chú"))
    registry = ValidityRegistry(records)
    statuses = Counter(registry.record(r["key"]).status for r in records)
    resolved = sum(1 for r in records for k in ("replaced_by", "amended_by") for rel in registry.record(r["key"]).relations[k]
                   if rel.source.startswith("chỉ mục"))
    result = {
        "documents": len(records),
        "effective_from_source": dict(sources),
        "documents_with": dict(docs_with),
        "relations": dict(kinds),
        "inverse_relations_resolved_in_corpus": resolved,
        "status_today": dict(statuses),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False, indent=None if not args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
