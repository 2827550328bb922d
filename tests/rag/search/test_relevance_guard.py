"""The relevance stage's guard: what retrieval had right stays in the first five (issue 15, item 15h).

On the real corpus slice (Luật Hộ tịch, Nghị định 23/2015). Each test also runs the stage with the guard (and the lean)
off, to show the stage alone would have pushed retrieval's article out of the first five.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.config import load_settings
from rag.engine import Engine
from rag.search.relevance import GUARD_SLOTS, exam_wording, load_weights, retrieval_lean


@pytest.fixture(scope="module")
def engine(slice_index, tmp_path_factory):
    import shutil

    index = tmp_path_factory.mktemp("guard") / "index"  # a copy: other modules' engines hold the slice index
    shutil.copytree(slice_index, index, ignore=shutil.ignore_patterns(".lock"))
    eng = Engine(load_settings(index_dir=index))
    yield eng
    eng.close()


def _ranked(engine, question, weights):
    retriever = engine.retriever
    shipped = retriever.weights
    retriever.weights = weights
    try:
        return retriever.rank_articles(question, 10)
    finally:
        retriever.weights = shipped


def test_the_shipped_weights_turn_the_guard_on():
    weights = load_weights()
    assert weights.keep_top >= 1 and weights.exam_pairs is not None and 0 < weights.exam_pairs <= 1


def test_a_question_in_the_statutes_words_keeps_retrievals_first_five(engine):
    question = "Thẩm quyền cấp bản sao trích lục hộ tịch"  # the wording of Luật Hộ tịch's own articles
    shipped = engine.retriever.weights
    off = _ranked(engine, question, replace(shipped, keep_top=0, exam_pairs=None, anchor_from=None))
    assert any(h.relevance.rank >= GUARD_SLOTS for h in off[:GUARD_SLOTS])  # the stage alone promotes one

    hits = _ranked(engine, question, shipped)
    pool = [h.relevance for h in hits if h.relevance is not None]
    profile = engine.retriever.profile(engine.retriever.analyse(question))
    assert exam_wording(profile, pool, engine.retriever.article_table()) >= shipped.exam_pairs
    assert sorted(h.relevance.rank for h in hits[:GUARD_SLOTS]) == list(range(GUARD_SLOTS))
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)  # scores go to places: never rising down the list

    # the guard's own explanations, without the lean (which alone keeps these five here)
    engine.retriever.weights = replace(shipped, anchor_from=None)
    try:
        passages = engine.search(question, top_k=GUARD_SLOTS + 1)
    finally:
        engine.retriever.weights = shipped
    moved = {p.unit.article: p.why["guard"] for p in passages if p.why and p.why["guard"]}
    kept = [g for g in moved.values() if g["rank"] <= GUARD_SLOTS < g["relevance_rank"]]
    pushed = [g for g in moved.values() if g["relevance_rank"] <= GUARD_SLOTS < g["rank"]]
    assert kept and pushed
    assert all(g["rules"] == ["exam_wording"] and g["exam_wording"] >= g["min_exam_wording"] for g in moved.values())
    assert "bước tìm kiếm xếp điều này thứ" in kept[0]["reason"]
    assert all(p.why["guard"] is None for p in passages if p.unit.article not in moved)


def test_retrievals_second_article_is_not_pushed_out_of_the_first_five(engine):
    question = "Bố và mẹ khác dân tộc thì con theo dân tộc của ai?"  # clerk's wording: no exam rule
    shipped = engine.retriever.weights
    off = _ranked(engine, question, replace(shipped, keep_top=0, exam_pairs=None, anchor_from=None))
    second = next(h for h in off if h.relevance.rank == 1)
    assert off.index(second) >= GUARD_SLOTS  # the stage alone puts retrieval's second below the first five

    hits = _ranked(engine, question, shipped)
    keys = [h.key for h in hits]
    assert keys.index(second.key) < GUARD_SLOTS
    guard = hits[keys.index(second.key)].relevance.guard
    assert guard["rules"] == ["keep_top"] and guard["relevance_rank"] > GUARD_SLOTS
    # the stage's order is otherwise kept: its first articles stay where they were
    assert keys[: GUARD_SLOTS - 1] == [h.key for h in off[: GUARD_SLOTS - 1]]


def test_the_shipped_weights_lean_on_retrieval_for_statute_worded_questions():
    weights = load_weights()
    assert weights.anchor_from is not None and 0 < weights.anchor_from < 1 and weights.anchor_weight > 0
    assert retrieval_lean(weights.anchor_from - 0.01, weights) == 0.0
    assert retrieval_lean(1.0, weights) == weights.anchor_weight


def test_a_question_in_the_statutes_words_keeps_retrievals_first_article_first(engine):
    question = "Thẩm quyền đăng ký khai sinh là gì?"  # Luật Hộ tịch's own heading, asked
    shipped = engine.retriever.weights
    off = _ranked(engine, question, replace(shipped, anchor_from=None, anchor_weight=0.0))
    assert off[0].relevance.rank == 1  # the stage alone puts retrieval's second article first

    hits = _ranked(engine, question, shipped)
    assert hits[0].relevance.rank == 0 and hits[0].relevance.anchor > 0
    # the lean moves the order only: every article keeps the stage's score (the abstention floors' scale)
    before = {h.key: h.relevance.score for h in off}
    assert all(h.relevance.score == pytest.approx(before[h.key]) for h in hits if h.key in before)
    first = engine.search(question, top_k=1)[0]
    assert first.why["retrieval_anchor"] > 0 and first.why["retrieval_rank"] == 1


def test_a_clerks_question_gets_no_lean(engine):
    question = "Bố và mẹ khác dân tộc thì con theo dân tộc của ai?"
    hits = _ranked(engine, question, engine.retriever.weights)
    assert hits and all(h.relevance.anchor == 0.0 for h in hits if h.relevance is not None)


def test_the_verdict_reads_the_stages_own_order_not_the_lean(engine):
    question = "Thẩm quyền đăng ký khai sinh là gì?"
    retriever = engine.retriever
    shipped = retriever.weights
    hits = _ranked(engine, question, shipped)
    assert hits[0].relevance.anchor > 0  # the lean put retrieval's first article first
    leaned = retriever.judge(question, hits)
    retriever.weights = replace(shipped, anchor_from=None)
    try:
        plain = retriever.judge(question, retriever.rank_articles(question, 10))
    finally:
        retriever.weights = shipped
    assert (leaned.answer, leaned.code, leaned.reason, leaned.details) == (plain.answer, plain.code, plain.reason, plain.details)
