"""The fresh batches (rounds 15i, 15j, 15k, 15l, 15m, 15n, 15o, 15p, 15q, 15r, 15s): the rows load, the hidden kinds are as written, and every gold is real corpus text."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

import pytest

from bench.fresh import hidden_kind, load_batch
from tests.conftest import CORPUS

# batch → (first id number, hidden-kind counts of its unanswerable rows, clerk styles)
BATCHES = {
    "15i": (1, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 13, "situational": 11, "procedural": 4, "direct": 2}),
    "15j": (71, {"missing law": 15, "missing figure": 13, "post-2025 reform": 6, "later document": 6},
            {"numeric": 10, "situational": 12, "procedural": 4, "direct": 4}),
    "15k": (141, {"missing law": 15, "missing figure": 13, "post-2025 reform": 6, "later document": 6},
            {"numeric": 10, "situational": 12, "procedural": 4, "direct": 4}),
    "15l": (211, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 13, "situational": 10, "procedural": 4, "direct": 3}),
    "15m": (281, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 15, "situational": 10, "procedural": 3, "direct": 2}),
    "15n": (351, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 15, "situational": 10, "procedural": 3, "direct": 2}),
    "15o": (421, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 15, "situational": 10, "procedural": 3, "direct": 2}),
    "15p": (491, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 15, "situational": 10, "procedural": 3, "direct": 2}),
    "15q": (561, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 15, "situational": 10, "procedural": 3, "direct": 2}),
    "15r": (631, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 15, "situational": 10, "procedural": 3, "direct": 2}),
    "15s": (701, {"missing law": 18, "missing figure": 12, "post-2025 reform": 5, "later document": 5},
            {"numeric": 15, "situational": 10, "procedural": 3, "direct": 2}),
}

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


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_batch_loads_with_its_kinds(batch):
    first, kinds, styles = BATCHES[batch]
    rows = load_batch(batch)
    ids = [r["id"] for r in rows]
    assert ids == [f"fresh-{i:03d}" for i in range(first, first + 70)]
    assert {r["split"] for r in rows} == {"tune"}
    unans = [r for r in rows if r["kind"] == "unanswerable"]
    assert all(not r["answerable"] and r["gold"] == [] and r["style"] == "near-domain" for r in unans)
    assert Counter(hidden_kind(r["reason"]) for r in unans) == kinds
    clerk = [r for r in rows if r["kind"] == "clerk"]
    assert len(clerk) == 30 and all(r["answerable"] and r["gold"] for r in clerk)
    assert Counter(r["style"] for r in clerk) == styles
    assert all(r.get("figure") for r in clerk if r["style"] == "numeric")


def test_ids_are_unique_in_the_whole_file():
    from bench.clerk import QUESTIONS

    ids = [json.loads(line)["id"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_gold_articles_exist_and_figures_are_in_them(batch):
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    for r in load_batch(batch):
        texts = []
        for g in r["gold"]:
            arts = _articles(g["doc"])
            assert g["article"] in arts, f"{r['id']}: {g['doc']} {g['article']} not in the corpus"
            texts.append(nfc(arts[g["article"]]))
        if r.get("figure"):
            assert any(nfc(r["figure"]) in t for t in texts), f"{r['id']}: figure {r['figure']!r} not in its gold"
