"""What figure a question asks, and whether the closest articles state it (issue 15, seventh round): a figure
asked next to a yes/no, a number that only tells the situation, a measure, a sum stated against the base
salary, a fine's procedure or a crime's fine standing in for the fine asked."""

from __future__ import annotations

import pytest

from rag.domain import LegalDocument
from rag.search.relevance import DEFAULT_WEIGHTS, ArticleTable, has_figure, judge, profile, rerank
from tests.rag.search.test_relevance import _candidates, _corpus_units

# -- what the question asks -----------------------------------------------------------------------


def test_a_figure_asked_before_a_yes_no_on_it_is_still_asked():
    p = profile("Công ty trả lương tháng 3,8 triệu cho công nhân, lương tối thiểu vùng III bây giờ là bao nhiêu, "
                "vậy có thấp hơn không?")
    assert p.wants_figure and p.figure_kind == "money"
    p = profile("Cai nghiện tự nguyện tại cơ sở thì thời hạn bao lâu, nhà tôi khó khăn có được xét giảm chi phí không?")
    assert p.wants_figure and p.figure_kind == "duration"
    # the number of the situation, with a yes/no asked, still asks none
    assert not profile("Khách ngủ lại mấy hôm thì có phải báo tạm trú không?").wants_figure


def test_a_fine_asked_in_money_is_a_fine_not_a_fee():
    fine = profile("Dựng rạp cưới trên lòng đường mà không xin phép thì bị phạt bao nhiêu tiền?")
    assert fine.main_intent == "sanction" and fine.figure_kind == "money"
    # a fee asked beside a yes/no on a fine is still a fee
    assert profile("Đăng ký khai sinh quá hạn có bị phạt không, lệ phí bao nhiêu tiền?").main_intent == "fee"


def test_a_sum_collected_asks_money():
    assert profile("Gửi xe máy ở chợ xã thì người trông xe được thu tối đa bao nhiêu một lượt?").figure_kind == "money"
    assert profile("Bán hàng online thì doanh thu bao nhiêu một năm mới phải nộp thuế?").figure_kind == "money"
    # a period of a taking-back, or a count of people, is no sum
    assert profile("Thu hồi đất thì trong bao nhiêu ngày phải thông báo?").figure_kind == "duration"
    assert profile("Năm nay xã thu bao nhiêu người vào dân quân?").figure_kind == "number"


def test_a_day_or_month_asked_is_a_date_not_a_period():
    for q in ("Tháng hành động quốc gia phòng, chống bạo lực gia đình là tháng mấy?",
              "Mỗi năm gọi công dân nhập ngũ mấy lần, thường vào tháng nào?",
              "Ngày truyền thống của Dân quân tự vệ là ngày nào trong năm?"):
        p = profile(q)
        assert p.wants_figure and p.figure_kind == "date", q
    assert profile("Cai nghiện tự nguyện mấy tháng?").figure_kind == "duration"
    # a day of the week, or one counted from an event, is no date of the year ("ít nhất 01 ngày trong 01 tuần",
    # "ngày chủ nhật", "chậm nhất là 21 ngày trước ngày bầu cử")
    for q in ("Nộp hồ sơ ngày nào thì được?", "Chủ tịch xã tiếp công dân vào ngày nào trong tuần?",
              "Bầu cử đại biểu Quốc hội diễn ra vào ngày nào?"):
        assert profile(q).figure_kind != "date", q
    assert has_figure("date", "được tổ chức vào tháng 6 hằng năm") and has_figure("date", "Tháng tư hằng năm")
    assert not has_figure("date", "thời hạn 06 tháng") and not has_figure("date", "05 tháng lương cơ sở")


def test_a_number_in_a_sentence_that_tells_the_situation_asks_nothing():
    p = profile("Tôi bán tạp hóa tầng dưới, có để mấy bình gas bán kèm. Nhà ở kết hợp buôn bán như vậy phải bảo "
                "đảm điều kiện phòng cháy gì?")
    assert not p.wants_figure
    asked = profile("Nhà tôi có mấy bình gas. Phải trang bị mấy bình chữa cháy?")
    assert asked.wants_figure


