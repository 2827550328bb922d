"""Is it still law? Validity of documents: extraction from their own text, overrides, badges.

Three layers, strongest last:
1. ``extract_validity`` (pure, at ingestion): from a document's own text — "… này có hiệu lực thi hành
   kể từ ngày …", "… này thay thế …", "… hết hiệu lực kể từ ngày …", "sửa đổi, bổ sung một số điều
   của …", "quy định chi tiết … Luật …" — and from the pháp điển notes ("> Ghi chú pháp điển: Điều 5
   … có nội dung được sửa đổi bởi Điều 1 Thông tư số 02/2016/TT-TTCP …").
2. ``ValidityRegistry`` (at query time): every indexed document's extraction, with relations resolved
   between documents (A "thay thế" B ⇒ B ``replaced_by`` A) and the status computed for a date.
3. The administrator's override file (``data/validity.csv``), which wins field by field.

Statuses: còn hiệu lực / hết hiệu lực / hết hiệu lực một phần / chưa có hiệu lực / không rõ.
Badges: 🟢 in force, 🟡 amended (with the amending document), 🔴 not in force, ⚪ unknown.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from rag.text.csvfile import read_table
from rag.domain import Badge, LegalDocument, LegalUnit, Passage
from rag.errors import ConfigError
from rag.legal.records import (  # noqa: F401  (the vocabulary, re-exported for callers of this module)
    EXPIRED,
    IN_FORCE,
    NOT_IN_FORCE,
    NOT_YET,
    PARTIAL,
    RELATION_KINDS,
    STATUSES,
    SYMBOLS,
    UNKNOWN,
    DocumentRecord,
    Extraction,
    Relation,
    normalise_status,
)
from rag.legal.references import (
    DocumentResolver,
    Reference,
    find_references,
    fold,
    fold_words,
    legal_rank,
    normalise_number,
    number_parts,
)
from rag.text.vietnamese import nfc


class DocumentSource(Protocol):
    """Where the document records come from (``rag.index.store.UnitStore`` is one)."""

    def document_records(self) -> list[DocumentRecord]: ...


log = logging.getLogger(__name__)

# -- extraction -----------------------------------------------------------------------------------

_DATE_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_DATE_SLASH = re.compile(r"(?<![\d/])(\d{1,2})\s?/\s?(\d{1,2})\s?/\s?(\d{4})(?![\d/])")
_SELF_TYPES = r"(?:bo luat|luat|nghi dinh|thong tu lien tich|thong tu|quyet dinh|nghi quyet lien tich|nghi quyet|phap lenh|chi thi|hien phap)"
_EFFECTIVE = re.compile(
    rf"{_SELF_TYPES},?\s+nay\s+co\s+hieu\s+luc(?:\s+thi\s+hanh|\s+phap\s+luat)?(?:\s+ke)?\s+(?:tu|vao)\s+ngay"
)
_EFFECTIVE_AFTER = re.compile(
    rf"{_SELF_TYPES},?\s+nay\s+co\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+sau\s+(\d{{1,3}})\s+ngay,?\s+(?:ke\s+)?tu\s+ngay\s+ky"
)
_EFFECTIVE_SIGNED = re.compile(rf"{_SELF_TYPES},?\s+nay\s+co\s+hieu\s+luc(?:\s+thi\s+hanh)?(?:\s+ke)?\s+tu\s+ngay\s+ky")
_EFFECTIVE_UNTIL = re.compile(
    rf"{_SELF_TYPES},?\s+nay\s+(?:co\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+den\s+(?:het\s+)?ngay|het\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+(?:ke\s+tu|tu|vao)\s+ngay)"
)
_FROM_BEFORE = re.compile(r"(?:tu|ke\s+tu)\s+ngay\s*$")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\((?:https?://|/)[^)\s]*\)")
_REPLACES = re.compile(rf"{_SELF_TYPES}\s+nay\s+thay\s+the\s+")
_EXPIRES = re.compile(r"\s+(?:deu\s+|se\s+)?het\s+hieu\s+luc")
_REPEAL = re.compile(r"(?<![a-z])bai\s+bo\s+")
_AMENDS = re.compile(r"(?<![a-z])sua\s+doi,?\s+(?:bo\s+sung\s+)?(?:mot\s+so\s+dieu\s+(?:cua\s+)?|dieu\s+)?")
_GUIDES = re.compile(
    r"(?<![a-z])(?:quy\s+dinh\s+chi\s+tiet|huong\s+dan(?:\s+thi\s+hanh|\s+thuc\s+hien)?|bien\s+phap\s+thi\s+hanh)"
)
_DESCRIPTIVE_BEFORE = re.compile(
    r"(?:cua|theo|bo\s+sung|sua\s+doi|huong\s+dan|thi\s+hanh|chi\s+tiet|ve|kem\s+theo|dinh\s+kem|ban\s+hanh|quy\s+dinh)\s*$"
)
# "…, Chương V của Luật Khiếu nại số 02/2011/QH13 hết hiệu lực": a part of the target, not a description
_PART_OF = re.compile(r"(?<![a-z])(?:chuong|muc|phan|dieu|khoan|diem)\s+[a-z0-9]{1,6}(?:\s*,\s*[a-z0-9]{1,6})*\s+cua\s*$")
# "2. Sửa đổi, bổ sung khoản 7 Điều 2 của Luật Bảo hiểm y tế số 25/2008/QH12 … như sau:" inside an article
_ITEM_MARK = r"(?:\d{1,2}\.|[a-z]\d?\))\s*"  # "2. ", "d) ", "đ1) " (folded)
_AMEND_ITEM = re.compile(rf"^(?:{_ITEM_MARK})?(?:bai\s+bo,\s*)?(?:sua\s+doi,?\s+)?bo\s+sung\s+")
_REPEAL_ITEM = re.compile(rf"(?:^|[:;]\s*)(?:{_ITEM_MARK})?bai\s+bo\s+")
_AMEND_ITEM_END = re.compile(r"\s+da\s+duoc\s+sua\s+doi|\s+nhu\s+sau|:")
_ARTICLE_LINE = re.compile(r"^#*\s*Điều\s+(\d+[a-zđ]?)\s*[\.:]?\s*(.*)$", re.MULTILINE)
_NOTE = re.compile(
    r"^Điều\s+(?P<art>\d+[a-zđ]?)\s+(?P<doc>[^,]+?),\s*có hiệu lực thi hành kể từ ngày\s+(?P<date>\d{1,2}/\d{1,2}/\d{4})"
    r"(?:,\s*(?P<kinds>có nội dung.*?)\s+bởi\s+(?P<by>.*))?$"
)


def iso(day: int, month: int, year: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """"2024-06-01", "01/06/2024" or "ngày 01 tháng 6 năm 2024" → "2024-06-01" (None otherwise)."""
    if not text:
        return None
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    f = fold(nfc(text))
    m = _DATE_WORDS.search(f) or _DATE_SLASH.search(f)
    return iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _first_date(folded: str, pos: int, limit: int = 80) -> str | None:
    window = folded[pos : pos + limit]
    m = _DATE_WORDS.match(window.lstrip()) or _DATE_SLASH.match(window.lstrip())
    if not m:
        m = _DATE_WORDS.search(window) or _DATE_SLASH.search(window)
    return iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _articles(text: str) -> list[tuple[str, str, str]]:
    """(number, title, body) per "Điều N." heading; the whole text as one piece when there is none."""
    heads = list(_ARTICLE_LINE.finditer(text))
    if not heads:
        return [("", "", text)]
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out.append((m.group(1), m.group(2).strip(), text[m.end() : end]))
    return out


def _sentences(body: str) -> list[str]:
    """Sentences and list items of an article body; a sentence ending with ":" keeps its list items.

    Not ``rag.text.sentences``: a repeal clause's list ("bãi bỏ các văn bản sau: a) …; b) …") must stay one sentence.
    """
    parts: list[str] = []
    in_list = False
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:\d{1,2}\.|[a-zđ]\)|-)\s)", body):
        block = " ".join(block.split())
        if not block or block.startswith(">"):
            continue
        is_item = re.match(r"(?:[a-zđ]\)|-)\s", block) is not None
        if parts and in_list and is_item:
            parts[-1] += " " + block
            continue
        pieces = [p for p in re.split(r"(?<=[.])\s+(?=[A-ZĐ])", block) if p]
        parts.extend(pieces)
        in_list = bool(pieces) and pieces[-1].endswith(":")
    return parts


def _targets(sentence: str, zone: tuple[int, int], own_number: str) -> list[Reference]:
    """The documents a replace/repeal/amend clause is about (descriptions like "hướng dẫn … của X" skipped)."""
    refs = [
        r for r in find_references(sentence, context=False)
        if zone[0] <= r.start < zone[1] and (r.doc_number or r.doc_name) and not r.self_document
    ]
    folded = fold(sentence)
    out: list[Reference] = []
    previous: Reference | None = None
    previous_descriptive = False
    for ref in refs:
        start = previous.end if previous else zone[0]
        before = folded[max(start, ref.start - 40) : ref.start]
        segment_start = max(folded.rfind(";", zone[0], ref.start), zone[0])
        first_in_segment = previous is None or previous.start < segment_start
        listed = previous is not None and re.fullmatch(r"\s*(?:,|va)\s*", folded[previous.end : ref.start]) is not None
        descriptive = (bool(_DESCRIPTIVE_BEFORE.search(before.rstrip(" ,"))) and not _PART_OF.search(before)) or (
            listed and previous_descriptive
        )
        if not first_in_segment and descriptive:
            previous_descriptive = True
        else:
            previous_descriptive = False
            if not (own_number and ref.doc_number == own_number):
                out.append(ref)
        previous = ref
    return out


def _partial(sentence: str, ref: Reference) -> bool:
    """Only part of the target is meant: "Điều 4 của Nghị định …", "các quy định về … tại Nghị định …"."""
    if ref.articles or ref.clauses:
        return True
    folded = fold(sentence)
    segment = folded[max(folded.rfind(";", 0, ref.start), 0) : ref.start]
    return bool(re.search(r"(?:cac|nhung)\s+quy\s+dinh|(?<![a-z])chuong\s+[ivxlc\d]+|(?<![a-z])muc\s+\d", segment))


# "Luật Bảo vệ, chăm sóc và giáo dục trẻ em số 25/2004/QH11": a name the parser cut at the comma is
# followed by its own number; no other document type may come in between.
_NUMBER_LATER = re.compile(
    r"[^;:.]{0,120}?(?<![a-z])so\s+(?P<num>\d{1,4}\s?/\s?(?:19|20)\d{2}\s?/\s?[a-z][a-z0-9]*(?:\s?-\s?[a-z][a-z0-9]*)*)"
)
_ANY_TYPE = re.compile(r"(?<![a-z])(?:bo\s+luat|luat|nghi\s+dinh|thong\s+tu|quyet\s+dinh|nghi\s+quyet|phap\s+lenh)(?![a-z])")


def target_of(ref: Reference, sentence: str) -> str:
    """What a relation points to: the số hiệu when written (also when it follows a name cut short),
    else the designation as written."""
    if ref.doc_number:
        return ref.doc_number
    folded = fold(sentence)
    m = _NUMBER_LATER.match(folded, ref.end)
    if m and not _ANY_TYPE.search(folded, ref.end, m.start("num")):
        return normalise_number(sentence[m.start("num") : m.end("num")])
    return ref.document_label


def _relation_from(ref: Reference, kind: str, repeal: bool, when: str | None, sentence: str, source: str) -> Relation:
    target = target_of(ref, sentence)
    if kind == "replaces" and _partial(sentence, ref):
        kind = "amends"
    clauses = tuple(ref.clauses) if ref.articles else ()
    return Relation(kind, target, tuple(ref.articles), repeal, when, sentence[:400], source, clauses)


def extract_validity(
    text: str,
    *,
    title: str = "",
    doc_number: str = "",
    issued_date: str | None = None,
    header_effective: str | None = None,
    header_status: str = "",
    notes: dict[str, list[str]] | None = None,
) -> Extraction:
    """Validity facts a document states about itself (pure; no index needed)."""
    text = _MARKDOWN_LINK.sub(r"\1", nfc(text or ""))  # "[76/2012/NĐ-CP](https://…nghi-dinh-76-2012…)"
    effective_from = effective_to = None
    from_source = to_source = ""
    relations: list[Relation] = []
    own = normalise_number(doc_number) if doc_number else ""
    # 1. the title: "Luật sửa đổi, bổ sung một số điều của Luật X", "Quy định chi tiết … Luật X"
    if title:
        relations.extend(_title_relations(nfc(title), own))
    # 2. the articles
    for number, art_title, body in _articles(text):
        where = f"văn bản: Điều {number}" if number else "văn bản"
        if number and (m := _AMENDS.match(fold(art_title))) and m.end() > 0:
            # "Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số …": the body lists the articles
            for ref in _targets(art_title, (0, len(art_title)), own)[:1]:
                articles = _amended_articles(body)
                relations.append(Relation("amends", ref.doc_number or ref.document_label, articles,
                                          False, None, art_title[:400], where))
        for sentence in _sentences(body):
            folded = fold(sentence)
            if effective_from is None:
                m = _EFFECTIVE.search(folded)
                if m and (d := _first_date(folded, m.end() - len("ngay"))) and not _EFFECTIVE_SIGNED.search(folded):
                    effective_from, from_source = d, where
                elif (m := _EFFECTIVE_AFTER.search(folded)) and issued_date:
                    effective_from = (date.fromisoformat(issued_date) + timedelta(days=int(m.group(1)))).isoformat()
                    from_source = f"{where} (sau {m.group(1)} ngày kể từ ngày ký)"
                elif _EFFECTIVE_SIGNED.search(folded) and issued_date:
                    effective_from, from_source = issued_date, f"{where} (kể từ ngày ký)"
            if effective_to is None and (m := _EFFECTIVE_UNTIL.search(folded)) and not _FROM_BEFORE.search(
                folded[: m.start()]
            ):  # "từ ngày Luật này có hiệu lực đến ngày 31/12/2020, 60% …" is a transition period, not an end
                if d := _first_date(folded, m.end() - len("ngay")):
                    effective_to, to_source = d, where
            if (m := _AMEND_ITEM.match(folded)) and not _REPLACES.search(folded):
                end = _AMEND_ITEM_END.search(folded, m.end())
                for ref in _targets(sentence, (m.end(), end.start() if end else len(sentence)), own)[:1]:
                    relations.append(_relation_from(ref, "amends", False, None, sentence, where))
                continue
            if m := _REPLACES.search(folded):
                zone_end = _clause_end(folded, m.end())
                for ref in _targets(sentence, (m.end(), zone_end), own):
                    relations.append(_relation_from(ref, "replaces", True, None, sentence, where))
                if (b := _REPEAL.search(folded, zone_end)) is not None:
                    for ref in _targets(sentence, (b.end(), len(sentence)), own):
                        relations.append(_relation_from(ref, "replaces", True, None, sentence, where))
            elif m := _EXPIRES.search(folded):
                when = _first_date(folded, m.end())
                if re.search(rf"{_SELF_TYPES}\s+nay\s*$", folded[: m.start()]):
                    continue  # "Thông tư này hết hiệu lực …" is the document's own end (above)
                zone_start = _zone_start(folded, m.start())
                colon = folded.find(":", m.end())
                if colon >= 0 and not re.search(r"[a-z]", folded[zone_start : m.start()].replace("cac van ban sau day", "")):
                    zone = (colon + 1, len(sentence))  # "Các văn bản sau đây hết hiệu lực …: a) …; b) …"
                else:
                    zone = (zone_start, m.start())
                for ref in _targets(sentence, zone, own):
                    relations.append(_relation_from(ref, "replaces", True, when, sentence, where))
            else:
                # "Bãi bỏ …", also items of a list: "…: a) Bãi bỏ khoản 3 Điều 75 của Luật …; d) Bãi bỏ …"
                for m in _REPEAL_ITEM.finditer(folded):
                    end = folded.find(";", m.end())
                    for ref in _targets(sentence, (m.end(), end if end >= 0 else len(sentence)), own)[:3]:
                        relations.append(_relation_from(ref, "replaces", True, None, sentence, where))
    # 3. pháp điển notes: per-article amendments and the original effective date
    if notes is None:
        notes = notes_in(text)
    for article, lines in notes.items():
        for note in lines:
            parsed = _parse_note(article, note)
            if parsed is None:
                continue
            note_effective, amendments = parsed
            if effective_from is None and note_effective:
                effective_from, from_source = note_effective, f"ghi chú pháp điển: Điều {article}"
            relations.extend(amendments)
    # 4. the header
    if effective_from is None and (d := parse_date(header_effective)):
        effective_from, from_source = d, "thông tin đầu văn bản (ngày hiệu lực)"
    status, status_source = normalise_status(header_status), ""
    if status:
        status_source = "thông tin đầu văn bản (tình trạng)"
    return Extraction(effective_from, from_source, effective_to, to_source, status, status_source,
                      tuple(_dedupe(relations)))


def notes_in(text: str) -> dict[str, list[str]]:
    """Pháp điển notes ("> Ghi chú pháp điển: …") per article number, read from the text."""
    out: dict[str, list[str]] = {}
    for number, _title, body in _articles(text):
        lines = [ln.lstrip("> ").strip() for ln in body.splitlines() if ln.lstrip().startswith(">")]
        if number and lines:
            out[number] = lines
    return out


def _clause_end(folded: str, start: int) -> int:
    """End of the "thay thế …" object: before "; bãi bỏ" / " và có hiệu lực" when present."""
    ends = [m.start() for m in re.finditer(r";\s*bai\s+bo|\s+va\s+co\s+hieu\s+luc", folded[start:])]
    return start + ends[0] if ends else len(folded)


def _zone_start(folded: str, expires_at: int) -> int:
    """Where the list of expiring documents starts (after the clause number or a colon)."""
    head = folded[:expires_at]
    cut = max(head.rfind(":"), 0)
    m = re.match(r"\s*\d{1,2}\.\s+", head[cut:])
    return cut + (m.end() if m else 0)


def _amended_articles(body: str) -> tuple[str, ...]:
    """Articles named in "1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:" lines of an amending article."""
    out: list[str] = []
    for line in body.splitlines():
        f = fold(line).strip()
        if re.match(r"^(?:\d{1,2}\.\s*)?(?:sua\s+doi|bo\s+sung|bai\s+bo|thay\s+the)", f):
            for ref in find_references(line, context=False):
                if not ref.has_document:
                    out.extend(ref.articles)
    return tuple(dict.fromkeys(out))


def _title_relations(title: str, own: str) -> list[Relation]:
    folded = fold(title)
    out = []
    m = _AMENDS.search(folded)
    if m and re.fullmatch(rf"\s*(?:{_SELF_TYPES}\s+)?", folded[: m.start()]):
        # "Luật sửa đổi, bổ sung một số điều của Luật X" (not "Hướng dẫn … Luật sửa đổi … của Luật X")
        for ref in _targets(title, (m.end(), len(title)), own)[:1]:
            out.append(Relation("amends", ref.doc_number or ref.document_label, (), False, None, title[:400],
                                "văn bản: tên văn bản"))
    if m := _GUIDES.search(folded):
        for ref in _targets(title, (m.end(), len(title)), own)[:2]:
            out.append(Relation("guides", ref.doc_number or ref.document_label, tuple(ref.articles), False, None,
                                title[:400], "văn bản: tên văn bản"))
    return out


def _parse_note(article: str, note: str) -> tuple[str | None, list[Relation]] | None:
    """"Điều 5 Thông tư số 07/2013/TT-TTCP, có hiệu lực … ngày 16/12/2013, có nội dung được sửa đổi bởi …"."""
    text = nfc(note).strip()
    text = re.sub(r"^Ghi chú pháp điển:\s*", "", text)
    m = _NOTE.match(text)
    if not m:
        return None
    effective = parse_date(m.group("date"))
    out: list[Relation] = []
    if m.group("by"):
        kinds = m.group("kinds")
        repeal = "bãi bỏ" in kinds
        for part in m.group("by").rstrip("*").split(";"):
            refs = [r for r in find_references(part, context=False) if r.doc_number]
            if not refs:
                continue
            when_m = re.search(r"kể từ ngày\s+(\d{1,2}/\d{1,2}/\d{4})", part)
            out.append(Relation("amended_by", refs[0].doc_number, (article,), repeal,
                                parse_date(when_m.group(1)) if when_m else None,
                                f"Ghi chú pháp điển: Điều {article}: {kinds} bởi {part.strip()}"[:400],
                                f"ghi chú pháp điển: Điều {article}"))
    return effective, out


def _dedupe(relations: Iterable[Relation]) -> list[Relation]:
    seen: dict[tuple[str, str, tuple[str, ...]], Relation] = {}
    for r in relations:
        key = (r.kind, r.target, r.articles)
        if key not in seen:
            seen[key] = r
    return list(seen.values())


def apply_extraction(document: LegalDocument, extraction: Extraction) -> LegalDocument:
    """The document with its own-text validity filled in (status as of today)."""
    own = {k: tuple(dict.fromkeys(r.target for r in extraction.relations if r.kind == k)) for k in RELATION_KINDS}
    status = extraction.status or _status_for(extraction.effective_from, extraction.effective_to,
                                              date.today().isoformat(), [], [])[0]
    return replace(
        document,
        effective_date=extraction.effective_from or document.effective_date,
        effective_to=extraction.effective_to,
        status=status,
        amends=own["amends"],
        amended_by=own["amended_by"],
        replaces=own["replaces"],
        guides=own["guides"],
    )


# -- overrides ------------------------------------------------------------------------------------

OVERRIDE_COLUMNS = ("doc", "status", "effective_from", "effective_to", "replaced_by", "amended_by", "note")


@dataclass(frozen=True)
class Override:
    doc: str
    status: str = ""
    effective_from: str | None = None
    effective_to: str | None = None
    replaced_by: tuple[str, ...] = ()
    amended_by: tuple[str, ...] = ()
    note: str = ""
    line: int = 0


def load_overrides(path: Path | None) -> dict[str, Override]:
    """The administrator's file (CSV with the columns above; "#" lines are comments). Missing → {}.

    A malformed row raises ``ConfigError`` naming the file and line (``rag.text.csvfile``)."""
    if path is None:
        return {}
    _, rows = read_table(Path(path), ("doc",), OVERRIDE_COLUMNS, "tệp hiệu lực")
    out: dict[str, Override] = {}
    for row in rows:
        doc = row.get("doc")
        if not doc:
            continue
        status_raw = row.get("status")
        status = normalise_status(status_raw)
        if status_raw and not status:
            raise ConfigError(
                f"{path}:{row.line}: tình trạng '{status_raw}' không hợp lệ (dùng: {', '.join(STATUSES)}) / invalid status"
            )
        dates = {}
        for name in ("effective_from", "effective_to"):
            raw = row.get(name)
            dates[name] = parse_date(raw) if raw else None
            if raw and not dates[name]:
                raise ConfigError(f"{path}:{row.line}: ngày '{raw}' không hợp lệ (YYYY-MM-DD) / invalid date")
        out[doc] = Override(
            doc=doc,
            status=status,
            effective_from=dates["effective_from"],
            effective_to=dates["effective_to"],
            replaced_by=_split(row.get("replaced_by")),
            amended_by=_split(row.get("amended_by")),
            note=row.get("note"),
            line=row.line,
        )
    return out


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(";") if v.strip())


# -- the registry ---------------------------------------------------------------------------------


@dataclass
class ValidityRecord:
    """A document's validity with the origin of every field (what `tthc validity DOC` shows)."""

    key: str
    doc_number: str
    label: str
    status: str = UNKNOWN
    effective_from: str | None = None
    effective_to: str | None = None
    relations: dict[str, list[Relation]] = field(default_factory=lambda: {k: [] for k in RELATION_KINDS})
    sources: dict[str, str] = field(default_factory=dict)
    as_of: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "doc": self.doc_number or self.key,
            "label": self.label,
            "status": self.status,
            "effective_from": self.effective_from,
            "effective_to": self.effective_to,
            **{
                kind: [
                    {"doc": r.target, "articles": list(r.articles), "repeal": r.repeal, "date": r.date,
                     "resolved": r.source.startswith("chỉ mục") or None, "source": r.source, "evidence": r.evidence}
                    for r in rels
                ]
                for kind, rels in self.relations.items()
            },
            "sources": dict(self.sources),
            "as_of": self.as_of,
            "note": self.note,
        }


