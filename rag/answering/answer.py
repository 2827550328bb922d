"""Answering: pick the governing clauses, answer (extractive or LLM), verify every sentence.

Extractive (default): a short lead sentence in the clause's own words when the question asks for a
deadline, fee, authority, dossier or definition, then the governing clauses quoted with citations.
LLM: the model sees numbered passages and cites ``[n]``; its sentences are verified and failing
ones removed (or flagged). Either way, when retrieval is not relevant enough or verification
removes the substance, the answer abstains with ``ABSTAIN_TEXT`` and lists the closest passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Callable, Iterator, Sequence

from rag.config import Settings
from rag.domain import Answer, AnswerSentence, Citation, LegalUnit, Passage
from rag.answering.followup import rewrite_follow_up
from rag.answering.lists import MAX_ITEMS, enclosing_list, line_end, list_lead_text
from rag.models.llm import MODEL_ABSTAINS, Generator, build_messages
from rag.search.relevance import INTENTS as ASKED
from rag.search.relevance import (
    EXEMPTION,
    SPECIAL_CASES,
    Judgement,
    QuestionProfile,
    answer_unit_order,
    crime_article,
    exempts,
    has_figure,
    profile,
    signal_of,
    yes_no,
)
from rag.search.retrieval import Retriever, clean_question
from rag.text.quantities import COUNT_UNITS, FIGURE_KINDS, situation_amounts, stated_figures, stated_ranges
from rag.text.sentences import LEAD_PIECE, passage_pieces
from rag.text.vietnamese import syllables
from rag.answering.verification import (
    VerificationConfig,
    content_words,
    render,
    verify_sentence,
    verify_text,
)

ABSTAIN_TEXT = "Không tìm thấy căn cứ pháp lý trong các văn bản đã nạp."
SIMILARITY_MARGIN = 0.03  # further citations must be this close to the best passage
RELEVANCE_DEPTH = 3  # passages whose lexical overlap with the question is considered

# -- relevance and abstention ---------------------------------------------------------------------

_QUESTION_ONLY = frozenset(
    "bao lâu nhiêu mấy gì nào ai đâu sao thế không có phải được hỏi xin cho tôi em anh chị muốn biết "
    "mất cần làm".split()
)
# Phrases of the asking, dropped whole: their syllables alone carry meaning ("hợp đồng", "trường học", "thực hiện").
_QUESTION_PHRASES = re.compile(r"\b(?:trường hợp|thủ tục|hiện nay)\b", re.I)


@dataclass(frozen=True)
class Relevance:
    similarity: float  # dense cosine similarity of the best passage
    lexical: float  # best share of the question's content words found in one top passage
    score: float  # similarity + weight × lexical


# A code of letters and digits names one thing: a film class "T13", a licence class "A1", a form "CT01"
_CODE = re.compile(r"\b[^\W\d_]{1,3}\d{1,3}\b")


def meaning_words(text: str) -> set[str]:
    """``content_words`` without the asking phrases ("trường hợp" is no "hợp đồng"), and the codes
    ("phim T13" is answered by "Loại T13 (13+)", not by "Loại T18")."""
    return content_words(_QUESTION_PHRASES.sub(" ", text)) | {c.lower() for c in _CODE.findall(text)}


def question_words(question: str) -> set[str]:
    return meaning_words(question) - _QUESTION_ONLY


def question_bigrams(question: str) -> set[tuple[str, str]]:
    """Adjacent syllable pairs of the question where both carry meaning ("sổ đỏ", "khai sinh")."""
    syl = syllables(question)
    keep = question_words(question)
    return {(a, b) for a, b in zip(syl, syl[1:]) if a in keep and b in keep}


def lexical_overlap(question: str, passage_text: str) -> float:
    """Mean of the shares of the question's content syllables and syllable pairs found in the passage."""
    words, pairs = question_words(question), question_bigrams(question)
    if not words:
        return 0.0
    syl = syllables(passage_text)
    have_words, have_pairs = set(syl), set(zip(syl, syl[1:]))
    share = len(words & have_words) / len(words)
    pair_share = len(pairs & have_pairs) / len(pairs) if pairs else share
    return (share + pair_share) / 2


def relevance(question: str, passages: Sequence[Passage], settings: Settings) -> Relevance:
    if not passages:
        return Relevance(0.0, 0.0, 0.0)
    similarity = passages[0].similarity or 0.0
    lexical = max(lexical_overlap(question, f"{p.unit.heading} {p.unit.text}") for p in passages[:RELEVANCE_DEPTH])
    return Relevance(similarity, lexical, similarity + settings.abstain_lexical_weight * lexical)


def is_relevant(rel: Relevance, settings: Settings) -> bool:
    return rel.similarity >= settings.abstain_similarity and rel.score >= settings.abstain_score


