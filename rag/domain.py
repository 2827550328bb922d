"""Domain types: plain frozen dataclasses with no framework imports.

Glossary (see docs/glossary.md): Điều → article, Khoản → clause, Điểm → point,
Chương → chapter, Phần → part, Mục → section, số hiệu → doc number.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Protocol


def document_label(doc_type: str, title: str, number: str = "") -> str:
    """A document's human name: its type before its title unless the title starts with it ("Luật Hộ tịch",
    not "Luật Luật Hộ tịch"), then its number ("Luật Hộ tịch 60/2014/QH13")."""
    name = (title or "").strip()
    if doc_type and not name.lower().startswith(doc_type.lower()):
        name = f"{doc_type} {name}".strip()
    if number and number not in name:
        name = f"{name} {number}".strip()
    return name


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
    # Validity (rag/validity/relations.py): effective_date is the start ("effective_from").
    effective_to: str | None = None  # ISO yyyy-mm-dd, when known
    amends: tuple[str, ...] = ()  # số hiệu of documents this one amends (sửa đổi, bổ sung)
    amended_by: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()  # documents this one replaces or repeals (thay thế, bãi bỏ)
    replaced_by: tuple[str, ...] = ()
    guides: tuple[str, ...] = ()  # documents this one details or guides (quy định chi tiết, hướng dẫn)

    @property
    def effective_from(self) -> str | None:
        return self.effective_date

    @property
    def label(self) -> str:
        """Human name: "Luật Hộ tịch 60/2014/QH13"."""
        return document_label(self.doc_type, self.title, self.doc_number) or self.key


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
    # Units outside the articles: an appendix ("Phụ lục I"), with ``article == ""``. A document
    # without any article (công văn, quy trình) has units with neither: "Đoạn N" (paragraph N).
    annex: str | None = None

    @property
    def article_label(self) -> str:
        """"Điều 15", "Phụ lục I" or "Đoạn 2" (for documents without articles)."""
        if self.article:
            return f"Điều {self.article}"
        return self.annex or f"Đoạn {self.chunk + 1}"

    @property
    def address(self) -> str:
        """Location inside the document, most specific first: "Khoản 1 Điều 15"."""
        if not self.article:
            return self.article_label
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
        crumbs.append(self.article_label)
        if self.clause:
            crumbs.append(f"Khoản {self.clause}")
        if self.point:
            crumbs.append(f"Điểm {self.point}")
        return " › ".join(crumbs)

    @property
    def heading(self) -> str:
        """Context prefix attached to the text so a clause read alone still makes sense."""
        head = f"{self.document.label} – {self.article_label}."
        if self.article_title:
            head += f" {self.article_title}"
        return head


@dataclass(frozen=True)
class Badge:
    """Validity of a cited unit for a date: 🟢 in force, 🟡 amended, 🔴 not in force, ⚪ unknown."""

    status: str  # còn hiệu lực | hết hiệu lực | hết hiệu lực một phần | chưa có hiệu lực | không rõ
    symbol: str
    label: str  # Vietnamese, e.g. "Đã được sửa đổi, bổ sung bởi 02/2016/TT-TTCP"
    amended_by: tuple[str, ...] = ()
    as_of: str = ""
    in_force: bool | None = None  # None when unknown
    # reform notices (rag.validity.reforms): the passage assigns a task to an authority a reform abolished
    notices: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.label}"


@dataclass(frozen=True)
class Passage:
    """A retrieved unit with its retrieval score (and dense similarity when known)."""

    unit: LegalUnit
    score: float
    similarity: float | None = None
    unit_id: str = ""
    badge: Badge | None = None  # validity, filled by rag.validity.relations
    # Why it ranks where it does (rag.search.relevance): asked intent, features, their contributions.
    why: dict | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Citation:
    n: int
    passage: Passage

    @property
    def unit(self) -> LegalUnit:
        return self.passage.unit


@dataclass(frozen=True)
class DossierItem:
    """One paper in a procedure's dossier (thành phần hồ sơ)."""

    name: str
    kind: str = ""  # "nộp" (to submit) | "xuất trình" (to show) | ""
    copy_type: str = ""  # as written: "bản chính", "bản sao có chứng thực", "bản chính hoặc bản sao", ...
    originals: int | None = None  # số bản chính, when the source gives a count
    copies: int | None = None  # số bản sao, when the source gives a count
    form: str = ""  # form code (mẫu), e.g. "CT01", "TK01", "Mẫu số 01a"
    group: str = ""  # the case heading the item belongs to, e.g. "Đăng ký thường trú tại chỗ ở hợp pháp ..."


