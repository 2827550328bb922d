"""The answer's first sentence states the asked amount (issue 15): real clauses of the shared corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rag.answering.answer import extractive_sentences
from rag.config import load_settings
from rag.domain import Passage
from tests.conftest import CORPUS


def parsed_units(names: tuple[str, ...]) -> dict[tuple[str, str], list]:
    """Units of corpus files, parsed by the ingestion code: {(doc file, article): [units]}."""
    from ingest.loaders import load_file
    from ingest.pipeline import parse_file

    out: dict[tuple[str, str], list] = {}
    for name in names:
        _doc, units = parse_file(load_file(CORPUS / f"{name}.md"), load_settings())
        for u in units:
            out.setdefault((name, u.article), []).append(u)
    return out


def clause_unit(name: str, article: str, clause: str):
    """The one unit of a clause of a corpus file's article, parsed by the ingestion code."""
    (unit,) = [u for u in parsed_units((name,))[(name, article)] if u.clause == clause]
    return unit


@pytest.fixture(scope="module")
def articles():
    """Units of four laws of the corpus."""
    return parsed_units(("26-2023-QH15", "15-2012-QH13", "25-2018-QH14", "60-2014-QH13"))


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


# -- which piece, which article (issue 15d) -------------------------------------------------------


@pytest.fixture(scope="module")
def more_articles():
    """Units of two fee circulars with flattened tables and one with references, the one-stop decree, the
    adoption law, the criminal code."""
    return parsed_units(("281-2016-TT-BTC", "226-2016-TT-BTC", "256-2016-TT-BTC", "61-2018-ND-CP", "52-2010-QH12",
                         "01-VBHN-VPQH"))


def test_a_fee_table_row_leads_with_its_own_value(more_articles):
    # the table's cells are flattened into lines "… 4 Phí khai thác …\n8.000 đồng/… 5 Phí xác nhận …"
    (unit,) = more_articles[("281-2016-TT-BTC", "4")]
    assert "8.000 đồng/bản sao trích lục/sự kiện hộ tịch đã đăng ký 5 Phí xác nhận có quốc tịch Việt Nam\n" in unit.text
    first = first_sentence("Phí xác nhận có quốc tịch Việt Nam là bao nhiêu tiền một trường hợp?", unit)
    assert first == "Lệ phí, mức tiền: «Phí xác nhận có quốc tịch Việt Nam 100.000 đồng/trường hợp»"
    first = first_sentence("Khai nhập quốc tịch Việt Nam lệ phí bao nhiêu", unit)
    assert first == "Lệ phí, mức tiền: «Lệ phí xin nhập quốc tịch Việt Nam 3.000.000 đồng/trường hợp»"


def test_a_lettered_table_row_leads_with_its_own_value(more_articles):
    (unit,) = more_articles[("226-2016-TT-BTC", "4")]
    first = first_sentence("Hợp đồng đã chứng thực rồi giờ muốn hủy bỏ thì phí chứng thực việc hủy là bao nhiêu?", unit)
    assert first.startswith("Lệ phí, mức tiền: «Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng")
    assert "30.000 đồng" in first and "50.000" not in first


def test_the_asking_phrases_go_whole_and_their_syllables_stay_in_other_words():
    from rag.answering.answer import question_words

    words = question_words("Trường hợp nào thì hợp đồng thực hiện thủ tục ở trường học hiện nay?")
    assert {"hợp", "đồng", "thực", "hiện", "trường", "học"} <= words  # "hợp đồng", "thực hiện", "trường học"
    assert not {"thủ", "tục", "nay"} & words


def test_a_lettered_row_is_read_with_its_groups_label(more_articles):
    # "a Chứng thực hợp đồng, giao dịch 50.000 đồng" sits under "3 Phí chứng thực hợp đồng, giao dịch:"
    (unit,) = more_articles[("226-2016-TT-BTC", "4")]
    first = first_sentence("Hai bên đem hợp đồng mua bán mảnh vườn ra xã chứng thực thì mỗi hợp đồng nộp phí mấy chục nghìn?",
                           unit)
    assert "50.000 đồng/hợp đồng" in first and "10.000 đồng" not in first


def test_a_count_asked_is_answered_by_a_count_of_that_thing(more_articles):
    # khoản 9 states "01 ngày trước ngày hết hạn" first; "mấy lần" asks the count of postponements
    (unit,) = [u for u in more_articles[("61-2018-ND-CP", "19")] if u.clause == "9"]
    first = first_sentence("Hồ sơ giải quyết trễ hẹn thì cơ quan được hẹn lại ngày trả kết quả mấy lần?", unit)
    assert first == "Con số: «Việc hẹn lại ngày trả kết quả được thực hiện không quá một lần»"


