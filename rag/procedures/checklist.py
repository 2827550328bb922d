"""Printable dossier checklists for citizens: DOCX (python-docx) and PDF (fpdf2, a Unicode TTF).

The PDF embeds a TrueType font with Vietnamese glyphs (DejaVu Sans from Debian's
fonts-dejavu-core by default; any TTF can be configured with TTHC_PDF_FONT).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from rag.domain import DossierItem, Procedure
from rag.errors import ConfigError
from rag.procedures.render import SECONDARY_NOTE, duration_label

DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TITLE = "DANH MỤC HỒ SƠ CẦN CHUẨN BỊ"
DISCLAIMER = (
    "Danh mục tham khảo, lập từ tài liệu thủ tục đã nạp vào hệ thống. Vui lòng đối chiếu với "
    "quy định hiện hành tại nơi tiếp nhận hồ sơ."
)
BOX = "☐"


def item_details(item: DossierItem) -> str:
    """ "Nộp · bản chính 1, bản sao 0 · mẫu CT01" — only what the source states."""
    parts = []
    if item.kind:
        parts.append("Giấy tờ phải " + item.kind)
    if item.originals is not None or item.copies is not None:
        parts.append(f"bản chính: {item.originals or 0}, bản sao: {item.copies or 0}")
    elif item.copy_type:
        parts.append(item.copy_type)
    if item.form:
        parts.append(f"mẫu {item.form}")
    return " · ".join(parts)


def summary_lines(p: Procedure) -> list[tuple[str, str]]:
    rows = [("Thủ tục", p.name)]
    if p.code:
        rows.append(("Mã", p.code))
    if p.agency:
        rows.append(("Nơi nộp / cơ quan thực hiện", " ".join(p.agency.split())[:400]))
    if p.channels:
        rows.append(("Cách nộp", ", ".join(p.channels)))
    if p.processing_time:
        rows.append(("Thời hạn giải quyết", duration_label(p)))
    if p.fee_info and (p.fee_info.amounts or p.fee_info.free):
        amounts = sorted({a.amount for a in p.fee_info.amounts})
        text = ", ".join(f"{a:,}".replace(",", ".") + " đồng" for a in amounts) or "không thu"
        if p.fee_info.exemptions:
            text += " (có trường hợp được miễn, giảm)"
        rows.append(("Phí, lệ phí", text))
    if p.dossier_sets:
        rows.append(("Số bộ hồ sơ", p.dossier_sets))
    return rows


def _groups(p: Procedure) -> list[tuple[str, list[DossierItem]]]:
    """Items grouped by their case heading, in source order."""
    out: list[tuple[str, list[DossierItem]]] = []
    for item in p.dossier:
        if not out or out[-1][0] != item.group:
            out.append((item.group, []))
        out[-1][1].append(item)
    return out


def checklist_docx(p: Procedure, today: date | None = None) -> bytes:
    """The checklist as a Word document."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    doc.add_heading(TITLE, level=1)
    if p.secondary:
        doc.add_paragraph(f"Lưu ý: {SECONDARY_NOTE}.")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in summary_lines(p):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    doc.add_paragraph()
    if not p.dossier:
        doc.add_paragraph("Nguồn không liệt kê thành phần hồ sơ theo từng giấy tờ:")
        doc.add_paragraph(p.dossier_text or "(không có)")
    for group, items in _groups(p):
        if group:
            doc.add_paragraph(group).runs[0].bold = True
        for item in items:
            para = doc.add_paragraph(f"{BOX} {item.name}")
            details = item_details(item)
            if details:
                para.add_run(f"\n    ({details})").italic = True
    doc.add_paragraph()
    doc.add_paragraph(f"Nguồn: {p.source}")
    doc.add_paragraph(f"Ngày in: {(today or date.today()).strftime('%d/%m/%Y')}. {DISCLAIMER}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def checklist_pdf(
    p: Procedure,
    font: Path | str = DEFAULT_FONT,
    bold_font: Path | str | None = None,
    today: date | None = None,
) -> bytes:
    """The checklist as PDF with an embedded Unicode font (Vietnamese diacritics)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    font = Path(font)
    if not font.is_file():
        raise ConfigError(
            f"Không tìm thấy phông chữ {font} để xuất PDF: cài gói fonts-dejavu-core hoặc đặt TTHC_PDF_FONT. / "
            "PDF font not found (install fonts-dejavu-core or set TTHC_PDF_FONT)."
        )
    bold = Path(bold_font) if bold_font else font.with_name(font.stem + "-Bold" + font.suffix)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(f"{TITLE}: {p.name}")
    pdf.add_font("Body", "", str(font))
    pdf.add_font("Body", "B", str(bold if bold.is_file() else font))
    pdf.add_font("Body", "I", str(font))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: float = 10.5, style: str = "", height: float = 5.5, indent: float = 0) -> None:
        pdf.set_font("Body", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(TITLE, size=15, style="B", height=8)
    line(p.name, size=12, style="B", height=6.5)
    if p.secondary:
        line(f"Lưu ý: {SECONDARY_NOTE}.", size=9.5)
    pdf.ln(2)
    for label, value in summary_lines(p)[1:]:
        line(f"{label}: {value}", size=10)
    pdf.ln(3)
    if not p.dossier:
        line("Nguồn không liệt kê thành phần hồ sơ theo từng giấy tờ:", style="B")
        line(p.dossier_text or "(không có)", size=10)
    for group, items in _groups(p):
        if group:
            pdf.ln(1)
            line(group, style="B")
        for item in items:
            line(f"{BOX}  {item.name}", indent=2)
            details = item_details(item)
            if details:
                line(f"({details})", size=9, indent=8, height=4.8)
            pdf.ln(0.8)
    pdf.ln(3)
    line(f"Nguồn: {p.source}", size=8.5, height=4.2)
    line(f"Ngày in: {(today or date.today()).strftime('%d/%m/%Y')}. {DISCLAIMER}", size=8.5, height=4.2)
    return bytes(pdf.output())
