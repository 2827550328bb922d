"""Topics of laws the index lacks: "rút bảo hiểm xã hội một lần" belongs to Luật Bảo hiểm xã hội.

A clerk rarely names the law: the question says "sổ đỏ", "hộ kinh doanh", "làm hộ chiếu". When the
law governing that topic is not indexed, the closest passages are from some other law that mentions
the topic in passing, and answering with them is a misgrounded answer. The map from everyday topic
phrases to the law that governs them is data (``rag/data/law_topics.csv``, administrator-editable,
one row per law); a row applies only while no indexed document is that law (``indexed_if``), so the
map needs no change when an agency ingests it.

A topic fires when the question says one of its phrases (whole syllables, either tone placement),
the question asks what the row is about (``asks``: intents; "-fee" excludes one; a row asking the question's
intent, "sanction", names its law before a row for any question), and no closest
document names the phrase in its headings (title, article and chapter titles, scope articles): when
retrieval found a document that governs the phrase, that document answers. Whether the topic is what
the question is about, or only its setting ("đang bị tạm giam thì thẻ căn cước …"), is weighed by the
caller (``relevance.judge``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from rag.errors import ConfigError
from rag.legal.references import fold_words
from rag.search.query import tone_variant
from rag.text.csvfile import read_table
from rag.text.vietnamese import syllables

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "law_topics.csv"
COLUMNS = ("law", "indexed_if", "phrases", "asks")


def canonical(text: str) -> str:
    """Lowercased syllables, one tone placement for the two Vietnamese spelling allows ("hoà" and
    "hòa" read the same), single spaces, padded so a phrase is found as whole syllables."""
    out = []
    for s in syllables(text):
        other = tone_variant(s)
        out.append(min(s, other) if other else s)
    return f" {' '.join(out)} "


@dataclass(frozen=True)
class LawTopic:
    law: str  # as shown to the user: "Luật Đất đai"
    indexed_if: tuple[str, ...]  # folded words an indexed document's type + title contains when it is this law
    phrases: tuple[str, ...]  # as written in the file
    wanted: frozenset[str] = frozenset()  # intents the row is about (empty: any)
    excluded: frozenset[str] = frozenset()  # intents the corpus answers elsewhere ("-fee")
    line: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "_canon", tuple(canonical(p) for p in self.phrases))
        object.__setattr__(self, "_folded", tuple(f" {fold_words(p)} " for p in self.phrases))

    def find(self, canonical_question: str) -> str | None:
        """The first phrase of this topic the question says (the longest when several)."""
        hits = [p for p, c in zip(self.phrases, self._canon) if c in canonical_question]
        return max(hits, key=len) if hits else None

    def find_folded(self, folded_question: str) -> str | None:
        """``find`` for a question typed without diacritics ("ban phao hoa"), compared folded."""
        hits = [p for p, f in zip(self.phrases, self._folded) if f in folded_question]
        return max(hits, key=len) if hits else None

    def find_near(self, words: Sequence[str], folded: Sequence[str], folded_text: str) -> tuple[str, int, int] | None:
        """A phrase of four or more syllables the question says with one syllable's tone or mark mistyped
        ("sổ bảo hiễm xã hội"): (the phrase, where it starts in ``words``, its length), else None.
        ``words``: the question's ``canonical`` syllables; ``folded``: the same without diacritics."""
        for phrase, canon, fw in zip(self.phrases, self._canon, self._folded):
            want = canon.split()
            if len(want) < 4 or fw not in folded_text:
                continue
            for i in _starts(folded, fw.split()):
                if sum(a != b for a, b in zip(words[i : i + len(want)], want)) <= 1:
                    return phrase, i, len(want)
        return None

    def applies_to(self, intents: Sequence[str]) -> bool:
        """The question mainly asks what the row is about (its first intent), and nothing the row
        excludes ("-fee": the corpus states the fee elsewhere)."""
        if self.excluded & set(intents):
            return False
        return not self.wanted or bool(intents) and intents[0] in self.wanted


@dataclass(frozen=True)
class TopicMatch:
    law: str
    phrase: str

    def as_dict(self) -> dict[str, str]:
        return {"law": self.law, "topic": self.phrase}


def load_topics(path: Path | None = None) -> tuple[LawTopic, ...]:
    """The rows of ``path`` (the shipped file when None); ``ConfigError`` naming the line of a bad row."""
    path = Path(path) if path else SHIPPED
    if not path.is_file():
        raise ConfigError(f"Không tìm thấy tệp chủ đề luật {path} / law topics file not found")
    _, rows = read_table(path, COLUMNS[:3], COLUMNS, "tệp chủ đề luật")
    out = []
    for row in rows:
        law, phrases = row.get("law"), [p.strip() for p in row.get("phrases").split("|") if p.strip()]
        indexed = tuple(fold_words(x) for x in row.get("indexed_if").split("|") if x.strip())
        if not law or not phrases or not indexed:
            raise ConfigError(f"{path}:{row.line}: cần law, indexed_if và phrases / law, indexed_if and phrases are required")
        asks = row.get("asks").split()
        out.append(LawTopic(law, indexed, tuple(phrases),
                            frozenset(a for a in asks if not a.startswith("-")),
                            frozenset(a[1:] for a in asks if a.startswith("-")), row.line))
    return tuple(out)