def test_a_piece_restating_the_situations_amount_does_not_lead(more_articles):
    # point c) restates the question's "dưới 01 tuổi"; the clause's opening states the prison term
    (unit,) = [u for u in more_articles[("01-VBHN-VPQH", "152")] if u.clause == "2"]
    question = "Đánh tráo người dưới 01 tuổi mà mình có trách nhiệm chăm sóc, nuôi dưỡng thì bị phạt tù ít nhất mấy năm?"
    first = first_sentence(question, unit)
    assert first.startswith("Mức phạt: «") and "phạt tù từ 03 năm" in first


def test_a_long_sentence_keeps_the_clauses_that_state_the_asked_period(more_articles):
    (unit,) = [u for u in more_articles[("52-2010-QH12", "22")] if u.clause == "1"]
    assert len(unit.text) > 400 and unit.text.find("20 ngày") > 320  # the first clauses state no period
    first = first_sentence("Đăng ký nuôi con nuôi ở xã xong thì bao lâu được trao giấy chứng nhận?", unit)
    assert first.startswith("Thời hạn: «tổ chức giao nhận con nuôi và ghi vào sổ hộ tịch trong thời hạn 20 ngày")


def test_the_cited_article_that_states_the_asked_figure_is_quoted_first(articles):
    from rag.answering.answer import figure_article_first
    from rag.search.relevance import profile

    (serving,) = [u for u in articles[("15-2012-QH13", "69")] if u.clause == "1"]
    (ages,) = [u for u in articles[("15-2012-QH13", "5")] if u.clause == "1"]
    question = "Thằng bé nhà bên 15 tuổi đánh nhau bị lập biên bản, từ đủ mấy tuổi thì bị xử phạt vi phạm hành chính?"
    chosen = [Passage(unit=serving, score=1.0), Passage(unit=ages, score=0.9)]
    reordered = figure_article_first(profile(question), chosen, lambda p: p)
    assert [p.unit.article for p in reordered] == ["5", "69"]
    # a first article that states an age keeps its place
    assert figure_article_first(profile(question), chosen[::-1], lambda p: p) == chosen[::-1]


def test_money_as_the_subject_does_not_make_a_period_asked_a_sum(articles):
    # "tiền phạt" is what is paid; "mấy ngày" is what is asked
    (unit,) = [u for u in articles[("15-2012-QH13", "78")] if u.clause == "1"]
    first = first_sentence("Nhận quyết định xử phạt rồi thì trong mấy ngày phải đi nộp tiền phạt?", unit)
    assert first.startswith("Thời hạn: «Trong thời hạn 10 ngày, kể từ ngày nhận được quyết định xử phạt")


def test_references_number_no_table_rows(more_articles):
    from rag.answering.answer import lead_pieces

    (unit,) = [u for u in more_articles[("256-2016-TT-BTC", "5")] if u.clause == "2"]
    sentence = "tại khoản 1 Điều 19, khoản 2 Điều 32 Luật căn cước công dân"
    assert any(sentence in unit.text[s:e] for s, e in lead_pieces(unit.text))


def test_a_rule_whose_period_has_ended_does_not_lead():
    # 25/2008/QH12 Điều 22 khoản 3: a provincial hospital paid "60% … đến ngày 31 tháng 12 năm 2020 và 100% …
    # từ ngày 01 tháng 01 năm 2021": today's rule leads
    units = parsed_units(("25-2008-QH12",))
    (unit,) = [u for u in units[("25-2008-QH12", "22")] if u.clause == "3"]
    first = first_sentence("Có thẻ bảo hiểm y tế, tự lên bệnh viện tỉnh nằm điều trị nội trú không có giấy chuyển tuyến "
                           "thì quỹ bảo hiểm y tế trả bao nhiêu?", unit)
    assert "100% chi phí điều trị nội trú" in first and "60%" not in first

    from rag.answering.answer import expired

    assert expired("60% chi phí từ ngày Luật này có hiệu lực đến ngày 31 tháng 12 năm 2020", year=2026)
    assert not expired("đủ 62 tuổi đối với lao động nam vào năm 2028", year=2026)  # a roadmap's end, not a past period
    assert not expired("áp dụng đến hết năm 2030", year=2026)


# -- a criminal article's graver clauses ---------------------------------------------------------


@pytest.fixture(scope="module")
def criminal_code():
    return parsed_units(("01-VBHN-VPQH",))


