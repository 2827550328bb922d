"""Audit trail: one tamper-evident SQLite record per answer, and one per piece of feedback.

Each answer record holds the time, the user and role, the *redacted* question, the retrieved units
(id, content hash, validity status), the answer mode and model, the citation verification
results, and the hash of the previous record. The record hash covers every field and the
previous hash, so changing, deleting or reordering any row breaks the chain from there on
(``verify``). With ``TTHC_AUDIT_KEY`` set the hashes are HMACs: whoever can write the database
but does not hold the key cannot rebuild a valid chain either.

Deleting the *last* rows leaves a valid, shorter chain: keep the head hash that ``verify``
prints (e.g. in a daily report) to detect that.

Feedback (👍/👎 and an optional, redacted comment) is an entry of its own (``kind = "feedback"``)
chained like the rest, with ``ref`` = the id of the answer record it rates: answer records are
never rewritten. Answer records keep their original hashed form (the fields in ``FIELDS``), so
logs written before feedback entries existed still verify.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from rag.domain import Answer, LegalUnit, Passage
from rag.errors import TthcError

GENESIS = "0" * 64
FIELDS = (
    "id", "ts", "user", "role", "question", "redactions", "units", "mode", "model", "abstained",
    "verification", "prev_hash",
)
# Hashed too when a record is not a plain answer (feedback entries); NULL on answer records.
ENTRY_FIELDS = ("kind", "ref", "rating", "comment")
_JSON_FIELDS = ("redactions", "units", "verification")
ANSWER, FEEDBACK = "answer", "feedback"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    question TEXT NOT NULL,
    redactions TEXT NOT NULL,
    units TEXT NOT NULL,
    mode TEXT NOT NULL,
    model TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    verification TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'answer',
    ref INTEGER,
    rating TEXT,
    comment TEXT
);
CREATE INDEX IF NOT EXISTS audit_ts ON audit(ts);
"""
# Columns added to logs created before feedback entries (ALTER TABLE on open).
_ADDED_COLUMNS = {"kind": "TEXT NOT NULL DEFAULT 'answer'", "ref": "INTEGER", "rating": "TEXT", "comment": "TEXT"}


class AuditError(TthcError):
    """The audit log cannot be written or read (answers are not given without a record)."""


def unit_hash(unit: LegalUnit) -> str:
    """sha256 of the unit text as it was shown: later edits of the source are detectable."""
    return hashlib.sha256(unit.text.encode("utf-8")).hexdigest()


def _unit_entry(p: Passage, cited: int | None) -> dict[str, Any]:
    u = p.unit
    return {
        "unit_id": p.unit_id,
        "doc": u.document.doc_number or u.document.key,
        "address": u.address,
        "content_hash": unit_hash(u),
        "status": u.document.status,
        "access": list(u.document.access),
        "cited": cited,
    }


def citation_checks(answer: Answer) -> list[dict[str, Any]]:
    """Per citation: does the answer quote the cited unit verbatim (extractive guarantee)."""
    sentences = getattr(answer, "sentences", ())  # per-sentence verification, when the answer has it
    if sentences:
        return [
            {"text": s.text[:200], "citations": list(s.citations), "status": s.status, "reasons": list(s.reasons)}
            for s in sentences
        ]
    return [
        {"n": c.n, "unit_id": c.passage.unit_id, "quoted": c.unit.text in answer.text}
        for c in answer.citations
    ]


