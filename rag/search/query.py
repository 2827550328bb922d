"""Query understanding: what the user typed → what retrieval should look for.

Three pure steps, each testable alone:

- ``DiacriticRestorer``: "dang ky khai sinh qua han" → "đăng ký khai sinh quá hạn", by a syllable
  bigram model (Viterbi) counted from the indexed documents themselves plus a small everyday-
  language text shipped in ``rag/data/colloquial.txt``.
- ``Glossary``: abbreviations and colloquial words → the words the law uses (CCCD → căn cước công
  dân, hộ khẩu → thường trú, sao y → chứng thực bản sao …), from the maintained file
  ``rag/data/glossary.tsv``. Expansions are added to the question, never substituted.
- ``analyse``: both, in order, giving a ``QueryAnalysis`` the retriever searches with.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rag.search.cache import read_json_gz, write_json_gz
from rag.text.vietnamese import nfc, normalise_space, strip_diacritics, syllables

DATA = Path(__file__).resolve().parent.parent / "data"
GLOSSARY_FILE = DATA / "glossary.tsv"
COLLOQUIAL_FILE = DATA / "colloquial.txt"

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Below this share of syllables carrying diacritics a question counts as typed without them.
UNACCENTED_SHARE = 0.2


# -- diacritics ----------------------------------------------------------------------------


def accented_share(text: str) -> float:
    """Share of alphabetic syllables that carry a Vietnamese diacritic (0.0 for none)."""
    words = [w for w in syllables(text) if w.isalpha()]
    if not words:
        return 1.0
    return sum(1 for w in words if strip_diacritics(w) != w) / len(words)


def is_unaccented(text: str) -> bool:
    """True when the text looks typed without diacritics ("dang ky khai sinh")."""
    words = [w for w in syllables(text) if w.isalpha()]
    return len(words) >= 2 and accented_share(text) < UNACCENTED_SHARE


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# How often a re-spelt pair must occur in the indexed texts before a mistyped tone is read as it
# (dev questions with one tone mistyped: bench notes in docs/benchmarks.md, "Mistyped tones")
TYPO_MIN_PAIR = 20


class DiacriticRestorer:
    """Restores Vietnamese diacritics with a syllable bigram model and Viterbi decoding.

    Syllables the user already accented are kept; every other syllable may become any
    accented form seen in training with the same letters ("dang" → đăng, đang, dáng …).
    """

    VERSION = 1

    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]):
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = max(sum(unigrams.values()), 1)
        self.forms: dict[str, list[str]] = defaultdict(list)
        for word in unigrams:
            self.forms[strip_diacritics(word)].append(word)

    @classmethod
    def from_texts(cls, texts: Iterable[str], min_bigram: int = 2, extra_weight: int = 20) -> "DiacriticRestorer":
        """Count syllables line by line; the shipped everyday text is weighted ``extra_weight``."""
        uni: Counter[str] = Counter()
        bi: Counter[tuple[str, str]] = Counter()

        def add(text: str, weight: int) -> None:
            for line in text.split("\n"):
                sylls = [s for s in syllables(line) if not s.isdigit()]
                for s in sylls:
                    uni[s] += weight
                for pair in zip(sylls, sylls[1:]):
                    bi[pair] += weight

        for text in texts:
            add(text, 1)
        for text in _everyday_texts():
            add(text, extra_weight)
        kept = {pair: n for pair, n in bi.items() if n >= min_bigram}
        return cls(dict(uni), kept)

    # -- persistence (a cache beside the index) --
    def to_json(self) -> dict:
        return {
            "version": self.VERSION,
            "unigrams": self.unigrams,
            "bigrams": [[a, b, n] for (a, b), n in self.bigrams.items()],
        }

    @classmethod
    def from_json(cls, data: dict) -> "DiacriticRestorer":
        if data.get("version") != cls.VERSION:
            raise ValueError("stale diacritics model")
        return cls(dict(data["unigrams"]), {(a, b): int(n) for a, b, n in data["bigrams"]})

    def save(self, path: Path) -> None:
        write_json_gz(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> "DiacriticRestorer":
        return cls.from_json(read_json_gz(path))

    # -- decoding --
    def _log_unigram(self, word: str) -> float:
        return math.log((self.unigrams.get(word, 0) + 0.1) / self.total)

    def _log_bigram(self, prev: str, word: str) -> float:
        p_uni = (self.unigrams.get(word, 0) + 0.1) / self.total
        count_prev = self.unigrams.get(prev, 0)
        if not count_prev:
            return math.log(p_uni)
        return math.log(0.8 * self.bigrams.get((prev, word), 0) / count_prev + 0.2 * p_uni)

    def candidates(self, word: str) -> list[str]:
        lower = word.lower()
        if strip_diacritics(lower) != lower or not lower.isalpha():
            return [lower]  # already accented (or a number): keep it
        return self.forms.get(lower) or [lower]

    def restore_words(self, words: list[str]) -> list[str]:
        """Most likely accented form of each word (lowercase), by Viterbi over bigrams."""
        if not words:
            return []
        lattice = [self.candidates(w) for w in words]
        best = {w: (self._log_unigram(w), [w]) for w in lattice[0]}
        for options in lattice[1:]:
            step = {}
            for w in options:
                score, path = max(
                    ((s + self._log_bigram(prev, w), p) for prev, (s, p) in best.items()),
                    key=lambda item: item[0],
                )
                step[w] = (score, path + [w])
            best = step
        return max(best.values(), key=lambda item: item[0])[1]

    def typo_fixes(self, text: str, min_pair: int = TYPO_MIN_PAIR) -> list[str]:
        """Word pairs a mistyped tone breaks, re-spelt: an accented syllable no indexed text uses ("bảo hiễm"),
        read from its letters as the form that makes a frequent pair with a neighbour (at least ``min_pair``
        times: "bảo hiểm"). For the word search only; the question itself is kept as typed (a rare everyday
        word the legal texts never use, "năm ngoái", may be re-read wrongly, and only adds a common word)."""
        words = [w for w in syllables(text) if not w.isdigit()]
        out: list[str] = []
        for i, word in enumerate(words):
            if strip_diacritics(word) == word or not word.isalpha() or self.unigrams.get(word):
                continue
            best, count = None, min_pair - 1
            for form in self.forms.get(strip_diacritics(word), ()):
                for pair in ((words[i - 1], form) if i else None, (form, words[i + 1]) if i + 1 < len(words) else None):
                    if pair and self.bigrams.get(pair, 0) > count:
                        best, count = " ".join(pair), self.bigrams[pair]
            if best and best not in out:
                out.append(best)
        return out

    def restore(self, text: str) -> str:
        """The text with diacritics restored; punctuation, spacing and letter case kept."""
        text = nfc(text)
        matches = list(_TOKEN.finditer(text))
        restored = self.restore_words([m.group(0) for m in matches])
        out, last = [], 0
        for m, word in zip(matches, restored):
            out.append(text[last : m.start()])
            out.append(_match_case(m.group(0), word) if strip_diacritics(word) == strip_diacritics(m.group(0).lower()) else m.group(0))
            last = m.end()
        out.append(text[last:])
        return "".join(out)


def everyday_fingerprint() -> str:
    """A short hash of the shipped everyday text and glossary: a diacritics model counted with an
    older version of them is stale (its cache file is named with this)."""
    digest = hashlib.sha1("\n".join(_everyday_texts()).encode("utf-8")).hexdigest()
    return digest[:10]


@lru_cache(maxsize=1)
def _everyday_texts() -> tuple[str, ...]:
    """Shipped everyday phrasing plus the glossary's own words (so both restore well)."""
    texts = []
    if COLLOQUIAL_FILE.is_file():
        lines = COLLOQUIAL_FILE.read_text(encoding="utf-8").splitlines()
        texts.append("\n".join(line for line in lines if not line.startswith("#")))
    for entry in load_glossary().entries:
        texts.append(entry.term)
        texts.extend(entry.expansions)
    return tuple(texts)


