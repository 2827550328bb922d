"""Round 15i's fresh batch: the rows load, the hidden kinds are as written, and every gold is real corpus text."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

from bench.fresh import hidden_kind, load_batch
from tests.conftest import CORPUS

HEAD = re.compile(r'^so_hieu: "([^"]*)"', re.M)


def _articles(number: str) -> dict[str, str]:
    """Article label → text, for the corpus document whose so_hieu is ``number``."""
    for path in CORPUS.glob("*.md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        m = HEAD.search(text[:800])
        if m and m.group(1) == number:
            parts = re.split(r"^#+ (Điều \d+[a-zđ]?)[.:]", text, flags=re.M)
            return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    return {}


def test_batch_loads_with_its_kinds():
    rows = load_batch("15i")
    ids = [r["id"] for r in rows]
    assert ids == [f"fresh-{i:03d}" for i in range(1, 71)]
    assert {r["split"] for r in rows} == {"tune"}
    unans = [r for r in rows if r["kind"] == "unanswerable"]
    assert all(not r["answerable"] and r["gold"] == [] and r["style"] == "near-domain" for r in unans)
    assert Counter(hidden_kind(r["reason"]) for r in unans) == {
        "missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5}
    clerk = [r for r in rows if r["kind"] == "clerk"]
    assert len(clerk) == 30 and all(r["answerable"] and r["gold"] for r in clerk)


def test_ids_are_unique_in_the_whole_file():
    from bench.clerk import QUESTIONS

    ids = [json.loads(line)["id"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(ids) == len(set(ids))


def test_gold_articles_exist_and_figures_are_in_them():
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    for r in load_batch("15i"):
        texts = []
        for g in r["gold"]:
            arts = _articles(g["doc"])
            assert g["article"] in arts, f"{r['id']}: {g['doc']} {g['article']} not in the corpus"
            texts.append(nfc(arts[g["article"]]))
        if r.get("figure"):
            assert any(nfc(r["figure"]) in t for t in texts), f"{r['id']}: figure {r['figure']!r} not in its gold"
