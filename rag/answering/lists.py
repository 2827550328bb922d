"""A lead that lists: when the clause answering a question is a list ("Hồ sơ … bao gồm:" then
"a) …; b) …"), the first sentence names the items after the list's head.

Quoting "Hồ sơ đăng ký thường trú … bao gồm" alone states nothing a clerk asked for; the papers are
in the items. Each item is quoted verbatim (its first piece, cut at a comma when long), so the lead
stays checkable span by span against the clause quoted below it.
"""

from __future__ import annotations

import re

from rag.text.sentences import LEAD_PIECE

MAX_ITEMS = 6  # items named in the lead; the rest are counted ("… và 2 mục khác")
MAX_ITEM_CHARS = 120  # an item's quote is cut at its last comma before this length
# The head's end: a colon followed by a line break and the first item's enumerator.
_AFTER_HEAD = re.compile(r"[ \t]*:[ \t]*\n")
_ITEM = re.compile(r"[ \t]*(?:(?P<letter>[a-zđ]\))|(?P<digit>\d{1,2}[.)](?!\d))|(?P<dash>[-–•+]))[ \t]*", re.I)


def line_end(text: str, pos: int) -> int:
    """The end of the line ``pos`` is on (the text's end for its last line)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _family(m: re.Match[str]) -> str:
    return next(k for k in ("letter", "digit", "dash") if m.group(k))


def list_items(text: str, head_end: int) -> list[tuple[int, int]]:
    """Spans of the first piece of each item of the list whose head ends at ``head_end``.

    Empty when no list follows (``head_end`` must be followed by ":" and a line break), or when
    it has fewer than two items. Items are the following lines with the first item's kind of
    enumerator ("a)", "1.", "-"); a line of another kind (a sub-item) is skipped, any other line
    ends the list.
    """
    after = _AFTER_HEAD.match(text, head_end)
    if not after:
        return []
    spans: list[tuple[int, int]] = []
    family = None
    pos = after.end()
    while pos < len(text):
        end = line_end(text, pos)
        item = _ITEM.match(text, pos, end)
        if item is None:
            if text[pos:end].strip():
                break
        elif family is None or _family(item) == family:
            family = family or _family(item)
            piece = LEAD_PIECE.search(text, item.end(), end)
            if piece is not None:
                start, stop = piece.start(), piece.end()
                while stop > start and text[stop - 1] in " ,":
                    stop -= 1
                if stop - start > MAX_ITEM_CHARS:
                    cut = text.rfind(", ", start, start + MAX_ITEM_CHARS)
                    stop = cut if cut > start else stop
                if stop - start >= 3:
                    spans.append((start, stop))
        pos = end + 1
    return spans if len(spans) >= 2 else []


def enclosing_list(text: str, pos: int) -> tuple[tuple[int, int], list[tuple[int, int]]] | None:
    """The list (its head's span, its items' spans) whose head or items contain ``pos``, if any.

    A lead piece found inside an item ("đối với người chưa thành niên thì …" in item a) of
    "Hồ sơ đăng ký tạm trú bao gồm:") answers for one case; the list answers the question.
    """
    for colon in _AFTER_HEAD.finditer(text):
        items = list_items(text, colon.start())
        if not items:
            continue
        head_start = max(text.rfind("\n", 0, colon.start()) + 1, 0)
        head = LEAD_PIECE.search(text, head_start, colon.start())
        while head is not None and head.end() < colon.start():  # the head's last piece ends at the colon
            head = LEAD_PIECE.search(text, head.end(), colon.start())
        if head is None:
            continue
        start = head.start()
        while start < head.end() and text[start].isspace():
            start += 1
        region_end = line_end(text, items[-1][1])
        if start <= pos < region_end and head.end() - start >= 3:
            return (start, head.end()), items
    return None


def list_lead_text(label: str, text: str, items: list[tuple[int, int]], head: tuple[int, int] | None = None) -> str:
    """``Hồ sơ: «head»: «…»; «…»; … và N mục khác`` — quotes are verbatim, the rest is ours."""
    def quote(span: tuple[int, int]) -> str:
        return f"«{' '.join(text[span[0]:span[1]].split())}»"

    more = len(items) - MAX_ITEMS
    shown = "; ".join(quote(i) for i in items[:MAX_ITEMS]) + (f"; và {more} mục khác" if more > 0 else "")
    return f"{label}: " + (f"{quote(head)}: " if head else "") + shown
