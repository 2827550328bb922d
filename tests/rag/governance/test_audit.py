"""Audit trail: hash chain on real SQLite, tamper detection, and the records `tthc ask` writes."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from rag.governance.audit import GENESIS, AuditLog, AuditRecord, parse_since
from rag.errors import TthcError
from ui.cli import main


def _record(i: int, ts: str | None = None) -> AuditRecord:
    extra = {"ts": ts} if ts else {}
    return AuditRecord(
        user=f"clerk{i}", role="clerk", question=f"Câu hỏi số {i} của [HỌ TÊN]", mode="extractive",
        units=({"unit_id": f"u{i}", "content_hash": "ab" * 32, "status": "còn hiệu lực", "cited": 1},),
        redactions=({"type": "name", "placeholder": "[HỌ TÊN]"},), **extra,
    )


@pytest.fixture
def log(tmp_path) -> AuditLog:
    audit = AuditLog(tmp_path / "audit.db")
    for i in range(5):
        audit.append(_record(i))
    return audit


def _sql(log: AuditLog, statement: str, *params) -> None:
    db = sqlite3.connect(log.path)
    with db:
        db.execute(statement, params)
    db.close()


def test_chain_links_every_record(log):
    rows = log.export()
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == GENESIS
    assert all(rows[i]["prev_hash"] == rows[i - 1]["hash"] for i in range(1, 5))
    result = log.verify()
    assert result.ok and result.count == 5 and result.head == rows[-1]["hash"]


@pytest.mark.parametrize(
    "statement, params, bad_id",
    [
        ("UPDATE audit SET question = ? WHERE id = 3", ("Câu hỏi đã bị sửa",), 3),
        ("UPDATE audit SET units = ? WHERE id = 2", ('[{"unit_id": "other"}]',), 2),
        ("UPDATE audit SET user = ? WHERE id = 5", ("admin",), 5),
        ("UPDATE audit SET ts = ? WHERE id = 1", ("2020-01-01T00:00:00+00:00",), 1),
        ("DELETE FROM audit WHERE id = ?", (3,), 4),
    ],
)
def test_modified_or_deleted_row_is_detected(log, statement, params, bad_id):
    _sql(log, statement, *params)
    result = log.verify()
    assert not result.ok
    assert any(p.startswith(f"#{bad_id}:") for p in result.problems), result.problems


def test_rewriting_the_whole_chain_needs_the_key(tmp_path):
    """With an HMAC key, an attacker who recomputes plain sha256 hashes is still caught."""
    keyed = AuditLog(tmp_path / "keyed.db", key="bí-mật-của-cơ-quan")
    for i in range(3):
        keyed.append(_record(i))
    assert keyed.verify().ok
    # Attacker: change row 2 and rebuild every hash after it without the key.
    _sql(keyed, "UPDATE audit SET question = 'đã sửa' WHERE id = 2")
    forger = AuditLog(tmp_path / "keyed.db")  # same file, no key
    prev = GENESIS
    for row in forger.export():
        row["prev_hash"] = prev
        digest = forger._hash(row)
        _sql(forger, "UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", prev, digest, row["id"])
        prev = digest
    assert forger.verify().ok  # a keyless chain can be forged...
    assert not keyed.verify().ok  # ...but not one made with the agency's key


def test_export_since_date(tmp_path):
    audit = AuditLog(tmp_path / "a.db")
    audit.append(_record(1, ts="2026-01-05T08:00:00+00:00"))
    audit.append(_record(2, ts="2026-02-10T08:00:00+00:00"))
    assert [r["user"] for r in audit.export("2026-02-01")] == ["clerk2"]
    assert parse_since("10/02/2026") == "2026-02-10"
    with pytest.raises(TthcError):
        parse_since("hôm qua")


def test_ask_writes_a_redacted_record_and_cli_verifies_it(index_env, tmp_path, monkeypatch, capsys):
    db = tmp_path / "audit.db"
    monkeypatch.setenv("TTHC_AUDIT_DB", str(db))
    question = "Anh Nguyễn Văn An, CCCD 001090012345, SĐT 0912 345 678: thời hạn đăng ký khai sinh cho con là bao lâu?"
    assert main(["ask", question, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["question"].startswith("Anh [HỌ TÊN], CCCD [CCCD], SĐT [SĐT]")
    assert [r["type"] for r in answer["redactions"]] == ["name", "cccd", "phone"]
    assert answer["citations"][0]["article"] == "Điều 15"  # redaction does not hurt the answer

    raw = db.read_bytes()
    for secret in ("001090012345", "0912 345 678", "Nguyễn Văn An"):
        assert secret.encode() not in raw
    (row,) = AuditLog(db).export()
    assert row["id"] == answer["audit_id"] and row["question"] == answer["question"]
    assert row["mode"] == "extractive" and row["user"].startswith("local:") and row["role"] == "admin"
    cited = [u for u in row["units"] if u["cited"] == 1][0]
    assert cited["doc"] == "60/2014/QH13" and cited["address"].endswith("Điều 15")
    assert cited["content_hash"] == hashlib.sha256(answer["citations"][0]["text"].encode()).hexdigest()
    assert cited["status"] == answer["citations"][0]["status"]
    assert row["verification"] and all(v["quoted"] for v in row["verification"] if "quoted" in v)

    assert main(["audit", "verify"]) == 0
    assert "1 bản ghi" in capsys.readouterr().out
    out = tmp_path / "export.jsonl"
    assert main(["audit", "export", "--since", "2000-01-01", "--output", str(out)]) == 0
    assert json.loads(out.read_text().splitlines()[0])["hash"] == row["hash"]

    _sql(AuditLog(db), "UPDATE audit SET role = 'clerk' WHERE id = 1")
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert "TAMPERED" in capsys.readouterr().out


def test_audit_commands_explain_missing_log_and_bad_date(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TTHC_AUDIT_DB", str(tmp_path / "none.db"))
    assert main(["audit", "verify"]) == 1
    assert "Chưa có nhật ký" in capsys.readouterr().err
    AuditLog(tmp_path / "none.db")
    assert main(["audit", "export", "--since", "31-31-2026"]) == 1
    err = capsys.readouterr().err
    assert "Ngày không hợp lệ" in err and err.count("\n") == 1


def test_no_answer_without_an_audit_record(index_env, tmp_path, monkeypatch, capsys):
    """Fail closed: when the audit log cannot be written, the answer is not given."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("TTHC_AUDIT_DB", str(blocker / "audit.db"))
    assert main(["ask", "Thời hạn đăng ký khai sinh cho con là bao lâu?", "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and "nhật ký kiểm toán" in out.err and out.err.count("\n") == 1