def select_citations(passages: list[Passage], max_citations: int) -> list[Passage]:
    """The best passage plus close runners-up (one per unit)."""
    if not passages:
        return []
    best_sim = passages[0].similarity or 0.0
    chosen: list[Passage] = []
    seen: set[str] = set()
    for passage in passages:
        key = passage.unit.citation + f"#{passage.unit.chunk}"
        if key in seen:
            continue
        if chosen and (passage.similarity or 0.0) < best_sim - SIMILARITY_MARGIN:
            continue
        seen.add(key)
        chosen.append(passage)
        if len(chosen) == max_citations:
            break
    return chosen


def abstain(question: str, related: Sequence[Passage], reason: str, **fields: object) -> Answer:
    return Answer(
        question=question,
        text=ABSTAIN_TEXT,
        abstained=True,
        related=tuple(related),
        warnings=(reason,),
        **fields,  # type: ignore[arg-type]
    )


# -- extractive ---------------------------------------------------------------------------------

_ENUMERATOR = re.compile(r"^\s*(?:\d+[.)](?!\d)|[a-zđ]\)|[-–•])\s*", re.I)
MAX_LEAD_CHARS = 320
MIN_LEAD_OVERLAP = 0.25  # share of the question's content words the lead piece must contain


# The first sentence's label when it states an amount and no asked intent names it.
_KIND_LABEL = {
    "money": "Mức tiền", "duration": "Thời hạn", "age": "Độ tuổi", "percent": "Tỷ lệ", "number": "Con số",
    "area": "Diện tích", "length": "Khoảng cách, kích thước", "weight": "Khối lượng", "volume": "Thể tích",
    "coefficient": "Hệ số", "date": "Thời điểm", "speed": "Tốc độ",
}
_INTENT_KIND = {"fee": "money", "sanction": "money", "deadline": "duration"}


@dataclass(frozen=True)
class Lead:
    """The piece of a clause the answer's first sentence quotes, and how well it states what was asked."""

    label: str
    piece: str
    start: int
    end: int
    score: float
    items: tuple[tuple[int, int], ...] = ()  # the piece is in a list: its items' spans, quoted after the head
    head: tuple[int, int] | None = None  # the list's head, quoted before the items


_AGE = re.compile(r"tuổi", re.I)
_EXAMPLE = re.compile(r"\s*(?:ví dụ|thí dụ)\b", re.I)
_PRISON = re.compile(r"\bphạt tù\b|cải tạo không giam giữ|tù chung thân", re.I)


def states_figure(kind: str, piece: str, age: bool) -> bool:
    """The piece states an amount of this kind; a period asked for is not an age ("trong bao lâu" is not
    "người chưa đủ 14 tuổi"), an age asked for ("từ mấy tuổi") is."""
    if kind == "duration" and not age:
        return any(f.kind == "duration" and not f.is_age for f in stated_figures(piece)) or (
            has_figure(kind, piece) and not _AGE.search(piece))
    return has_figure(kind, piece)


def lead_piece(question: str, unit: LegalUnit, prof: QuestionProfile | None = None) -> Lead | None:
    """A piece of the clause that states the asked-for fact verbatim.

    The question's main intent (``rag.search.relevance.profile``; ``prof`` when the caller has it, read
    from the question with its diacritics restored) gives the label and the signal the piece must carry
    (an amount, a duration, an authority, the papers …); when the question wants a figure, the piece
    must state one of that kind, so the first sentence states the figure — labelled by its kind when no
    intent word names it ("mấy lần", "ít nhất mấy …") or no piece carries the intent's signal.
    """
    prof = prof or profile(question)
    intent = prof.main_intent
    figure = prof.figure_kind if prof.wants_figure else None
    attempts: list[tuple[str, Callable[[str], bool] | None, str | None]] = []
    if intent == "fee" and crime_article(unit.article_title):
        intent = None  # a crime's sum ("chiếm đoạt tài sản trị giá từ 2.000.000 đồng") is no fee: "Mức tiền"
    if intent in _LEAD_INTENTS and (figure is None or _INTENT_KIND.get(intent, figure) == figure):
        attempts.append((ASKED[intent][0], signal_of(intent), intent))
    if figure:
        attempts.append((_KIND_LABEL[figure], None, None))
    age = bool(_AGE.search(prof.text))
    for label, signal, asked in attempts:
        found = _best_piece(prof, unit, label, signal, figure, age)
        if found is not None and asked == "deadline" and "sanction" in prof.intents and _PRISON.search(found.piece):
            found = replace(found, label=ASKED["sanction"][0])  # "bị phạt tù bao nhiêu năm": a penalty, not a time limit
        if found is not None:
            listed = None if figure else enclosing_list(unit.text, found.start)
            if listed and (signal is None or signal(unit.text[listed[0][0]:listed[0][1]])):
                return _list_lead(prof, unit, found, asked, *listed)
            return found
    if figure == "money" and intent == "fee":
        return _exemption_lead(prof, unit, age)
    return None


