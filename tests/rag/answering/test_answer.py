"""Answers on the real corpus slice: extractive lead + quotes, abstention, follow-up questions."""

from __future__ import annotations

import pytest

from rag.answering.answer import ABSTAIN_TEXT
from rag.config import load_settings
from rag.engine import Engine
from rag.answering.followup import is_follow_up, rewrite_follow_up
from rag.text.quantities import extract_quantities


@pytest.fixture(scope="module")
def engine(slice_index):
    eng = Engine(load_settings(index_dir=slice_index))
    yield eng
    eng.close()


def test_extractive_answer_leads_with_the_clause_own_words(engine):
    answer = engine.ask("Thời hạn đăng ký khai sinh cho con là bao lâu?")
    assert not answer.abstained and answer.mode == "extractive"
    lead = answer.sentences[0]
    assert lead.kind == "lead" and "60 ngày" in lead.text and lead.status == "verified"
    unit = answer.citations[0].unit
    (n, start, end), = lead.spans
    assert n == 1 and unit.text[start:end] in lead.text  # the lead is verbatim from the clause
    assert answer.text.splitlines()[0] == f"Thời hạn: «{unit.text[start:end]}» [1]"
    assert all(s.status == "verified" for s in answer.sentences) and answer.verified
    # every number shown is in the passage it cites
    for s in answer.displayed_sentences:
        cited = " ".join(answer.citations[[c.n for c in answer.citations].index(k)].unit.text for k in s.citations)
        assert {q.value for q in extract_quantities(s.text) if q.kind == "number" and not q.unit.startswith(("điều", "khoản"))} <= {
            q.value for q in extract_quantities(cited)
        } | {"1"}


def test_question_without_a_factual_intent_gets_quotes_only(engine):
    answer = engine.ask("Nguyên tắc đăng ký hộ tịch")
    assert not answer.abstained
    assert all(s.kind == "quote" for s in answer.sentences)
    assert answer.text.startswith("Theo ")


def test_off_topic_question_abstains_with_related_passages(engine):
    answer = engine.ask("Cách nấu phở bò Hà Nội ngon như ngoài hàng?")
    assert answer.abstained and answer.text == ABSTAIN_TEXT and not answer.citations
    assert answer.related and answer.warnings


def test_follow_up_is_rewritten_with_the_conversation(engine):
    first = "Thời hạn đăng ký khai sinh cho con là bao lâu?"
    answer = engine.ask("còn khai tử thì sao?", history=[first])
    assert "khai tử" in answer.query and answer.query != "còn khai tử thì sao?"
    assert not answer.abstained
    assert answer.citations[0].unit.article in {"32", "33", "34"}  # the khai tử articles
    assert any(q.value == "15" for q in extract_quantities(answer.text))  # "15 ngày" to register a death


@pytest.mark.parametrize(
    "question, follow",
    [
        ("còn trường hợp quá hạn thì sao?", True),
        ("Thế còn lệ phí?", True),
        ("vậy cần giấy tờ gì?", True),
        ("Hồ sơ đăng ký kết hôn gồm những gì?", False),
        ("Ai có thẩm quyền chứng thực hợp đồng tặng cho đất?", False),
    ],
)
def test_follow_up_detection(question, follow):
    assert is_follow_up(question) is follow


def test_rewrite_keeps_the_topic_and_drops_the_question_words():
    history = ["Thời hạn đăng ký khai sinh cho con là bao lâu?"]
    assert rewrite_follow_up("còn trường hợp quá hạn thì sao?", history) == "đăng ký khai sinh trường hợp quá hạn"
    assert rewrite_follow_up("còn trường hợp quá hạn thì sao?", []) == "còn trường hợp quá hạn thì sao?"


def test_a_question_typed_without_diacritics_still_leads_with_the_asked_figure(engine):
    # the asked kind is read from the question with its diacritics restored ("han la bao nhieu ngay")
    answer = engine.ask("con toi sinh duoc 3 thang chua lam giay khai sinh, han la bao nhieu ngay")
    assert not answer.abstained
    first = answer.displayed_sentences[0]
    assert first.kind == "lead" and first.text.startswith("Thời hạn: «") and "60 ngày" in first.text