def _leading_clause(question: str, units) -> str:
    from rag.search.relevance import answer_unit_order, profile

    return units[answer_unit_order(profile(question), units)[0]].clause


def test_a_graver_case_named_picks_the_clause_stating_it(criminal_code):
    superstition = criminal_code[("01-VBHN-VPQH", "320")]
    graver = ("Bà ấy làm nghề đồng bóng, đã bị xử phạt hành chính về việc này mà vẫn tiếp tục làm, lần này "
              "làm chết người thì bị phạt tù bao nhiêu năm?")
    assert _leading_clause(graver, superstition) == "2"
    base = "Bà ấy làm nghề đồng bóng, đã bị xử phạt hành chính về việc này mà vẫn tiếp tục làm thì bị phạt thế nào?"
    assert _leading_clause(base, superstition) == "1"
    # "người phạm tội còn bị phạt tiền": the additional penalty's clause, though it does not repeat the offence
    prostitution = criminal_code[("01-VBHN-VPQH", "329")]
    fine = "Người phạm tội mua dâm người chưa thành niên còn có thể bị phạt tiền bao nhiêu?"
    assert "phạt tiền" in first_sentence(fine, prostitution[[u.clause for u in prostitution].index(
        _leading_clause(fine, prostitution))])


def test_the_highest_penalty_asked_leads_with_the_gravest_clause(criminal_code):
    premises = criminal_code[("01-VBHN-VPQH", "256")]
    highest = "Cho bạn mượn phòng trọ để mấy người vào hút ma túy thì có thể bị phạt tù cao nhất bao nhiêu năm?"
    clause = _leading_clause(highest, premises)
    unit = next(u for u in premises if u.clause == clause)
    assert first_sentence(highest, unit).startswith("Mức phạt: «")  # a prison term is a penalty, not a time limit
    assert "15 năm" in first_sentence(highest, unit)
    lowest = "Cho bạn mượn phòng trọ để mấy người vào hút ma túy thì bị phạt tù ít nhất bao nhiêu năm?"
    assert _leading_clause(lowest, premises) == "1"


def test_the_threshold_of_a_crime_asked_leads_with_the_offences_own_clause(criminal_code):
    # clause 1 of Điều 174 states the threshold ("trị giá từ 2.000.000 đồng"); the graver clauses' larger sums are
    # no answer to "từ bao nhiêu thì mới đủ truy cứu", and a crime's sum is no fee
    fraud = criminal_code[("01-VBHN-VPQH", "174")]
    question = ("Mẹ tôi bị lừa chuyển khoản 1,5 triệu tiền phí khóa công tơ. Số tiền bị chiếm đoạt từ bao nhiêu thì mới "
                "đủ truy cứu tội lừa đảo chiếm đoạt tài sản?")
    clause = _leading_clause(question, fraud)
    assert clause == "1"
    first = first_sentence(question, next(u for u in fraud if u.clause == clause))
    assert first.startswith("Mức tiền: «") and "từ 2.000.000 đồng" in first


def test_a_code_the_question_names_picks_its_line():
    classes = clause_unit("05-2022-QH15", "32", "1")
    question = "Rạp chiếu bộ phim dán nhãn T16, cháu tôi 15 tuổi thì phải đủ bao nhiêu tuổi mới được vào xem?"
    assert "từ đủ 16 tuổi" in first_sentence(question, classes)


def test_a_bound_on_an_amount_names_no_graver_case(criminal_code):
    # "trở lên" in the question and in clause 2's "… 50.000.000 đồng trở lên" is no case the question names
    gambling = criminal_code[("01-VBHN-VPQH", "321")]
    question = "Mấy ông trong xóm đánh bài ăn tiền bị bắt, đánh bạc từ bao nhiêu tiền trở lên thì bị truy cứu hình sự?"
    assert _leading_clause(question, gambling) == "1"


# -- a table of tiers: the one the situation falls in (issue 15, session 9) ----------------------------


def test_conditions_on_an_amount_are_read_as_ranges():
    from rag.text.quantities import Range, situation_amounts, stated_ranges

    assert stated_ranges("Hệ số 2,0 đối với đối tượng từ đủ 4 tuổi đến dưới 16 tuổi") == [
        Range("tuổi", Decimal(4), Decimal(16), high_open=True)]  # not also "dưới 16 tuổi"
    assert stated_ranges("xã có phụ cấp khu vực từ 0,7 trở lên") == [Range("", low=Decimal("0.7"))]
    assert stated_ranges("phạt tù trên 15 năm") == [Range("tháng", low=Decimal(180), low_open=True)]
    tier = stated_ranges("từ 0,4 đến 0,5")[0]
    assert tier.contains(Decimal("0.5"), "") and not tier.contains(Decimal("0.7"), "")
    assert not tier.contains(Decimal("0.5"), "%")  # another unit
    # references, dates, years and grouped numbers are no amounts of the situation
    assert situation_amounts("Cháu 10 tuổi, Điều 5 năm 2024, ngày 12 tháng 3, 1.500 người, phụ cấp khu vực 0,7, 61%") == [
        (Decimal(10), "tuổi"), (Decimal("0.7"), ""), (Decimal(61), "%")]


