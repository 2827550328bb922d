"""scripts/check_law_topics.py on the shared corpus: a phrase a corpus heading says is flagged, a phrase of a law
the corpus lacks is not, and the shipped table has no row whose law the corpus holds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bench import SHARED

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(SHARED) / "corpus"


def _script():
    spec = importlib.util.spec_from_file_location("check_law_topics", ROOT / "scripts" / "check_law_topics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def check():
    return _script()


@pytest.fixture(scope="module")
def docs(check):
    return check.read_corpus(CORPUS)


def test_a_phrase_a_heading_says_is_flagged_and_a_missing_laws_phrase_is_not(check, docs, capsys):
    assert check.heading_hits("đăng ký khai sinh", docs)  # Luật Hộ tịch's article titles
    assert not check.heading_hits("sổ đỏ", docs) and not check.text_hits("sổ đỏ", docs)
    assert check.main(["--corpus", str(CORPUS), "--phrase", "đăng ký khai sinh", "--strict"]) == 1
    assert check.main(["--corpus", str(CORPUS), "--phrase", "sổ đỏ", "--strict"]) == 0
    assert "HEADING" in capsys.readouterr().out


def test_no_shipped_row_names_a_law_the_corpus_holds(check, docs):
    from rag.search.topics import SHIPPED, load_topics

    assert check.held_by(("luat ho tich",), docs)  # a held law is found (compared folded)
    held = {t.law: check.held_by(t.indexed_if, docs) for t in load_topics(SHIPPED)}
    assert not {law: numbers for law, numbers in held.items() if numbers}
