"""Domain types: plain frozen dataclasses with no framework imports.

Glossary (see docs/glossary.md): Điều → article, Khoản → clause, Điểm → point,
Chương → chapter, Phần → part, Mục → section, số hiệu → doc number.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LegalDocument:
    """One legal normative document (luật, nghị định, thông tư, ...)."""

    key: str  # stable identity used in ids, e.g. "60-2014-QH13"
    doc_number: str  # số hiệu as written, e.g. "60/2014/QH13"; "" when unknown
    doc_type: str = ""  # loại văn bản: Luật, Nghị định, Thông tư, ...
    title: str = ""  # tên (without the type), e.g. "Hộ tịch"
    issuer: str = ""  # cơ quan ban hành
    issued_date: str | None = None  # ISO yyyy-mm-dd
    effective_date: str | None = None  # ISO yyyy-mm-dd
    status: str = "không rõ"  # tình trạng hiệu lực
    source: str = ""  # file path the document was read from
    content_hash: str = ""  # sha256 of the normalised text
    access: tuple[str, ...] = ()  # access tags, e.g. ("noi-bo",)

    @property
    def label(self) -> str:
        """Human name: "Luật Hộ tịch 60/2014/QH13"."""
        name = self.title.strip()
        if self.doc_type and not name.lower().startswith(self.doc_type.lower()):
            name = f"{self.doc_type} {name}".strip()
        if self.doc_number and self.doc_number not in name:
            name = f"{name} {self.doc_number}".strip()
        return name or self.key


@dataclass(frozen=True)
class LegalUnit:
    """An addressable passage: an article, a clause, or a piece of a long clause."""

    document: LegalDocument
    article: str  # "15" (number as written, may be "15a")
    text: str
    article_title: str = ""
    clause: str | None = None  # "1"
    point: str | None = None  # "a"
    part: str | None = None  # "Phần thứ nhất ..."
    chapter: str | None = None  # "Chương II. ..."
    section: str | None = None  # "Mục 1. ..."
    chunk: int = 0  # index of the piece when a long clause is split
    page_start: int | None = None
    page_end: int | None = None

    @property
    def address(self) -> str:
        """Location inside the document, most specific first: "Khoản 1 Điều 15"."""
        parts = []
        if self.point:
            parts.append(f"Điểm {self.point}")
        if self.clause:
            parts.append(f"Khoản {self.clause}")
        parts.append(f"Điều {self.article}")
        return " ".join(parts)

    @property
    def citation(self) -> str:
        """"Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13"."""
        return f"{self.address} {self.document.label}"

    @property
    def breadcrumb(self) -> str:
        """"60/2014/QH13 › Chương II › Điều 15 › Khoản 1"."""
        crumbs = [self.document.doc_number or self.document.key]
        for level in (self.part, self.chapter, self.section):
            if level:
                crumbs.append(level.split(".")[0].strip())
        crumbs.append(f"Điều {self.article}")
        if self.clause:
            crumbs.append(f"Khoản {self.clause}")
        if self.point:
            crumbs.append(f"Điểm {self.point}")
        return " › ".join(crumbs)

    @property
    def heading(self) -> str:
        """Context prefix attached to the text so a clause read alone still makes sense."""
        head = f"{self.document.label} – Điều {self.article}."
        if self.article_title:
            head += f" {self.article_title}"
        return head


@dataclass(frozen=True)
class Passage:
    """A retrieved unit with its retrieval score (and dense similarity when known)."""

    unit: LegalUnit
    score: float
    similarity: float | None = None
    unit_id: str = ""


@dataclass(frozen=True)
class Citation:
    n: int
    passage: Passage

    @property
    def unit(self) -> LegalUnit:
        return self.passage.unit


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    warnings: tuple[str, ...] = ()
    related: tuple[Passage, ...] = field(default=())  # shown as "có thể liên quan" on abstention


@dataclass(frozen=True)
class Procedure:
    """A thủ tục hành chính card (fields filled wherever the source has them)."""

    code: str
    name: str
    field: str = ""
    agency: str = ""
    dossier: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    processing_time: str = ""
    fees: str = ""
    legal_basis: tuple[str, ...] = ()
    source: str = ""