def _status_for(
    start: str | None, end: str | None, as_of: str, replacements: list[Relation], repeals: list[Relation]
) -> tuple[str, str]:
    """(status, reason) for a date from the dates and the in-force replacing/repealing relations."""
    if start and start > as_of:
        return NOT_YET, f"hiệu lực từ {start}"
    if end and end <= as_of:
        return EXPIRED, f"hết hiệu lực từ {end}"
    for r in replacements:
        if not r.date or r.date <= as_of:
            return EXPIRED, f"bị thay thế/bãi bỏ bởi {r.target}"
    if any(not r.date or r.date <= as_of for r in repeals):
        return PARTIAL, "có điều, khoản bị bãi bỏ"
    if start:
        return IN_FORCE, f"đã có hiệu lực từ {start}; chỉ mục không có văn bản thay thế đã có hiệu lực"
    return UNKNOWN, "không có ngày hiệu lực"


class ValidityRegistry:
    """Validity of every indexed document, relations resolved across documents, overrides applied."""

    def __init__(self, records: Sequence[DocumentRecord], overrides: dict[str, Override] | None = None,
                 override_path: str = ""):
        self.records: dict[str, DocumentRecord] = {r.key: r for r in records if r.key}
        self.resolver = DocumentResolver(self.records.values())
        self.overrides = overrides or {}
        self.override_path = override_path or "data/validity.csv"
        self._extractions = {k: r.validity for k, r in self.records.items()}
        self._incoming: dict[str, list[tuple[str, Relation]]] = {k: [] for k in self.records}
        for key, extraction in self._extractions.items():
            for rel in extraction.relations:
                if rel.kind not in ("replaces", "amends", "guides"):
                    continue
                target = self._resolve_target(rel.target)
                if target and target != key and self._possible(key, target, rel):
                    self._incoming[target].append((key, rel))
        self._cache: dict[tuple[str, str], ValidityRecord] = {}
        self._mentions: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] | None = None

    def mentioned(self, doc_type: str, name: str) -> list[tuple[str, str]]:
        """(year, số hiệu) of documents of that type and exact name that the indexed texts name in their
        relation sentences (replaced, amended, guided documents): they exist even when not indexed."""
        if self._mentions is None:
            found: dict[tuple[str, tuple[str, ...]], set[tuple[str, str]]] = {}
            sentences = {r.evidence for ext in self._extractions.values() for r in ext.relations if r.evidence}
            for sentence in sentences:
                for ref in find_references(sentence, context=False):
                    if not ref.doc_name:
                        continue
                    number = ref.doc_number or target_of(ref, sentence)
                    number = number if "/" in number else ""
                    year = ref.year or (number_parts(number)[1] if number else "")
                    if year:
                        kind = fold(ref.doc_type).replace("bo luat", "luat")
                        found.setdefault((kind, tuple(fold_words(ref.doc_name).split())), set()).add((year, number))
            self._mentions = {k: sorted(v) for k, v in found.items()}
        kind = fold(doc_type).replace("bo luat", "luat")
        return self._mentions.get((kind, tuple(fold_words(name).split())), [])

    def ended_by(self, number: str) -> list[tuple[str, str | None]]:
        """(key, date) of indexed documents that say the (not indexed) document ``number`` ends as a whole."""
        want = normalise_number(number)
        out = []
        for key, ext in self._extractions.items():
            for rel in ext.relations:
                if rel.kind == "replaces" and not rel.articles and normalise_number(rel.target) == want:
                    out.append((key, rel.date or ext.effective_from or self.records[key].effective_date))
        return out

    def incoming(self) -> Iterable[tuple[str, str, Relation]]:
        """(source key, target key, relation as the source states it) for every resolved relation."""
        for target, pairs in self._incoming.items():
            for source, rel in pairs:
                yield source, target, rel

    @classmethod
    def from_store(cls, store: DocumentSource, override_file: Path | None) -> "ValidityRegistry":
        """Over ``store.document_records()`` and the override file."""
        return cls(store.document_records(), load_overrides(override_file), str(override_file or ""))

    def _resolve_target(self, target: str) -> str | None:
        """The indexed document a relation's target designates completely (number, or whole title)."""
        refs = find_references(target, context=False) or []
        ref = next((r for r in refs if r.has_document), None)
        if ref is None:
            record = self.resolver.by_key(target)
            return record.key if record else None
        record = self.resolver.resolve_exact(ref)
        return record.key if record else None

    def _possible(self, source_key: str, target_key: str, rel: Relation) -> bool:
        """Whether ``source`` can replace/amend ``target`` at all: never a higher-rank document (a decree
        does not repeal a law), never one issued after the source."""
        if rel.kind == "guides":
            return True
        source, target = self.records[source_key], self.records[target_key]
        ranks = [legal_rank(r.doc_type, r.doc_number) for r in (source, target)]
        if ranks[0] is not None and ranks[1] is not None and ranks[0] > ranks[1]:
            log.debug("ignored: %s cannot %s %s (rank %s > %s)", source_key, rel.kind, target_key, *ranks)
            return False
        issued = [r.issued_date or "" for r in (source, target)]
        if all(issued) and issued[0] < issued[1]:
            log.debug("ignored: %s (issued %s) cannot %s %s (issued %s)", source_key, issued[0], rel.kind,
                      target_key, issued[1])
            return False
        return True

    def find(self, doc: str) -> DocumentRecord | None:
        """A document record by key, số hiệu (full or partial) or name ("Luật Hộ tịch")."""
        record = self.resolver.by_key(doc.strip())
        if record:
            return record
        refs = [r for r in find_references(doc, known_names=self.resolver.titles, context=False) if r.has_document]
        if not refs and re.fullmatch(r"\s*\d{1,4}\s*/\s*\d{4}\s*", doc):  # "23/2015"
            number = normalise_number(doc)
            refs = [Reference(doc, 0, len(doc), doc_number=number, year=number.split("/")[1])]
        if not refs:
            refs = find_references(f"Luật {doc}", known_names=self.resolver.titles, context=False)
        for ref in refs:
            res = self.resolver.resolve(ref)
            if res.found:
                return res.record
        return None

    def record(self, key: str, as_of: str | None = None) -> ValidityRecord:
        as_of = as_of or date.today().isoformat()
        if (key, as_of) in self._cache:
            return self._cache[(key, as_of)]
        rec = self.records.get(key) or DocumentRecord(key="")  # not indexed: no fields
        ext = self._extractions.get(key, Extraction())
        doc_number = rec.doc_number
        label = document_label(rec.document)
        out = ValidityRecord(key=key, doc_number=doc_number, label=label, as_of=as_of)
        # dates: extraction, then the stored document fields
        out.effective_from = ext.effective_from or rec.effective_date
        out.sources["effective_from"] = ext.effective_from_source or ("thông tin đầu văn bản" if out.effective_from else "")
        out.effective_to, out.sources["effective_to"] = ext.effective_to, ext.effective_to_source
        # relations: own text, then what other indexed documents say about this one
        for rel in ext.relations:
            out.relations[rel.kind].append(rel)
        for other_key, rel in self._incoming.get(key, []):
            other = self.records[other_key]
            other_ext = self._extractions[other_key]
            when = rel.date or other_ext.effective_from or other.effective_date
            inverse = {"replaces": "replaced_by", "amends": "amended_by", "guides": "guided_by"}[rel.kind]
            if inverse == "guided_by":
                continue
            out.relations[inverse].append(
                Relation(inverse, other.doc_number or other_key, rel.articles, rel.repeal, when,
                         rel.evidence, f"chỉ mục: {document_label(other.document)} ({rel.source})")
            )
        # the administrator's file wins
        ov = self.overrides.get(key) or self.overrides.get(doc_number)
        where = f"tệp ghi đè {self.override_path}:{ov.line}" if ov else ""
        if ov:
            if ov.effective_from:
                out.effective_from, out.sources["effective_from"] = ov.effective_from, where
            if ov.effective_to:
                out.effective_to, out.sources["effective_to"] = ov.effective_to, where
            for kind, targets in (("replaced_by", ov.replaced_by), ("amended_by", ov.amended_by)):
                for target in targets:
                    out.relations[kind].append(Relation(kind, target, (), kind == "replaced_by", None, ov.note, where))
            out.note = ov.note
        replacements = [r for r in out.relations["replaced_by"] if not r.articles]
        if not out.effective_to:
            ends = sorted(r.date for r in replacements if r.date)
            if ends:
                out.effective_to = ends[0]
                out.sources["effective_to"] = next(r.source for r in replacements if r.date == ends[0])
        repeals = [r for r in out.relations["amended_by"] if r.repeal]
        status, reason = _status_for(out.effective_from, out.effective_to, as_of, replacements, repeals)
        if ov and ov.status:
            status, reason = ov.status, where
        elif ext.status and status in (UNKNOWN,):
            status, reason = ext.status, ext.status_source
        out.status, out.sources["status"] = status, reason
        self._cache[(key, as_of)] = out
        return out

    # -- badges and filters -----------------------------------------------------------------------
    def badge(self, unit: LegalUnit, as_of: str | None = None) -> Badge:
        """The badge of one cited unit: the document's status and the amendments of its article."""
        key = unit.document.key
        if key not in self.records:
            return Badge(UNKNOWN, SYMBOLS["unknown"], "Không rõ hiệu lực (văn bản không có trong chỉ mục)")
        rec = self.record(key, as_of)
        amended = [
            r for r in rec.relations["amended_by"]
            if (not r.articles or unit.article in r.articles) and (not r.date or r.date <= rec.as_of)
        ]
        repealed = [r for r in amended if r.repeal and r.articles and unit.article in r.articles and not r.clauses
                    and "bãi bỏ" in r.evidence and "sửa đổi" not in r.evidence]
        by = tuple(dict.fromkeys(r.target for r in amended))
        if rec.status in (EXPIRED, NOT_YET) or repealed:
            if rec.status == NOT_YET:
                label = f"Chưa có hiệu lực (từ {rec.effective_from})" if rec.effective_from else "Chưa có hiệu lực"
            else:
                label = "Hết hiệu lực" + (f" từ {rec.effective_to}" if rec.effective_to else "")
                replaced = [r.target for r in rec.relations["replaced_by"] if not r.articles]
                if replaced:
                    label += f", thay thế bởi {', '.join(dict.fromkeys(replaced))}"
                elif rec.sources.get("status", "").startswith("tệp"):
                    label += f" ({rec.sources['status']})"
            if repealed:
                label = f"Điều {unit.article} bị bãi bỏ bởi {repealed[0].target}"
            return Badge(rec.status if not repealed else PARTIAL, SYMBOLS["not_in_force"], label, by, rec.as_of,
                         in_force=False)
        if rec.status in (IN_FORCE, PARTIAL) and by:
            return Badge(rec.status, SYMBOLS["amended"], f"Đã được sửa đổi, bổ sung bởi {', '.join(by)}", by, rec.as_of,
                         in_force=True)
        if rec.status in (IN_FORCE, PARTIAL):
            label = "Còn hiệu lực" if rec.status == IN_FORCE else "Còn hiệu lực (văn bản hết hiệu lực một phần)"
            return Badge(rec.status, SYMBOLS["in_force"], label, (), rec.as_of, in_force=True)
        return Badge(UNKNOWN, SYMBOLS["unknown"], "Không rõ hiệu lực", (), rec.as_of)

    def annotate(self, passages: Iterable[Passage], as_of: str | None = None) -> list[Passage]:
        return [replace(p, badge=self.badge(p.unit, as_of)) for p in passages]


