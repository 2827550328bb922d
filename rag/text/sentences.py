"""Sentences and sentence-like pieces of Vietnamese text: the one splitter of answers and passages.

``split_sentences`` splits answer text (citation markers stay with their sentence, abbreviations do not end
one); ``passage_pieces`` gives the character spans of a passage's pieces (split on . ; : and newlines, never
inside "15.000" or "8:30"), and with ``LEAD_PIECE`` the pieces an answer may lead with.
"""

from __future__ import annotations

import re

from rag.text.vietnamese import nfc

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
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= 3:
            spans.append((start, end))
    return spans