def _exemption_lead(prof: QuestionProfile, unit: LegalUnit, age: bool) -> Lead | None:
    """A fee asked ("lệ phí đăng ký kết hôn bao nhiêu?") that the clause answers with an exemption list
    ("Miễn lệ phí … trong những trường hợp sau: … b) Đăng ký khai sinh, khai tử đúng hạn, giám hộ, kết
    hôn …"): the head and the one item naming the case, as for a yes/no question about it."""
    if not exempts(unit.text):  # an exemption clause, not a passing "trừ trường hợp được miễn"
        return None
    head = EXEMPTION.search(unit.text)
    listed = enclosing_list(unit.text, head.start())
    found = _best_piece(prof, unit, ASKED["fee"][0], EXEMPTION.search, None, age)
    if found is None or listed is None:
        return found
    return _list_lead(prof, unit, found, "fee", *listed, one_item=True)


# Intents whose answer is a whole list (the papers, the cases, the prohibited acts, the steps); the
# head of a list of duties or exemptions states who or what ("Chủ tịch Ủy ban nhân dân cấp xã có
# trách nhiệm:"), so for the other intents it stays the lead.
_LIST_INTENTS = ("dossier", "condition", "prohibition", "procedure", "rights")


def _list_lead(
    prof: QuestionProfile, unit: LegalUnit, found: Lead, intent: str | None, head: tuple[int, int],
    items: list[tuple[int, int]], one_item: bool = False,
) -> Lead:
    """The lead of a clause that is a list: its head and items when the question wants the list ("cần
    giấy tờ gì"); for a yes/no question about one case ("hộ nghèo có phải đóng lệ phí không?" against "Miễn lệ
    phí … trong những trường hợp sau: a) … người thuộc hộ nghèo …") the head and the one item that
    names the case; otherwise the piece found."""
    text = unit.text
    if one_item or yes_no(prof.text):
        words = question_words(prof.text)
        lines = [(s, line_end(text, s)) for s, _e in items]
        shared = [len(words & content_words(text[s:e])) for s, e in lines]
        best = max(shared)
        if best == 0 or shared.count(best) > 1:
            return found
        start, end = lines[shared.index(best)]
        offset, item = _cut_long(text[start:end].rstrip(" ;:."))
        start += offset
        return replace(found, items=((start, start + len(item)),), head=head)
    if intent in _LIST_INTENTS:  # the head says whose list it is ("… đối với người quy định tại khoản 2 …")
        return replace(found, items=tuple(items), head=head)
    return found


# "mấy lần", "bao nhiêu người", "ít nhất mấy hòa giải viên": the thing counted, whose count must be stated
_COUNTED = re.compile(r"\b(?:mấy|bao nhiêu)\s+([^\W\d_]+)", re.I)
_NOT_COUNTED = frozenset("ngày tháng năm giờ tuần tuổi tiền đồng phần lâu nhiêu".split())
_COUNT_WORD = r"(?:\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
_BOUND_ASKED = re.compile(r"\b(?:từ|đủ|dưới|trên|đến|tới)\s+(?:mấy|bao nhiêu)\b")  # "từ bao nhiêu cử tri trở lên"
OWN_FIGURE_PENALTY = 0.5  # a piece stating only the question's own amounts ("người dưới 01 tuổi") comes last
RANGE_BONUS = 0.3  # the piece's condition holds for the situation's amount ("xã có phụ cấp khu vực 0,7" → "từ 0,7 trở lên")
# A period's extension ("Thời hạn tạm giữ có thể được kéo dài đối với những vụ việc có nhiều tình tiết phức tạp …
# nhưng tối đa không quá 30 ngày"): the rule for the exceptional case, after the rule's own period ("… là 07 ngày")
# unless the question asks about extending or names the case extended for ("Nếu vụ việc phức tạp thì …").
_EXTENSION = re.compile(r"\b(?:kéo dài|gia hạn)\b", re.I)
_EXTENSION_ASKED = re.compile(r"\b(?:kéo dài|gia hạn|phức tạp)\b", re.I)
EXTENSION_PENALTY = 0.3
EXPIRED_PENALTY = 0.5  # a piece whose period has ended ("… 60% … đến ngày 31 tháng 12 năm 2020") comes after today's rule
# The end of a period a piece is limited to: "đến ngày 31 tháng 12 năm 2020", "đến hết năm 2020", "đến 31/12/2020"
_UNTIL = re.compile(r"\bđến\s+(?:hết\s+)?(?:ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm|ngày\s+\d{1,2}/\d{1,2}/|\d{1,2}/\d{1,2}/|năm|hết năm)\s*(\d{4})\b", re.I)


