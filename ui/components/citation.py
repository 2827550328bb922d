"""Numbered citation chips and the source panel they open.

Document text is never rendered as HTML: it is markdown-escaped character by character, and the
supporting sentences are wrapped in Streamlit's ``:yellow-background[...]`` directive *after*
escaping, so a passage containing ``<script>`` or ``**`` shows those characters literally.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from rag.domain import Answer, Citation
from rag.answering.highlight import highlight_spans, reference_text
from rag.text.sentences import sentence_spans
from ui.components.status import show_badge

_MD_SPECIAL = set("\\`*_{}[]<>()#+-.!|~$:&=^\"'")


def escape_markdown(text: str) -> str:
    """Show text literally in ``st.markdown`` (no markup, no HTML, no emoji shortcodes)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def highlighted_markdown(text: str, spans: list[tuple[int, int]]) -> str:
    """Escaped text with the spans marked; one directive per line (directives do not span lines)."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(escape_markdown(text[pos:start]))
        pieces = text[start:end].split("\n")
        out.append("\n".join(f":yellow-background[{escape_markdown(p)}]" if p.strip() else p for p in pieces))
        pos = end
    out.append(escape_markdown(text[pos:]))
    return "".join(out).replace("\n", "  \n")


def answer_sentences_citing(answer: Answer, n: int) -> list[str]:
    """Answer sentences that carry the marker ``[n]``."""
    marker = f"[{n}]"
    return [answer.text[s:e] for s, e in sentence_spans(answer.text) if marker in answer.text[s:e]]


def chip_label(c: Citation) -> str:
    u = c.unit
    return f"[{c.n}] " + escape_markdown(f"{u.address} · {u.document.doc_number or u.document.key}")


def citation_chips(answer: Answer, key: str) -> Citation | None:
    """Numbered chips under an answer; returns the citation whose panel is open."""
    if not answer.citations:
        return None
    by_n = {c.n: c for c in answer.citations}
    chosen = st.pills(
        "Căn cứ trích dẫn — bấm để xem nguyên văn",
        options=list(by_n),
        format_func=lambda n: chip_label(by_n[n]),
        key=key,
    )
    return by_n.get(chosen) if chosen is not None else None


@st.cache_data(max_entries=64, show_spinner=False)
def pdf_page_png(path: str, page: int, mtime: float, scale: float = 1.6) -> bytes | None:
    """Render one page (1-based) of a PDF to PNG with pypdfium2; None when it cannot be read."""
    import io

    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        image = pdf[page - 1].render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()


def source_panel(c: Citation, answer: Answer, status: str | None = None) -> None:
    """The cited passage with its supporting sentences highlighted, breadcrumb, badge, page image."""
    u = c.unit
    doc = u.document
    with st.container(border=True, key=f"source-panel-{c.n}-{id(answer)}"):
        st.markdown(f"**\\[{c.n}\\] {escape_markdown(u.citation)}**")
        show_badge(status if status is not None else doc.status)
        for notice in c.passage.badge.notices if c.passage.badge else ():  # reform notices (rag.validity.reforms)
            st.warning(notice, icon="⚠️")
        st.caption(escape_markdown(u.breadcrumb))
        meta = [f"Số hiệu: {doc.doc_number or '—'}"]
        if doc.issuer:
            meta.append(f"Cơ quan ban hành: {doc.issuer}")
        if doc.effective_date:
            meta.append(f"Hiệu lực từ: {_vn_date(doc.effective_date)}")
        if u.page_start:
            pages = f"{u.page_start}" if u.page_end in (None, u.page_start) else f"{u.page_start}–{u.page_end}"
            meta.append(f"Trang: {pages}")
        st.caption(escape_markdown(" · ".join(meta)))
        if u.article_title:
            st.markdown(f"**Điều {escape_markdown(u.article)}. {escape_markdown(u.article_title)}**")
        reference = reference_text(answer.question, answer_sentences_citing(answer, c.n))
        spans = highlight_spans(u.text, reference)
        st.markdown(highlighted_markdown(u.text, spans))
        if spans:
            st.caption("Phần tô màu là câu làm căn cứ cho câu trả lời.")
        source = Path(doc.source)
        if u.page_start and source.suffix.lower() == ".pdf" and source.is_file():
            with st.expander(f"Xem trang {u.page_start} của bản gốc (PDF)"):
                png = pdf_page_png(str(source), u.page_start, source.stat().st_mtime)
                if png:
                    st.image(png, caption=f"{source.name} — trang {u.page_start}")
                else:
                    st.warning("Không hiển thị được trang này của tệp PDF.")
        st.caption(f"Tệp nguồn: {escape_markdown(source.name)}", help=str(doc.source))


def _vn_date(iso: str) -> str:
    parts = iso.split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else iso
