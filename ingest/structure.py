"""Legal-structure parser: Phần / Chương / Mục / Điều / Khoản / Điểm → ``LegalUnit``s.

Works on the shared corpus Markdown (``#### Điều N. Title``) and on plain text from PDFs, OCR
and Word files (``Điều N. Title`` at the start of a line). Pure functions over text.

- An "Điều N" line starts an article only when it reads as a heading and continues the numbering
  (a cross-reference that a line break put at the start of a line is text).
- What follows the body (adoption statement, "Nơi nhận", signature block) ends the last article
  and is dropped; an appendix ("PHỤ LỤC ...") becomes its own unit(s), never part of a clause.
- A document without any article (công văn, quy trình) becomes paragraph units ("Đoạn N").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ingest.normalise import join_broken_lines
from rag.domain import LegalDocument, LegalUnit
from rag.text.vietnamese import normalise_space

PART = re.compile(r"^(PHẦN|Phần)\s+(THỨ\s+\S+|thứ\s+\S+|[IVXLC]+|\d+)\b", re.UNICODE)
CHAPTER = re.compile(r"^(CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\b", re.UNICODE)
SECTION = re.compile(r"^(MỤC|Mục)\s+(\d+|[IVXLC]+)\b", re.UNICODE)
ARTICLE = re.compile(r"^Điều\s+(\d+[a-zđ]?)\s*(?:[\.:]\s*(.*))?$", re.UNICODE)
CLAUSE = re.compile(r"^(\d{1,3}[a-zđ]?)\.\s+(\S.*)$", re.UNICODE)
ANNEX = re.compile(r"^(PHỤ\s+LỤC|Phụ\s+lục)(\s+(?:số\s+)?[IVXLC\d]+[a-zA-Z]?)?\b\s*[:.\-–]?\s*(.*)$", re.UNICODE)
# End of the body: signature block, recipients, adoption statement.
TRAILER = re.compile(
    r"^(Nơi\s+nhận\s*:|(TM|T/M|KT|K/T|Q|TL|TUQ)\.?\s+[A-ZĐÂÊÔƠƯỦỤÍ]{2}|"
    r"(PHÓ\s+)?(CHỦ\s+TỊCH|THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|CHÁNH\s+ÁN|VIỆN\s+TRƯỞNG|"
    r"TỔNG\s+KIỂM\s+TOÁN|THỐNG\s+ĐỐC|TỔNG\s+THƯ\s+KÝ|CỤC\s+TRƯỞNG|GIÁM\s+ĐỐC)\b[^a-zđ]*$|"
    r"(Luật|Bộ\s+luật|Pháp\s+lệnh|Nghị\s+quyết|Hiến\s+pháp)\s+này\s+(đã\s+)?được\s+(Quốc\s+hội|Ủy\s+ban|Uỷ\s+ban|"
    r"Hội\s+đồng))",
    re.UNICODE,
)
_END_MARK = re.compile(r"\./\.\s*$")
_FILE_NAME = re.compile(r"\.(docx?|pdf|xlsx?|rtf)\b", re.IGNORECASE)  # "PHỤ LỤC I.docx": a link label
_RULE = re.compile(r"^[_\-=–—\.\s*|]+$")  # decorative rules under headings


@dataclass
class _Clause:
    number: str | None
    lines: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)


@dataclass
class _Article:
    number: str  # "" for an appendix
    title: str
    part: str | None
    chapter: str | None
    section: str | None
    page: int | None
    clauses: list[_Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    annex: str | None = None


Line = tuple[str, int | None]


def _clean_heading(line: str) -> str:
    return normalise_space(line.lstrip("#").strip())


def _article_int(number: str) -> int:
    return int(re.match(r"\d+", number).group(0))  # type: ignore[union-attr]


def _continues_numbering(articles: list[_Article], number: str, in_annex: bool = False) -> bool:
    """Accept "Điều N" when it follows the previous article (or restarts at 1 in an annexed text).

    Inside an appendix only the next article of the body counts (forms in appendices have their
    own "Điều 1.")."""
    numbered = [a for a in articles if a.number]
    if not numbered:
        return not in_annex
    prev = numbered[-1].number
    n, p = _article_int(number), _article_int(prev)
    if in_annex:
        return n == p + 1
    if n == 1:
        return True
    if n == p:
        return number != prev and number > prev  # "12a" after "12"
    return p < n <= p + 30


def parse_articles(lines: list[Line]) -> list[_Article]:
    """Group lines into articles, clauses and appendices; text before the first article and the
    signature block after the body are dropped."""
    articles: list[_Article] = []
    part = chapter = section = None
    current: _Article | None = None
    pending_heading: str | None = None  # "Chương II" whose title is on the next line
    pending_annex: _Article | None = None  # "PHỤ LỤC I" whose title is on the next line
    in_trailer = False
    for raw, page in lines:
        line = _clean_heading(raw)
        if not line or _RULE.match(line):
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
        if pending_annex is not None:
            pending_annex.title = line.rstrip(".")
            pending_annex = None
            continue
        heading = raw.lstrip().startswith("#")  # Markdown headings are explicit: trust them
        art = ARTICLE.match(line)
        if art and (heading or _continues_numbering(articles, art.group(1), in_annex=bool(current and current.annex))):
            current = _Article(
                number=art.group(1),
                title=(art.group(2) or "").strip().rstrip("."),
                part=part,
                chapter=chapter,
                section=section,
                page=page,
            )
            articles.append(current)
            in_trailer = False
            continue
        if (
            (m := ANNEX.match(line))
            and (line.startswith("PHỤ") or in_trailer or current is None)
            and len(line) < 160
            and not _FILE_NAME.search(line)
        ):
            label = normalise_space(f"Phụ lục{m.group(2) or ''}")
            numbered = [a.annex for a in articles if a.annex]
            if label in numbered:
                label = f"{label} ({len(numbered) + 1})"
            current = _Article(number="", title=m.group(3).strip().rstrip("."), part=None, chapter=None,
                               section=None, page=page, annex=label)
            articles.append(current)
            pending_annex = current if not current.title else None
            in_trailer = False
            continue
        if current is not None and current.annex:  # appendix text runs to the next appendix
            if TRAILER.match(line) and line.startswith("Nơi"):
                continue
            _append(current, line, page)
            continue
        if m := PART.match(line):
            part, chapter, section = line, None, None
            pending_heading = line if len(line) <= len(m.group(0)) + 1 else None
            current, in_trailer = None, False
            continue
        if m := CHAPTER.match(line):
            chapter, section = line, None
            pending_heading = line if len(line) <= len(m.group(0)) + 1 else None
            current, in_trailer = None, False
            continue
        if m := SECTION.match(line):
            section = line
            pending_heading = line if len(line) <= len(m.group(0)) + 1 else None
            current, in_trailer = None, False
            continue
        if current is None or in_trailer:
            continue
        if TRAILER.match(line):
            current, in_trailer = None, True
            continue
        if line.startswith(">"):
            current.notes.append(line.lstrip("> ").strip())
            continue
        if not current.title and not current.clauses and len(line) < 200 and not CLAUSE.match(line):
            current.title = line.rstrip(".")  # "Điều 5" with its title on the next line
            continue
        if (m := CLAUSE.match(line)) and _next_clause_ok(current, m.group(1)):
            current.clauses.append(_Clause(number=m.group(1), lines=[line], pages=[page] if page else []))
        else:
            _append(current, line, page)
        if _END_MARK.search(line):  # "... thi hành Nghị định này./." ends the body
            current, in_trailer = None, True
    return articles


def _append(article: _Article, line: str, page: int | None) -> None:
    if not article.clauses:
        article.clauses.append(_Clause(number=None))
    # a point "a) ...", a new paragraph, or a layout-broken line: all belong to the clause
    clause = article.clauses[-1]
    clause.lines.append(line)
    if page:
        clause.pages.append(page)


def _next_clause_ok(article: _Article, number: str) -> bool:
    """Accept "N." as a new clause only if it continues the clause numbering ("3a." after "3")."""
    numbered = [c.number for c in article.clauses if c.number]
    n = int(re.match(r"\d+", number).group(0))  # type: ignore[union-attr]
    if not numbered:
        return n == 1 or (article.annex is None and n <= 3 and not article.clauses)
    last = int(re.match(r"\d+", numbered[-1]).group(0))  # type: ignore[union-attr]
    if number[-1].isalpha():
        return n == last and number != numbered[-1]
    return n == last + 1


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
    seen: set[tuple[str, str | None, str | None]] = set()
    for art in articles:
        clauses = art.clauses or [_Clause(number=None)]
        if all(c.number is None for c in clauses):
            clauses = [_Clause(number=None, lines=[ln for c in clauses for ln in c.lines],
                               pages=[p for c in clauses for p in c.pages])]
        for clause in clauses:
            key = (art.number, clause.number, art.annex)
            if key in seen:  # duplicated article numbers in a messy source: keep the first
                continue
            seen.add(key)
            text = "\n".join(join_broken_lines(clause.lines)).strip()
            if not text and clause.number is None:
                text = art.title
            if not text:
                continue
            pages = clause.pages or ([art.page] if art.page else [])
            if art.page and art.annex is None and clause is clauses[0]:
                pages = [art.page, *pages]
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
                annex=art.annex,
            )
            for i, piece in enumerate(_split_long(text, max_chars, overlap)):
                units.append(replace(base, text=piece, chunk=i))
    return units


def paragraph_units(
    document: LegalDocument, lines: list[Line], max_chars: int = 1800, overlap: int = 200
) -> list[LegalUnit]:
    """Units for a document without articles: its text in pieces ("Đoạn 1", "Đoạn 2", ...)."""
    kept = [(_clean_heading(t), p) for t, p in lines if _clean_heading(t)]
    joined = join_broken_lines([t for t, _ in kept])
    text = "\n".join(joined)
    pages = [p for _, p in kept if p]
    units = []
    for i, piece in enumerate(_split_long(text, max_chars, overlap)):
        units.append(
            LegalUnit(
                document=document, article="", text=piece, chunk=i,
                page_start=min(pages) if pages else None, page_end=max(pages) if pages else None,
            )
        )
    return units
