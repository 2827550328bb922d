"""Parse a pháp điển JSON Lines file without embedding: wall time, peak RSS, and (optionally) a
fingerprint of every unit, to compare two builds of the parser.

    nice -n 19 python bench/phapdien_parse.py --mode worker [--dump units.tsv] [FILE]

``--mode parent`` reads the file with ``ingest.phapdien_jsonl.iter_records`` in this process (how
the pipeline read it before issue 17 item 3); ``--mode worker`` reads it the way ``tthc ingest``
does now, in the sandboxed parse worker, records streamed back in chunks. Peak RSS is reported for
this process and for its largest child (the worker), CPU seconds (user + system) for both.
``--dump`` writes one line per unit:
record line, document key, unit id, SHA-256 of the whole unit (every field) — ``diff`` two dumps.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path

from bench import SHARED

DEFAULT = SHARED / "full" / "phapdien_documents.jsonl"


def _records(path: Path, mode: str):
    from rag.config import load_settings

    settings = load_settings()
    if mode == "parent":
        from ingest.phapdien_jsonl import iter_records

        yield from iter_records(path, settings.max_chunk_chars, settings.chunk_overlap_chars)
        return
    from ingest.pipeline import parse_options
    from ingest.worker import ParserProcess

    with ParserProcess(settings.parse_timeout_s, settings.parse_memory_mb) as parser:
        stream = parser.parse(path, parse_options(settings))
        try:
            yield from stream.records
        finally:
            stream.close()


def _fingerprint(unit) -> str:
    return hashlib.sha256(json.dumps(dataclasses.asdict(unit), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--mode", choices=("parent", "worker"), default="worker")
    parser.add_argument("--dump", type=Path, help="write one fingerprint line per unit here")
    args = parser.parse_args(argv)
    unit_id = None
    if args.dump:
        from rag.index.store import unit_id  # noqa: F811 (only when dumping: it loads qdrant-client)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    started = time.perf_counter()
    records = failed = units = 0
    out = args.dump.open("w", encoding="utf-8") if args.dump else None
    for record in _records(args.file, args.mode):
        records += 1
        if record.error:
            failed += 1
            if out:
                out.write(f"{record.line}\tFAILED\t{record.error}\n")
            continue
        units += len(record.units)
        if out:
            for unit in record.units:
                out.write(f"{record.line}\t{record.document.key}\t{unit_id(unit)}\t{_fingerprint(unit)}\n")
    seconds = time.perf_counter() - started
    if out:
        out.close()
    result = {
        "file": str(args.file), "mode": args.mode, "records": records, "failed": failed, "units": units,
        "seconds": round(seconds, 1),
        "peak_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "cpu_s_self": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
        "cpu_s_worker": round(sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]), 1),
        "loadavg_before": load_before, "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
        "pid": os.getpid(),
    }
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
