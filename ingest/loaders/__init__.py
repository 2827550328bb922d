"""File loaders: bytes on disk → lines of text with page numbers and header fields.

The real type is detected from the bytes, not the extension: ``sniff`` picks the loader
(``pdf``, ``docx``, ``doc``, ``html``, ``text``/``markdown``). A caller may add loaders of its own
for a suffix (``loaders={".xyz": load_xyz}``); a loader raises ``IngestError`` for a file it cannot
read, and anything else it raises is a bug.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ingest.loaders.base import LoadedFile, LoadLimits, Line, PageCallback
from ingest.loaders.text import decode_text, parse_header
from rag.errors import IngestError

__all__ = [
    "LoadedFile", "LoadLimits", "Line", "Loader", "PageCallback", "SUPPORTED_SUFFIXES", "decode_text",
    "library_errors", "load_file", "parse_header", "preload", "read_bytes", "sniff",
]

Loader = Callable[[bytes, Path, LoadLimits, PageCallback | None], LoadedFile]

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".pdf", ".docx", ".doc", ".html", ".htm", ".jsonl"}


def sniff(data: bytes, suffix: str = "") -> str:
    """Kind of file from its first bytes (the suffix only separates Markdown from plain text)."""
    head = data[:1024].lstrip()
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    lowered = head.lower().lstrip(b"\xef\xbb\xbf")
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower():
        return "html"
    if lowered.startswith(b"<") and (b"<body" in data[:8192].lower() or b"<p" in data[:4096].lower()):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def library_errors() -> tuple[type[BaseException], ...]:
    """What the parsing libraries raise for a file they cannot read: pypdfium2 and pypdf errors, a
    bad zip, malformed XML (python-docx, lxml), undecodable text. Imported when called: the
    ingesting process itself never loads a parsing library (the parse worker does, ``preload``)."""
    import zipfile

    import pypdfium2
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError
    from pypdf.errors import PyPdfError

    return (pypdfium2.PdfiumError, PyPdfError, zipfile.BadZipFile, PackageNotFoundError, LxmlError, UnicodeDecodeError)


def preload() -> None:
    """Import every loader and the parsing libraries they use, now: the parse worker does this
    before it caps its memory, so that no library import fails for lack of address space."""
    import docx  # noqa: F401
    import lxml.html  # noqa: F401
    import pypdf  # noqa: F401
    import pypdfium2  # noqa: F401

    from ingest.loaders import doc, html, ocr, pdf, text  # noqa: F401
    from ingest.loaders import docx as docx_loader  # noqa: F401


def read_bytes(path: Path, limits: LoadLimits) -> bytes:
    """The file's bytes, refused above ``limits.max_bytes``; ``IngestError`` when it cannot be read."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise IngestError(
                f"{path.name}: tệp quá lớn ({size / 1e6:.1f} MB > {limits.max_bytes / 1e6:.0f} MB) / file too large"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path.name}: không đọc được tệp / cannot read: {exc.strerror}") from exc
    return data


def load_file(
    path: Path,
    limits: LoadLimits | None = None,
    on_page: PageCallback | None = None,
    loaders: Mapping[str, Loader] | None = None,
) -> LoadedFile:
    """Read one file into lines; raises ``IngestError`` with a precise reason. ``loaders``: extra
    loaders by suffix, tried before the built-in ones."""
    limits = limits or LoadLimits()
    data = read_bytes(path, limits)
    if not data.strip():
        raise IngestError(f"{path.name}: tệp rỗng / empty file")
    extra = (loaders or {}).get(path.suffix.lower())
    if extra is not None:
        return extra(data, path, limits, on_page)
    if path.suffix.lower() == ".jsonl":  # pháp điển / procedure JSONL are read before reaching here
        raise IngestError(f"{path.name}: tệp JSONL không phải nguồn văn bản hay thủ tục đã biết / unknown JSONL")
    kind = sniff(data, path.suffix.lower())
    if kind == "pdf":
        from ingest.loaders.pdf import load_pdf

        return load_pdf(data, path, limits, on_page)
    if kind == "docx":
        from ingest.loaders.docx import load_docx

        return load_docx(data, path, limits)
    if kind == "doc":
        from ingest.loaders.doc import load_doc

        return load_doc(data, path, limits)
    if kind == "html":
        from ingest.loaders.html import load_html

        return load_html(data, path)
    if kind == "rtf":
        raise IngestError(f"{path.name}: định dạng RTF chưa hỗ trợ; hãy lưu thành .docx / RTF not supported")
    from ingest.loaders.text import load_text

    return load_text(data, path, markdown=kind == "markdown")