@pytest.mark.parametrize("question, kind", [
    ("Chuồng lợn phải cách nhà ở của hàng xóm tối thiểu bao nhiêu mét?", "length"),
    ("Thẻ căn cước có kích thước bao nhiêu milimét?", "length"),
    ("Tách thửa đất ở phải còn lại tối thiểu bao nhiêu mét vuông?", "area"),
    ("Bình chữa cháy trong nhà trọ loại mấy ký?", "weight"),
    ("Chiều cao, cân nặng tối thiểu bao nhiêu thì đủ sức khỏe đi nghĩa vụ quân sự?", "length"),
    ("Mỗi ngôi mộ được xây với diện tích tối đa là bao nhiêu?", "area"),
    ("Hồ chứa của xã có dung tích dưới bao nhiêu thì là hồ chứa nước nhỏ?", "volume"),
    ("Diện tích đất vườn chuyển lên đất ở thì nộp bao nhiêu tiền?", "money"),
    ("Bao nhiêu người thì được thành lập tổ hòa giải?", "number"),
    ("Lợn bị tiêu hủy được hỗ trợ bao nhiêu tiền một cân hơi?", "money"),
    ("Mẹ tôi ngoài 80 tuổi, neo đơn, được trợ cấp xã hội hằng tháng theo hệ số bao nhiêu?", "coefficient"),
    ("Xe máy chạy trong khu đông dân cư được đi tối đa bao nhiêu km/h?", "speed"),
    ("Xe công nông chạy trên đường làng được phép tối đa mấy cây số một giờ?", "speed"),
    ("Nhà văn hóa thôn cách trụ sở xã bao nhiêu km?", "length"),
])
def test_a_measure_asked_wants_a_figure_in_that_measure(question, kind):
    assert profile(question).figure_kind == kind


def test_figures_of_a_measure():
    assert has_figure("length", "phải cách mặt đất từ 2,5 mét trở lên")
    assert has_figure("length", "chiều rộng 15 m")
    assert not has_figure("length", "diện tích từ 500 m2 trở lên")  # an area is no length
    assert has_figure("area", "diện tích từ 500 m2 trở lên") and has_figure("area", "rừng trồng từ 3 ha")
    assert not has_figure("area", "Chuồng nuôi phải tách biệt với nơi ở của người")
    assert has_figure("weight", "bình chữa cháy 4 kg") and not has_figure("weight", "04 bình chữa cháy")
    assert has_figure("speed", "vận tốc thiết kế không lớn hơn 60 km/h") and not has_figure("speed", "cách 60 km")
    assert has_figure("coefficient", "Hệ số 2,0 đối với người khuyết tật đặc biệt nặng")
    assert not has_figure("coefficient", "nhân với hệ số tương ứng quy định như sau")
    assert not has_figure("coefficient", "bằng 0,6 lần mức chuẩn trợ giúp xã hội")  # a multiple is no coefficient named


@pytest.mark.parametrize("question, kind", [
    ("Tôi làm ruộng, không có hợp đồng lao động thì mỗi năm phải đóng bao nhiêu?", "money"),
    ("Sao y giấy tờ ở xã thì nộp bao nhiêu một trang?", "money"),
    ("Đăng ký kết hôn phải nộp mấy bộ hồ sơ?", "number"),
    ("Phải đóng bảo hiểm xã hội bao nhiêu năm thì được lương hưu?", "duration"),
])
def test_a_sum_to_pay_asked_with_no_money_word_wants_money(question, kind):
    assert profile(question).figure_kind == kind