def expired(piece: str, year: int | None = None) -> bool:
    """The piece states a rule for a period that ended before this year ("Tại bệnh viện tuyến tỉnh là 60% chi phí
    điều trị nội trú từ ngày Luật này có hiệu lực đến ngày 31 tháng 12 năm 2020")."""
    year = year or date.today().year
    return any(int(m.group(1)) < year for m in _UNTIL.finditer(piece))


def counted_thing(question: str) -> str | None:
    """The word after "mấy"/"bao nhiêu" when it counts things ("lần", "người", "hòa" of "hòa giải viên")."""
    for m in _COUNTED.finditer(question):
        word = m.group(1).lower()
        if word not in _NOT_COUNTED:
            return word
    return None


def states_count(thing: str, piece: str) -> bool:
    """The piece states a count of ``thing``: "không quá một lần", "từ 03 hòa giải viên trở lên"."""
    return bool(re.search(rf"\b{_COUNT_WORD}\s+(?:\([^)]*\)\s+)?{re.escape(thing)}\b", piece, re.I))


def _best_piece(prof: QuestionProfile, unit: LegalUnit, label: str, signal, figure: str | None, age: bool) -> Lead | None:
    words = question_words(prof.text)

    asked_low = prof.text.lower()
    own = set(stated_figures(prof.text))  # the situation's amounts: "17 tuổi", "phạt 25 triệu"
    # the situation's amounts a tier's condition may hold for, when the tier states another kind of figure
    # ("phụ cấp khu vực 0,7 … bao nhiêu phần trăm"; not "12 tuổi … từ bao nhiêu tuổi", which asks the bound)
    # A count the situation states ("thôn có 420 cử tri … ít nhất bao nhiêu cử tri tham dự") picks its tier
    # unless the bound itself is asked ("từ bao nhiêu cử tri trở lên").
    amounts = [a for a in situation_amounts(prof.text)
               if not figure or FIGURE_KINDS.get(a[1], "number" if a[1] else None) != figure
               or (a[1] in COUNT_UNITS and not _BOUND_ASKED.search(asked_low))]
    counted = counted_thing(asked_low) if figure == "number" else None
    best: Lead | None = None
    pieces = lead_pieces(unit.text)
    rows = table_row_starts(unit.text)
    for i, (start, end) in enumerate(pieces):
        gap = unit.text[pieces[i - 1][1]:start] if i else ""
        if i and unit.text[start:start + 1].isdigit() and ("\n" in gap or ":" in gap):
            start = pieces[i - 1][0]  # a value ("2.000 đồng/trang") goes with its label (table row, "…: 70.000 đồng")
        piece = unit.text[start:end]
        enumerator = _ENUMERATOR.match(piece)
        if enumerator:
            start += enumerator.end()
            piece = unit.text[start:end]
        keeps = (lambda s: states_figure(figure, s, age)) if figure else None
        offset, piece = _cut_long(piece.rstrip(" ;:."), keeps)
        start += offset
        if len(piece) < 12 or len(piece) > MAX_LEAD_CHARS or (signal is not None and not signal(piece)):
            continue
        if figure and not states_figure(figure, piece, age):
            continue
        if counted and not states_count(counted, piece):
            continue  # "mấy lần" is not answered by "01 ngày"
        line_start = unit.text.rfind("\n", 0, start) + 1
        # the piece's whole line (a point "a) … ; …") tells whom the figure is for; a lettered table row
        # ("a Chứng thực hợp đồng, giao dịch 50.000 đồng") with its group's label ("3 Phí chứng thực hợp đồng …")
        line = table_row(unit.text, rows, start) or unit.text[line_start : line_end(unit.text, end)]
        if _EXAMPLE.match(line):
            continue  # "Ví dụ 01: A bị truy tố … 130% x 23 buổi = 29,9 buổi" illustrates a rule, it states none
        score = (len(words & meaning_words(piece)) + len(words & meaning_words(line))) / (2 * max(len(words), 1))
        score -= 0.3 * sum(m in piece.lower() and m not in asked_low for m in SPECIAL_CASES)
        stated = stated_figures(piece)
        if figure and own and stated and all(f in own for f in stated) and not _period_stated_as_value(piece):
            score -= OWN_FIGURE_PENALTY  # it restates the situation, not the asked figure
        if expired(piece):
            score -= EXPIRED_PENALTY
        if figure == "duration" and _EXTENSION.search(piece) and not _EXTENSION_ASKED.search(asked_low):
            score -= EXTENSION_PENALTY
        # the piece's own tier when it states one ("Đối với nơi có từ 100 cử tri trở lên thì …" beside the
        # line's other tier), else its line's ("a) … từ 0,7 trở lên:" above the figure)
        if amounts and any(r.contains(*a) for r in (stated_ranges(piece) or stated_ranges(line)) for a in amounts):
            score += RANGE_BONUS  # of a table of tiers, the one the situation falls in
        if (score >= MIN_LEAD_OVERLAP or figure) and (best is None or score > best.score):
            shown = label
            if signal is None and figure == "duration" and all(f.is_age for f in stated_figures(piece)):
                shown = _KIND_LABEL["age"]  # "từ đủ 14 tuổi trở lên": an age, not a period
            best = Lead(shown, piece, start, start + len(piece), score)
    return best


