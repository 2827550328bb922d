"""Follow-up questions: rewrite "còn trường hợp quá hạn thì sao?" into a self-contained query.

Rule-based (extractive mode): a question that leans on the conversation — it opens with "còn",
"thế còn", "vậy", "nếu", ends with "thì sao", or is too short to carry its own topic — borrows the
topic of the previous question (its content words without the question words). The LLM mode can
ask the model instead (``rag.models.llm.rewrite_with_llm``) and falls back to these rules.
"""

from __future__ import annotations

import re
from typing import Sequence

from rag.text.vietnamese import nfc, normalise_space

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


# A follow-up that names one of these asks something new about the same topic ("attribute shift");
# otherwise it names a new topic and keeps the previous question's attribute ("topic shift").
_ATTRIBUTES = re.compile(
    r"lệ\s+phí|\bphí\b|giấy\s+tờ|hồ\s+sơ|thời\s+hạn|bao\s+lâu|mấy\s+ngày|thẩm\s+quyền|cơ\s+quan|ở\s+đâu|"
    r"trường\s+hợp|quá\s+hạn|nước\s+ngoài|ủy\s+quyền|điều\s+kiện|trình\s+tự|thủ\s+tục|mẫu|bị\s+mất|"
    r"\bnếu\b|\bkhi\b|người\s+nước",
    re.IGNORECASE,
)


def _substitute_compound(previous: str, rest: str) -> str | None:
    """"… đăng ký khai sinh …" + "khai tử" → "… đăng ký khai tử …" (compounds sharing a first syllable)."""
    words = rest.split()
    for first, second in zip(words, words[1:]):
        pattern = re.compile(rf"\b{re.escape(first)}\s+(?!{re.escape(second)}\b)\w+", re.IGNORECASE)
        if pattern.search(previous):
            return pattern.sub(f"{first} {second}", previous, count=1)
    return None


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
    rest = normalise_space(_ANAPHORA.sub(" ", rest))
    if rest and not _ATTRIBUTES.search(rest):  # topic shift: same question about a new topic
        shifted = _substitute_compound(normalise_space(nfc(previous)).rstrip("?.! "), rest)
        if shifted:
            return shifted
        attributes = " ".join(m.group(0).lower() for m in _ATTRIBUTES.finditer(previous))
        if attributes:
            verb = re.match(r"(đăng ký|cấp lại|cấp|chứng thực|xin|đổi|nộp)\b", topic_of(previous), re.IGNORECASE)
            if verb and verb.group(1).lower() not in rest:
                rest = f"{verb.group(1).lower()} {rest}"
            return normalise_space(f"{attributes} {rest}")
    merged = normalise_space(f"{topic_of(previous)} {rest}")
    return merged or question
