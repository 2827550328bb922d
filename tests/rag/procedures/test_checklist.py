"""Dossier checklists: generated from real cards, then opened and read back."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from ingest.procedures import read_jsonl
from rag.errors import ConfigError
from rag.procedures.checklist import checklist_docx, checklist_pdf
from tests.conftest import SHARED


def card(file: str, code: str, word: str = ""):
    path = SHARED / "procedures" / file
    return next(p for p in read_jsonl(path, path.read_bytes()).procedures if p.code == code and word in p.name)


@pytest.fixture(scope="module")
def khai_sinh():
    return card("cantho_sotuphap_quytrinh.jsonl", "QT 03/CX-HCTP", "khai sinh")


def test_docx_checklist_opens_with_every_item(khai_sinh):
    from docx import Document

    doc = Document(io.BytesIO(checklist_docx(khai_sinh, today=date(2026, 1, 2))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "DANH MỤC HỒ SƠ CẦN CHUẨN BỊ" in text
    boxes = [p.text for p in doc.paragraphs if p.text.startswith("☐ ")]
    assert len(boxes) == len(khai_sinh.dossier)
    for item, box in zip(khai_sinh.dossier, boxes):
        assert box.split("\n")[0] == f"☐ {item.name}"
    summary = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert summary["Thủ tục"] == "Đăng ký lại khai sinh" and summary["Số bộ hồ sơ"] == "01 bộ"
    assert summary["Thời hạn giải quyết"].startswith("5 ngày làm việc")
    assert "Ngày in: 02/01/2026" in text


def test_pdf_checklist_keeps_vietnamese_text_and_renders(khai_sinh, tmp_path):
    from pypdf import PdfReader

    data = checklist_pdf(khai_sinh)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    squashed = " ".join(text.split())
    assert "DANH MỤC HỒ SƠ CẦN CHUẨN BỊ" in squashed and "Đăng ký lại khai sinh" in squashed
    assert "Giấy tờ có giá trị chứng minh thông tin về cư trú" in squashed
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert any(
        "/FontFile2" in f.get_object()["/FontDescriptor"].get_object()
        for f in [x.get_object()["/DescendantFonts"][0] for x in fonts]
    )  # the TTF is embedded
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm missing: make system-deps installs poppler-utils")
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2000  # real text drawn on the page, not an empty sheet


def test_portal_card_checklist_has_counts_and_forms(tmp_path):
    from docx import Document

    p = card("dichvucong_raw_pages.jsonl", "1.004222")
    doc = Document(io.BytesIO(checklist_docx(p)))
    text = "\n".join(x.text for x in doc.paragraphs)
    assert "(bản chính: 1, bản sao: 0 · mẫu CT01)" in text
    assert "Trường hợp công dân đăng ký thường trú vào chỗ ở hợp pháp thuộc..." in text  # the case heading


def test_secondary_summary_checklist_carries_the_warning():
    from pypdf import PdfReader

    p = card("secondary_summaries_qd2228.jsonl", "1.011441")
    text = " ".join(PdfReader(io.BytesIO(checklist_pdf(p))).pages[0].extract_text().split())
    assert "Tóm tắt thứ cấp" in text


def test_missing_font_is_a_clear_config_error(khai_sinh, tmp_path):
    with pytest.raises(ConfigError, match="fonts-dejavu-core"):
        checklist_pdf(khai_sinh, font=Path(tmp_path / "none.ttf"))
