"""Validity on the corpus: statuses and relations against the hand-verified fixture, and coverage.

    PYTHONPATH=. python bench/validity.py [CORPUS_DIR] [--as-of 2026-12-05] [--json]

Parses the corpus files directly (no embeddings): load → structure → ``attach_validity`` (the same
function the ingestion pipeline calls), builds the ``ValidityRegistry`` over all documents, and compares
with ``tests/data/validity/statuses.csv`` (status of 42 documents) and ``relations.csv`` (every replace /
amend relation between two corpus documents), both verified by reading the texts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import SHARED  # noqa: E402

if TYPE_CHECKING:
    from rag.legal.records import DocumentRecord
    from rag.validity.relations import ValidityRegistry

DEFAULT = SHARED / "corpus"
FIXTURE = ROOT / "tests" / "data" / "validity"
AS_OF = "2026-12-05"  # the date the fixture's statuses were verified for


def corpus_records(paths: Iterable[Path]) -> list[DocumentRecord]:
    """Typed document records of corpus files, as ingestion would store them."""
    from ingest.loaders import load_file
    from ingest.metadata import document_from
    from ingest.validity import attach_validity
    from rag.legal.records import DocumentRecord

    out = []
    for path in paths:
        loaded = load_file(path)
        doc = document_from(path, loaded.header, loaded.text)
        doc, _, extraction = attach_validity(loaded, doc, [])
        out.append(DocumentRecord.of(doc, validity=extraction))
    return out


def gold() -> tuple[dict[str, tuple[str, str]], set[tuple[str, str, str]]]:
    """(doc → (status, evidence), {(source, kind, target)}) from the fixture files."""
    from rag.text.csvfile import read_table

    _, rows = read_table(FIXTURE / "statuses.csv", ("doc", "status"), ("doc", "status", "evidence"), "statuses")
    statuses = {r.get("doc"): (r.get("status"), r.get("evidence")) for r in rows}
    _, rows = read_table(FIXTURE / "relations.csv", ("source", "kind", "target"),
                         ("source", "kind", "target", "part", "evidence"), "relations")
    return statuses, {(r.get("source"), r.get("kind"), r.get("target")) for r in rows}


def extracted_relations(registry: ValidityRegistry) -> set[tuple[str, str, str]]:
    """(source, kind, target) số hiệu of every replace/amend relation resolved between indexed documents."""
    out = set()
    for source, target, rel in registry.incoming():
        if rel.kind in ("replaces", "amends"):
            out.add((registry.records[source].doc_number, rel.kind, registry.records[target].doc_number))
    return out


def score(registry: ValidityRegistry, as_of: str = AS_OF, only: set[str] | None = None) -> dict[str, Any]:
    """Status agreement and relation precision/recall (``only``: restrict to these số hiệu)."""
    from rag.legal.records import NOT_IN_FORCE

    statuses, relations = gold()
    by_number = {r.doc_number: k for k, r in registry.records.items()}
    status_rows = []
    for doc, (want, evidence) in statuses.items():
        if only is not None and doc not in only:
            continue
        got = registry.record(by_number[doc], as_of).status if doc in by_number else "(not parsed)"
        status_rows.append({"doc": doc, "gold": want, "got": got, "evidence": evidence})
    wrongly_out = [r for r in status_rows if r["gold"] not in NOT_IN_FORCE and r["got"] in NOT_IN_FORCE]
    wrongly_in = [r for r in status_rows if r["gold"] in NOT_IN_FORCE and r["got"] not in NOT_IN_FORCE]
    found = extracted_relations(registry)
    if only is not None:
        relations = {r for r in relations if r[0] in only and r[2] in only}
        found = {r for r in found if r[0] in only and r[2] in only}
    true_pos = found & relations
    return {
        "as_of": as_of,
        "documents": len(registry.records),
        "status_checked": len(status_rows),
        "status_exact": sum(r["gold"] == r["got"] for r in status_rows),
        "wrongly_not_in_force": wrongly_out,
        "wrongly_in_force": wrongly_in,
        "status_mismatches": [r for r in status_rows if r["gold"] != r["got"]],
        "relations_gold": len(relations),
        "relations_found": len(found),
        "relations_correct": len(true_pos),
        "precision": round(len(true_pos) / len(found), 3) if found else 1.0,
        "recall": round(len(true_pos) / len(relations), 3) if relations else 1.0,
        "false_relations": sorted(found - relations),
        "missed_relations": sorted(relations - found),
        "status_counts": dict(Counter(registry.record(k, as_of).status for k in registry.records)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT))
    parser.add_argument("--as-of", default=AS_OF)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from ingest.pipeline import discover
    from rag.validity.relations import ValidityRegistry

    started = time.perf_counter()
    registry = ValidityRegistry(corpus_records(discover([Path(args.corpus)])))
    result = score(registry, args.as_of)
    result["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['documents']} documents, as of {result['as_of']}, {result['seconds']} s")
    print(f"status: {result['status_exact']}/{result['status_checked']} exact; "
          f"wrongly not in force: {len(result['wrongly_not_in_force'])}; wrongly in force: {len(result['wrongly_in_force'])}")
    for r in result["status_mismatches"]:
        print(f"  status {r['doc']}: gold {r['gold']}, got {r['got']}")
    print(f"relations: {result['relations_correct']}/{result['relations_found']} found are right "
          f"(precision {result['precision']}), {result['relations_correct']}/{result['relations_gold']} of the "
          f"hand-verified ones found (recall {result['recall']})")
    for r in result["false_relations"]:
        print(f"  false: {r}")
    for r in result["missed_relations"]:
        print(f"  missed: {r}")
    print(f"statuses: {result['status_counts']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
