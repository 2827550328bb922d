"""Check the law-topics table (rag/data/law_topics.csv) against a corpus of Markdown documents.

For every row: is its law already in the corpus (a document whose type + title contains one of
``indexed_if``: the row is then inert), and for every phrase: the corpus headings that say it (document
titles, chapter and article titles — a document naming the phrase there governs it, and the row should
not claim it) and the documents whose text says it (a phrase the text of the governing document says is
answered by that document). Phrases are compared as ``rag.search.topics`` compares them: whole
syllables, either tone placement.

    PYTHONPATH=. python scripts/check_law_topics.py                 # every row of the shipped table
    PYTHONPATH=. python scripts/check_law_topics.py --from-line 90  # rows from line 90 of the file
    PYTHONPATH=. python scripts/check_law_topics.py --phrase "vi bằng" --phrase "thừa phát lại"

Exit status 1 when a phrase occurs in a heading or a row's law is held (``--strict``), else 0.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from ingest.loaders.text import parse_header
from rag.legal.references import fold_words
from rag.search.topics import SHIPPED, canonical, load_topics

def default_corpus() -> Path:
    from bench import SHARED

    return Path(SHARED) / "corpus"


def read_corpus(folder: Path) -> dict[str, dict]:
    """doc id → {"name": type + title, "number", "headings": [canonical heading], "text": canonical body}."""
    docs: dict[str, dict] = {}
    for path in sorted(folder.glob("*.md")):
        fields, body = parse_header(path.read_text(encoding="utf-8"))
        raw_headings = [line.lstrip("#").strip() for line in body.splitlines() if line.startswith("#")]
        lines = [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
        name = f"{fields.get('loai', '')} {fields.get('ten', '')}".strip()
        raw_headings.insert(0, name)
        docs[path.stem] = {
            "name": name,
            "number": fields.get("so_hieu", path.stem),
            "headings": [canonical(h) for h in raw_headings],
            "raw_headings": raw_headings,
            "text": canonical(" ".join(lines)),
        }
    return docs


def heading_hits(phrase: str, docs: dict[str, dict]) -> list[tuple[str, str]]:
    said = canonical(phrase)
    out = []
    for d in docs.values():
        for canon, raw in zip(d["headings"], d["raw_headings"]):
            if said in canon:
                out.append((d["number"], raw))
    return out


def text_hits(phrase: str, docs: dict[str, dict]) -> dict[str, int]:
    said = canonical(phrase)
    out: dict[str, int] = {}
    for d in docs.values():
        n = d["text"].count(said)
        if n:
            out[d["number"]] = n
    return out


def held_by(indexed_if: tuple[str, ...], docs: dict[str, dict]) -> list[str]:
    return [d["number"] for d in docs.values()
            for want in indexed_if if f" {want} " in f" {fold_words(d['name'])} "]


def report_phrase(phrase: str, docs: dict[str, dict], show: int) -> bool:
    """Print one phrase's hits; True when a heading says it."""
    heads, texts = heading_hits(phrase, docs), text_hits(phrase, docs)
    flag = "HEADING" if heads else ("text" if texts else "ok")
    print(f"    [{flag:7}] {phrase!r}: headings {len(heads)}, text {sum(texts.values())} in {len(texts)} docs")
    for number, raw in heads[:show]:
        print(f"        H {number}: {raw[:110]}")
    for number, n in sorted(texts.items(), key=lambda kv: -kv[1])[:show]:
        print(f"        T {number}: {n}×  {next(d['name'] for d in docs.values() if d['number'] == number)[:90]}")
    return bool(heads)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", type=Path, default=SHIPPED)
    ap.add_argument("--corpus", type=Path, default=None, help="folder of Markdown documents (default: shared corpus)")
    ap.add_argument("--from-line", type=int, default=0, help="only rows at or after this line of the table")
    ap.add_argument("--phrase", action="append", default=[], help="check these phrases instead of the table")
    ap.add_argument("--show", type=int, default=3, help="examples shown per phrase")
    ap.add_argument("--strict", action="store_true", help="exit 1 on a heading hit or a held law")
    args = ap.parse_args(argv)
    docs = read_corpus(args.corpus or default_corpus())
    bad = False
    if args.phrase:
        for p in args.phrase:
            bad |= report_phrase(p, docs, args.show)
        return 1 if bad and args.strict else 0
    by_law: dict[str, list] = defaultdict(list)
    for topic in load_topics(args.table):
        if topic.line < args.from_line:
            continue
        by_law[topic.law].append(topic)
        held = held_by(topic.indexed_if, docs)
        print(f"line {topic.line}: {topic.law}" + (f"  — HELD by {', '.join(held)} (row inert)" if held else ""))
        bad |= bool(held)
        for p in topic.phrases:
            bad |= report_phrase(p, docs, args.show)
    return 1 if bad and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
