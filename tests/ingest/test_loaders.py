"""Each format through ``load_file``/``parse_path`` on files generated here."""

from __future__ import annotations

import resource
import time

import pytest

from ingest.loaders import LoadLimits, load_file, sniff
from ingest.worker import ParseOptions, ParserProcess, parse_path
from rag.errors import IngestError
from tests.ingest.fixtures import (
    DECREE_PAGES,
    to_tcvn3,
    write_docx,
    write_scanned_pdf,
    write_text_pdf,
    write_zip_bomb,
)

DECREE_TEXT = "\n".join(line for page in DECREE_PAGES for line in page)


def by_address(units):
    return {u.address: u for u in units}


def test_pdf_running_heads_pages_trailer_and_appendix(tmp_path):
    pdf = write_text_pdf(tmp_path / "nd.pdf", DECREE_PAGES)
    parsed = parse_path(pdf, ParseOptions())
    assert parsed.kind == "pdf" and parsed.pages == 3 and parsed.ocr_pages == []
    doc = parsed.document
    assert (doc.doc_number, doc.doc_type, doc.issuer) == ("77/2031/NĐ-CP", "Nghị định", "Chính phủ")
    assert doc.title == "Quy định về thử nghiệm cấp phép" and doc.effective_date == "2031-03-01"
    units = by_address(parsed.units)
    assert set(units) == {"Điều 1", "Khoản 1 Điều 2", "Khoản 2 Điều 2", "Điều 3", "Điều 4", "Phụ lục"}
    assert not any("CÔNG BÁO" in u.text or u.text.strip().isdigit() for u in parsed.units)
    # a clause broken over two pages (and a line starting with "Điều 3 của ...") stays one clause
    k1 = units["Khoản 1 Điều 2"]
    assert k1.text.endswith("hợp lệ theo quy định tại Điều 3 của Nghị định này.")
    assert (k1.page_start, k1.page_end) == (1, 2)
    assert (units["Điều 3"].page_start, units["Điều 3"].page_end) == (2, 2)
    # the signature block is not glued into the last article; the appendix is its own unit
    last = units["Điều 4"].text
    assert "Nơi nhận" not in last and "THỦ TƯỚNG" not in last and "Nguyễn Văn Thử" not in last
    annex = units["Phụ lục"]
    assert annex.article == "" and annex.article_title == "DANH MỤC CƠ SỞ THỬ NGHIỆM"
    assert "phường Hòa Bình" in annex.text and annex.page_start == 3


def test_broken_and_fake_pdfs_fail_with_reason(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    with pytest.raises(IngestError, match="PDF"):
        load_file(broken)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(write_text_pdf(tmp_path / "ok.pdf", DECREE_PAGES).read_bytes()[:1500])
    with pytest.raises(IngestError, match="PDF"):
        load_file(truncated)
    too_many = LoadLimits(max_pages=2)
    with pytest.raises(IngestError, match="trang"):
        load_file(tmp_path / "ok.pdf", too_many)


def test_scanned_pdf_is_ocred_with_vietnamese(tmp_path):
    lines = ["Điều 1. Phạm vi điều chỉnh", "Thông tư này hướng dẫn việc đăng ký xe và cấp biển số.",
             "Điều 2. Hiệu lực thi hành", "Thông tư này có hiệu lực từ ngày ký."]
    pdf = write_scanned_pdf(tmp_path / "scan.pdf", lines)
    loaded = load_file(pdf)
    assert loaded.ocr_pages == [1] and loaded.needs_ocr == []
    text = loaded.text
    assert "Điều 1" in text and "đăng ký xe" in text and "biển số" in text


def test_scanned_pdf_without_ocr_names_the_pages(tmp_path):
    pdf = write_scanned_pdf(tmp_path / "scan.pdf", ["Điều 1. Phạm vi"])
    with pytest.raises(IngestError, match="OCR"):
        load_file(pdf, LoadLimits(ocr=False))


def test_docx_with_table_and_real_type_detection(tmp_path):
    paragraphs = [line for page in DECREE_PAGES[:2] for line in page]
    docx = write_docx(tmp_path / "nd.docx", paragraphs, table=[["Mức thu", "Số tiền"], ["Cấp mới", "150.000 đồng"]])
    parsed = parse_path(docx, ParseOptions())
    assert parsed.kind == "docx" and parsed.document.doc_number == "77/2031/NĐ-CP"
    assert {u.address for u in parsed.units} >= {"Điều 1", "Khoản 2 Điều 2", "Điều 4"}
    assert "Cấp mới | 150.000 đồng" in load_file(docx).text
    # a .docx name over other bytes: the bytes decide
    renamed = tmp_path / "really-text.docx"
    renamed.write_text(DECREE_TEXT, encoding="utf-8")
    assert sniff(renamed.read_bytes(), ".docx") == "text"
    assert parse_path(renamed, ParseOptions()).document.doc_number == "77/2031/NĐ-CP"


def test_zip_bomb_is_refused_without_expanding(tmp_path):
    bomb = write_zip_bomb(tmp_path / "bomb.docx", expanded_mb=400)
    assert bomb.stat().st_size < 2_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(IngestError, match="zip bomb"):
        load_file(bomb)
    assert time.perf_counter() - start < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB: nothing expanded


def test_tcvn3_text_file_is_converted_and_parsed(tmp_path):
    legacy = tmp_path / "tcvn3.txt"
    legacy.write_bytes(to_tcvn3(DECREE_TEXT))
    parsed = parse_path(legacy, ParseOptions())
    assert parsed.encoding == "tcvn3"
    units = by_address(parsed.units)
    assert "hồ sơ hợp lệ" in units["Khoản 1 Điều 2"].text
    assert parsed.document.doc_number == "77/2031/NĐ-CP"


def test_html_page(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in DECREE_TEXT.splitlines())
    page = tmp_path / "vanban.htm"
    page.write_text(
        f"<!DOCTYPE html><html><head><title>x</title><script>var a = 'Điều 99. Không';</script></head>"
        f"<body><nav>Trang chủ</nav>{body}<table><tr><td>Mức thu</td><td>150.000 đồng</td></tr></table></body></html>",
        encoding="utf-8",
    )
    parsed = parse_path(page, ParseOptions())
    assert parsed.kind == "html"
    assert "Điều 99" not in {u.address for u in parsed.units} and "Điều 4" in {u.address for u in parsed.units}
    assert "Mức thu | 150.000 đồng" in load_file(page).text


def test_child_process_timeout_and_memory_cap(tmp_path):
    pdf = write_text_pdf(tmp_path / "nd.pdf", DECREE_PAGES)
    with ParserProcess(timeout_s=120, memory_mb=2048) as parser:
        assert parser.parse(pdf, ParseOptions()).document.doc_number == "77/2031/NĐ-CP"
    with ParserProcess(timeout_s=0.05, memory_mb=2048) as parser:
        with pytest.raises(IngestError, match="quá"):
            parser.parse(pdf, ParseOptions())
    big = tmp_path / "big.txt"
    big.write_text(("Điều 1. Một điều rất dài\n" + "Nội dung rất dài của khoản. " * 40 + "\n") * 40_000, encoding="utf-8")
    roomy = ParseOptions(LoadLimits(max_bytes=500_000_000))
    with ParserProcess(timeout_s=300, memory_mb=400) as parser:
        with pytest.raises(IngestError, match="bộ nhớ"):
            parser.parse(big, roomy)
        # the worker is replaced: the next file still parses
        assert parser.parse(pdf, ParseOptions()).document.doc_number == "77/2031/NĐ-CP"
