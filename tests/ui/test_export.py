"""Memo export and safe rendering, checked by opening the generated files."""

import io

from docx import Document
from pypdf import PdfReader

from rag.domain import Answer, Citation, LegalDocument, LegalUnit, Passage
from ui.components.citation import escape_markdown, highlighted_markdown
from ui.export import answer_plaintext, memo_docx, memo_pdf

DOC = LegalDocument(key="60-2014-QH13", doc_number="60/2014/QH13", doc_type="Luật", title="Hộ tịch",
                    status="còn hiệu lực", source="corpus/60-2014-QH13.md")
UNIT = LegalUnit(document=DOC, article="15", clause="1", article_title="Thời hạn đăng ký khai sinh",
                 text="Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm đăng ký khai sinh.")
ANSWER = Answer(
    question="Thời hạn đăng ký khai sinh là bao lâu?",
    text=f"Theo {UNIT.citation} [1]:\n«{UNIT.text}»",
    citations=(Citation(1, Passage(UNIT, 1.0)),),
)


def test_plaintext_lists_numbered_citations():
    text = answer_plaintext(ANSWER)
    assert "Câu hỏi: Thời hạn đăng ký khai sinh là bao lâu?" in text
    assert "[1] Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13 — tình trạng: còn hiệu lực" in text


def test_docx_memo_opens_with_vietnamese_text():
    doc = Document(io.BytesIO(memo_docx(ANSWER)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "PHIẾU TRẢ LỜI TRA CỨU PHÁP LUẬT" in text
    assert "Trong thời hạn 60 ngày kể từ ngày sinh con" in text
    assert "LÃNH ĐẠO DUYỆT" in doc.tables[0].cell(0, 1).text


def test_pdf_memo_keeps_diacritics():
    reader = PdfReader(io.BytesIO(memo_pdf(ANSWER)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "PHIẾU TRẢ LỜI TRA CỨU PHÁP LUẬT" in text
    assert "đăng ký khai sinh" in text
    assert "Khoản 1 Điều 15" in text


def test_document_text_is_escaped_never_markup():
    hostile = "<script>alert(1)</script> **đậm** [liên kết](http://x) :smile: $x$"
    shown = escape_markdown(hostile)
    for raw in ("<script>", "**", "](", ":smile:", "$x$"):
        assert raw not in shown
    marked = highlighted_markdown(hostile + "\nhai", [(0, len(hostile))])
    assert marked.startswith(":yellow-background[\\<script\\>")
    assert "<script>" not in marked and marked.endswith("  \nhai")
