"""What every loader returns, and the limits every loader obeys."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

Line = tuple[str, int | None]
PageCallback = Callable[[int, int], None]  # (pages done, pages total)


@dataclass(frozen=True)
class LoadLimits:
    """Caps applied while reading one file (from ``Settings``)."""

    max_bytes: int = 50_000_000
    max_pages: int = 2000
    max_unzipped_bytes: int = 200_000_000  # .docx: total uncompressed size
    max_zip_ratio: float = 200.0  # .docx: refuse entries compressed more than this
    ocr: bool = True
    ocr_language: str = "vie"
    ocr_dpi: int = 300
    ocr_page_timeout_s: float = 120.0
    tool_timeout_s: float = 120.0  # antiword / LibreOffice


@dataclass
class LoadedFile:
    path: Path
    kind: str  # markdown | text | pdf | docx | doc | html
    lines: list[Line]
    header: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR
    needs_ocr: list[int] = field(default_factory=list)  # pages with no usable text (OCR off or failed)
    encoding: str = "utf-8"  # or the legacy encoding converted from: tcvn3, vni, cp1258
    warnings: list[str] = field(default_factory=list)
    # Word files: the text as laid out, every table row as "|cell|cell|" with empty cells kept (column
    # positions matter to the procedure layout parser, ``ingest.procedures``); "" for other kinds.
    layout: str = ""

    @property
    def text(self) -> str:
        return "\n".join(line for line, _ in self.lines)
