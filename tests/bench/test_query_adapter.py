"""bench/query_adapter.py learns only from rows it may learn from (issue 15, session 9)."""

from __future__ import annotations

import json

from bench.query_adapter import CLERK, feedback_rows, training_rows
from rag.governance.access import User
from rag.governance.audit import AuditLog, AuditRecord
from rag.governance.feedback import record_feedback
from rag.search.evaluation import load_questions


def test_training_rows_are_dev_odd_and_clerk_tune_only(shared_data):
    dev = load_questions(shared_data / "eval" / "dev.jsonl")
    tune = {r["id"] for r in map(json.loads, CLERK.read_text(encoding="utf-8").splitlines()) if r["split"] == "tune"}
    rows = training_rows()
    ids = {r[0] for r in rows}
    assert {q.id for q in dev[1::2]} <= ids
    assert not ids & {q.id for q in dev[0::2]}  # the even rows judge, never train
    assert {r[0] for r in rows if r[3] == "clerk-tune"} <= tune  # never the test half
    assert {r[3] for r in rows} == {"dev-odd", "clerk-tune"}
    assert all(r[2] and all("|Điều " in g for g in r[2]) for r in rows)


def test_thumbs_up_answers_become_rows_and_thumbs_down_do_not(tmp_path):
    log = AuditLog(tmp_path / "audit.db")
    clerk = User("u", "clerk")
    up = log.append(AuditRecord(user="u", role="clerk", question="Hạn đăng ký khai sinh là bao lâu?", mode="extractive",
                                units=({"address": "Khoản 1 Điều 16", "doc": "60/2014/QH13", "cited": True},)))
    down = log.append(AuditRecord(user="u", role="clerk", question="Lệ phí khai sinh?", mode="extractive",
                                  units=({"address": "Điều 3", "doc": "85/2019/TT-BTC", "cited": True},)))
    record_feedback(log, up, "up", clerk)
    record_feedback(log, down, "down", clerk)
    assert feedback_rows(tmp_path / "audit.db") == [
        (f"feedback-{up}", "Hạn đăng ký khai sinh là bao lâu?", ["60/2014/QH13|Điều 16"], "feedback")]
