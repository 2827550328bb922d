"""Follow-up questions: rewrite "còn trường hợp quá hạn thì sao?" into a self-contained query.

Rule-based (extractive mode): a question that leans on the conversation — it opens with "còn",
"thế còn", "vậy", "nếu", ends with "thì sao", or is too short to carry its own topic — borrows the
topic of the previous question (its content words without the question words). The LLM mode can
ask the model instead (``rag.llm.rewrite_with_llm``) and falls back to these rules.
"""

from __future__ import annotations

import re
from typing import Sequence

from rag.vietnamese import nfc, normalise_space

_OPENERS = re.compile(
    r"^(?:thế\s+còn|vậy\s+còn|còn\s+nếu|còn|vậy\s+thì|vậy|thế\s+thì|thế|nếu\s+vậy|trường\s+hợp\s+đó|"
    r"nếu|với|đối\s+với|riêng)\b[\s,]*",
    re.IGNORECASE,
)
_TAILS = re.compile(
    r"[\s,]*(?:thì\s+sao|thì\s+thế\s+nào|thế\s+nào|ra\s+sao|được\s+không|có\s+được\s+không|nhỉ|nữa|"
    r"vậy|ạ|không)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_ANAPHORA = re.compile(r"\b(?:đó|này|trên|ấy|như\s+vậy|như\s+thế|thủ\s+tục\s+này|việc\s+này)\b", re.IGNORECASE)
# Question words stripped from the previous question before its topic is reused.
_QUESTION_WORDS = re.compile(
    r"\b(?:là\s+bao\s+lâu|bao\s+lâu|bao\s+nhiêu(?:\s+tiền|\s+ngày)?|mấy\s+ngày|là\s+gì|gồm\s+những\s+gì|"
    r"những\s+gì|cần\s+những\s+giấy\s+tờ\s+gì|giấy\s+tờ\s+gì|như\s+thế\s+nào|thế\s+nào|ra\s+sao|"
    r"ở\s+đâu|cơ\s+quan\s+nào|ai|khi\s+nào|có\s+phải|có\s+được\s+không|được\s+không|không|gì|nào|"
    r"thời\s+hạn|cho\s+con)\b",
    re.IGNORECASE,
)
MIN_SELF_CONTAINED_WORDS = 6


def is_follow_up(question: str) -> bool:
    """Does the question depend on the conversation to be understood?"""
    q = normalise_space(nfc(question)).lower()
    words = q.split()
    opener = _OPENERS.match(q)
    if opener:
        strong = opener.group(0).strip(" ,").split()[0] in ("còn", "thế", "vậy", "trường")
        if len(words) <= (12 if strong else 7):
            return True
    if re.search(r"thì\s+sao\s*\??$", q):
        return True
    return len(words) < MIN_SELF_CONTAINED_WORDS and bool(_ANAPHORA.search(q))


def topic_of(question: str) -> str:
    """The previous question's topic: "Thời hạn đăng ký khai sinh là bao lâu?" → "đăng ký khai sinh"."""
    q = normalise_space(nfc(question)).rstrip("?.! ")
    q = _QUESTION_WORDS.sub(" ", q)
    return normalise_space(re.sub(r"[,;:]+", " ", q))


def rewrite_follow_up(question: str, history: Sequence[str]) -> str:
    """A self-contained retrieval query; unchanged when it is not a follow-up or there is no history.

    ``history``: earlier user questions (already rewritten ones preferred), oldest first.
    """
    question = normalise_space(nfc(question))
    previous = next((h for h in reversed(history) if h and h.strip()), "")
    if not previous or not is_follow_up(question):
        return question
    rest = _OPENERS.sub("", question.lower(), count=1)
    rest = _TAILS.sub("", rest)
    rest = _ANAPHORA.sub(" ", rest)
    topic = topic_of(previous)
    merged = normalise_space(f"{topic} {rest}")
    return merged or question
