"""Sentences and sentence-like pieces of Vietnamese text: the one splitter of answers and passages.

``split_sentences`` splits answer text (citation markers stay with their sentence, abbreviations do not end
one); ``passage_pieces`` gives the character spans of a passage's pieces (split on . ; : and newlines, never
inside "15.000" or "8:30"), and with ``LEAD_PIECE`` the pieces an answer may lead with; ``sentence_spans``
the sentences of a passage to highlight (a "1." / "a)" item number stays with its sentence);
``sentence_around`` the sentence that cites a reference.
"""

from __future__ import annotations

import re

from rag.text.vietnamese import nfc

# A citation marker in answer text: [1], [1, 3], [2-4].
CITATION_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\s*\]")
# Sentence end: . ! ? … (optionally followed by closing quotes/brackets) then space + a new start.
_BOUNDARY = re.compile(r"(?<=[.!?…])[»”\"')]*\s+(?=[\[«“\"(]*[A-ZÀ-Ỹ0-9Đ\-•*])")
_ABBREVIATIONS = ("tp.", "tx.", "v.v.", "tr.", "ths.", "ts.", "k.", "đ.", "q.", "p.", "ng.")


def split_sentences(text: str) -> list[str]:
    """Split answer text into sentences; lines and list items are sentences of their own.

    Markers standing right after a sentence end ("… 60 ngày. [1]") stay with that sentence.
    """
    out: list[str] = []
    for line in nfc(text).splitlines():
        line = line.strip()
        if not line:
            continue
        pieces = _BOUNDARY.split(line)
        merged: list[str] = []
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            lead = re.match(r"^((?:\[\s*\d[\d\s,;–-]*\]\s*)+)(.*)$", piece)
            if lead and merged:  # markers that open a piece belong to the previous sentence
                merged[-1] = f"{merged[-1]} {lead.group(1).strip()}"
                piece = lead.group(2).strip()
                if not piece:
                    continue
            if merged and merged[-1].lower().endswith(_ABBREVIATIONS):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        out.extend(merged)
    return out


# "." and ":" between digits (15.000 đồng, 01.01.2025, 8:30) do not end a piece
_PASSAGE_PIECE = re.compile(r"(?:[^.;:\n]|(?<=\d)[.:](?=\d))+[.;:]?")
# Lines, or parts ending in ". ", ";" or ": " (a period or colon followed by a non-space, as in
# "2.000 đồng" or "15:00", stays inside the piece): the pieces an answer may lead with.
LEAD_PIECE = re.compile(r"(?:[^\n.;:]|[.:](?=\S))+")


def passage_pieces(text: str, pattern: re.Pattern[str] = _PASSAGE_PIECE) -> list[tuple[int, int]]:
    """Character spans of sentence-like pieces of a passage (split on . ; : and newlines), trimmed,
    at least three characters long."""
    spans = []
    for m in pattern.finditer(text):
        start, end = _trimmed(text, m.start(), m.end())
        if end - start >= 3:
            spans.append((start, end))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# A passage's sentence ends at . ; : ! ? … followed by white space, or at a line break (list items).
_SENTENCE_END = re.compile(r"(?<=[.;:!?…])\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        span = _trimmed(text, start, m.start() if m else len(text))
        if span[1] > span[0]:
            spans.append(span)
        start = m.end() if m else start
    merged: list[tuple[int, int]] = []
    for span in spans:  # "1." / "a)" item numbers belong to the sentence they open
        if merged and merged[-1][1] - merged[-1][0] <= 4 and text[merged[-1][0]:merged[-1][1]][:1].isalnum():
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


# A citing sentence runs on past ":" ("Theo Điều 5: …" is one claim), unlike a passage's sentence.
_CITING_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)|\n+")


def sentence_around(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence containing [start, end) and its offset."""
    left = 0
    for m in _CITING_SENTENCE_END.finditer(text):
        if m.end() > start:
            break
        left = m.end()
    m = _CITING_SENTENCE_END.search(text, end)
    right = m.start() if m else len(text)
    return text[left:right].strip(), left + (len(text[left:right]) - len(text[left:right].lstrip()))
