"""Which sentences of a cited passage support an answer: character spans to highlight.

Pure functions over text. The UI escapes the passage and marks these spans; nothing here
produces markup.
"""

from __future__ import annotations

import math
import re

from rag.text.sentences import sentence_spans
from rag.text.vietnamese import nfc

_WORD = re.compile(r"\w+", re.UNICODE)
_QUOTED = re.compile(r"«[^»]*»")
# Frequent syllables that say nothing about which sentence is meant.
_STOP = frozenset(
    "và của các cho có là được theo trong với thì này đó những một không khi để do tại về từ "
    "người hoặc đã sẽ bị nào gì bao lâu bao nhiêu ra vào trên dưới như nếu mà".split()
)


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(nfc(text).lower()) if w not in _STOP and (len(w) > 1 or w.isdigit())}


def reference_text(question: str, answer_sentences: list[str]) -> str:
    """What a cited passage should support: the question and the answer's own words.

    Verbatim quotes of whole passages (« … ») are left out: they would match every sentence.
    """
    own = [_QUOTED.sub(" ", s) for s in answer_sentences]
    return " ".join([question, *own])


def highlight_spans(passage: str, reference: str, max_spans: int = 2) -> list[tuple[int, int]]:
    """Spans of the passage's best-supported sentences (empty when nothing overlaps).

    Score = shared content syllables / sqrt(sentence length); numbers in common weigh double.
    A one-sentence passage is highlighted whole when it shares anything with the reference.
    """
    spans = sentence_spans(passage)
    wanted = _terms(reference)
    if not spans or not wanted:
        return []
    scored: list[tuple[float, tuple[int, int]]] = []
    for span in spans:
        terms = _terms(passage[span[0] : span[1]])
        if not terms:
            continue
        shared = terms & wanted
        weight = len(shared) + sum(1 for t in shared if t.isdigit())
        if weight:
            scored.append((weight / math.sqrt(len(terms)), span))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    chosen = sorted(scored, key=lambda item: -item[0])[:max_spans]
    return sorted(span for score, span in chosen if score >= 0.75 * best)