def test_a_sum_stated_against_a_base_amount_is_money():
    assert has_figure("money", "Mức hỗ trợ chi phí mai táng tối thiểu bằng 20 lần mức chuẩn quy định tại khoản 2 Điều 4")
    assert has_figure("money", "được hưởng học bổng bằng 80% mức lương cơ sở")
    assert has_figure("money", "được hưởng giá trị tài sản không vượt quá mười lần mức lương cơ sở")
    assert has_figure("money", "hỗ trợ một lần bằng 05 tháng lương cơ sở")
    assert not has_figure("money", "mức thu lệ phí bằng 90% mức thu lệ phí nộp trực tiếp")  # a rate of a fee
    assert not has_figure("money", "theo mức lương cơ sở do Chính phủ quy định")


# -- whether the closest articles state it --------------------------------------------------------


@pytest.fixture(scope="module")
def table() -> ArticleTable:
    """Real articles: the Law on Livestock (Điều 56 keeps a pen "tách biệt với nơi ở", with no distance), the
    Civil Code (Điều 178: an awning over a shared path "cách mặt đất từ 2,5 mét trở lên"), the Law on
    Administrative Sanctions (Điều 23, 24: the range of fines and each sector's ceiling; Điều 46: what inspectors may
    fine; Điều 56: a fine "không lập biên bản" up to 250.000 đồng), the Criminal Code (Điều 183: organising a child
    marriage, fined after an administrative sanction; Điều 314: building in a power line's safety corridor, when it
    injures or damages), the Law on Marriage and
    Family, and the social-assistance decree (Điều 11: burial support "bằng 20 lần mức chuẩn")."""
    livestock = LegalDocument("32-2018-QH14", "32/2018/QH14", "Luật", "Luật Chăn nuôi")
    civil = LegalDocument("91-2015-QH13", "91/2015/QH13", "Bộ luật", "Bộ luật dân sự")
    sanctions = LegalDocument("15-2012-QH13", "15/2012/QH13", "Luật", "Luật Xử lý vi phạm hành chính")
    criminal = LegalDocument("01-VBHN-VPQH", "01/VBHN-VPQH", "Văn bản hợp nhất (Bộ luật)", "Bộ luật Hình sự")
    family = LegalDocument("52-2014-QH13", "52/2014/QH13", "Luật", "Luật Hôn nhân và gia đình")
    social = LegalDocument("20-2021-ND-CP", "20/2021/NĐ-CP", "Nghị định",
                           "Quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội")
    status = LegalDocument("60-2014-QH13", "60/2014/QH13", "Luật", "Hộ tịch")
    employment = LegalDocument("38-2013-QH13", "38/2013/QH13", "Luật", "Việc làm")
    return ArticleTable.build([
        *_corpus_units("32-2018-QH14.md", livestock, {"53", "56"}),
        *_corpus_units("91-2015-QH13.md", civil, {"178"}),
        *_corpus_units("15-2012-QH13.md", sanctions, {"23", "24", "46", "56"}),
        *_corpus_units("01-VBHN-VPQH.md", criminal, {"183", "314"}),
        *_corpus_units("52-2014-QH13.md", family, {"5"}),
        *_corpus_units("20-2021-ND-CP.md", social, {"11"}),
        *_corpus_units("60-2014-QH13.md", status, {"15"}),
        *_corpus_units("38-2013-QH13.md", employment, {"50"}),
    ])


def test_a_distance_the_closest_article_does_not_state_abstains(table):
    verdict = _verdict(table, "Chuồng nuôi lợn của hộ gia đình phải cách nhà ở của hàng xóm ít nhất bao nhiêu mét?",
                       [("32-2018-QH14", "56"), ("32-2018-QH14", "53")])
    assert not verdict.answer and verdict.code == "figure_missing" and "khoảng cách" in verdict.reason
    assert "(Luật Chăn nuôi 32/2018/QH14 Điều 56" in verdict.reason  # the type once: not "Luật Luật Chăn nuôi"
    stated = _verdict(table, "Mái che cửa sổ nhô ra lối đi chung phải cách mặt đất tối thiểu mấy mét?",
                      [("91-2015-QH13", "178")])
    assert stated.answer