@dataclass(frozen=True)
class AuditRecord:
    """One answer, as logged (no personal data: the question is already redacted)."""

    user: str
    role: str
    question: str
    mode: str
    model: str = ""
    abstained: bool = False
    units: tuple[dict[str, Any], ...] = ()
    redactions: tuple[dict[str, Any], ...] = ()
    verification: tuple[dict[str, Any], ...] = ()
    ts: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    kind: str = ANSWER
    ref: int | None = None  # feedback: id of the answer record it rates
    rating: str | None = None  # feedback: "up" | "down"
    comment: str | None = None  # feedback: redacted comment ("" when none)

    @classmethod
    def for_answer(cls, answer: Answer, user: str, role: str, mode: str, model: str = "") -> "AuditRecord":
        cited = {c.passage.unit_id or id(c.passage): c.n for c in answer.citations}
        units = [_unit_entry(c.passage, c.n) for c in answer.citations]
        units += [_unit_entry(p, None) for p in answer.related if (p.unit_id or id(p)) not in cited]
        redactions = getattr(answer, "redactions", ())
        return cls(
            user=user,
            role=role,
            question=answer.question,
            mode=getattr(answer, "mode", "") or mode,
            model=getattr(answer, "model", "") or model,
            abstained=answer.abstained,
            units=tuple(units),
            redactions=tuple({"type": r.kind, "placeholder": r.placeholder} for r in redactions),
            verification=tuple(citation_checks(answer)),
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head: str  # hash of the last record (GENESIS when empty)
    problems: tuple[str, ...] = ()


def _hashed_fields(row: dict[str, Any]) -> tuple[str, ...]:
    """An answer record (no entry fields set) is hashed in its original form; anything else over
    every field, so turning one kind of record into the other breaks its hash too."""
    plain = row.get("kind", ANSWER) == ANSWER and all(row.get(k) is None for k in ENTRY_FIELDS[1:])
    return FIELDS if plain else FIELDS + ENTRY_FIELDS


def _canonical(row: dict[str, Any]) -> bytes:
    data = {k: row[k] for k in _hashed_fields(row)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class AuditLog:
    """The audit database (SQLite; safe to share between the app and CLI processes)."""

    def __init__(self, path: Path, key: str | None = None):
        self.path = Path(path)
        self._key = key.encode() if key else None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(_SCHEMA)
                have = {r["name"] for r in db.execute("PRAGMA table_info(audit)")}
                for column, decl in _ADDED_COLUMNS.items():
                    if column not in have:
                        db.execute(f"ALTER TABLE audit ADD COLUMN {column} {decl}")
        except (OSError, sqlite3.Error) as exc:
            raise AuditError(
                f"Không mở được nhật ký kiểm toán {self.path}: {exc} / cannot open the audit log"
            ) from exc

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def _hash(self, row: dict[str, Any]) -> str:
        payload = _canonical(row)
        if self._key:
            return hmac.new(self._key, payload, hashlib.sha256).hexdigest()
        return hashlib.sha256(payload).hexdigest()

    def append(self, record: AuditRecord) -> int:
        """Write one record, chained to the previous one; returns its id.

        A feedback entry must reference an existing answer record (``AuditError`` otherwise)."""
        try:
            db = self._connect()
            try:
                db.execute("BEGIN IMMEDIATE")  # one writer at a time: read head + insert atomically
                if record.kind != ANSWER:
                    target = db.execute("SELECT kind FROM audit WHERE id = ?", (record.ref,)).fetchone()
                    if target is None or target["kind"] != ANSWER:
                        raise AuditError(
                            f"Không có câu trả lời #{record.ref} trong nhật ký / no answer record #{record.ref}"
                        )
                last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
                row: dict[str, Any] = {
                    "id": (last["id"] + 1) if last else 1,
                    "ts": record.ts,
                    "user": record.user,
                    "role": record.role,
                    "question": record.question,
                    "redactions": list(record.redactions),
                    "units": list(record.units),
                    "mode": record.mode,
                    "model": record.model,
                    "abstained": bool(record.abstained),
                    "verification": list(record.verification),
                    "prev_hash": last["hash"] if last else GENESIS,
                    "kind": record.kind,
                    "ref": record.ref,
                    "rating": record.rating,
                    "comment": record.comment,
                }
                digest = self._hash(row)
                stored = {k: (json.dumps(v, ensure_ascii=False) if k in _JSON_FIELDS else v) for k, v in row.items()}
                stored["abstained"] = int(row["abstained"])
                columns = FIELDS + ENTRY_FIELDS
                db.execute(
                    f"INSERT INTO audit ({', '.join(columns)}, hash) VALUES ({', '.join('?' * (len(columns) + 1))})",
                    [stored[k] for k in columns] + [digest],
                )
                db.execute("COMMIT")
                return row["id"]
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise AuditError(
                f"Không ghi được nhật ký kiểm toán {self.path}: {exc} / cannot write the audit log"
            ) from exc

    def rows(
        self, since: str | None = None, kind: str | None = None, ids: Iterable[int] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Records in chain order (JSON fields decoded), optionally from an ISO date on, of one
        kind, or with the given ids."""
        where, params = [], []
        if since:
            where.append("ts >= ?")
            params.append(since)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if ids is not None:
            wanted = sorted({int(i) for i in ids})
            where.append(f"id IN ({', '.join('?' * len(wanted))})")
            params.extend(wanted)
        db = self._connect()
        try:
            query = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
            for r in db.execute(query, params):
                row = dict(r)
                for k in _JSON_FIELDS:
                    try:
                        row[k] = json.loads(row[k])
                    except (TypeError, ValueError):
                        pass  # left as stored: verify() reports the row
                row["abstained"] = bool(row["abstained"])
                yield row
        finally:
            db.close()

    def verify(self) -> VerifyResult:
        """Walk the chain: every hash must match its record and link to the previous one."""
        problems: list[str] = []
        prev = GENESIS
        expected_id = 1
        count = 0
        for row in self.rows():
            count += 1
            if row["id"] != expected_id:
                problems.append(f"#{row['id']}: thiếu bản ghi trước đó (mong đợi #{expected_id}) / gap in ids")
            if row["prev_hash"] != prev:
                problems.append(f"#{row['id']}: không nối với bản ghi trước / broken link to the previous record")
            try:
                recomputed = self._hash(row)
            except (KeyError, TypeError):
                recomputed = ""
            if not hmac.compare_digest(recomputed, row["hash"]):
                problems.append(f"#{row['id']}: nội dung đã bị sửa / record content was modified")
            prev = row["hash"]
            expected_id = row["id"] + 1
        return VerifyResult(ok=not problems, count=count, head=prev, problems=tuple(problems))

    def export(self, since: str | None = None) -> list[dict[str, Any]]:
        """Records for inspectors (each with its hash, so they can re-verify offline)."""
        return list(self.rows(since))


def parse_since(value: str) -> str:
    """"2026-01-31" or "31/01/2026" → ISO date; one-line error otherwise."""
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise TthcError(f"Ngày không hợp lệ: {value!r} (dùng YYYY-MM-DD hoặc DD/MM/YYYY) / invalid date")