# -- spelling variants ---------------------------------------------------------------------

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_OPEN_GLIDE = re.compile(r"([bcdđghklmnpqrstvx]*)(oa|oe|uy)")


def tone_variant(syllable: str) -> str | None:
    """The same syllable with its tone mark on the other vowel, where Vietnamese spelling allows
    both ("thoả" / "thỏa", "uỷ" / "ủy", "hoà" / "hòa", "khoẻ" / "khỏe"): open syllables on oa, oe,
    uy (not "quy", where u belongs to the consonant). None for every other syllable."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) != 1:
        return None
    m = _OPEN_GLIDE.fullmatch(nfc("".join(c for c in decomposed if c not in _TONE_MARKS)))
    if not m or m.group(1).endswith("q"):
        return None
    onset, nucleus = m.groups()
    first = nfc(onset + nucleus[0] + tones[0] + nucleus[1])
    second = nfc(onset + nucleus + tones[0])
    return second if syllable == first else first if syllable == second else None


def spelling_variants(text: str) -> list[str]:
    """Each syllable spelt with the other tone placement, with its neighbours (so BM25's syllable
    pairs match too): "các bên thoả thuận" → ["bên thỏa thuận"]. The corpus mixes both spellings
    (Luật 2015 "thỏa thuận", other texts "thoả thuận"); the index keeps them as typed."""
    words = syllables(text)
    out: list[str] = []
    for i, word in enumerate(words):
        other = tone_variant(word)
        if other:
            phrase = " ".join(words[max(i - 1, 0) : i] + [other] + words[i + 1 : i + 2])
            if phrase not in out:
                out.append(phrase)
    return out


# -- glossary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    expansions: tuple[str, ...]
    kind: str = "colloquial"
    # words the term is only a part of ("kiện" in "điều kiện", "sự kiện"): no match there
    not_in: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(syllables(self.term))

    def inside_other_word(self, words: list[str], start: int, end: int) -> bool:
        """The match ``words[start:end]`` is part of one of the words listed in ``not_in``."""
        for other in self.not_in:
            parts = [strip_diacritics(w) for w in syllables(other)]
            for j in range(max(0, end - len(parts)), start + 1):
                if [strip_diacritics(w) for w in words[j : j + len(parts)]] == parts:
                    return True
        return False

    @property
    def plain_key(self) -> tuple[str, ...]:
        return tuple(strip_diacritics(s) for s in self.key)


@dataclass(frozen=True)
class GlossaryMatch:
    entry: GlossaryEntry
    start: int  # syllable positions in the question
    end: int


class Glossary:
    """Longest-match lookup of glossary terms over the syllables of a question."""

    def __init__(self, entries: Iterable[GlossaryEntry]):
        self.entries = tuple(entries)
        self._exact: dict[tuple[str, ...], GlossaryEntry] = {}
        self._plain: dict[tuple[str, ...], GlossaryEntry] = {}
        for e in self.entries:
            if e.key:
                self._exact.setdefault(e.key, e)
                # Diacritic-blind matching only where it cannot confuse ("xa" vs "xã"):
                # abbreviations, and terms of two or more syllables.
                if e.kind == "abbreviation" or len(e.key) >= 2:
                    self._plain.setdefault(e.plain_key, e)
        self._longest = max((len(e.key) for e in self.entries), default=0)

    @classmethod
    def parse(cls, text: str, source: str = "glossary") -> "Glossary":
        """Parse the TSV format (term <TAB> expansion | expansion <TAB> kind [<TAB> not in | not in];
        # comments)."""
        entries = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = [c.strip() for c in line.split("\t")]
            if len(cols) < 2 or not cols[0] or not cols[1]:
                raise ValueError(f"{source}:{number}: cần 'thuật ngữ<TAB>diễn giải' / expected term<TAB>expansion")
            expansions = tuple(nfc(x.strip()) for x in cols[1].split("|") if x.strip())
            kind = cols[2] if len(cols) > 2 and cols[2] else "colloquial"
            not_in = tuple(nfc(x.strip()) for x in cols[3].split("|") if x.strip()) if len(cols) > 3 else ()
            entries.append(GlossaryEntry(nfc(cols[0]), expansions, kind, not_in))
        return cls(entries)

    def find(self, text: str, accent_blind: bool = False) -> list[GlossaryMatch]:
        """Non-overlapping matches, longest first at each position, left to right."""
        words = syllables(text)
        plain = [strip_diacritics(w) for w in words]
        out: list[GlossaryMatch] = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                entry = self._exact.get(tuple(words[i : i + n]))
                if entry is None and (accent_blind or _is_abbreviation_like(words[i : i + n])):
                    entry = self._plain.get(tuple(plain[i : i + n]))
                if entry is not None and not entry.inside_other_word(words, i, i + n):
                    out.append(GlossaryMatch(entry, i, i + n))
                    i += n
                    break
            else:
                i += 1
        return out

    def expansions(self, text: str, accent_blind: bool = False) -> list[str]:
        """Legal wording to add for the terms found (deduplicated, skipping what is already said)."""
        lowered = " ".join(syllables(text))
        seen: list[str] = []
        for match in self.find(text, accent_blind):
            for expansion in match.entry.expansions:
                plain = " ".join(syllables(expansion))
                if plain and plain not in lowered and expansion not in seen:
                    seen.append(expansion)
        return seen


def _is_abbreviation_like(words: list[str]) -> bool:
    return len(words) == 1 and not any(c in "aeiouy" for c in strip_diacritics(words[0])[1:])


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    return Glossary.parse(path.read_text(encoding="utf-8"), source=str(path))


# -- the analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryAnalysis:
    """What retrieval searches with, and why (shown in debugging output and tests)."""

    original: str
    text: str  # cleaned; diacritics restored when the user typed none
    restored: bool = False
    expansions: tuple[str, ...] = ()
    references: tuple = field(default=())  # explicit legal references found in the question
    variants: tuple[str, ...] = ()  # the question's words in their other spelling ("thoả" → "thỏa")

    @property
    def search_text(self) -> str:
        """The question plus the glossary's legal wording, for both encoders."""
        if not self.expansions:
            return self.text
        return f"{self.text} ({'; '.join(self.expansions)})"

    @property
    def sparse_text(self) -> str:
        """``search_text`` plus the spelling variants, for BM25 (exact tokens); the dense encoder
        reads the question as written."""
        if not self.variants:
            return self.search_text
        return f"{self.search_text} ({'; '.join(self.variants)})"


def analyse(
    question: str,
    restorer: DiacriticRestorer | None = None,
    glossary: Glossary | None = None,
) -> QueryAnalysis:
    """Restore diacritics (if typed without) or re-spell mistyped tones for the word search, then add glossary
    expansions."""
    text = normalise_space(nfc(question).replace("\n", " "))
    unaccented = is_unaccented(text)
    restored, fixes = text, []
    if unaccented and restorer is not None:
        restored = restorer.restore(text)
    elif restorer is not None:
        fixes = restorer.typo_fixes(text)
    glossary = glossary or load_glossary()
    expansions = glossary.expansions(restored, accent_blind=unaccented)
    return QueryAnalysis(
        original=question,
        text=restored,
        restored=restored != text,
        expansions=tuple(expansions),
        variants=tuple(spelling_variants(" ".join([restored, *expansions])) + fixes),
    )
