"""A lead that lists: when the governing clause is a list, the first sentence names its items
(real clauses of the shared corpus, parsed by the ingestion code)."""

from __future__ import annotations

import pytest

from rag.answering.answer import _verify_quoted, extractive_sentences, verification_config
from rag.answering.lists import MAX_ITEMS, enclosing_list, list_items
from rag.config import load_settings
from rag.domain import Passage
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def articles():
    """Units of the Law on Residence and the Law on Civil Status: {(doc file, article): [units]}."""
    from ingest.loaders import load_file
    from ingest.pipeline import parse_file

    out: dict[tuple[str, str], list] = {}
    for name in ("68-2020-QH14", "60-2014-QH13"):
        _doc, units = parse_file(load_file(CORPUS / f"{name}.md"), load_settings())
        for u in units:
            out.setdefault((name, u.article), []).append(u)
    return out


def clause(articles, doc: str, article: str, number: str):
    (unit,) = [u for u in articles[(doc, article)] if u.clause == number and not u.point]
    return unit


def lead(question: str, unit):
    return extractive_sentences(question, [Passage(unit=unit, score=1.0)])[0]


def test_a_papers_question_names_the_papers_not_the_lists_head(articles):
    unit = clause(articles, "68-2020-QH14", "28", "1")  # "Hồ sơ đăng ký tạm trú bao gồm: a) …; b) …"
    first = lead("đăng ký tạm trú cho người thuê trọ cần giấy tờ gì", unit)
    assert first.text == (
        "Hồ sơ: «Hồ sơ đăng ký tạm trú bao gồm»: «Tờ khai thay đổi thông tin cư trú»; "
        "«Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp»")
    # every quote is a span of the clause, highlighted where it stands
    assert [unit.text[s:e] for _n, s, e in first.spans] == [
        "Hồ sơ đăng ký tạm trú bao gồm", "Tờ khai thay đổi thông tin cư trú",
        "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"]


def test_a_long_list_names_its_first_items_and_counts_the_rest(articles):
    unit = clause(articles, "60-2014-QH13", "12", "1")  # "Nghiêm cấm các hành vi sau đây: a) … i)"
    items = list_items(unit.text, unit.text.index(":"))
    assert len(items) > MAX_ITEMS
    first = lead("những hành vi nào bị nghiêm cấm trong đăng ký hộ tịch", unit)
    assert first.text.startswith("Hành vi bị cấm: «Nghiêm cấm cá nhân thực hiện các hành vi sau đây»: «Cung cấp thông tin, tài liệu sai sự thật»; «")
    assert first.text.endswith(f"; và {len(items) - MAX_ITEMS} mục khác")
    assert len(first.spans) == 1 + MAX_ITEMS


def test_a_clause_without_a_list_leads_as_before(articles):
    unit = clause(articles, "60-2014-QH13", "16", "1")  # sentences, no enumerated items
    assert enclosing_list(unit.text, 0) is None
    first = lead("đăng ký khai sinh cho con thì cần mang giấy tờ gì", unit)
    assert first.text.startswith("Hồ sơ: «Người đi đăng ký khai sinh nộp tờ khai theo mẫu quy định và giấy chứng sinh")
    assert len(first.spans) == 1


def test_a_figure_asked_leads_with_the_figure_even_inside_a_list(articles):
    unit = clause(articles, "68-2020-QH14", "20", "3")  # item b) states 08 m2 sàn/người
    first = lead("diện tích nhà thuê tối thiểu bao nhiêu m2 một người thì được đăng ký thường trú", unit)
    assert "08 m2" in first.text and "»; «" not in first.text


def test_the_list_lead_is_verified_quote_by_quote(articles):
    unit = clause(articles, "68-2020-QH14", "28", "1")
    sentences = extractive_sentences("hồ sơ đăng ký tạm trú gồm những gì", [Passage(unit=unit, score=1.0)])
    checked = _verify_quoted(sentences[0], {1: unit}, verification_config(load_settings()))
    assert checked.status == "verified" and checked.kind == "lead"


def test_a_yes_no_question_about_one_case_quotes_the_head_and_that_item(articles):
    unit = clause(articles, "60-2014-QH13", "11", "1")  # "Miễn lệ phí … trong những trường hợp sau: a) …; b) …"
    first = lead("Khai sinh đúng hạn có mất lệ phí không?", unit)
    assert first.text == (
        "Lệ phí, mức tiền: «Miễn lệ phí đăng ký hộ tịch trong những trường hợp sau»: "
        "«Đăng ký khai sinh, khai tử đúng hạn, giám hộ, kết hôn của công dân Việt Nam cư trú ở trong nước»")
    assert len(first.spans) == 2


def test_a_fee_asked_of_an_exempted_case_leads_with_the_exemption_and_that_item(articles):
    unit = clause(articles, "60-2014-QH13", "11", "1")
    first = lead("Lệ phí đăng ký kết hôn ở xã là bao nhiêu tiền?", unit)
    assert first.text == (
        "Lệ phí, mức tiền: «Miễn lệ phí đăng ký hộ tịch trong những trường hợp sau»: "
        "«Đăng ký khai sinh, khai tử đúng hạn, giám hộ, kết hôn của công dân Việt Nam cư trú ở trong nước»")
    # a clause that states no amount and exempts nothing gives no lead for a fee asked
    plain = clause(articles, "60-2014-QH13", "11", "2")
    assert lead("Lệ phí đăng ký kết hôn ở xã là bao nhiêu tiền?", plain).kind != "lead"