def document_label(doc: LegalDocument) -> str:
    """Short human name: "Luật Hộ tịch 60/2014/QH13", "Nghị định 23/2015/NĐ-CP" (long titles left out)."""
    if doc.doc_number and len(doc.title) > 40:
        return f"{doc.doc_type} {doc.doc_number}".strip()
    return doc.label


# A unit not in force is only demoted below passages at least this relevant (share of its score).
DEMOTION_SCORE_RATIO = 0.5


def prefer_in_force(passages: list[Passage], registry: ValidityRegistry | None, as_of: str | None = None,
                    only_in_force: bool = False, demotion: int = 3) -> list[Passage]:
    """Badge every passage; a unit not in force moves ``demotion`` places down (dropped with ``only_in_force``).

    ``registry`` None: the passages carry their badges already (``ValidityService.rank``).
    A soft preference: an expired article that is far more relevant than anything in force still shows,
    with its 🔴 badge, instead of vanishing.
    """
    annotated = registry.annotate(passages, as_of) if registry is not None else list(passages)
    if only_in_force:  # unknown validity stays (with ⚪), as in the app's filter
        return [p for p in annotated if p.badge is None or p.badge.in_force is not False]
    def position(i: int, p: Passage) -> int:
        if p.badge is None or p.badge.in_force is not False:
            return i
        # move down past at most ``demotion`` passages, and only past comparably relevant ones
        steps = 0
        for other in annotated[i + 1 : i + 1 + demotion]:
            if other.score < DEMOTION_SCORE_RATIO * p.score:
                break
            steps += 1
        return i + steps

    order = {id(p): position(i, p) for i, p in enumerate(annotated)}
    return sorted(annotated, key=lambda p: order[id(p)])
