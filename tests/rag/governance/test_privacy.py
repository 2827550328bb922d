"""PII detection and redaction: crafted cases per type, the labelled sentence sets, real questions."""

from __future__ import annotations

import json

import pytest

from bench.pii import DATA, load, score
from rag.governance.privacy import PLACEHOLDERS, detect, is_local_url, redact


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in detect(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CCCD 001090012345 của tôi", [("cccd", "001090012345")]),
        ("số căn cước 079 203 004 567", [("cccd", "079 203 004 567")]),
        ("CMND số 012345678 hết hạn", [("cmnd", "012345678")]),
        ("mã hồ sơ 012345678 đã nhận", []),  # 9 digits without a context word stay
        ("gọi 0912 345 678 nhé", [("phone", "0912 345 678")]),
        ("gọi +84 912.345.678 nhé", [("phone", "+84 912.345.678")]),
        ("máy bàn 024 3825 3456", [("phone", "024 3825 3456")]),
        ("số (+84) 903-112-233", [("phone", "(+84) 903-112-233")]),
        ("email a.b+c@so-tp.hanoi.gov.vn giúp", [("email", "a.b+c@so-tp.hanoi.gov.vn")]),
        ("MST 0312345678 của công ty", [("tax_code", "0312345678")]),
        ("chi nhánh 0101234567-001", [("tax_code", "0101234567-001")]),
        ("STK Vietcombank 0071 0001 23456", [("bank_account", "0071 0001 23456")]),
        ("số tài khoản: 190312345678 Techcombank", [("bank_account", "190312345678")]),
        ("xe 29A-123.45 bị mất", [("plate", "29A-123.45")]),
        ("xe máy 59-X1 123.45", [("plate", "59-X1 123.45")]),
        ("sinh ngày 12/03/1990 tại", [("birth_date", "12/03/1990")]),
        ("ngày sinh: 5 tháng 6 năm 1945", [("birth_date", "5 tháng 6 năm 1945")]),
        ("sinh năm 1985", [("birth_date", "1985")]),
        ("ở số nhà 12 ngõ 34 phố Huế, quận", [("address", "số nhà 12 ngõ 34 phố Huế")]),
        ("ở thôn Đông Hòa, xã Tân Lập", [("address", "thôn Đông Hòa")]),
        ("ở ấp 3 xã Tân Phú", [("address", "ấp 3")]),
        ("ở tổ dân phố 5", [("address", "tổ dân phố 5")]),
        ("anh Nguyễn Văn A hỏi", [("name", "Nguyễn Văn A")]),
        ("chị Lan hỏi", [("name", "Lan")]),
        ("cháu Trần Thị Bích Ngọc", [("name", "Trần Thị Bích Ngọc")]),
        ("Ông Lê Văn Hùng nộp hồ sơ", [("name", "Lê Văn Hùng")]),
        ("Phạm Minh Khôi nộp hồ sơ", [("name", "Phạm Minh Khôi")]),
    ],
)
def test_each_type_on_crafted_text(text, expected):
    assert kinds_and_texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Theo khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP thì lệ phí chứng thực là bao nhiêu?",
        "Luật Hộ tịch 60/2014/QH13 có hiệu lực từ ngày 01/01/2016 phải không?",
        "Bà mẹ Việt Nam anh hùng được hưởng chế độ gì?",
        "Ông bà nội có quyền nhận nuôi cháu không?",
        "Chủ tịch Ủy ban nhân dân xã có thẩm quyền chứng thực hợp đồng không?",
        "Tỉnh Bà Rịa - Vũng Tàu sáp nhập với tỉnh nào?",
        "Thành phố Hồ Chí Minh có bao nhiêu phường?",
        "Đường Lê Lợi thuộc phường nào?",
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh có nhiệm vụ gì?",
        "Lệ phí 8.000 đồng một bản, thời hạn 60 ngày.",
        "Bản sao được cấp từ sổ gốc có giá trị sử dụng thay cho bản chính không?",
    ],
)
def test_legal_questions_are_left_alone(text):
    assert detect(text) == []
    assert redact(text).text == text


def test_redaction_replaces_with_typed_placeholders_and_keeps_the_rest():
    text = "Anh Nguyễn Văn An, CCCD 001090012345, SĐT 0912 345 678, hỏi thủ tục khai sinh cho con."
    result = redact(text)
    assert result.text == "Anh [HỌ TÊN], CCCD [CCCD], SĐT [SĐT], hỏi thủ tục khai sinh cho con."
    assert result.kinds == ("name", "cccd", "phone")
    for span in result.spans:
        assert text[span.start : span.end] == span.text
        assert span.placeholder == PLACEHOLDERS[span.kind]
    assert "001090012345" not in result.text and "Nguyễn" not in result.text


def test_redaction_is_idempotent_and_handles_decomposed_unicode():
    text = "chị Trần Thị Mai, STK 0071000123456"
    once = redact(text).text
    assert redact(once).text == once and redact(once).spans == ()
    import unicodedata

    assert redact(unicodedata.normalize("NFD", text)).text == once


def test_measured_quality_on_labelled_sentences():
    """≥ 200 hand-labelled sentences; floors sit just under the numbers in docs/security.md."""
    dev, held_out, held_out2 = load(DATA / "dev.txt"), load(DATA / "test.txt"), load(DATA / "test2.txt")
    assert len(dev) + len(held_out) + len(held_out2) >= 200
    for items, precision, recall in ((dev, 0.97, 0.97), (held_out, 0.95, 0.90), (held_out2, 0.95, 0.93)):
        total = score(items).total().as_dict()
        assert total["span_precision"] >= precision and total["span_recall"] >= recall, total
    names = score(held_out).per_kind["name"].as_dict()
    assert names["span_precision"] >= 0.9 and names["span_recall"] >= 0.9, names
    assert score(held_out).false_positive_sentences == 0


def test_real_eval_questions_are_rarely_touched(shared_data):
    """Legal questions from the dev set: only hypothetical persons ("Nguyễn Văn A") get redacted."""
    questions = [json.loads(line)["question"] for line in (shared_data / "eval" / "dev.jsonl").open()]
    touched = [q for q in questions if detect(q)]
    assert len(questions) > 500
    assert len(touched) <= 0.02 * len(questions), touched


@pytest.mark.parametrize(
    "url, local",
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434", True),
        ("http://10.1.2.3/v1", True),
        ("http://192.168.1.20:8000", True),
        ("http://[::1]:8000", True),
        ("http://llm.internal:8000", True),
        ("https://api.openai.com/v1", False),
        ("http://8.8.8.8/v1", False),
    ],
)
def test_local_url_check(url, local):
    assert is_local_url(url) is local


def test_cli_redact_reads_stdin_and_prints_spans(capsys, monkeypatch):
    import io

    from ui.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("Bà Phạm Thị Lan, sinh ngày 01/02/1960\n"))
    assert main(["redact", "-"]) == 0
    assert capsys.readouterr().out == "Bà [HỌ TÊN], sinh ngày [NGÀY SINH]\n"
    assert main(["redact", "--json", "xe 30A-567.89, email lan@gmail.com"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == "xe [BIỂN SỐ], email [EMAIL]"
    assert [(s["type"], s["text"]) for s in data["spans"]] == [("plate", "30A-567.89"), ("email", "lan@gmail.com")]