# A condition told before its consequence: "nếu gộp số ngày nghỉ phép của 03 năm để nghỉ một lần thì …"
_CONDITION_CLAUSE = re.compile(r"\b(?:nếu|khi|trường hợp)\b[^,;:]*?\bthì\b", re.I)


def _period_stated_as_value(piece: str) -> bool:
    """The piece states a period (not an age) as the rule's value, not in a condition: "01 năm trong trường hợp bị
    phạt … án treo" answers "hết thử thách được hơn 1 năm rồi … phải chờ bao lâu?" (the situation's time is measured
    against it); "người dưới 01 tuổi" (a bound) and "nếu gộp … của 03 năm … thì" (a condition) restate the situation."""
    outside = _CONDITION_CLAUSE.sub(" ", piece)
    bounds = {(b, r.unit) for r in stated_ranges(outside) for b in (r.low, r.high) if b is not None}
    return any(f.kind == "duration" and not f.is_age and (f.value, f.unit) not in bounds for f in stated_figures(outside))


def _cut_long(piece: str, keeps: Callable[[str], bool] | None = None) -> tuple[int, str]:
    """A sentence too long to lead with, cut after its last comma that keeps it short enough ("Thời hiệu
    … là 01 năm, kể từ ngày ra quyết định, …, trừ trường hợp …" keeps its first clauses). When those
    first clauses lose what ``keeps`` wants (the asked figure), the clauses from the first one that
    states it ("… và ghi vào sổ hộ tịch trong thời hạn 20 ngày, kể từ ngày …") instead. Commas inside
    brackets ("(Cục An ninh mạng và phòng, chống …)") cut nothing. Returns the offset of the kept text
    in ``piece`` and the text."""
    if len(piece) <= MAX_LEAD_CHARS:
        return 0, piece
    commas = _clause_commas(piece)
    cut = max((c for c in commas if c < MAX_LEAD_CHARS), default=0)
    head = piece[:cut] if cut > 0 else piece
    if keeps is None or keeps(head) or not keeps(piece):
        return 0, head
    ends = commas + [len(piece)]
    for b in [0] + [c + 2 for c in commas]:
        after = [e for e in ends if e > b]
        if not keeps(piece[b:after[0]]):
            continue
        fitting = [e for e in after if e - b <= MAX_LEAD_CHARS]
        return b, piece[b:(fitting[-1] if fitting else after[0])]
    return 0, head


def _clause_commas(piece: str) -> list[int]:
    """Positions of the ", " that separate clauses: outside brackets."""
    out, depth = [], 0
    for i, ch in enumerate(piece):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == "," and depth == 0 and piece[i + 1:i + 2] == " ":
            out.append(i)
    return out


def lead_pieces(text: str) -> list[tuple[int, int]]:
    """Pieces an answer may lead with; a flattened table's rows ("… 4 Phí khai thác …\n8.000 đồng/bản …
    5 Phí xác nhận …") are cut at their row numbers, so that each label meets its own value."""
    pieces = passage_pieces(text, LEAD_PIECE)
    cuts = table_row_starts(text)
    if not cuts:
        return pieces
    out = []
    for start, end in pieces:
        inside = [c for c in cuts if start < c < end]
        for cut in inside:
            head = text[start:cut].rstrip()
            if head:
                out.append((start, start + len(head)))
            start = text.index(" ", cut) + 1  # the row number itself is no part of the label
        out.append((start, end))
    return out


# A row number of a table whose cells were flattened into lines: " 5 Phí xác nhận …", " b Chứng thực …"
_ROW_NUMBER = re.compile(r"(?<=\s)(\d{1,2}|[a-zđ]) (?=\w)")
_REFERENCE_WORD = re.compile(r"\b(?:khoản|điều|điểm|mục|chương|số|mẫu|phụ lục|lần|thứ)\s+$", re.I)


def table_row_starts(text: str) -> list[int]:
    """Where the numbered rows of a flattened table start: markers 1, 2, 3 … in sequence (letters a, b, c …
    between them), at least two numbers; a reference ("Điều 5 Luật này") breaks no sequence."""
    found, expected_number, expected_letter = [], 1, "a"
    for m in _ROW_NUMBER.finditer(text):
        mark = m.group(1)
        if not text[m.end()].isupper() or _REFERENCE_WORD.search(text[max(m.start() - 12, 0):m.start()]):
            continue  # "khoản 1 Điều 19, khoản 2 Điều 32" numbers no rows
        if mark.isdigit() and int(mark) == expected_number:
            found.append((m.start(), True))
            expected_number, expected_letter = expected_number + 1, "a"
        elif not mark.isdigit() and mark == expected_letter and found:
            found.append((m.start(), False))
            expected_letter = chr(ord(expected_letter) + 1)
    return [pos for pos, _n in found] if sum(n for _p, n in found) >= 2 else []


