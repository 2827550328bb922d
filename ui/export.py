"""An answer with its citations as plain text, a DOCX memo and a PDF memo a leader can sign off.

Document text is written as text runs (never markup). The PDF embeds a Unicode TrueType font
(DejaVu Sans from Debian's fonts-dejavu-core) so Vietnamese diacritics render correctly.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rag.domain import Answer
from rag.errors import ConfigError

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
MEMO_TITLE = "PHIẾU TRẢ LỜI TRA CỨU PHÁP LUẬT"


def citation_lines(answer: Answer, status_text=lambda s: s or "không rõ") -> list[str]:
    out = []
    for c in answer.citations:
        u = c.unit
        page = f", trang {u.page_start}" if u.page_start else ""
        status = c.passage.badge.status if c.passage.badge else u.document.status  # validity service, as of the answer
        out.append(f"[{c.n}] {u.citation}{page} — tình trạng: {status_text(status)}")
        for notice in c.passage.badge.notices if c.passage.badge else ():
            out.append(f"    Lưu ý: {notice}")
    return out


def answer_plaintext(answer: Answer, status_text=lambda s: s or "không rõ") -> str:
    """What "Sao chép" copies: question, answer, numbered citations with sources."""
    parts = [f"Câu hỏi: {answer.question}", "", answer.text]
    lines = citation_lines(answer, status_text)
    if lines:
        parts += ["", "Căn cứ trích dẫn:", *lines]
    for w in answer.warnings:
        parts += ["", f"Lưu ý: {w}"]
    return "\n".join(parts).strip() + "\n"


def _today() -> str:
    d = dt.date.today()
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def memo_docx(answer: Answer, status_text=lambda s: s or "không rõ") -> bytes:
    """The memo as a Word document."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(MEMO_TITLE)
    run.bold = True
    run.font.size = Pt(14)
    date = doc.add_paragraph(_today())
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().add_run("Câu hỏi: ").bold = True
    doc.paragraphs[-1].add_run(answer.question)
    doc.add_paragraph().add_run("Trả lời:").bold = True
    for line in answer.text.splitlines():
        doc.add_paragraph(line)
    if answer.citations:
        doc.add_paragraph().add_run("Căn cứ trích dẫn:").bold = True
        for c, line in zip(answer.citations, citation_lines(answer, status_text)):
            doc.add_paragraph(line)
            quote = doc.add_paragraph(c.unit.text)
            quote.paragraph_format.left_indent = Pt(18)
            doc.add_paragraph(f"Nguồn: {c.unit.document.source}").runs[0].italic = True
    for w in answer.warnings:
        doc.add_paragraph(f"Lưu ý: {w}").runs[0].italic = True
    doc.add_paragraph(
        "Phiếu được tạo tự động từ các văn bản đã nạp; người sử dụng cần đối chiếu văn bản gốc."
    ).runs[0].italic = True
    sign = doc.add_table(rows=2, cols=2)
    sign.cell(0, 0).text = "NGƯỜI TRA CỨU"
    sign.cell(0, 1).text = "LÃNH ĐẠO DUYỆT"
    sign.cell(1, 0).text = "(Ký, ghi rõ họ tên)"
    sign.cell(1, 1).text = "(Ký, ghi rõ họ tên)"
    for row in sign.rows:
        for cell in row.cells:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def find_font(name: str = "DejaVuSans.ttf") -> Path:
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            return path
    raise ConfigError(
        f"Không tìm thấy phông chữ {name} để xuất PDF: cài gói fonts-dejavu-core / "
        "install fonts-dejavu-core"
    )


def memo_pdf(answer: Answer, status_text=lambda s: s or "không rõ") -> bytes:
    """The memo as a PDF (A4, DejaVu Sans)."""
    from fpdf import FPDF

    regular = find_font("DejaVuSans.ttf")
    bold = find_font("DejaVuSans-Bold.ttf")
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 11, style: str = "", align: str = "L", gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(MEMO_TITLE, 14, "B", "C")
    para(_today(), 10, "", "C", 4)
    para("Câu hỏi:", 11, "B", gap=0.5)
    para(answer.question)
    para("Trả lời:", 11, "B", gap=0.5)
    para(answer.text)
    if answer.citations:
        para("Căn cứ trích dẫn:", 11, "B", gap=0.5)
        for c, line in zip(answer.citations, citation_lines(answer, status_text)):
            para(line, 10.5, "B", gap=0.5)
            pdf.set_x(pdf.l_margin + 6)
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(width - 6, 5, c.unit.text, new_x="LMARGIN", new_y="NEXT")
            para(f"Nguồn: {c.unit.document.source}", 9, gap=2)
    for w in answer.warnings:
        para(f"Lưu ý: {w}", 10)
    para("Phiếu được tạo tự động từ các văn bản đã nạp; người sử dụng cần đối chiếu văn bản gốc.", 9, gap=8)
    pdf.set_font("DejaVu", "B", 11)
    half = width / 2
    pdf.cell(half, 6, "NGƯỜI TRA CỨU", align="C")
    pdf.cell(half, 6, "LÃNH ĐẠO DUYỆT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C")
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
