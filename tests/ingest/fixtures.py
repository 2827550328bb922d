"""Generators for the ingestion tests: files are written by the tests, never copied from elsewhere."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.conftest import SHARED

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PHAPDIEN = SHARED / "full" / "phapdien_documents.jsonl"  # the real pháp điển file, read in place

DECREE_PAGES = [
    [
        "CHÍNH PHỦ",
        "Số: 77/2031/NĐ-CP",
        "NGHỊ ĐỊNH",
        "Quy định về thử nghiệm cấp phép",
        "Căn cứ Luật Tổ chức Chính phủ;",
        "Chương I",
        "QUY ĐỊNH CHUNG",
        "Điều 1. Phạm vi điều chỉnh",
        "Nghị định này quy định về thủ tục thử nghiệm cấp phép cho cơ sở",
        "sản xuất trên địa bàn.",
        "Điều 2. Thời hạn giải quyết",
        "1. Thời hạn giải quyết là 07 ngày làm việc kể từ ngày nhận đủ",
    ],
    [
        "hồ sơ hợp lệ theo quy định tại",
        "Điều 3 của Nghị định này.",
        "2. Lệ phí cấp phép là 150.000 đồng.",
        "Điều 3. Hồ sơ",
        "Hồ sơ gồm tờ khai và bản sao giấy tờ tùy thân.",
        "Điều 4. Hiệu lực thi hành",
        "Nghị định này có hiệu lực thi hành từ ngày 01 tháng 3 năm 2031./.",
        "Nơi nhận:",
        "- Các Bộ, cơ quan ngang Bộ;",
        "TM. CHÍNH PHỦ",
        "THỦ TƯỚNG",
        "Nguyễn Văn Thử",
    ],
    [
        "PHỤ LỤC",
        "DANH MỤC CƠ SỞ THỬ NGHIỆM",
        "1. Cơ sở A tại xã Bình Minh.",
        "2. Cơ sở B tại phường Hòa Bình.",
    ],
]

# A procedure in the common "5. NỘI DUNG QUY TRÌNH" layout (ISO quy trình of a commune), written here.
PROCEDURE = """\
|UBND XÃ AN BÌNH     |QUY TRÌNH                        |Mã hiệu: QT 07/XA-TP     |
|                    |Chứng thực chữ ký người khuyết tật|Ngày ban hành: 02/3/2026 |

1. MỤC ĐÍCH
    Thử nghiệm.
5. NỘI DUNG QUY TRÌNH
  a. Thành phần, số lượng hồ sơ:
  * Giấy tờ phải xuất trình:
  - Thẻ căn cước (bản chính).
  * Giấy tờ phải nộp:
  - Giấy tờ cần chứng thực chữ ký (Mẫu số 02/CT).
  Số lượng hồ sơ: 01 bộ
  b. Thời hạn giải quyết: Không quá 02 (hai) ngày làm việc; trường hợp phức tạp không quá 05 ngày.
  c. Đối tượng thực hiện thủ tục hành chính: Cá nhân.
  d. Cơ quan thực hiện thủ tục hành chính: Ủy ban nhân dân cấp xã.
  đ. Cơ quan phối hợp: Không.
  e. Kết quả thực hiện thủ tục hành chính: Giấy tờ được chứng thực chữ ký.
  g. Phí, lệ phí: Theo mức thu do Hội đồng nhân dân tỉnh quyết định.
  h. Mẫu đơn, mẫu tờ khai: Không.
  i. Yêu cầu, điều kiện thực hiện thủ tục hành chính: Người yêu cầu tự ký trước mặt người thực hiện chứng thực.
  k. Căn cứ pháp lý của thủ tục hành chính:
  - Điều 24 Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ;
  - Luật Người khuyết tật năm 2010.
  l. Quy trình các bước xử lý công việc:
|TT |Trình tự các bước công việc          |Trách nhiệm              |Thời gian |
|1  |Tiếp nhận, kiểm tra hồ sơ            |Công chức Tư pháp -      |½ ngày    |
|   |                                     |Hộ tịch                  |          |
|2  |Ký chứng thực                        |Chủ tịch UBND xã         |01 ngày   |
|3  |Trả kết quả, thu phí                 |Bộ phận một cửa          |½ ngày    |

