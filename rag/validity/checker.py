"""Citation checker: does each cited article exist, say what the sentence says, and still apply?

For every legal reference in a pasted text (``find_references``) the checker resolves the document in
the index, reads the real article/clause, compares the citing sentence with it (numbers with their
units, and key terms), and returns one verdict:

- ``correct``: the unit exists, is in force, and the sentence agrees with it (or makes no claim);
- ``wrong_content``: the unit exists but the sentence's numbers or key terms disagree (says which);
- ``wrong_article``: the content is in another article/clause (same or another document; suggested);
- ``nonexistent_article``: beyond the document's last article, or a missing clause/point;
- ``nonexistent_document``: the designation contradicts itself or the index (near matches suggested);
- ``not_in_force``: the unit exists but is not in force on the date (replacement suggested);
- ``unverifiable``: the document is not in the index (near matches suggested when any).
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence

from rag.domain import Badge, LegalUnit, Passage
from rag.errors import TthcError
from rag.legal.references import Reference, Resolution, find_references, fold
from rag.validity.relations import document_label
from rag.text.quantities import claims
from rag.text.sentences import sentence_around
from rag.text.vietnamese import nfc

if TYPE_CHECKING:
    from rag.validity.service import ValidityService

VERDICT_LABELS = {
    "correct": "✅ Đúng",
    "wrong_article": "↪️ Sai điều (nội dung ở điều khác)",
    "wrong_content": "❌ Sai nội dung",
    "nonexistent_article": "🚫 Không có điều/khoản/điểm này",
    "nonexistent_document": "🚫 Không có văn bản này",
    "not_in_force": "🔴 Không còn (hoặc chưa có) hiệu lực",
    "unverifiable": "❔ Không kiểm chứng được (văn bản chưa được nạp)",
}
Search = Callable[[str, int], Sequence[Passage]]


class UnitSource(Protocol):
    """Where the checker reads a document's units (``rag.index.store.UnitStore`` is one)."""

    def units_of(self, doc_key: str, article: str | None = None) -> list[LegalUnit]: ...


log = logging.getLogger(__name__)

# coverage of the sentence's key bigrams by the cited text
MATCH_COVERAGE = 0.34  # at or above: the sentence agrees with the unit
MISMATCH_COVERAGE = 0.15  # below (with terms to compare): the sentence is about something else
BETTER_BY = 0.2  # another unit must cover this much more to be "the right article"
MIN_TERMS = 3  # fewer key bigrams than this: the sentence makes no checkable claim
STRONG_COVERAGE = 0.6  # a suggested other article must agree at least this well

_STOP = set(
    "theo quy dinh tai cua thi la duoc co cac nhung va hoac cho trong khi neu phai ve nay do mot so de tu den voi "
    "can se da bi boi o khong moi ma nhu tren duoi sau truoc cung deu rang viec luat nghi dieu khoan diem thong "
    "bo nam ngay gi nao the vay ay hien hanh chinh phu can cu ghi neu ro tai sao phap".split()
)


@dataclass(frozen=True)
class CheckedCitation:
    """One citation found in the text, with its verdict."""

    text: str  # the reference as written
    start: int
    end: int
    sentence: str  # the citing sentence
    doc: str | None  # số hiệu of the resolved document, or the designation as written
    article: str | None  # "Điều 15" (several: "Điều 5, 6, 7")
    clause: str | None
    point: str | None
    verdict: str
    evidence: str  # Vietnamese explanation, quoting the real text where useful
    suggestion: str | None = None
    cited_text: str = ""  # the real text of the cited unit(s), for side-by-side display
    cited_label: str = ""  # "Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13"
    badge: Badge | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "doc": self.doc,
            "article": self.article,
            "clause": self.clause,
            "point": self.point,
            "verdict": self.verdict,
            "evidence": self.evidence,
            "suggestion": self.suggestion,
            "sentence": self.sentence,
            "cited": self.cited_label,
            "cited_text": self.cited_text,
            "status": self.badge.status if self.badge else None,
            "badge": self.badge.symbol if self.badge else None,
            "notices": list(self.badge.notices) if self.badge else [],
            "start": self.start,
            "end": self.end,
        }


# -- text comparison (pure) --------------------------------------------------------------------