def test_a_tier_table_leads_with_the_tier_the_situation_falls_in():
    allowance = parsed_units(("132-2006-QD-TTg",))[("132-2006-QD-TTg", "2")][0]  # clause 1's first chunk: the rangers
    question = ("Tôi là công chức kiểm lâm làm việc trên địa bàn một xã vùng cao có phụ cấp khu vực 0,7. "
                "Phụ cấp ưu đãi theo nghề của tôi được bao nhiêu phần trăm?")
    first = first_sentence(question, allowance)
    assert first.startswith("Tỷ lệ: «Mức phụ cấp 50%") and "từ 0,7 trở lên" in first


def test_the_situations_amount_does_not_pick_the_tier_when_the_bound_is_asked():
    # "12 tuổi … từ bao nhiêu tuổi" asks the bound ("từ đủ 13 tuổi"), not the line for under-13s
    classes = clause_unit("05-2022-QH15", "32", "1")
    question = "Phim có nhãn T13, thằng cháu 12 tuổi đòi vào xem một mình, phim T13 dành cho người xem từ bao nhiêu tuổi?"
    assert "từ đủ 13 tuổi trở lên" in first_sentence(question, classes)


def test_a_count_the_situation_states_picks_its_tier():
    # Điều 2 k3 of 1186/2021/UBTVQH14: "nơi có dưới 100 cử tri … ít nhất là 50%. … từ 100 cử tri trở lên … ít
    # nhất là 55 cử tri" — two tiers in one line; 420 voters fall in the second
    voters = clause_unit("1186-2021-UBTVQH14", "2", "3")
    question = "Thôn tôi có 420 cử tri, họp hội nghị cử tri nơi cư trú thì phải có ít nhất bao nhiêu cử tri tham dự?"
    first = first_sentence(question, voters)
    assert "từ 100 cử tri trở lên" in first and "55 cử tri" in first


def test_counts_are_read_as_tier_bounds():
    from rag.text.quantities import Range, situation_amounts, stated_ranges

    assert stated_ranges("thôn có từ 200 hộ gia đình trở lên; từ 150 lao động đến dưới 350 lao động") == [
        Range("lao động", Decimal(150), Decimal(350), high_open=True), Range("hộ", low=Decimal(200))]
    assert situation_amounts("Thôn tôi có 420 cử tri, 35 hộ, 3 hội viên") == [(Decimal(420), "cử tri"), (Decimal(35), "hộ")]


def test_a_day_of_the_year_asked_leads_with_the_day():
    (day,) = parsed_units(("48-2019-QH14",))[("48-2019-QH14", "7")]
    first = first_sentence("Ngày truyền thống của Dân quân tự vệ là ngày nào trong năm?", day)
    assert first == "Thời điểm: «Ngày 28 tháng 3 hằng năm là ngày truyền thống của Dân quân tự vệ»"


def test_a_coefficient_asked_leads_with_the_coefficient():
    allowances = clause_unit("20-2021-ND-CP", "6", "1")
    question = ("Em tôi bị khuyết tật đặc biệt nặng, ở nhà không có thu nhập thì được trợ cấp xã hội hằng tháng "
                "theo hệ số bao nhiêu?")
    assert first_sentence(question, allowances) == "Hệ số: «Hệ số 2,0 đối với người khuyết tật đặc biệt nặng»"


def test_an_example_states_no_rule():
    # Điều 10 k1 of 02/2021/TT-BTP: the rule (130 % of the annex's rate), then "Ví dụ 01: … 130% x 23 buổi = 29,9 buổi"
    special = clause_unit("02-2021-TT-BTP", "10", "1")
    assert "Ví dụ 01" in special.text
    first = first_sentence("Hai trợ giúp viên cùng bào chữa cho một bị can thì khoán chi vụ việc tối đa bao nhiêu buổi?",
                           special)
    assert not first.startswith("Con số: «Căn cứ vào công việc thực tế")  # the example's computation does not lead
    assert first.startswith("Theo Khoản 1 Điều 10")  # the clause is quoted from its rule on
