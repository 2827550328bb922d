"""Word .docx (python-docx): paragraphs and tables in body order; zip bombs refused up front."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ingest.loaders.base import LoadedFile, LoadLimits
from ingest.normalise import fix_legacy_text, normalise_text
from rag.errors import IngestError


def check_zip(data: bytes, path: Path, limits: LoadLimits) -> zipfile.ZipFile:
    """Open the archive and refuse it when its declared sizes could exhaust memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"{path.name}: tệp .docx hỏng (zip lỗi) / corrupt .docx: {exc}") from exc
    if len(infos) > 5000:
        raise IngestError(f"{path.name}: .docx có quá nhiều phần ({len(infos)}) / too many zip entries")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise IngestError(
            f"{path.name}: .docx giải nén ra {total / 1e6:.0f} MB > {limits.max_unzipped_bytes / 1e6:.0f} MB "
            "(nghi zip bomb) / uncompressed size over the limit (zip bomb?)"
        )
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise IngestError(
                f"{path.name}: phần {info.filename} nén {info.file_size / max(info.compress_size, 1):.0f} lần "
                "(nghi zip bomb) / suspicious compression ratio (zip bomb?)"
            )
    if "word/document.xml" not in archive.namelist():
        raise IngestError(f"{path.name}: tệp zip không phải .docx (thiếu word/document.xml) / zip is not a .docx")
    return archive


def _row_text(row) -> str:  # noqa: ANN001 - python-docx row
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
        if text and (not cells or cells[-1] != text):  # merged cells repeat their text
            cells.append(text)
    return " | ".join(cells)


def _row_layout(row) -> str:  # noqa: ANN001 - python-docx row
    """"|a| |c|": an empty cell is a space, as antiword prints it, so that columns keep their place."""
    return "|" + "|".join(cell.text.replace("\n", " ") or " " for cell in row.cells) + "|"


def docx_lines(data: bytes) -> tuple[list[str], list[str]]:
    """(lines, layout lines) in body order: table rows as "a | b" text and as "|a|b|" layout."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    lines: list[str] = []
    layout: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(block, document).text
            lines.extend(text.splitlines())
            layout.append(text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                lines.append(_row_text(row))
                layout.append(_row_layout(row))
    return lines, layout


def load_docx(data: bytes, path: Path, limits: LoadLimits) -> LoadedFile:
    check_zip(data, path, limits)
    try:
        raw, layout = docx_lines(data)
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError(f"{path.name}: .docx không đọc được / unreadable .docx: {exc}") from exc
    text, encoding = fix_legacy_text("\n".join(normalise_text(line).strip() for line in raw))
    lines = [(line, None) for line in text.splitlines() if line.strip()]
    return LoadedFile(path=path, kind="docx", lines=lines, encoding=encoding or "utf-8", layout="\n".join(layout))