def test_the_procedure_of_a_fine_does_not_say_what_the_fine_is_for(table):
    # Điều 56 fines up to 250.000 đồng "không lập biên bản": it names no late birth registration
    asked = "Con tôi gần 5 tháng mới đi khai sinh, quá hạn như vậy thì xã có lập biên bản xử phạt không, phạt mức nào?"
    prof = profile(asked)
    ranked = rerank(prof, _candidates(table, [("15-2012-QH13", "56"), ("60-2014-QH13", "15")]), table, DEFAULT_WEIGHTS)
    verdict = judge(prof, ranked, table, DEFAULT_WEIGHTS, topics=())
    assert not verdict.answer and verdict.code == "figure_missing"
    # with the shipped law topics the reason names where the fine is: the sanctioning decree for hộ tịch
    named = judge(prof, ranked, table, DEFAULT_WEIGHTS)
    assert named.code == "law_not_indexed" and "hộ tịch" in named.details["law"]


def test_a_crimes_fine_does_not_answer_an_administrative_fine(table):
    asked = "Cha mẹ tổ chức tảo hôn cho con gái 16 tuổi thì bị phạt hành chính bao nhiêu tiền?"
    verdict = _verdict(table, asked, [("01-VBHN-VPQH", "183"), ("52-2014-QH13", "5")])
    assert not verdict.answer and verdict.code == "figure_missing"
    # the crime's own condition "đã bị xử phạt vi phạm hành chính … mà còn vi phạm" asks the crime's fine
    again = _verdict(table, "Người đã bị xử phạt vi phạm hành chính về tổ chức tảo hôn mà còn vi phạm thì bị phạt "
                            "tiền bao nhiêu?", [("01-VBHN-VPQH", "183"), ("52-2014-QH13", "5")])
    assert again.answer and again.details.get("amount_in") == ["01-VBHN-VPQH", "183"]


def test_a_crime_for_the_repeat_does_not_state_the_fine_for_a_first_act(table):
    # Điều 183's only clause fines "đã bị xử phạt vi phạm hành chính về hành vi này mà còn vi phạm": a first act's
    # fine is in the sanctioning decree, even when the question does not say "hành chính"
    first = _verdict(table, "Nhà bên cạnh gả con gái mới 15 tuổi, làm đám cưới linh đình. Tổ chức tảo hôn như vậy "
                            "thì bị phạt bao nhiêu tiền?", [("01-VBHN-VPQH", "183"), ("52-2014-QH13", "5")])
    assert not first.answer and first.code == "figure_missing"
    assert "Điều 183" in first.reason and "mà còn vi phạm" in first.reason and "nghị định xử phạt" in first.reason
    assert "«tổ chức tảo hôn" in first.reason  # what the asking sentence says, not the situation's "nhà bên"
    # the repeat told, or the crime asked, the clause states the fine
    for asked in ("Nhà bên cạnh tái phạm tổ chức tảo hôn cho đứa con thứ hai thì bị phạt bao nhiêu tiền?",
                  "Tội tổ chức tảo hôn bị phạt tiền bao nhiêu?"):
        verdict = _verdict(table, asked, [("01-VBHN-VPQH", "183"), ("52-2014-QH13", "5")])
        assert verdict.answer and verdict.details.get("amount_in") == ["01-VBHN-VPQH", "183"], asked


