"""File loaders: bytes on disk → lines of text with page numbers and header fields.

The real type is detected from the bytes, not the extension.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import IngestError
from rag.vietnamese import nfc

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".md", ".txt", ".pdf", ".markdown", ".jsonl"}
Line = tuple[str, int | None]


@dataclass
class LoadedFile:
    path: Path
    kind: str  # "markdown", "text", "pdf"
    lines: list[Line]
    header: dict[str, str] = field(default_factory=dict)
    pages: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line for line, _ in self.lines)


def sniff(data: bytes, suffix: str) -> str:
    """Kind of file from its first bytes (falls back to the suffix for text)."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def decode_text(data: bytes, path: Path) -> str:
    if b"\x00" in data[:4096]:
        raise IngestError(f"{path.name}: tệp nhị phân, không phải văn bản / binary file, not text")
    try:
        return nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path.name}: không phải UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại tệp dạng UTF-8 / "
            "not valid UTF-8"
        ) from exc


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a YAML-like ``---`` header (key: "value" lines) from the body."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    header: dict[str, str] = {}
    for line in text[3:end].splitlines():
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if value and value != "null":
            header[key.strip()] = value
    return header, text[end + 4 :]


def load_pdf(data: bytes, path: Path) -> LoadedFile:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        lines: list[Line] = []
        for number, page in enumerate(reader.pages, start=1):
            text = nfc(page.extract_text() or "")
            lines.extend((line, number) for line in text.splitlines())
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path.name}: PDF hỏng hoặc không đọc được / corrupt PDF: {exc}") from exc
    if not any(line.strip() for line, _ in lines):
        raise IngestError(
            f"{path.name}: PDF không có lớp chữ (bản quét), cần OCR / scanned PDF without a text layer"
        )
    return LoadedFile(path=path, kind="pdf", lines=lines, pages=len(reader.pages))


def load_file(path: Path, max_bytes: int | None = None) -> LoadedFile:
    """Read one file into lines; raises ``IngestError`` with a precise reason."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestError(
                f"{path.name}: tệp quá lớn ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB) / file too large"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path.name}: không đọc được tệp / cannot read: {exc.strerror}") from exc
    if not data.strip():
        raise IngestError(f"{path.name}: tệp rỗng / empty file")
    kind = sniff(data, path.suffix.lower())
    if kind == "pdf":
        return load_pdf(data, path)
    if kind in ("zip", "ole"):
        raise IngestError(f"{path.name}: định dạng Word chưa được hỗ trợ / Word format not supported yet")
    text = decode_text(data, path)
    header, body = parse_header(text) if kind == "markdown" or text.startswith("---") else ({}, text)
    return LoadedFile(
        path=path,
        kind="markdown" if header or kind == "markdown" else "text",
        lines=[(line, None) for line in body.splitlines()],
        header=header,
    )
