"""Legal-structure parser: Phần / Chương / Mục / Điều / Khoản / Điểm → ``LegalUnit``s.

Works on the shared corpus Markdown (``#### Điều N. Title``) and on plain text from PDFs
and Word files (``Điều N. Title`` at the start of a line). Pure functions over text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rag.domain import LegalDocument, LegalUnit
from rag.vietnamese import normalise_space

PART = re.compile(r"^(PHẦN|Phần)\s+(THỨ\s+\S+|thứ\s+\S+|[IVXLC]+|\d+)\b", re.UNICODE)
CHAPTER = re.compile(r"^(CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\b", re.UNICODE)
SECTION = re.compile(r"^(MỤC|Mục)\s+(\d+|[IVXLC]+)\b", re.UNICODE)
ARTICLE = re.compile(r"^Điều\s+(\d+[a-zđ]?)\s*[\.:]?\s*(.*)$", re.UNICODE)
CLAUSE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$", re.UNICODE)


@dataclass
class _Clause:
    number: str | None
    lines: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)


@dataclass
class _Article:
    number: str
    title: str
    part: str | None
    chapter: str | None
    section: str | None
    page: int | None
    clauses: list[_Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Line = tuple[str, int | None]


def _clean_heading(line: str) -> str:
    return normalise_space(line.lstrip("#").strip())


def parse_articles(lines: list[Line]) -> list[_Article]:
    """Group lines into articles and clauses; lines before the first article are dropped."""
    articles: list[_Article] = []
    part = chapter = section = None
    current: _Article | None = None
    pending_heading: str | None = None  # "Chương II" whose title is on the next line
    for raw, page in lines:
        line = _clean_heading(raw)
        if not line:
            continue
        if pending_heading is not None:
            if not ARTICLE.match(line) and len(line) < 200 and not CLAUSE.match(line):
                title = f"{pending_heading}. {line}"
                if pending_heading.upper().startswith("CHƯƠNG"):
                    chapter = title
                elif pending_heading.upper().startswith("MỤC"):
                    section = title
                else:
                    part = title
                pending_heading = None
                continue
            pending_heading = None
        if m := PART.match(line):
            part, chapter, section = line, None, None
            pending_heading = line if len(line) <= len(m.group(0)) + 1 else None
            current = None
            continue
        if m := CHAPTER.match(line):
            chapter, section = line, None
            pending_heading = line if len(line) <= len(m.group(0)) + 1 else None
            current = None
            continue
        if m := SECTION.match(line):
            section = line
            pending_heading = line if len(line) <= len(m.group(0)) + 1 else None
            current = None
            continue
        if m := ARTICLE.match(line):
            current = _Article(
                number=m.group(1),
                title=m.group(2).strip().rstrip("."),
                part=part,
                chapter=chapter,
                section=section,
                page=page,
            )
            articles.append(current)
            continue
        if current is None:
            continue
        if line.startswith(">"):
            current.notes.append(line.lstrip("> ").strip())
            continue
        if (m := CLAUSE.match(line)) and _next_clause_ok(current, m.group(1)):
            current.clauses.append(_Clause(number=m.group(1), lines=[line], pages=[page] if page else []))
            continue
        if not current.clauses:
            current.clauses.append(_Clause(number=None))
        # a point "a) ...", a new paragraph, or a layout-broken line: all belong to the clause
        clause = current.clauses[-1]
        clause.lines.append(line)
        if page:
            clause.pages.append(page)
    return articles


def _next_clause_ok(article: _Article, number: str) -> bool:
    """Accept "N." as a new clause only if it continues the clause numbering."""
    numbered = [c.number for c in article.clauses if c.number]
    expected = int(numbered[-1]) + 1 if numbered else 1
    return int(number) == expected


def _split_long(text: str, max_chars: int, overlap: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            cut = text.rfind(" ", start + max_chars // 2, end)
            end = cut if cut > 0 else end
        pieces.append(text[start:end].strip())
        if end >= len(text):
            break
        start = max(end - overlap, start + 1)
    return pieces


def build_units(
    document: LegalDocument,
    articles: list[_Article],
    max_chars: int = 1800,
    overlap: int = 200,
) -> list[LegalUnit]:
    """One unit per clause (or per article without clauses); long texts split with overlap."""
    units: list[LegalUnit] = []
    seen: set[tuple[str, str | None]] = set()
    for art in articles:
        clauses = art.clauses or [_Clause(number=None)]
        if all(c.number is None for c in clauses):
            clauses = [_Clause(number=None, lines=[ln for c in clauses for ln in c.lines],
                               pages=[p for c in clauses for p in c.pages])]
        for clause in clauses:
            key = (art.number, clause.number)
            if key in seen:  # duplicated article numbers in a messy source: keep the first
                continue
            seen.add(key)
            text = "\n".join(clause.lines).strip()
            if not text and clause.number is None:
                text = art.title
            if not text:
                continue
            pages = clause.pages or ([art.page] if art.page else [])
            base = LegalUnit(
                document=document,
                article=art.number,
                article_title=art.title,
                clause=clause.number,
                text=text,
                part=art.part,
                chapter=art.chapter,
                section=art.section,
                page_start=min(pages) if pages else None,
                page_end=max(pages) if pages else None,
            )
            for i, piece in enumerate(_split_long(text, max_chars, overlap)):
                units.append(replace(base, text=piece, chunk=i))
    return units


def article_notes(articles: list[_Article]) -> dict[str, list[str]]:
    """Pháp điển notes ("> Ghi chú pháp điển: ...") per article number."""
    return {a.number: a.notes for a in articles if a.notes}