def table_row(text: str, rows: Sequence[int], start: int) -> str:
    """The flattened table row holding ``start`` (from its number to the next row), after its group's label
    when it is a lettered row ("3 Phí chứng thực hợp đồng, giao dịch: a Chứng thực hợp đồng, giao dịch
    50.000 đồng/hợp đồng, giao dịch"); "" outside a table. A flattened table's "lines" run across rows."""
    before = [r for r in rows if r <= start]
    if not before:
        return ""
    after = [r for r in rows if r > before[-1]]
    row = text[before[-1] : after[0] if after else len(text)]
    if text[before[-1]].isdigit():
        return row
    group = next((r for r in reversed(before) if text[r].isdigit()), None)
    return (text[group : next(r for r in rows if r > group)] if group is not None else "") + row


# Intents whose answer a single piece of a clause can state.
_LEAD_INTENTS = ("form", "fee", "sanction", "deadline", "authority", "dossier", "definition", "condition", "prohibition")


def extractive_sentences(
    question: str, chosen: Sequence[Passage], prof: QuestionProfile | None = None
) -> list[AnswerSentence]:
    """Lead (when the clause states the answer) + one verbatim quote per chosen passage."""
    out: list[AnswerSentence] = []
    lead = lead_piece(question, chosen[0].unit, prof) if chosen else None
    if lead and lead.items:  # a list's head alone states nothing: the lead names its items too
        text = list_lead_text(lead.label, chosen[0].unit.text, list(lead.items), lead.head)
        shown = ((lead.head,) if lead.head else ()) + lead.items[:MAX_ITEMS]
        out.append(AnswerSentence(text, (1,), kind="lead", spans=tuple((1, s, e) for s, e in shown)))
    elif lead:  # only from the governing (first) clause
        shown = " ".join(lead.piece.split())  # a table row's label and value on one line
        out.append(AnswerSentence(f"{lead.label}: «{shown}»", (1,), kind="lead", spans=((1, lead.start, lead.end),)))
    for n, p in enumerate(chosen, start=1):
        out.append(
            AnswerSentence(
                f"Theo {p.unit.citation}: «{p.unit.text}»", (n,), kind="quote", spans=((n, 0, len(p.unit.text)),)
            )
        )
    return out


def render_extractive(sentences: Sequence[AnswerSentence], units: dict[int, LegalUnit]) -> str:
    lines: list[str] = []
    quotes = [s for s in sentences if s.kind == "quote" and s.status != "removed"]
    for s in sentences:
        if s.status == "removed":
            continue
        if s.kind == "lead":
            lines += [render([s]), ""]
    for i, s in enumerate(quotes):
        n = s.citations[0]
        if i == 1:
            lines += ["", "Căn cứ liên quan:"]
        prefix = "" if i == 0 else "- "
        flag = " (chưa kiểm chứng)" if s.status == "unverified" else ""
        lines.append(f"{prefix}Theo {units[n].citation} [{n}]:{flag}")
        lines.append(f"«{units[n].text}»")
    return "\n".join(lines).strip()


# -- shared finishing ---------------------------------------------------------------------------


def verification_config(settings: Settings) -> VerificationConfig:
    return VerificationConfig(min_overlap=settings.verify_min_overlap, policy=settings.verification_policy)


def finish(
    question: str,
    query: str,
    chosen: Sequence[Passage],
    sentences: list[AnswerSentence],
    text: str,
    mode: str,
    model: str = "",
) -> Answer:
    """Keep the citations the displayed sentences use; abstain when nothing verified remains."""
    displayed = [s for s in sentences if s.status != "removed"]
    verified = [s for s in displayed if s.status == "verified" and s.kind != "lead"]
    warnings = []
    removed = len(sentences) - len(displayed)
    if removed:
        warnings.append(f"Đã bỏ {removed} câu không kiểm chứng được với văn bản nguồn.")
    if any(s.status == "unverified" for s in displayed):
        warnings.append("Có câu chưa kiểm chứng được: hãy đối chiếu với văn bản nguồn.")
    if not verified:
        return abstain(
            question,
            chosen,
            "Câu trả lời không còn nội dung kiểm chứng được với văn bản nguồn.",
            sentences=tuple(sentences),
            mode=mode,
            query=query,
            model=model,
        )
    used = sorted({n for s in displayed for n in s.citations})
    citations = tuple(Citation(n=n, passage=chosen[n - 1]) for n in used)
    return Answer(
        question=question,
        text=text,
        citations=citations,
        warnings=tuple(warnings),
        sentences=tuple(sentences),
        mode=mode,
        query=query,
        model=model,
    )


