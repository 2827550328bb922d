"""👍/👎 feedback on answers, stored in the audit log beside the answer it rates.

Each rating (with an optional comment) is its own chained audit entry of kind ``feedback`` whose
``ref`` is the answer's audit record id (``Answer.audit_id``): answer records are never rewritten,
and a changed or deleted rating breaks the chain like any other record. Comments are redacted
(``rag.governance.privacy``) before they are written, like questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from rag.governance.access import User
from rag.governance.audit import FEEDBACK, AuditLog, AuditRecord
from rag.errors import InputError
from rag.governance.privacy import redact

RATINGS = ("up", "down")
MAX_COMMENT = 1000


@dataclass(frozen=True)
class FeedbackItem:
    """One feedback entry joined to the answer it rates (everything already redacted)."""

    id: int  # audit id of the feedback entry
    answer_id: int  # audit id of the answer
    rating: str  # "up" | "down"
    comment: str
    user: str
    ts: str
    question: str = ""  # of the answer
    citations: tuple[str, ...] = ()  # of the answer: "Khoản 1 Điều 15 60/2014/QH13"


def record_feedback(audit: AuditLog, answer_id: int, rating: str, user: User, comment: str = "") -> int:
    """Append one feedback entry for the answer record ``answer_id``; returns the entry's id.

    ``InputError`` for a rating other than up/down; ``AuditError`` when the answer is not in the log.
    """
    if rating not in RATINGS:
        raise InputError(f"Đánh giá không hợp lệ: {rating!r} / rating must be up or down")
    clean = redact(" ".join((comment or "").split())[:MAX_COMMENT])
    record = AuditRecord(
        user=user.name,
        role=user.role,
        question="",
        mode="",
        redactions=tuple({"type": s.kind, "placeholder": s.placeholder} for s in clean.spans),
        kind=FEEDBACK,
        ref=int(answer_id),
        rating=rating,
        comment=clean.text,
    )
    return audit.append(record)


def _cited(units: Any) -> tuple[str, ...]:
    if not isinstance(units, list):
        return ()
    return tuple(f"{u.get('address', '')} {u.get('doc', '')}".strip() for u in units if isinstance(u, dict) and u.get("cited"))


def feedback_items(audit: AuditLog, since: str | None = None) -> list[FeedbackItem]:
    """Every feedback entry (oldest first, optionally from an ISO date on) with its answer."""
    entries = list(audit.rows(since, kind=FEEDBACK))
    answers = {r["id"]: r for r in audit.rows(ids={e["ref"] for e in entries})} if entries else {}
    out = []
    for e in entries:
        answer = answers.get(e["ref"], {})
        out.append(
            FeedbackItem(
                id=e["id"],
                answer_id=e["ref"],
                rating=e["rating"] or "",
                comment=e["comment"] or "",
                user=e["user"],
                ts=e["ts"],
                question=answer.get("question", ""),
                citations=_cited(answer.get("units")),
            )
        )
    return out


def latest_per_answer(items: Iterable[FeedbackItem]) -> list[FeedbackItem]:
    """One row per (answer, user), newest first: the last rating, with the last non-empty comment."""
    latest: dict[tuple[int, str], FeedbackItem] = {}
    for item in items:  # oldest first
        prev = latest.get((item.answer_id, item.user))
        if prev is not None and not item.comment and prev.comment:
            item = FeedbackItem(**{**item.__dict__, "comment": prev.comment})
        latest[(item.answer_id, item.user)] = item
    return sorted(latest.values(), key=lambda f: f.id, reverse=True)