def test_a_fine_asked_of_an_act_is_not_the_sanctions_laws_frame_nor_a_crime(table):
    # the general sanctions law states ranges, sector ceilings and officials' powers, the Criminal Code a crime's
    # fine: none is the fine for building a house in a protected corridor
    asked = "Một hộ trong thôn đổ móng xây nhà kiên cố lấn ra sát công trình công cộng. Mức phạt tiền cho hành vi này là bao nhiêu?"
    for order in ([("15-2012-QH13", "23"), ("15-2012-QH13", "24")], [("01-VBHN-VPQH", "314")],
                  [("15-2012-QH13", "46")]):
        verdict = _verdict(table, asked, order)
        assert not verdict.answer and verdict.code == "figure_missing", order
    # asked of the frame itself, or of an official's power, or of the crime, they answer
    for asked, key in (("Vi phạm hành chính trong lĩnh vực giáo dục thì mức phạt tiền cao nhất là bao nhiêu?", "24"),
                       ("Chánh thanh tra sở được phạt tiền đến bao nhiêu?", "46")):
        verdict = _verdict(table, asked, [("15-2012-QH13", key)])
        assert verdict.answer and verdict.details.get("amount_in") == ["15-2012-QH13", key], asked
    crime = _verdict(table, "Xây nhà trong hành lang bảo vệ an toàn công trình điện gây thương tích thì bị truy cứu "
                            "tội gì, phạt tiền bao nhiêu?", [("01-VBHN-VPQH", "314")])
    assert crime.answer and crime.details.get("amount_in") == ["01-VBHN-VPQH", "314"]
    # a question that copies the crime's own words asks it, as exam questions do
    copied = _verdict(table, "Người nào tự ý xây nhà, công trình trong phạm vi hành lang bảo vệ an toàn công trình điện "
                             "gây thương tích thì có thể bị phạt tiền bao nhiêu?", [("01-VBHN-VPQH", "314")])
    assert copied.answer and copied.details.get("amount_in") == ["01-VBHN-VPQH", "314"]


def test_a_benefit_does_not_answer_a_fine(table):
    # Điều 50 states the unemployment benefit ("tối đa không quá 05 lần mức lương cơ sở"), no fine for not paying in
    verdict = _verdict(table, "Công ty không đóng bảo hiểm thất nghiệp cho công nhân suốt 8 tháng thì bị phạt hành "
                              "chính bao nhiêu?", [("38-2013-QH13", "50")])
    assert not verdict.answer and verdict.code == "figure_missing"
    # asked of the benefit itself, the same clause answers
    benefit = _verdict(table, "Mức hưởng trợ cấp thất nghiệp hằng tháng tối đa là bao nhiêu?", [("38-2013-QH13", "50")])
    assert benefit.answer


def test_a_sum_stated_in_times_the_standard_answers(table):
    verdict = _verdict(table, "Người đang hưởng trợ cấp xã hội hằng tháng chết thì được hỗ trợ chi phí mai táng tối "
                              "thiểu bằng bao nhiêu?", [("20-2021-ND-CP", "11")])
    assert verdict.answer


# -- documents later than the index ---------------------------------------------------------------


def test_a_year_before_a_comma_is_a_year():
    assert profile("Nghe nói luật vừa được sửa năm 2025, có thêm quy định gì?").years == (2025,)
    assert profile("Phạt 2.025.000 đồng, có đúng không?").years == ()


def test_an_amendment_named_by_its_year_is_missing_unless_the_index_holds_one():
    from rag.domain import LegalUnit
    from rag.search.relevance import missing_named_documents

    decree = LegalDocument("23-2015-ND-CP", "23/2015/NĐ-CP", "Nghị định", "Về cấp bản sao từ sổ gốc, chứng thực",
                           issued_date="2015-02-16")
    units = [LegalUnit(decree, "37", "Thời hạn chứng thực hợp đồng, giao dịch không quá 02 (hai) ngày làm việc.",
                       "Thời hạn chứng thực hợp đồng, giao dịch")]
    asked = profile("Theo nghị định sửa đổi năm 2020 về chứng thực thì chứng thực hợp đồng mất mấy ngày?")
    assert missing_named_documents(asked, ArticleTable.build(units)) == ["nghị định sửa đổi năm 2020"]
    amending = LegalDocument("07-2020-ND-CP", "07/2020/NĐ-CP", "Nghị định",
                             "Sửa đổi, bổ sung một số điều của Nghị định số 23/2015/NĐ-CP", issued_date="2020-01-05")
    units.append(LegalUnit(amending, "1", "Sửa đổi, bổ sung Điều 5 như sau: …", "Sửa đổi, bổ sung một số điều"))
    assert missing_named_documents(asked, ArticleTable.build(units)) == []
    drugs = profile("Nghe nói luật phòng chống ma túy vừa được sửa năm 2025 thì thời hạn quản lý là bao lâu?")
    assert "luật sửa đổi năm 2025" in drugs.named_documents


