"""The asked figure in the first sentence (issue 15, figure first): general rules, on real clauses of the corpus."""

from __future__ import annotations

from tests.rag.answering.test_lead import clause_unit, first_sentence, parsed_units


def _leading_clause(question: str, units) -> str:
    from rag.search.relevance import answer_unit_order, profile

    return units[answer_unit_order(profile(question), units)[0]].clause


def test_a_figure_only_an_exception_states_does_not_pick_the_clause():
    # khoản 1: "… phải thực hiện chế độ tập sự, trừ trường hợp đã có thời gian từ đủ 12 tháng trở lên …" (the
    # exception's condition); khoản 2: "Thời gian tập sự từ 03 tháng đến 12 tháng …" (the rule's period)
    units = parsed_units(("58-2010-QH12",))[("58-2010-QH12", "27")]
    question = "Em tôi mới trúng tuyển viên chức ở trạm y tế xã, được báo phải tập sự. Viên chức tập sự bao lâu?"
    assert _leading_clause(question, units) == "2"
    (rule,) = [u for u in units if u.clause == "2"]
    assert "từ 03 tháng đến 12 tháng" in first_sentence(question, rule)


def test_a_periods_extension_comes_after_the_period_unless_asked():
    # khoản 8: "Thời hạn tạm giữ … là 07 ngày, kể từ ngày tạm giữ. Thời hạn tạm giữ có thể được kéo dài đối với những
    # vụ việc có nhiều tình tiết phức tạp … nhưng tối đa không quá 30 ngày …"
    unit = clause_unit("15-2012-QH13", "125", "8")
    first = first_sentence("Cảnh sát giao thông tạm giữ giấy phép lái xe của tôi thì được giữ tối đa mấy ngày?", unit)
    assert "là 07 ngày" in first and "30 ngày" not in first
    # the extension asked, or its case named: the extension leads
    assert "30 ngày" in first_sentence("Thời hạn tạm giữ tang vật được kéo dài tối đa bao nhiêu ngày?", unit)
    assert "30 ngày" in first_sentence("Vụ việc phức tạp cần xác minh thì tạm giữ tang vật tối đa bao nhiêu ngày?", unit)


def test_a_figure_asked_as_what_something_is_picks_the_clause_stating_it_so():
    # khoản 2: "Thời hạn quản lý người sử dụng trái phép chất ma túy là 01 năm …"; khoản 4: "Trong thời hạn 03 ngày làm
    # việc kể từ ngày nhận được kết quả xét nghiệm dương tính …, Chủ tịch … ra quyết định và tổ chức quản lý …"
    units = parsed_units(("73-2021-QH14",))[("73-2021-QH14", "23")]
    question = "Con tôi dương tính với ma túy, xã vừa ra quyết định quản lý cháu. Thời hạn quản lý là bao lâu?"
    assert _leading_clause(question, units) == "2"


def test_a_period_the_situation_has_lasted_is_measured_against_the_rules_period():
    # khoản 2 a) "01 năm trong trường hợp bị phạt cảnh cáo, phạt tiền, …": the value of the rule, which the situation's
    # "hơn 1 năm" is measured against — not a restatement of the situation
    unit = clause_unit("01-VBHN-VPQH", "70", "2")
    question = "Anh tôi bị phạt tiền vì đánh bạc, nộp phạt xong được hơn 1 năm rồi thì đã được xóa án tích chưa, phải chờ bao lâu?"
    assert ": «01 năm trong trường hợp bị phạt cảnh cáo, phạt tiền" in first_sentence(question, unit)


def test_a_period_in_a_condition_still_restates_the_situation():
    # "nếu gộp số ngày nghỉ phép của 03 năm để nghỉ một lần thì …": the asker's own "ba năm", in a condition
    unit = clause_unit("58-2010-QH12", "13", "2")
    question = "Viên chức dạy ở vùng sâu được gộp phép mấy năm để nghỉ một lần, muốn gộp ba năm thì phải ai đồng ý?"
    assert "02 năm" in first_sentence(question, unit)


def test_a_clause_whose_best_piece_only_restates_the_situation_gives_way():
    from rag.answering.answer import _unpenalised_lead
    from rag.domain import Passage
    from rag.search.relevance import answer_unit_order, profile

    # khoản 1 "Tháng một hằng năm, Chủ tịch … báo cáo … danh sách công dân nam đủ 17 tuổi …" shares the most words but
    # states the asker's own "17 tuổi"; khoản 2 "Tháng tư hằng năm, … ra lệnh gọi công dân … để đăng ký nghĩa vụ quân
    # sự lần đầu" states the asked month
    units = parsed_units(("78-2015-QH13",))[("78-2015-QH13", "16")]
    question = "Em trai tôi năm nay đủ 17 tuổi, vậy tháng mấy em phải đi đăng ký nghĩa vụ quân sự lần đầu?"
    prof = profile(question)
    ordered = [Passage(unit=units[i], score=1.0) for i in answer_unit_order(prof, units)]
    assert ordered[0].unit.clause == "1"
    assert _unpenalised_lead(prof, ordered).unit.clause == "2"


def test_a_period_asked_before_a_yes_no_on_it_is_asked():
    from rag.search.relevance import profile

    # "bao lâu mới xong, có … không?": the period is asked, the yes/no is on it
    asked = profile("Chứng thực hợp đồng mua bán xe máy ở xã thì bao lâu mới xong, có lấy ngay trong ngày không?")
    assert asked.wants_figure and asked.figure_kind == "duration"
    # a number telling the situation before a yes/no is still not asked
    assert not profile("Khách ngủ lại mấy hôm thì có phải báo tạm trú không?").wants_figure
