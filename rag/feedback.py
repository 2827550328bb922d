"""👍/👎 feedback on answers, one JSON line each (used until the audit log stores it).

Each line: ``{at, answer_id, rating, comment, question, citations}`` where ``rating`` is
``up`` or ``down`` and ``answer_id`` ties the feedback to the answer (and its audit record).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.errors import InputError

_LOCK = threading.Lock()
MAX_COMMENT = 1000


@dataclass(frozen=True)
class Feedback:
    answer_id: str
    rating: str  # "up" | "down"
    comment: str = ""
    question: str = ""
    citations: tuple[str, ...] = ()
    user: str = ""
    at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))


def add_feedback(path: Path, feedback: Feedback) -> Feedback:
    """Append one feedback line; ``InputError`` for a rating other than up/down."""
    if feedback.rating not in ("up", "down"):
        raise InputError(f"Đánh giá không hợp lệ: {feedback.rating!r} / rating must be up or down")
    clean = Feedback(
        answer_id=feedback.answer_id,
        rating=feedback.rating,
        comment=" ".join(feedback.comment.split())[:MAX_COMMENT],
        question=feedback.question[:2000],
        citations=tuple(feedback.citations),
        user=feedback.user,
        at=feedback.at,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(clean), ensure_ascii=False)
    with _LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return clean


def read_feedback(path: Path) -> list[Feedback]:
    """All feedback, oldest first; unreadable lines are skipped."""
    path = Path(path)
    if not path.is_file():
        return []
    out: list[Feedback] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            data["citations"] = tuple(data.get("citations") or ())
            out.append(Feedback(**data))
        except (ValueError, TypeError):
            continue
    return out
