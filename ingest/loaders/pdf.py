"""PDF: the text layer page by page (pypdfium2, pypdf as fallback); scanned pages go to OCR.

A page needs OCR when it has (almost) no text but an image covering much of it, or when its text
layer is not readable Vietnamese (fonts without a Unicode map). Running heads and page numbers
are removed here, where the page boundaries are still known.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Callable

from ingest.loaders.base import LoadedFile, LoadLimits, PageCallback
from ingest.loaders.ocr import INSTALL_HINT, ocr_available, ocr_pdf_page
from ingest.normalise import (
    fix_ocr_line,
    join_split_syllables,
    looks_vietnamese,
    normalise_text,
    remove_page_furniture,
    split_syllable_share,
)
from rag.errors import IngestError

log = logging.getLogger(__name__)
MIN_TEXT_LETTERS = 100  # fewer letters than this on an image page → scanned page


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def _image_cover(page) -> float:  # noqa: ANN001 - PdfPage
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    area = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        area += max(0.0, right - left) * max(0.0, top - bottom)
    return area / max(width * height, 1.0)


def needs_ocr(text: str, image_cover: Callable[[], float]) -> bool:
    """A scanned page: (almost) no text over a large image, or a text layer that is not Vietnamese."""
    if _letters(text) < MIN_TEXT_LETTERS:
        return image_cover() >= 0.3
    sample = " ".join(text.split()[:300])
    return len(sample.split()) >= 20 and not looks_vietnamese(sample)


def _page_texts_pypdf(data: bytes, path: Path, limits: LoadLimits) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > limits.max_pages:
            raise _too_many(path, len(reader.pages), limits)
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise IngestError(f"{path.name}: PDF hỏng hoặc không đọc được / corrupt PDF: {exc}") from exc


def _too_many(path: Path, pages: int, limits: LoadLimits) -> IngestError:
    return IngestError(
        f"{path.name}: PDF có {pages} trang > giới hạn {limits.max_pages} (TTHC_MAX_PAGES) / too many pages"
    )


def load_pdf(data: bytes, path: Path, limits: LoadLimits, on_page: PageCallback | None = None) -> LoadedFile:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        log.info("pdfium cannot open %s (%s): trying pypdf", path.name, exc)
        document = None
    ocr_pages: list[int] = []
    missing: list[int] = []
    warnings: list[str] = []
    if document is None:
        texts = [normalise_text(t) for t in _page_texts_pypdf(data, path, limits)]
        covers = [lambda: 0.0] * len(texts)
    else:
        if len(document) > limits.max_pages:
            raise _too_many(path, len(document), limits)
        texts, covers = [], []
        for i in range(len(document)):
            page = document[i]
            texts.append(normalise_text(page.get_textpage().get_text_bounded()))
            covers.append(lambda page=page: _image_cover(page))
    total = len(texts)
    if total == 0:
        raise IngestError(f"{path.name}: PDF không có trang nào / PDF has no pages")
    can_ocr = limits.ocr and document is not None and ocr_available(limits.ocr_language)
    pages: list[list[str]] = []
    for i, text in enumerate(texts):
        lines = text.splitlines()
        if needs_ocr(text, covers[i]):
            if can_ocr:
                try:
                    lines = [
                        fix_ocr_line(line)
                        for line in ocr_pdf_page(document[i], limits.ocr_dpi, limits.ocr_language, limits.ocr_page_timeout_s)
                    ]
                    ocr_pages.append(i + 1)
                    if not looks_vietnamese("\n".join(lines)):
                        warnings.append(f"trang {i + 1}: chữ OCR thiếu dấu tiếng Việt / OCR text lacks diacritics")
                except IngestError as exc:
                    missing.append(i + 1)
                    warnings.append(f"trang {i + 1}: {exc}")
            else:
                missing.append(i + 1)
        pages.append(lines)
        if on_page:
            on_page(i + 1, total)
    if missing and not limits.ocr:
        warnings.append("OCR đang tắt (TTHC_OCR=false) / OCR disabled")
    elif missing and document is not None and not ocr_available(limits.ocr_language):
        warnings.append(f"chưa cài Tesseract tiếng Việt ({INSTALL_HINT}) / Tesseract 'vie' not installed")
    pages = remove_page_furniture(pages)
    lines_out = []
    for number, page_lines in enumerate(pages, start=1):
        for line in page_lines:
            line = line.strip()
            if line:
                lines_out.append((line, number))
    body = "\n".join(line for line, _ in lines_out)
    if split_syllable_share(body[:20000]) > 0.03:  # a text layer that splits syllables ("Vi ệt")
        lines_out = [(join_split_syllables(line), page) for line, page in lines_out]
    if not lines_out:
        raise IngestError(
            f"{path.name}: PDF không có lớp chữ ({len(missing)} trang quét) và không OCR được: "
            f"{'; '.join(warnings) or 'không rõ'} / scanned PDF without a text layer, OCR unavailable"
        )
    return LoadedFile(
        path=path, kind="pdf", lines=lines_out, pages=total,
        ocr_pages=ocr_pages, needs_ocr=missing, warnings=warnings,
    )