# -- entry points -------------------------------------------------------------------------------


@dataclass
class Prepared:
    question: str
    query: str
    passages: list[Passage]
    chosen: list[Passage]
    relevance: Relevance
    judgement: Judgement | None = None  # the relevance stage's verdict (rag.search.relevance.judge)
    asked: QuestionProfile | None = None  # what the question asks (diacritics restored), when the stage ran


def prepare(
    retriever: Retriever,
    settings: Settings,
    question: str,
    history: Sequence[str] = (),
    query: str | None = None,
    filters: object | None = None,
) -> Prepared:
    """Clean the question, rewrite a follow-up, retrieve (with ``filters`` if given), gate on relevance."""
    text = clean_question(question, settings.max_question_chars)
    query = clean_question(query, settings.max_question_chars) if query else rewrite_follow_up(text, history)
    extra = {"filters": filters} if filters is not None else {}
    passages, judgement = retriever.search_judged(query, top_k=max(settings.top_k, settings.max_citations * 3), **extra)
    rel = relevance(query, passages, settings)
    chosen: list[Passage] = []
    asked = None
    if judgement.answer and (judgement.code != "relevance_off" or is_relevant(rel, settings)):
        chosen = select_citations(passages, settings.max_citations)
        if chosen and chosen[0].why is not None:
            asked = retriever.profile(retriever.analyse(query))  # "han la bao nhieu ngay" read with its diacritics
            chosen[0] = answer_unit(retriever, asked, chosen[0])
            unit_of = partial(answer_unit, retriever, asked)
            where = judgement.details.get("amount_in") or judgement.details.get("reorganised_in")
            if where:
                chosen = stated_article_first(tuple(where), chosen, unit_of)
            else:
                chosen = figure_article_first(asked, chosen, unit_of)
    return Prepared(text, query, passages, chosen, rel, judgement, asked)


def answer_unit(retriever: Retriever, prof: QuestionProfile, passage: Passage) -> Passage:
    """The unit of the governing article that states what was asked (its figure, its authority …)."""
    unit = passage.unit
    units = retriever.store.units_at(unit.document.key, unit.article)
    if len(units) < 2:
        return passage
    order = answer_unit_order(prof, [u.unit for u in units])
    best = _unpenalised_lead(prof, [units[i] for i in order])
    if best.unit_id == passage.unit_id:
        return passage
    return replace(passage, unit=best.unit, unit_id=best.unit_id)


def _unpenalised_lead(prof: QuestionProfile, ordered: Sequence[Passage]) -> Passage:
    """The first of an article's units in ``answer_unit_order``, unless a figure is asked and that unit's best piece
    is penalised below zero (it restates the situation's amount, names a special case unasked, has expired, extends
    a period): then the next unit whose piece is not ("… đủ 17 tuổi thì tháng mấy phải đi đăng ký nghĩa vụ quân sự
    lần đầu?": not "Tháng một hằng năm, Chủ tịch … báo cáo … danh sách công dân nam đủ 17 tuổi", but "Tháng tư hằng
    năm, … ra lệnh gọi công dân … để đăng ký nghĩa vụ quân sự lần đầu")."""
    if not (prof.wants_figure and prof.figure_kind) or len(ordered) < 2:
        return ordered[0]
    first = lead_piece(prof.text, ordered[0].unit, prof)
    if first is None or first.score >= 0:
        return ordered[0]
    for other in ordered[1:]:
        lead = lead_piece(prof.text, other.unit, prof)
        if lead is not None and lead.score >= 0:
            return other
    return ordered[0]


def figure_article_first(
    prof: QuestionProfile, chosen: list[Passage], unit_of: Callable[[Passage], Passage]
) -> list[Passage]:
    """A figure asked for that the first cited article does not state: the first other cited article
    whose answer unit (``unit_of``) leads with a figure of the asked kind (its piece sharing a word
    with the question, no special case unasked) is quoted first ("từ đủ mấy tuổi thì bị xử phạt"
    cited Điều 69, about serving a decision, before Điều 5, which states "từ đủ 16 tuổi")."""
    if not (prof.wants_figure and prof.figure_kind) or len(chosen) < 2:
        return chosen
    first = chosen[0].unit
    counted = counted_thing(prof.text.lower()) if prof.figure_kind == "number" else None
    if lead_piece(prof.text, first, prof) is not None:
        return chosen
    if states_count(counted, first.text) if counted else states_figure(
        prof.figure_kind, first.text, bool(_AGE.search(prof.text))
    ):
        return chosen  # the quote states it, in a piece too long to lead with
    for k in range(1, len(chosen)):
        other = unit_of(chosen[k])
        lead = lead_piece(prof.text, other.unit, prof)
        if lead is not None and lead.score > 0:
            return [other, *chosen[:k], *chosen[k + 1:]]
    return chosen