6. BIỂU MẪU
   - Sổ chứng thực.
"""


def running_head(page: int) -> str:
    return f"CÔNG BÁO/Số 12 + 13/Ngày 05-01-2031 {page + 40}" if page % 2 else f"{page + 40} CÔNG BÁO/Số 12 + 13/Ngày 05-01-2031"


def write_text_pdf(path: Path, pages: list[list[str]], heads: bool = True) -> Path:
    """A PDF with a real text layer (embedded Unicode TrueType font), one list of lines per page;
    each page carries a Công báo running head and a page number at the bottom."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if heads:
            pdf.cell(0, 8, running_head(number), new_x="LMARGIN", new_y="NEXT", align="C")
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        if heads:
            pdf.set_y(-20)
            pdf.cell(0, 8, str(number), align="C")
    pdf.output(str(path))
    return path


def write_scanned_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF page that is only a picture of text (as from a scanner), no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 44)
    image = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((200, 250 + i * 90), line, font=font, fill=0)
    image.save(path, "PDF", resolution=300)
    return path


def write_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.save(str(path))
    return path


def write_zip_bomb(path: Path, expanded_mb: int = 400) -> Path:
    """A .docx-looking zip whose document.xml expands to ``expanded_mb`` MB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"0" * (1 << 20)
            for _ in range(expanded_mb):
                member.write(block)
    return path


def to_tcvn3(text: str) -> bytes:
    """Encode with the TCVN3 code table written out here independently of the converter."""
    table = dict(zip(
        "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
        bytes(range(0xA1, 0xAF)) + bytes([0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6,
                                          0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1,
                                          0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE,
                                          0xDF, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9,
                                          0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4,
                                          0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE]),
    ))
    out = io.BytesIO()
    for ch in text:
        if ch in table:
            out.write(bytes([table[ch]]))
        elif ch.isupper() and ch.lower() in table:  # capitals with a tone: .VnTimeH font, same code
            out.write(bytes([table[ch.lower()]]))
        else:
            out.write(ch.encode("ascii"))
    return out.getvalue()


def write_procedure_pdf(path: Path, texts: list[str] | None = None) -> Path:
    """A text-layer PDF of procedure documents (default: ``PROCEDURE`` without its tables), the
    texts one after another, wrapped over as many pages as they need."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Body", "", str(FONT))
    pdf.set_font("Body", size=10)
    pdf.add_page()
    for text in texts or [PROCEDURE]:
        for line in text.splitlines():
            if not line.startswith("|"):
                pdf.multi_cell(0, 5, line or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_procedure_docx(path: Path) -> Path:
    """``PROCEDURE`` as a Word file whose title block and steps are real Word tables."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in PROCEDURE.splitlines()]
    title = rows[:2]
    steps: list[list[str]] = []
    for row in (r for r in rows if len(r) == 4):
        if row[0] or not steps:
            steps.append(row)
        else:  # a wrapped line of the printed table: one Word cell holds the whole text
            steps[-1] = [f"{a} {b}".strip() for a, b in zip(steps[-1], row)]
    paragraphs = [line for line in PROCEDURE.splitlines() if line.strip() and not line.startswith("|")]
    from docx import Document

    document = Document()
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate(title):
        for c, value in enumerate(row[:3]):
            table.cell(r, c).text = value
    cut = next(i for i, p in enumerate(paragraphs) if p.strip().startswith("l. Quy trình"))
    for text in paragraphs[: cut + 1]:
        document.add_paragraph(text)
    table = document.add_table(rows=len(steps), cols=4)
    for r, row in enumerate(steps):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for text in paragraphs[cut + 1 :]:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def small_phapdien_records(count: int) -> list[str]:
    """The first lines of the real pháp điển file with few, short articles (cheap to embed)."""
    out = []
    with PHAPDIEN.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if 2 <= len(record["articles"]) <= 4 and sum(len(a["text"]) for a in record["articles"]) < 900:
                out.append(line)
                if len(out) == count:
                    return out
    raise AssertionError("not enough small records")