@dataclass(frozen=True)
class Step:
    """One step of the procedure (trình tự thực hiện)."""

    n: int
    text: str
    actor: str = ""  # who does it (trách nhiệm)
    time: str = ""  # time budget for the step as written


@dataclass(frozen=True)
class Duration:
    """A time span read from text: 3 "ngày làm việc" (working days) is not 3 "ngày"."""

    value: float | None  # None for "ngay trong ngày"
    unit: str  # "ngày làm việc" | "ngày" | "giờ" | "tháng" | "trong ngày"
    text: str  # the phrase it was read from


@dataclass(frozen=True)
class ProcessingTime:
    text: str  # as written
    durations: tuple[Duration, ...] = ()  # first = the normal deadline; later ones = extended cases

    @property
    def main(self) -> Duration | None:
        return self.durations[0] if self.durations else None


@dataclass(frozen=True)
class FeeAmount:
    amount: int  # VND; 0 means free of charge
    text: str  # the sentence or line it was read from


@dataclass(frozen=True)
class Fees:
    text: str  # as written
    amounts: tuple[FeeAmount, ...] = ()
    exemptions: tuple[str, ...] = ()  # sentences granting miễn / giảm
    free: bool = False  # the source says there is no fee


@dataclass(frozen=True)
class LegalBasis:
    """A legal basis reference as written, with what could be read from it."""

    text: str
    doc_number: str = ""  # "123/2015/NĐ-CP" when written
    doc_type: str = ""  # Luật, Nghị định, Thông tư, Nghị quyết, Quyết định
    title: str = ""  # "Hộ tịch" for "Luật Hộ tịch năm 2014"
    year: str = ""
    article: str | None = None
    clause: str | None = None
    point: str | None = None
    inline: bool = False  # mentioned in the text, not in a "căn cứ pháp lý" list


