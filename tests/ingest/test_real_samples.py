"""The real shared samples (../shared/data/pdf, see its MANIFEST.json), read in place."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.normalise import looks_vietnamese
from ingest.loaders import load_file
from ingest.worker import ParseOptions, parse_loaded, parse_path

PDF = "pdf"


def parse(shared_data, name: str):
    return parse_path(shared_data / PDF / name, ParseOptions())


def articles(parsed) -> list[str]:
    return list(dict.fromkeys(u.article for u in parsed.units if u.article))


def assert_clean(parsed):
    """No running head, no signature block or recipients inside any article unit."""
    for unit in parsed.units:
        assert "CÔNG BÁO" not in unit.text
        if unit.article:
            assert "Nơi nhận" not in unit.text and "CHỦ TỊCH QUỐC HỘI" not in unit.text


def test_luat_can_cuoc_congbao_pdf(shared_data):
    parsed = parse(shared_data, "congbao_luat-can-cuoc-26-2023-QH15.pdf")
    doc = parsed.document
    assert (doc.doc_number, doc.doc_type, doc.title, doc.issuer) == ("26/2023/QH15", "Luật", "Căn cước", "Quốc hội")
    assert doc.label == "Luật Căn cước 26/2023/QH15"
    assert (doc.issued_date, doc.effective_date) == ("2023-11-27", "2024-07-01")
    assert articles(parsed) == [str(n) for n in range(1, 47)]
    assert_clean(parsed)
    units = {u.address: u for u in parsed.units}
    assert units["Điều 1"].page_start == 1
    last = units["Khoản 4 Điều 46"]
    assert last.page_end == 30 and last.text.endswith("được sửa đổi, bổ sung hoặc thay thế.")
    assert "Vương Đình Huệ" not in last.text and "thông qua ngày" not in last.text
    # every page of the law is covered by some unit's page span
    covered = {p for u in parsed.units for p in range(u.page_start, u.page_end + 1)}
    assert covered == set(range(1, 31))
    assert "Cơ sở dữ liệu quốc gia về dân cư" in units["Điều 1"].text


def test_luat_xu_ly_vi_pham_hanh_chinh_pdf(shared_data):
    parsed = parse(shared_data, "luat-xu-ly-vi-pham-hanh-chinh-15-2012-QH13.pdf")
    assert parsed.document.doc_number == "15/2012/QH13"
    assert parsed.document.title == "Xử lý vi phạm hành chính"
    assert articles(parsed) == [str(n) for n in range(1, 143)]
    assert_clean(parsed)
    parts = Counter(u.part.split(".")[0] for u in parsed.units if u.part)
    assert len(parts) == 6  # Phần thứ nhất … Phần thứ sáu


def test_nghi_dinh_38_keeps_its_appendix_apart(shared_data):
    parsed = parse(shared_data, "congbao_nghi-dinh-38-2022-ND-CP.pdf")
    assert parsed.document.doc_number == "38/2022/NĐ-CP" and parsed.document.issuer == "Chính phủ"
    assert articles(parsed) == ["1", "2", "3", "4", "5"]
    assert_clean(parsed)
    annex = [u for u in parsed.units if u.annex]
    assert annex and all(u.article == "" for u in annex)
    assert any("Vùng IV" in u.text for u in annex)
    assert not any("Gò Công" in u.text for u in parsed.units if u.article)


@pytest.mark.parametrize(
    "name, number, kind, count",
    [
        ("luat-pccc-27-2001-QH10_mislabeled.docx", "27/2001/QH10", "doc", 65),  # really a Word 97 file
        ("nghi-dinh-23-2018-ND-CP.doc", "23/2018/NĐ-CP", "doc", 18),
        ("thong-tu-02-2021-TT-BTC.pdf", "02/2021/TT-BTC", "pdf", 7),
    ],
)
def test_word_and_small_pdf(shared_data, name, number, kind, count):
    parsed = parse(shared_data, name)
    assert (parsed.document.doc_number, parsed.kind) == (number, kind)
    assert articles(parsed) == [str(n) for n in range(1, count + 1)]
    assert_clean(parsed)


@pytest.mark.parametrize(
    "name, needle",
    [
        ("quy-trinh_QT01-CX-HCTP_dang-ky-khai-sinh.doc", "khai sinh"),
        ("congvan_cuc-canh-sat-pccc_xin-y-kien_signed.pdf", "góp ý"),
    ],
)
def test_documents_without_articles_become_paragraphs(shared_data, name, needle):
    # read as a legal document (the worker itself takes the QUY TRÌNH file for a procedure card)
    parsed = parse_loaded(load_file(shared_data / PDF / name), ParseOptions())
    assert parsed.units and all(u.article == "" for u in parsed.units if not u.annex)
    assert parsed.units[0].address == "Đoạn 1"
    assert any(needle in u.text for u in parsed.units)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, number, pages",
    [("scan_thong-tu-51-2025-TT-BCA.pdf", "51/2025/TT-BCA", 4), ("scan_luat-40-2013-QH13-sua-doi-luat-pccc.pdf", "40/2013/QH13", 11)],
)
def test_scans_are_ocred(shared_data, name, number, pages):
    parsed = parse(shared_data, name)
    assert parsed.ocr_pages == list(range(1, pages + 1)) and parsed.needs_ocr == []
    assert parsed.document.doc_number == number
    text = "\n".join(u.text for u in parsed.units)
    assert looks_vietnamese(text)
    assert articles(parsed)[:2] == ["1", "2"]
