"""HTML pages saved from a portal: visible text, one line per block element."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders.base import LoadedFile
from ingest.loaders.text import decode_text
from ingest.normalise import normalise_text
from rag.errors import IngestError

_SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer", "iframe", "svg", "form", "button"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "blockquote", "pre", "dd", "dt", "header", "main", "body",
}


def html_lines(markup: str) -> list[str]:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"HTML không đọc được / unreadable HTML: {exc}") from exc
    chunks: list[str] = []

    def walk(el) -> None:  # noqa: ANN001 - lxml element
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            if el.tail:
                chunks.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            chunks.append("\n")
        if tag in ("td", "th"):
            chunks.append(" | ")
        if el.text:
            chunks.append(el.text)
        for child in el:
            walk(child)
        if block:
            chunks.append("\n")
        if el.tail:
            chunks.append(el.tail)

    walk(root)
    text = "".join(chunks)
    return [normalise_text(line).strip().strip("|").strip() for line in text.splitlines()]


def load_html(data: bytes, path: Path) -> LoadedFile:
    text, encoding = decode_text(data, path)
    lines = [ln for ln in html_lines(text) if ln]
    return LoadedFile(path=path, kind="html", lines=[(ln, None) for ln in lines], encoding=encoding)
