"""Retrieval metrics and the BM25 baseline, on small hand-checked cases and real eval files."""

from __future__ import annotations

import json
import math

import pytest

from rag.domain import LegalDocument, LegalUnit
from rag.errors import InputError
from rag.search.evaluation import (
    BM25Baseline,
    Question,
    article_texts,
    format_table,
    load_questions,
    ndcg,
    run_eval,
    score,
    source_group,
    without_diacritics,
)
from tests.conftest import SHARED

A, B, C = ("60/2014/QH13", "Điều 15"), ("60/2014/QH13", "Điều 16"), ("23/2015/NĐ-CP", "Điều 5")


def q(id_, gold, source="ALQAC 2022 training data (x)"):
    return Question(id_, "?", frozenset(gold), source)


def test_metrics_by_hand():
    questions = [q("1", {A}), q("2", {B}), q("3", {C}, "Zalo AI 2021 (y)")]
    runs = {"1": [A, B], "2": [C, C, C, C, C, B], "3": []}
    m = score(questions, runs)
    assert m.n == 3
    assert m.r1 == round(1 / 3, 4)
    assert m.r5 == round(1 / 3, 4)
    assert m.r10 == round(2 / 3, 4)
    assert m.mrr10 == round((1 + 1 / 6) / 3, 4)
    assert m.ndcg10 == round((1 + 1 / math.log2(7)) / 3, 4)


def test_ndcg_with_two_gold_articles():
    assert ndcg([A, B], frozenset({A, B})) == pytest.approx(1.0)
    assert ndcg([B, C, A], frozenset({A, B})) == pytest.approx((1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))


def test_run_eval_reports_per_source_and_latency():
    questions = [q("1", {A}), q("2", {C}, "Zalo AI 2021 Legal Text Retrieval train (z)")]
    result = run_eval(questions, lambda text: [A, A, C], name="toy")
    assert result.runs["1"] == [A, C]  # deduplicated
    assert set(result.by_source) == {"ALQAC 2022 training data", "Zalo AI 2021 Legal Text Retrieval train"}
    assert result.by_source["ALQAC 2022 training data"].r1 == 1.0
    assert result.by_source["Zalo AI 2021 Legal Text Retrieval train"].mrr10 == 0.5
    assert len(result.latencies_ms) == 2 and result.percentile(50) >= 0
    table = format_table([result])
    assert "toy" in table and "Zalo AI 2021" in table


def test_source_group():
    assert source_group("ALQAC 2025 train (DucLong06/ALQAC2023 …)") == "ALQAC 2025 train"
    assert source_group("") == "(không rõ)"


def test_loads_the_real_dev_file_and_strips_diacritics():
    questions = load_questions(SHARED / "eval" / "dev.jsonl")
    assert len(questions) > 500
    assert all(q.gold and all(article.startswith("Điều ") for _, article in q.gold) for q in questions)
    bare = without_diacritics(questions[:5])
    assert all(b.id.endswith("#nodiac") and b.gold == o.gold for b, o in zip(bare, questions))
    assert "đ" not in "".join(b.question.lower() for b in bare)


def test_bad_question_files_get_clear_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": 1, "question": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:1"):
        load_questions(bad)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="không có câu hỏi"):
        load_questions(empty)


def test_bm25_baseline_ranks_the_article_that_shares_the_words():
    doc = LegalDocument(key="60-2014-QH13", doc_number="60/2014/QH13")
    units = [
        LegalUnit(doc, "15", "Thời hạn đăng ký khai sinh là 60 ngày kể từ ngày sinh.", "Đăng ký khai sinh"),
        LegalUnit(doc, "16", "Người đi đăng ký kết hôn nộp tờ khai.", "Thủ tục đăng ký kết hôn"),
        LegalUnit(doc, "16", "Hai bên nam, nữ ký vào Sổ hộ tịch.", "Thủ tục đăng ký kết hôn", clause="2"),
    ]
    texts = article_texts(units)
    assert texts[B].count("\n") == 2  # title + both units of Điều 16
    for bigrams in (False, True):
        ranked = BM25Baseline(texts, bigrams)("thủ tục kết hôn")
        assert ranked[0] == B