def stated_article_first(
    where: tuple[str, str], chosen: list[Passage], unit_of: Callable[[Passage], Passage]
) -> list[Passage]:
    """The cited article the relevance stage found stating what was asked is quoted first: the asked
    amount about the question's subject (its ``amount_in``) — "lệ phí đăng ký kết hôn" is not answered by
    "Lệ phí đăng ký nuôi con nuôi trong nước: 400.000 đồng" — or, for a question about the 2025 reform, the
    article governing what a reorganisation changes (``reorganised_in``), not the old model's rule."""
    for k, p in enumerate(chosen):
        if k and (p.unit.document.key, p.unit.article) == where:
            return [unit_of(p), *chosen[:k], *chosen[k + 1:]]
    return chosen


def judgement_json(judgement: Judgement | None) -> dict | None:
    if judgement is None:
        return None
    return {"answer": judgement.answer, "code": judgement.code, "reason": judgement.reason, **judgement.details}


def abstention_reason(prep: Prepared) -> str:
    if prep.judgement is not None and not prep.judgement.answer and prep.judgement.reason:
        return prep.judgement.reason
    return "Không có đoạn văn bản nào đủ liên quan để trích dẫn."


def answer_extractive(prep: Prepared, settings: Settings) -> Answer:
    if not prep.chosen:
        return abstain(
            prep.question, prep.passages[:3], abstention_reason(prep), query=prep.query,
            judgement=judgement_json(prep.judgement),
        )
    units = {n: p.unit for n, p in enumerate(prep.chosen, start=1)}
    config = verification_config(settings)
    sentences = [_verify_quoted(s, units, config) for s in extractive_sentences(prep.query, prep.chosen, prep.asked)]
    answer = finish(prep.question, prep.query, prep.chosen, sentences, render_extractive(sentences, units), "extractive")
    return replace(answer, judgement=judgement_json(prep.judgement))


def _verify_quoted(sentence: AnswerSentence, units: dict[int, LegalUnit], config: VerificationConfig) -> AnswerSentence:
    """Verify the «quoted» words of an extractive line (its label and joining words are ours, not a claim)."""
    quoted = re.findall(r"«(.*?)»(?=[;:]|$)", sentence.text, re.S)
    checked = verify_sentence(" ".join(quoted) if quoted else sentence.text, units, config, citations=sentence.citations)
    return replace(checked, text=sentence.text, kind=sentence.kind, spans=sentence.spans)


class AnswerStream:
    """Iterate for raw text chunks (for ``st.write_stream``); then ``.answer`` is the verified answer.

    The raw stream is the model's unverified draft: show it as such and replace it with
    ``.answer`` (verified, failing sentences removed or flagged) once the iteration ends.
    """

    def __init__(self, chunks: Iterator[str], done: Callable[[str], Answer]):
        self._chunks = chunks
        self._done = done
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        if self.answer is not None:  # finished: the answer (and its audit record) is made once
            return
        parts: list[str] = []
        for chunk in self._chunks:
            parts.append(chunk)
            yield chunk
        self.answer = self._done("".join(parts))

    def then(self, step: Callable[[Answer], Answer]) -> AnswerStream:
        """A stream whose final answer is ``step(answer)`` (e.g. attaching a procedure card)."""
        done = self._done
        self._done = lambda raw: step(done(raw))
        return self

    def result(self) -> Answer:
        """Consume what is left of the stream and return the verified answer."""
        for _ in self:
            pass
        assert self.answer is not None
        return self.answer


def stream_llm(prep: Prepared, settings: Settings, generator: Generator) -> AnswerStream:
    """Generate from numbered passages; verify when the stream ends."""
    passages = prep.chosen[: settings.llm_passages] if prep.chosen else []
    if not passages:
        answer = abstain(
            prep.question, prep.passages[:3], abstention_reason(prep),
            query=prep.query, mode="llm", model=generator.name, judgement=judgement_json(prep.judgement),
        )
        return AnswerStream(iter(()), lambda _text: answer)
    messages = build_messages(prep.query, passages, settings.llm_passage_chars)

    def done(raw: str) -> Answer:
        return verify_llm_answer(prep, passages, raw, settings, generator.name)

    return AnswerStream(generator.stream(messages, settings.llm_max_tokens), done)


def verify_llm_answer(prep: Prepared, passages: Sequence[Passage], raw: str, settings: Settings, model: str) -> Answer:
    if not raw.strip() or raw.strip().lower().startswith(MODEL_ABSTAINS):
        return abstain(
            prep.question, passages, "Mô hình không tìm thấy câu trả lời trong các đoạn được cung cấp.",
            query=prep.query, mode="llm", model=model,
        )
    units = {n: p.unit for n, p in enumerate(passages, start=1)}
    sentences = verify_text(raw, units, verification_config(settings))
    return finish(prep.question, prep.query, list(passages), sentences, render(sentences), "llm", model)

