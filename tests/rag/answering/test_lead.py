"""The answer's first sentence states the asked amount (issue 15): real clauses of the shared corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rag.answering.answer import extractive_sentences
from rag.config import load_settings
from rag.domain import Passage
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def articles():
    """Units of three laws of the corpus, parsed by the ingestion code: {(doc file, article): [units]}."""
    from ingest.loaders import load_file
    from ingest.pipeline import parse_file

    out: dict[tuple[str, str], list] = {}
    for name in ("26-2023-QH15", "15-2012-QH13", "25-2018-QH14", "60-2014-QH13"):
        _doc, units = parse_file(load_file(CORPUS / f"{name}.md"), load_settings())
        for u in units:
            out.setdefault((name, u.article), []).append(u)
    return out


def first_sentence(question: str, unit) -> str:
    return extractive_sentences(question, [Passage(unit=unit, score=1.0)])[0].text


# -- amounts a text states ------------------------------------------------------------------------


def test_amounts_are_read_by_kind():
    from rag.text.quantities import Figure, stated_figures

    assert stated_figures("Tôi 38 tuổi mới làm thẻ căn cước, năm 40 tuổi có phải đổi nữa không?") == [
        Figure("duration", Decimal(38), "tuổi"), Figure("duration", Decimal(40), "tuổi")]
    # a year is twelve months: "hơn một năm" and "12 tháng" are the same amount
    assert stated_figures("ra hơn một năm chưa thi hành") == stated_figures("từ 12 tháng liên tục trở lên")
    assert stated_figures("Bị phạt 3 triệu mà nhà vừa cháy") == [Figure("money", Decimal(3000000), "đồng")]
    assert stated_figures("Không đồng ý với quyết định, có hiệu lực từ ngày 01/7/2025, Điều 15") == []


# -- the first sentence ---------------------------------------------------------------------------


def test_a_count_asked_without_an_intent_word_leads_with_the_count(articles):
    (unit,) = [u for u in articles[("25-2018-QH14", "30")] if u.clause == "2"]
    first = first_sentence("Vụ tố cáo phức tạp được gia hạn mấy lần?", unit)
    assert first.startswith("Con số: «") and "một lần" in first


def test_a_long_sentence_is_cut_after_the_clause_that_states_the_period(articles):
    (unit,) = [u for u in articles[("15-2012-QH13", "74")] if u.clause == "1"]
    assert len(unit.text) > 320  # too long to lead with whole
    first = first_sentence("Thời hiệu thi hành quyết định xử phạt là bao lâu?", unit)
    assert first.startswith("Thời hạn: «Thời hiệu thi hành quyết định xử phạt vi phạm hành chính là 01 năm")
    assert len(first) < 340


def test_a_period_asked_for_is_not_an_age(articles):
    # Luật Căn cước Điều 19 khoản 2 states an age only: a deadline question finds no period there
    (unit,) = [u for u in articles[("26-2023-QH15", "19")] if u.clause == "2"]
    assert "14 tuổi" in unit.text
    first = first_sentence("Làm thủ tục cấp thẻ căn cước thì bao lâu có thẻ?", unit)
    assert not first.startswith("Thời hạn") and first.startswith("Theo ")  # quotes, no lead that is no period


def test_an_age_asked_for_leads_with_the_age(articles):
    (unit,) = [u for u in articles[("26-2023-QH15", "19")] if u.clause == "2"]
    first = first_sentence("Công dân từ bao nhiêu tuổi phải làm thủ tục cấp thẻ căn cước?", unit)
    assert first.startswith("Độ tuổi: «") and "14 tuổi" in first


def test_a_yes_no_question_about_a_fee_keeps_the_fee_lead(articles):
    # no figure asked ("có mất lệ phí không"): the piece that states the exemption leads, as the fee intent says
    (unit,) = [u for u in articles[("60-2014-QH13", "11")] if u.clause == "1"]
    first = first_sentence("Khai sinh đúng hạn có mất lệ phí không?", unit)
    assert first.startswith("Lệ phí, mức tiền: «") and "Miễn lệ phí" in first