@dataclass(frozen=True)
class Procedure:
    """A thủ tục hành chính card (fields filled wherever the source has them; never invented).

    Raw text fields keep the source wording; the parsed fields beside them hold what could be
    read reliably (empty when it could not).
    """

    code: str  # mã thủ tục / mã hiệu quy trình as written
    name: str
    field: str = ""  # lĩnh vực
    agency: str = ""  # cơ quan thực hiện, as written
    dossier: tuple[DossierItem, ...] = ()
    steps: tuple[Step, ...] = ()
    processing_time: str = ""  # as written (parsed: ``processing``)
    fees: str = ""  # as written (parsed: ``fee_info``)
    legal_basis: tuple[LegalBasis, ...] = ()
    source: str = ""
    key: str = ""  # unique identity (codes repeat across fields and sources)
    level: str = ""  # cấp thực hiện: "cấp xã", "cấp huyện", "cấp tỉnh", "cấp trung ương"
    issuer: str = ""  # who issued the procedure document, e.g. "Sở Tư pháp"
    requesters: str = ""  # đối tượng thực hiện
    channels: tuple[str, ...] = ()  # "trực tiếp", "bưu chính", "trực tuyến"
    dossier_text: str = ""  # thành phần hồ sơ as written
    dossier_sets: str = ""  # số lượng hồ sơ, e.g. "01 bộ"
    processing: ProcessingTime | None = None
    fee_info: Fees | None = None
    result: str = ""  # kết quả thực hiện
    conditions: str = ""  # yêu cầu, điều kiện
    forms: str = ""  # mẫu đơn, mẫu tờ khai as written
    notes: str = ""  # lưu ý
    issued_date: str | None = None  # ISO yyyy-mm-dd
    secondary: bool = False  # a secondary summary, not the published procedure text
    source_note: str = ""
    source_file: str = ""  # the file it was read from

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer with its verification result.

    ``status``: "verified"; "unverified" (shown flagged "chưa kiểm chứng"); "removed" (not shown,
    kept for audit). ``spans``: (n, start, end) character spans in citation n's unit text that
    support the sentence, for highlighting.
    """

    text: str
    citations: tuple[int, ...] = ()
    status: str = "verified"
    reasons: tuple[str, ...] = ()
    overlap: float = 1.0
    spans: tuple[tuple[int, int, int], ...] = ()
    kind: str = "claim"  # "lead" (extractive answer line), "quote" (verbatim clause), "claim" (generated)


@dataclass(frozen=True)
class Redaction:
    """Personal data taken out of a question before anything else saw it (no original value kept)."""

    kind: str  # "cccd", "phone", "name", ... (rag.governance.privacy.PLACEHOLDERS)
    placeholder: str  # "[CCCD]"
    start: int  # offsets in the cleaned question the user typed
    end: int


@dataclass(frozen=True)
class Answer:
    question: str  # the question as processed: personal data already replaced by placeholders
    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    warnings: tuple[str, ...] = ()
    related: tuple[Passage, ...] = field(default=())  # shown as "có thể liên quan" on abstention
    procedure: Procedure | None = None  # the matching procedure card, shown above the answer
    sentences: tuple[AnswerSentence, ...] = ()  # per-sentence verification (removed ones included)
    mode: str = "extractive"  # "extractive" or "llm"
    query: str = ""  # the retrieval query (a follow-up question rewritten with its context)
    model: str = ""  # generator name in llm mode
    # Relevance judgement (rag.search.relevance.judge): answered or abstained, the reason code, details.
    judgement: dict | None = field(default=None, compare=False)

    @property
    def displayed_sentences(self) -> tuple[AnswerSentence, ...]:
        return tuple(s for s in self.sentences if s.status != "removed")

    @property
    def verified(self) -> bool:
        """True when every displayed sentence passed verification."""
        return all(s.status == "verified" for s in self.displayed_sentences)

    redactions: tuple[Redaction, ...] = ()  # what was redacted from the question (for the UI)
    audit_id: int | None = None  # id of the audit record written for this answer


# -- search filters (parsed from the CLI/app form by rag.search.filters.parse_filters) ----------


class FilteredDocument(Protocol):
    """What a filter reads of a document: ``rag.legal.records.DocumentRecord`` (or ``LegalDocument``)."""

    @property
    def key(self) -> str: ...
    @property
    def doc_number(self) -> str: ...
    @property
    def doc_type(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def issued_date(self) -> str | None: ...


@dataclass(frozen=True)
class SearchFilters:
    doc_types: tuple[str, ...] = ()  # "Luật", "Nghị định", …
    issuers: tuple[str, ...] = ()  # "Quốc hội", "Chính phủ", …
    doc_numbers: tuple[str, ...] = ()  # số hiệu as written, "60/2014/QH13"
    statuses: tuple[str, ...] = ()  # tình trạng hiệu lực
    issued_from: str | None = None  # ISO date, inclusive
    issued_to: str | None = None  # ISO date, inclusive
    doc_keys: tuple[str, ...] = field(default=(), compare=True)  # internal: restrict to documents
    exclude_statuses: tuple[str, ...] = ()  # drop these tình trạng
    in_force: bool = False  # only documents and units in force (the app's toggle, the CLI's --in-force)

    def __bool__(self) -> bool:
        return any(
            (self.doc_types, self.issuers, self.doc_numbers, self.statuses, self.issued_from, self.issued_to,
             self.doc_keys, self.exclude_statuses, self.in_force)
        )

    @property
    def asks_validity(self) -> bool:
        """Validity conditions are answered by ``rag.validity.service.ValidityService.resolve_filters`` (as of
        a date, across documents), never by the status stored at ingestion: until resolved they filter nothing."""
        return bool(self.statuses or self.exclude_statuses or self.in_force)

    def with_doc_keys(self, keys: Iterable[str]) -> "SearchFilters":
        return replace(self, doc_keys=tuple(keys))

    def allows(self, record: FilteredDocument) -> bool:
        """Whether a document record passes the filters (validity conditions: see ``asks_validity``)."""
        if self.doc_types and record.doc_type not in self.doc_types:
            return False
        if self.issuers and record.issuer not in self.issuers:
            return False
        if self.doc_numbers and record.doc_number not in self.doc_numbers:
            return False
        if self.doc_keys and record.key not in self.doc_keys:
            return False
        issued = record.issued_date or ""
        if self.issued_from and (not issued or issued < self.issued_from):
            return False
        if self.issued_to and (not issued or issued > end_of_date(self.issued_to)):
            return False
        return True


def end_of_date(iso: str) -> str:
    """Inclusive upper bound for "2015" / "2015-06" / "2015-06-30"."""
    return {4: iso + "-12-31", 7: iso + "-31"}.get(len(iso), iso)
