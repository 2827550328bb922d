"""The citation verifier on crafted answers (synthetic decree-like passages written here)."""

from __future__ import annotations

import pytest

from rag.domain import LegalDocument, LegalUnit
from rag.text.sentences import split_sentences
from rag.text.quantities import extract_quantities
from rag.answering.verification import (
    VerificationConfig,
    citation_numbers,
    render,
    verify_sentence,
    verify_text,
)

DOC = LegalDocument(key="99-2030-ND-CP", doc_number="99/2030/NĐ-CP", doc_type="Nghị định", title="về thủ tục mẫu")
PASSAGES = {
    1: LegalUnit(
        document=DOC,
        article="7",
        clause="2",
        article_title="Thời hạn giải quyết",
        text="2. Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ, Ủy ban nhân dân cấp xã "
        "cấp giấy xác nhận cho người yêu cầu.",
    ),
    2: LegalUnit(
        document=DOC,
        article="9",
        clause="1",
        article_title="Lệ phí",
        text="1. Lệ phí cấp giấy xác nhận là 200.000 đồng mỗi lần; miễn lệ phí cho người thuộc hộ nghèo.",
    ),
}
STRICT = VerificationConfig(min_overlap=0.6, policy="remove")


def values(text: str) -> set[tuple[str, str]]:
    return {(q.value, q.unit) for q in extract_quantities(text)}


@pytest.mark.parametrize(
    "a, b",
    [
        ("05 ngày", "5 ngày"),
        ("200.000 đồng", "200 000 đ"),
        ("200.000 đồng", "200000 VNĐ"),
        ("5 triệu đồng", "5.000.000 đồng"),
        ("mười lăm ngày", "15 ngày"),
        ("10%", "10 phần trăm"),
        ("01/7/2016", "ngày 1 tháng 7 năm 2016"),
    ],
)
def test_quantities_normalise_to_the_same_value(a, b):
    assert values(a) and values(a) & values(b)


def test_different_units_do_not_match():
    assert not values("60 ngày") & values("60 tháng")


def test_sentence_split_keeps_markers_with_their_sentence():
    text = "Thời hạn là 05 ngày làm việc [1]. Lệ phí là 200.000 đồng. [2] Tp. Hà Nội áp dụng chung [1]!"
    assert split_sentences(text) == [
        "Thời hạn là 05 ngày làm việc [1].",
        "Lệ phí là 200.000 đồng. [2]",
        "Tp. Hà Nội áp dụng chung [1]!",
    ]
    assert citation_numbers("x [1, 3] [2-4]") == (1, 3, 2, 4)


def test_correct_paraphrase_is_verified():
    s = verify_sentence(
        "Ủy ban nhân dân cấp xã cấp giấy xác nhận trong 5 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ [1].",
        PASSAGES,
        STRICT,
    )
    assert s.status == "verified", s.reasons
    assert s.citations == (1,) and s.spans and s.spans[0][0] == 1


def test_money_written_differently_is_verified():
    s = verify_sentence("Lệ phí cấp giấy xác nhận là 200 000 đ mỗi lần [2].", PASSAGES, STRICT)
    assert s.status == "verified", s.reasons


def test_wrong_number_is_removed():
    s = verify_sentence("Ủy ban nhân dân cấp xã cấp giấy xác nhận trong 15 ngày làm việc [1].", PASSAGES, STRICT)
    assert s.status == "removed"
    assert any("15 ngày" in r for r in s.reasons)


def test_number_from_another_passage_than_the_cited_one_fails():
    s = verify_sentence("Lệ phí cấp giấy xác nhận là 05 ngày làm việc [2].", PASSAGES, STRICT)
    assert s.status == "removed"


def test_citation_to_unretrieved_passage_is_dropped():
    s = verify_sentence("Lệ phí cấp giấy xác nhận là 200.000 đồng mỗi lần [2][7].", PASSAGES, STRICT)
    assert s.citations == (2,) and s.status == "verified"
    assert any("[7]" in r for r in s.reasons)
    only_bad = verify_sentence("Lệ phí cấp giấy xác nhận là 200.000 đồng [7].", PASSAGES, STRICT)
    assert only_bad.status == "removed" and only_bad.citations == ()


def test_uncited_sentence_is_removed_or_flagged():
    text = "Lệ phí cấp giấy xác nhận là 200.000 đồng mỗi lần."
    assert verify_sentence(text, PASSAGES, STRICT).status == "removed"
    flagged = verify_sentence(text, PASSAGES, VerificationConfig(policy="flag"))
    assert flagged.status == "unverified" and "không có trích dẫn" in flagged.reasons


def test_unsupported_content_fails_the_overlap_check():
    s = verify_sentence("Công dân phải nộp thêm phiếu lý lịch tư pháp và giấy khám sức khỏe [1].", PASSAGES, STRICT)
    assert s.status == "removed" and any("trùng từ" in r for r in s.reasons)


def test_reference_numbers_are_checked_against_the_cited_address():
    ok = verify_sentence("Theo khoản 2 Điều 7 Nghị định 99/2030/NĐ-CP, thời hạn là 05 ngày làm việc [1].", PASSAGES, STRICT)
    assert ok.status == "verified", ok.reasons
    wrong = verify_sentence("Theo Điều 8 Nghị định 99/2030/NĐ-CP, thời hạn là 05 ngày làm việc [1].", PASSAGES, STRICT)
    assert wrong.status == "removed"


def test_render_shows_only_what_passed_and_labels_flags():
    answer = (
        "Thời hạn giải quyết là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ [1]. "
        "Lệ phí là 300.000 đồng [2]. Người nộp cần mang theo sổ hộ khẩu."
    )
    removed = verify_text(answer, PASSAGES, STRICT)
    assert [s.status for s in removed] == ["verified", "removed", "removed"]
    assert render(removed) == "Thời hạn giải quyết là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ [1]."
    flagged = verify_text(answer, PASSAGES, VerificationConfig(policy="flag"))
    shown = render(flagged)
    assert shown.count("(chưa kiểm chứng)") == 2 and "300.000" in shown


def test_passage_pieces_keep_thousands_and_dates_whole():
    """"15.000 đồng" must not be cut at its dot (a lead sentence quoting "15" would be wrong)."""
    from rag.text.sentences import passage_pieces

    text = "1. Lệ phí cấp thẻ là 15.000 đồng mỗi thẻ. Hiệu lực từ 01.01.2025; hết hạn lúc 8:30."
    pieces = [text[a:b] for a, b in passage_pieces(text)]
    assert "Lệ phí cấp thẻ là 15.000 đồng mỗi thẻ." in pieces
    assert "Hiệu lực từ 01.01.2025;" in pieces
    assert not any(p.rstrip(".").endswith(" 15") for p in pieces)