def key_bigrams(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", fold(nfc(text)))
    return {f"{a} {b}" for a, b in zip(words, words[1:]) if not (a in _STOP and b in _STOP) and not (a.isdigit() or b.isdigit())}


@dataclass(frozen=True)
class Agreement:
    missing_claims: tuple[str, ...]
    claims: int
    coverage: float
    terms: int
    missing_terms: tuple[str, ...] = ()

    @property
    def claims_ok(self) -> bool:
        return not self.missing_claims

    @property
    def rank(self) -> tuple[int, float]:
        return (self.claims - len(self.missing_claims), self.coverage)


def agreement(statement: str, unit_text: str, weights: dict[str, float] | None = None,
              default_weight: float = 1.0) -> Agreement:
    """How well a statement agrees with a unit's text: its numbers, and its key bigrams weighted by
    rarity (``weights``: IDF over the document's units, so "Ủy ban nhân dân" counts little)."""
    stated = claims(statement)
    found = claims(unit_text)
    missing = tuple(c.written for c in stated if not c.found_in(found))
    terms = key_bigrams(statement)
    have = key_bigrams(unit_text)
    covered = terms & have
    w = weights or {}
    total = sum(w.get(t, default_weight) for t in terms)
    coverage = sum(w.get(t, default_weight) for t in covered) / total if total else 1.0
    return Agreement(missing, len(stated), coverage, len(terms), tuple(sorted(terms - have))[:6])


_ABBREVIATIONS = {
    "ubnd": "Ủy ban nhân dân", "hđnd": "Hội đồng nhân dân", "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân", "tthc": "thủ tục hành chính", "csdl": "cơ sở dữ liệu",
}
_ABBREVIATION = re.compile(r"(?<!\w)(" + "|".join(_ABBREVIATIONS) + r")(?!\w)", re.IGNORECASE)


def statement_of(sentence: str, refs: Sequence[Reference], offset: int) -> str:
    """The citing sentence without its references and their connectives ("theo", "tại", "căn cứ")."""
    chars = list(sentence)
    for r in refs:
        for i in range(max(r.start - offset, 0), min(r.end - offset, len(chars))):
            chars[i] = " "
    text = "".join(chars)
    text = re.sub(r"(?i)\b(theo|tại|căn cứ|quy định tại|được quy định|của|thì|rằng)\b", " ", text)
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)
    return " ".join(text.split())


# -- the checker -------------------------------------------------------------------------------


