"""Feedback as chained audit entries: joined to the answer, redacted, tamper-evident, and old logs still verify."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from rag.governance.access import User
from rag.governance.audit import FIELDS, GENESIS, AuditError, AuditLog, AuditRecord
from rag.errors import InputError
from rag.governance.feedback import feedback_items, latest_per_answer, record_feedback
from ui.cli import main

CLERK = User("lan", "clerk")


def _answer(question: str) -> AuditRecord:
    return AuditRecord(
        user="lan", role="clerk", question=question, mode="extractive",
        units=(
            {"unit_id": "u1", "doc": "60/2014/QH13", "address": "Khoản 1 Điều 15", "cited": 1},
            {"unit_id": "u2", "doc": "60/2014/QH13", "address": "Điều 16", "cited": None},
        ),
    )


@pytest.fixture
def log(tmp_path) -> AuditLog:
    audit = AuditLog(tmp_path / "audit.db")
    audit.append(_answer("Thời hạn đăng ký khai sinh là bao lâu?"))
    audit.append(_answer("Chứng thực bản sao cần gì?"))
    return audit


def test_feedback_is_its_own_chained_entry_joined_to_its_answer(log):
    first = record_feedback(log, 1, "down", CLERK)
    second = record_feedback(log, 1, "down", CLERK, "Thiếu trường hợp quá hạn,  gọi  0912345678")
    other = record_feedback(log, 2, "up", User("minh", "leader"))
    assert (first, second, other) == (3, 4, 5)
    result = log.verify()
    assert result.ok and result.count == 5
    answers = list(log.rows(kind="answer"))
    assert [r["id"] for r in answers] == [1, 2]  # answer records untouched

    items = feedback_items(log)
    assert [(i.answer_id, i.rating, i.user) for i in items] == [(1, "down", "lan"), (1, "down", "lan"), (2, "up", "minh")]
    assert items[1].comment == "Thiếu trường hợp quá hạn, gọi [SĐT]"  # redacted, whitespace folded
    assert "0912345678" not in log.path.read_bytes().decode("utf-8", "replace")
    assert items[0].question == "Thời hạn đăng ký khai sinh là bao lâu?"
    assert items[0].citations == ("Khoản 1 Điều 15 60/2014/QH13",)  # cited units only

    latest = latest_per_answer(items)
    assert [(i.answer_id, i.comment) for i in latest] == [(2, ""), (1, "Thiếu trường hợp quá hạn, gọi [SĐT]")]


def test_feedback_needs_a_real_answer_and_a_valid_rating(log):
    with pytest.raises(InputError):
        record_feedback(log, 1, "meh", CLERK)
    with pytest.raises(AuditError, match="#9"):
        record_feedback(log, 9, "up", CLERK)
    fb = record_feedback(log, 1, "up", CLERK)
    with pytest.raises(AuditError):  # feedback on feedback is refused
        record_feedback(log, fb, "up", CLERK)
    assert log.verify().count == 3


def _sql(path, statement: str, *params) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute(statement, params)
    db.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET rating = 'up' WHERE id = 3",
        "UPDATE audit SET comment = 'Rất tốt' WHERE id = 3",
        "UPDATE audit SET ref = 2 WHERE id = 3",
        "UPDATE audit SET kind = 'answer', ref = NULL, rating = NULL, comment = NULL WHERE id = 3",
        "UPDATE audit SET comment = 'chèn góp ý' WHERE id = 1",  # an answer record given a comment
    ],
)
def test_tampered_feedback_fails_verification_in_the_cli(log, monkeypatch, capsys, statement):
    monkeypatch.setenv("TTHC_AUDIT_DB", str(log.path))
    record_feedback(log, 1, "down", CLERK, "Trích sai khoản")
    assert main(["audit", "verify"]) == 0
    assert "3 bản ghi" in capsys.readouterr().out
    _sql(log.path, statement)
    assert main(["audit", "verify"]) == 1
    assert "TAMPERED" in capsys.readouterr().out


OLD_SCHEMA = """CREATE TABLE audit (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, user TEXT NOT NULL, role TEXT NOT NULL,
question TEXT NOT NULL, redactions TEXT NOT NULL, units TEXT NOT NULL, mode TEXT NOT NULL, model TEXT NOT NULL,
abstained INTEGER NOT NULL, verification TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"""


def test_a_log_written_before_feedback_entries_still_verifies_and_takes_feedback(tmp_path):
    path = tmp_path / "old.db"
    _sql(path, OLD_SCHEMA)
    prev = GENESIS
    for i in (1, 2):  # rows as the earlier code wrote them: sha256 over FIELDS
        row = {"id": i, "ts": f"2026-01-0{i}T08:00:00+00:00", "user": "lan", "role": "clerk", "question": f"câu {i}",
               "redactions": [], "units": [], "mode": "extractive", "model": "", "abstained": False,
               "verification": [], "prev_hash": prev}
        digest = hashlib.sha256(json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False, sort_keys=True,
                                           separators=(",", ":")).encode()).hexdigest()
        _sql(path, "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", i, row["ts"], "lan", "clerk",
             row["question"], "[]", "[]", "extractive", "", 0, "[]", prev, digest)
        prev = digest
    log = AuditLog(path)  # adds the new columns
    assert log.verify().ok and log.verify().count == 2
    record_feedback(log, 2, "up", CLERK)
    assert log.verify().ok and [i.question for i in feedback_items(log)] == ["câu 2"]