def test_what_follows_theo_luat_is_no_law_name_when_it_is_the_asked_thing():
    assert profile("Con tôi 16 tuổi mới thi vào lớp mười. Theo luật tuổi vào lớp mười là bao nhiêu?").named_documents == ()
    assert profile("Theo Luật Công chứng thì công chứng viên phải làm gì?").named_documents == ("luật công chứng",)


# -- the eighth round's fresh batch (15n): a percent of the situation, two asks, a decree of a year ----------


def test_a_percent_that_tells_the_situation_leaves_a_sum_asked():
    p = profile("Bố tôi là thương binh, tổn thương cơ thể 61%. Mỗi tháng bố tôi được nhận bao nhiêu tiền?")
    assert p.figure_kind == "money"
    assert profile("Người thứ hai trong hộ đóng bảo hiểm y tế bằng bao nhiêu phần trăm?").figure_kind == "percent"
    assert profile("Lệ phí trước bạ nhà đất là bao nhiêu %?").figure_kind == "percent"


def test_a_sum_asked_before_a_yes_no_on_something_else_is_still_asked():
    p = profile("Uống rượu rồi chạy xe máy bị phạt bao nhiêu tiền, có bị tạm giữ xe không?")
    assert p.wants_figure and p.figure_kind == "money"


def _verdict(table: ArticleTable, question: str, order: list[tuple[str, str]]):
    """The judge's verdict on ``question`` with retrieval's candidates in ``order``."""
    prof = profile(question)
    return judge(prof, rerank(prof, _candidates(table, order), table, DEFAULT_WEIGHTS), table, DEFAULT_WEIGHTS)


def test_a_decree_of_a_year_the_closest_articles_are_not_from_is_missing():
    from tests.rag.search.test_relevance import _table

    table = _table()
    verdict = _verdict(table, "Năm 2024 Chính phủ ra nghị định mới về chứng thực, giờ chứng thực hợp đồng mất mấy ngày?",
                       [("23-2015-ND-CP", "37")])
    assert not verdict.answer and verdict.code == "named_document_missing" and "2024" in verdict.reason
    assert _verdict(table, "Theo nghị định ban hành năm 2015 thì chứng thực hợp đồng mất mấy ngày?",
                    [("23-2015-ND-CP", "37")]).answer


def test_an_amount_referred_to_an_annex_the_index_lacks_is_missing_and_the_reason_names_the_annex():
    from rag.domain import LegalUnit

    fees = LegalDocument("25-2021-TT-BTC", "25/2021/TT-BTC", "Thông tư", "Quy định mức thu, chế độ thu, nộp, quản lý "
                         "và sử dụng phí, lệ phí trong lĩnh vực xuất cảnh, nhập cảnh, quá cảnh, cư trú tại Việt Nam",
                         issued_date="2021-04-08")
    units = _corpus_units("25-2021-TT-BTC.md", fees, {"4"})
    question = "Làm hộ chiếu phổ thông cho con thì lệ phí là bao nhiêu tiền?"
    verdict = _verdict(ArticleTable.build(units), question, [("25-2021-TT-BTC", "4")])
    assert not verdict.answer and verdict.code == "figure_missing"
    assert verdict.details["annex"] == "Biểu mức thu phí, lệ phí" and "chưa có phụ lục này" in verdict.reason
    # once the annex is indexed (a unit outside the articles naming it), the reason no longer blames it
    annex = LegalUnit(fees, "", "Biểu mức thu phí, lệ phí … Cấp mới hộ chiếu: 200.000 đồng/lần", "")
    verdict = _verdict(ArticleTable.build([*units, annex]), question, [("25-2021-TT-BTC", "4")])
    assert "annex" not in verdict.details