class CitationChecker:
    """Checks the citations of a text against the index."""

    def __init__(self, store: UnitSource, registry: "ValidityService", search: Search | None = None,
                 as_of: str | None = None):
        self.store = store
        self.registry = registry
        self.resolver = registry.resolver
        self.search = search
        self.as_of = as_of or date.today().isoformat()
        self._units: dict[str, list[LegalUnit]] = {}
        self._weights: dict[str, tuple[dict[str, float], float]] = {}

    def units(self, key: str) -> list[LegalUnit]:
        if key not in self._units:
            units = self.store.units_of(key)
            units.sort(key=lambda u: (_num(u.article), u.article, _num(u.clause or "0"), u.chunk))
            self._units[key] = units
        return self._units[key]

    def weights(self, key: str) -> tuple[dict[str, float], float]:
        """IDF of key bigrams over the document's articles, and the weight of unseen bigrams."""
        if key not in self._weights:
            articles: dict[str, set[str]] = {}
            for u in self.units(key):
                articles.setdefault(u.article, set()).update(key_bigrams(_unit_text(u)))
            n = max(len(articles), 1)
            df: dict[str, int] = {}
            for bigrams in articles.values():
                for b in bigrams:
                    df[b] = df.get(b, 0) + 1
            self._weights[key] = ({b: math.log((n + 1) / (c + 0.5)) for b, c in df.items()}, math.log((n + 1) / 0.5))
        return self._weights[key]

    def agree(self, statement: str, text: str, key: str) -> Agreement:
        weights, unseen = self.weights(key)
        return agreement(statement, text, weights, unseen)

    def check(self, text: str) -> list[CheckedCitation]:
        text = nfc(text or "")
        refs = find_references(text, known_names=self.resolver.titles)
        out = []
        for ref in refs:
            if not ref.articles and not ref.clauses and any(
                r.inherited and r.doc_text == ref.doc_text for r in refs
            ):
                continue  # a document mention already checked through the citations that use it
            if not ref.articles and ref.clauses and not ref.has_document:
                continue  # "khoản 2" alone: nothing to check
            sentence, offset = sentence_around(text, ref.start, ref.end)
            in_sentence = [r for r in refs if offset <= r.start < offset + len(sentence)]
            out.append(self._check_one(ref, sentence, statement_of(sentence, in_sentence, offset)))
        return out

    # -- one reference -----------------------------------------------------------------------
    def _check_one(self, ref: Reference, sentence: str, statement: str) -> CheckedCitation:
        article = f"Điều {', '.join(ref.articles)}" if ref.articles else None
        clause = ", ".join(ref.clauses) or None
        point = ", ".join(ref.points) or None
        base = dict(text=ref.text, start=ref.start, end=ref.end, sentence=sentence, article=article,
                    clause=clause, point=point)
        written = ref.document_label or None
        if not ref.has_document or ref.self_document:
            return CheckedCitation(doc=written, verdict="unverifiable", **base,
                                   evidence="Không xác định được văn bản được trích dẫn (thiếu số hiệu hoặc tên văn bản).")
        res = self.resolver.resolve(ref)
        near = "; ".join(document_label(r.document) for r in res.candidates[:3]) or None
        if res.conflict:
            return CheckedCitation(doc=written, verdict="nonexistent_document", **base,
                                   evidence=f"Không có văn bản như vậy: {res.conflict}.",
                                   suggestion=f"Có thể là: {near}" if near else None)
        if not res.found:
            if res.how == "year_mismatch":
                invented = self._invented(ref, res, base)
                if invented is not None:
                    return invented
                known = [n for y, n in self.registry.mentioned(ref.doc_type, ref.doc_name) if y == ref.year and n]
                evidence = (f"{written}{' (' + ', '.join(known) + ')' if known else ''} có tồn tại (văn bản đã nạp có nhắc "
                            f"đến) nhưng không có trong chỉ mục nên không kiểm tra được; chỉ mục chỉ có văn bản cùng "
                            f"tên khác năm.") + self._ended(known)
            else:
                evidence = f"Văn bản {written} không có trong chỉ mục nên không kiểm tra được."
            return CheckedCitation(doc=written, verdict="unverifiable", **base, evidence=evidence,
                                   suggestion=f"Văn bản gần giống trong chỉ mục: {near}" if near else None)
        record = res.record
        key = record.key
        doc = record.doc_number or key
        label = document_label(record.document)
        base["doc"] = doc
        units = self.units(key)
        if not ref.articles:
            badge = self.registry.badge(units[0], self.as_of) if units else None
            if badge is not None and badge.in_force is False:
                return CheckedCitation(verdict="not_in_force", **base, badge=badge,
                                       evidence=f"{label}: {badge.label}.", suggestion=_replacement(badge))
            return CheckedCitation(verdict="correct", **base, badge=badge,
                                   evidence=f"Văn bản {label} có trong chỉ mục.")
        # existence of the article(s), clause(s), point(s)
        articles = {u.article for u in units}
        numbers = [_num(a) for a in articles if _num(a) < 10**6]
        last = max(numbers) if numbers else 0
        cited: list[LegalUnit] = []
        for number in ref.articles:
            in_article = [u for u in units if u.article == number]
            if not in_article:
                if _num(number) > last:
                    why = f"{label} chỉ có {last} điều; không có Điều {number}."
                    return CheckedCitation(verdict="nonexistent_article", **base, evidence=why,
                                           suggestion=self._suggest(statement, key))
                return CheckedCitation(verdict="unverifiable", **base,
                                       evidence=f"Chỉ mục không có Điều {number} của {label} (văn bản được nạp không đầy đủ).")
            if ref.clauses:
                clauses = {u.clause for u in in_article if u.clause}
                missing = [c for c in ref.clauses if c not in clauses]
                if missing:
                    count = max((_num(c) for c in clauses), default=0)
                    why = (f"Điều {number} {label} " + (f"chỉ có {count} khoản" if count else "không chia khoản")
                           + f"; không có khoản {', '.join(missing)}.")
                    return CheckedCitation(verdict="nonexistent_article", **base, evidence=why,
                                           cited_text=_join(in_article), cited_label=f"Điều {number} {label}",
                                           suggestion=self._suggest(statement, key))
                in_article = [u for u in in_article if u.clause in ref.clauses]
            if ref.points:
                body = _join(in_article)
                missing = [p for p in ref.points if not re.search(rf"(?m)^\s*{re.escape(p)}\)", body)]
                if missing:
                    where = f"khoản {', '.join(ref.clauses)} Điều {number}" if ref.clauses else f"Điều {number}"
                    return CheckedCitation(verdict="nonexistent_article", **base,
                                           evidence=f"{where.capitalize()} {label} không có điểm {', '.join(missing)}.",
                                           cited_text=body, cited_label=f"{where} {label}")
            cited.extend(in_article)
        cited_text = _join(cited)
        base["details"] = {"match_text": _join(cited, titles=True)}
        cited_label = f"{ref.address} {label}"
        badge = self.registry.badge(cited[0], self.as_of)
        base.update(cited_text=cited_text, cited_label=cited_label, badge=badge)
        if badge.in_force is False:
            return CheckedCitation(verdict="not_in_force", **base, evidence=f"{cited_label}: {badge.label}.",
                                   suggestion=_replacement(badge))
        return self._compare(statement, cited, base, key)

    def _ended(self, numbers: Sequence[str]) -> str:
        """" Văn bản này đã hết hiệu lực từ … (Luật Tố cáo 25/2018/QH14)." when an indexed text says so."""
        for number in numbers:
            for key, when in self.registry.ended_by(number):
                if not when or when <= self.as_of:
                    label = self.registry.label(key)
                    since = f" từ {when}" if when else ""
                    return f" Theo {label}, văn bản {number} đã hết hiệu lực{since}."
        return ""

    def _invented(self, ref: Reference, res: Resolution, base: dict[str, Any]) -> CheckedCitation | None:
        """A law cited by its real name with a year it never had ("Luật Hộ tịch năm 2019"): the index
        has that name with another year, and no indexed text names one of the cited year. None when the
        cited year is known to exist (then the corpus simply lacks it: unverifiable)."""
        mentions = self.registry.mentioned(ref.doc_type, ref.doc_name)
        if any(year == ref.year for year, _ in mentions):
            return None
        exact = [r for r in res.candidates if fold(" ".join(r.title.split())).endswith(
            fold(" ".join(ref.doc_name.split())))]
        real = [f"{ref.doc_type} {ref.doc_name} {number}".strip() for _, number in mentions if number]
        real += [document_label(r.document) for r in (exact or res.candidates)]
        real = list(dict.fromkeys(real))[:3]
        if not real:
            return None
        return CheckedCitation(
            **base, doc=ref.document_label or None, verdict="nonexistent_document",
            evidence=(f"Không có {ref.document_label}: {ref.doc_type} {ref.doc_name} là {', '.join(real)}, "
                      f"không có văn bản cùng tên năm {ref.year}."),
            suggestion=f"Có thể là: {'; '.join(real)}",
        )

    def _compare(self, statement: str, cited: list[LegalUnit], base: dict[str, Any], key: str) -> CheckedCitation:
        label = base["cited_label"]
        fit = self.agree(statement, base["details"]["match_text"], key)
        if fit.claims == 0 and fit.terms < MIN_TERMS:
            return CheckedCitation(verdict="correct", **base,
                                   evidence=f"{label} tồn tại và còn áp dụng; câu không nêu nội dung cụ thể để đối chiếu.")
        better = self._better_unit(statement, cited, fit, key)
        if better is not None:
            unit, other = better
            return CheckedCitation(
                verdict="wrong_article", **{**base, "details": {"suggested_text": unit.text}},
                evidence=(f"Nội dung câu không nằm ở {label} mà ở {_unit_label(unit)} "
                          f"(mức khớp {other.coverage:.0%}, so với {fit.coverage:.0%})."),
                suggestion=_unit_label(unit),
            )
        if fit.claims_ok and fit.coverage >= MATCH_COVERAGE:
            return CheckedCitation(verdict="correct", **base,
                                   evidence=f"Nội dung khớp với {label} (mức khớp các cụm từ chính {fit.coverage:.0%}).")
        if not fit.claims_ok:
            stated = ", ".join(f"«{c}»" for c in fit.missing_claims)
            wanted_units = {c.unit for c in claims(" ".join(fit.missing_claims))}
            real = sorted({c.written for c in claims(base["cited_text"]) if c.unit in wanted_units})
            said = f"; điều luật ghi {', '.join(f'«{r}»' for r in real[:4])}" if real else ""
            return CheckedCitation(verdict="wrong_content", **base,
                                   evidence=f"Câu trích dẫn nêu {stated} nhưng {label} không có con số này{said}.")
        if fit.coverage < MISMATCH_COVERAGE:
            terms = ", ".join(f"«{t}»" for t in fit.missing_terms[:4])
            return CheckedCitation(verdict="wrong_content", **base,
                                   evidence=f"Nội dung câu không khớp với {label}: các cụm {terms} không có trong điều.")
        return CheckedCitation(verdict="correct", **base,
                               evidence=f"Nội dung gần khớp với {label} (mức khớp các cụm từ chính {fit.coverage:.0%}).")

    def _better_unit(self, statement: str, cited: list[LegalUnit], fit: Agreement,
                     key: str) -> tuple[LegalUnit, Agreement] | None:
        """A unit elsewhere that agrees clearly better (same document first, then retrieval)."""
        cited_ids = {(u.document.key, u.article, u.clause) for u in cited}
        pool: list[LegalUnit] = list(self._article_units(key))
        if self.search is not None and statement.strip():
            try:
                pool.extend(p.unit for p in self.search(statement[:1000], 8))
            except TthcError as exc:  # retrieval trouble must not lose the other verdicts
                log.warning("checker retrieval failed: %s", exc)
        best: tuple[LegalUnit, Agreement] | None = None
        for unit in pool:
            if (unit.document.key, unit.article, unit.clause) in cited_ids:
                continue
            other = self.agree(statement, _unit_text(unit), key)
            if not other.claims_ok or other.coverage < STRONG_COVERAGE:
                continue
            clearly = other.coverage >= fit.coverage + BETTER_BY
            rescues = not fit.claims_ok and other.claims > 0 and other.coverage >= fit.coverage - 0.05
            if (clearly or rescues) and (best is None or other.rank > best[1].rank):
                best = (unit, other)
        return best

    def _article_units(self, key: str) -> list[LegalUnit]:
        """Clause-level units of a document (chunks merged)."""
        merged: dict[tuple[str, str | None], LegalUnit] = {}
        for u in self.units(key):
            k = (u.article, u.clause)
            if k not in merged:
                merged[k] = u
        return list(merged.values())

    def _suggest(self, statement: str, key: str) -> str | None:
        """The article of the same document the sentence fits, if one fits well."""
        if not statement or len(key_bigrams(statement)) < MIN_TERMS:
            return None
        best = None
        for unit in self._article_units(key):
            a = self.agree(statement, _unit_text(unit), key)
            if a.claims_ok and a.coverage >= STRONG_COVERAGE and (best is None or a.rank > best[1].rank):
                best = (unit, a)
        return f"Có thể là {_unit_label(best[0])}" if best else None


def _num(value: str | None) -> int:
    m = re.match(r"\d+", value or "")
    return int(m.group(0)) if m else 10**6


def _join(units: Sequence[LegalUnit], titles: bool = False) -> str:
    out: list[str] = []
    seen: set[tuple[str, str | None, int]] = set()
    for u in units:
        if titles and u.article_title and (u.article, "title", 0) not in seen:
            seen.add((u.article, "title", 0))
            out.append(u.article_title)
        k = (u.article, u.clause, u.chunk)
        if k not in seen:
            seen.add(k)
            out.append(u.text)
    return "\n".join(out)


def _unit_text(unit: LegalUnit) -> str:
    return f"{unit.article_title}\n{unit.text}" if unit.article_title else unit.text


def _unit_label(unit: LegalUnit) -> str:
    return f"{unit.address} {document_label(unit.document)}"


def _replacement(badge: Badge) -> str | None:
    m = re.search(r"thay thế bởi (.+)$", badge.label)
    return f"Xem văn bản thay thế: {m.group(1)}" if m else None