@lru_cache(maxsize=4)
def shipped_topics(path: Path = SHIPPED) -> tuple[LawTopic, ...]:
    return load_topics(path)


def folded_name(document: dict) -> str:
    """A document's type and title folded ("Luật Đất đai" → " luat dat dai "), as ``law_indexed`` reads it."""
    name = f"{document.get('type', '')} {document.get('title', '')}"
    return f" {fold_words(name)} "


def law_indexed(topic: LawTopic, names: Sequence[str]) -> bool:
    """Some indexed document is the topic's law: its ``folded_name`` contains ``indexed_if``."""
    return any(f" {want} " in name for want in topic.indexed_if for name in names)


def missing_law_topic(*args, **kwargs) -> TopicMatch | None:
    """The first of ``missing_law_topics``: the topic of a law the index lacks that the question is about, if any."""
    return next(iter(missing_law_topics(*args, **kwargs)), None)


def missing_law_topics(
    question: str,
    intents: Sequence[str],
    document_names: Sequence[str],
    heading_text: Callable[[str], str],
    closest_docs: Sequence[str],
    topics: Sequence[LawTopic] | None = None,
    typed_plain: str | None = None,
) -> list[TopicMatch]:
    """Topics of laws the index lacks that the question says, rows for the asked intent first, then in the
    file's order (the caller weighs each: "bán mảnh đất thổ cư … thuế thu nhập cá nhân mấy phần trăm" says a
    land phrase that is only the setting and a tax phrase that is the question).

    ``document_names``: every indexed document's ``folded_name``; ``heading_text(doc)``: the document's
    headings in ``canonical`` form; ``closest_docs``: the
    documents of the closest articles — one of them naming the phrase in its headings governs it.
    ``typed_plain``: the question as typed when it had no diacritics (``question`` is then the restored
    text, whose guesses can miss a phrase: "phao hoa" → "pháo hóa"); its phrases are compared folded.
    """
    q = canonical(question)
    plain = f" {fold_words(typed_plain)} " if typed_plain else None
    words = q.split()
    folded = [fold_words(w) for w in words]
    folded_text = f" {' '.join(folded)} "
    wanted: list[TopicMatch] = []  # rows for the asked intent ("… không xuất hóa đơn thì bị phạt" → the sanctioning decree)
    general: list[TopicMatch] = []
    for topic in shipped_topics() if topics is None else topics:
        phrase, shown = topic.find(q), None
        if not phrase and plain:
            phrase = topic.find_folded(plain)
            shown = _restoration_agrees(phrase, question, typed_plain or "") if phrase else None
            phrase = phrase if shown else None
        if not phrase and not plain:
            near = topic.find_near(words, folded, folded_text)
            if near:
                phrase, shown = near[0], _written_at(question, near[1], near[2])
        if not phrase or not topic.applies_to(intents):
            continue
        if law_indexed(topic, document_names):
            continue
        said = canonical(phrase)
        if any(said in heading_text(doc) for doc in dict.fromkeys(closest_docs)):
            continue
        match = TopicMatch(topic.law, shown or _as_written(question, phrase))
        (wanted if topic.wanted else general).append(match)
    return wanted + general


def _restoration_agrees(phrase: str, restored: str, typed: str) -> str | None:
    """The words as typed, when a phrase found in a question typed without diacritics counts: the restored
    question spells at least one of its syllables as the phrase does ("phao hoa" restored "pháo hóa" is
    "pháo hoa"; "can dieu kien" restored "cần điều kiện" is no "cân điêu" — the two spellings fold alike)."""
    want = canonical(phrase).split()
    folded_want = fold_words(phrase).split()
    words = re.findall(r"\w+", typed)
    typed_syl, restored_syl = [fold_words(w) for w in words], canonical(restored).split()
    if len(typed_syl) != len(restored_syl):
        return None  # no syllable-by-syllable restoration to compare with
    for i in _starts(typed_syl, folded_want):
        if any(restored_syl[i + k] == w for k, w in enumerate(want)):
            return " ".join(words[i : i + len(want)])
    return None


def _as_written(question: str, phrase: str) -> str:
    """The phrase as the question spells it (case and tone placement kept)."""
    want = canonical(phrase).split()
    words = re.findall(r"\w+", question)
    canon = [canonical(w).strip() for w in words]
    for i in _starts(canon, want):
        return " ".join(words[i : i + len(want)])
    return phrase


def _written_at(question: str, start: int, n: int) -> str:
    """The question's words ``start`` … ``start + n`` (as ``canonical`` counts its syllables), as typed."""
    words = [w for w in re.findall(r"\w+", question) if canonical(w).strip()]
    return " ".join(words[start : start + n])


def _starts(syllables_: Sequence[str], want: Sequence[str]):
    """Where the run ``want`` starts in ``syllables_``."""
    n = len(want)
    return (i for i in range(len(syllables_) - n + 1) if list(syllables_[i : i + n]) == list(want))
