"""Citation checker and validity on a real index: the corpus slice plus a replaced circular and its successor."""

from __future__ import annotations

import io
import json

import pytest

from bench.checker import CASES, load_cases, run
from rag.config import load_settings
from rag.engine import Engine
from rag.text.quantities import claims
from rag.text.sentences import sentence_around
from rag.validity.checker import agreement
from rag.validity.relations import STATUSES
from tests.conftest import CORPUS, slice_plus
from ui.cli import main

EXTRA = [CORPUS / "10-2014-TT-TTCP.md", CORPUS / "03-2021-TT-TTCP.md"]  # 03/2021 replaces 10/2014


@pytest.fixture(scope="module")
def checker_index(slice_index, tmp_path_factory):
    return slice_plus(slice_index, tmp_path_factory.mktemp("checker"), EXTRA)


def run_cli(capsys, *args, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_claims_and_agreement():
    assert [(c.values, c.unit, c.written) for c in claims("không quá 02 (hai) ngày làm việc, lệ phí 200.000 đồng, ngày 01/01/2016")] == [
        ({"2"}, "ngày làm việc", "02 (hai) ngày làm việc"), ({"200000"}, "đồng", "200.000 đồng")]
    fit = agreement("trong thời hạn 30 ngày kể từ ngày sinh con", "Trong thời hạn 60 ngày kể từ ngày sinh con, cha")
    assert fit.missing_claims == ("30 ngày",) and fit.coverage > 0.5
    text = "Điều 5 quy định A. Theo Điều 6 Luật X, B là C; còn lại."
    assert sentence_around(text, text.index("Điều 6"), text.index("Điều 6") + 7)[0] == "Theo Điều 6 Luật X, B là C;"


@pytest.mark.slow
def test_verdict_accuracy_on_our_cases(checker_index):
    engine = Engine(load_settings(index_dir=checker_index))
    try:
        result = run(engine, load_cases(CASES))
        holdout = run(engine, load_cases(CASES.with_name("holdout.jsonl")))
    finally:
        engine.close()
    assert result["cases"] >= 40
    assert set(result["per_verdict"]) == {"correct", "wrong_article", "wrong_content", "nonexistent_article",
                                          "nonexistent_document", "not_in_force", "unverifiable"}
    assert all(v["correct"] >= 1 for v in result["per_verdict"].values()), result["per_verdict"]
    assert result["accuracy"] >= 0.9, result["misses"]
    assert holdout["accuracy"] >= 0.85, holdout["misses"]


def test_check_cli_contract(checker_index, capsys, monkeypatch):
    text = (
        "Theo khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP, thời hạn chứng thực hợp đồng là 02 ngày làm việc.\n"
        "Theo Điều 16 Luật Hộ tịch, trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm "
        "đăng ký khai sinh cho con. Căn cứ Thông tư số 10/2014/TT-TTCP."
    )
    code, out, err = run_cli(capsys, "--index", str(checker_index), "check", "-", "--as-of", "2024-01-01",
                             stdin=text, monkeypatch=monkeypatch)
    assert code == 0, err
    rows = json.loads(out)
    assert [r["verdict"] for r in rows] == ["nonexistent_article", "wrong_article", "not_in_force"]
    for r in rows:
        assert set(r) >= {"text", "doc", "article", "clause", "point", "verdict", "evidence", "suggestion"}
    assert (rows[0]["doc"], rows[0]["article"], rows[0]["clause"]) == ("23/2015/NĐ-CP", "Điều 37", "2")
    assert rows[1]["suggestion"].startswith("Khoản 1 Điều 15")
    assert "03/2021/TT-TTCP" in rows[2]["suggestion"] and rows[2]["badge"] == "🔴"


def test_check_errors_are_one_line(checker_index, capsys, tmp_path):
    code, out, err = run_cli(capsys, "--index", str(checker_index), "check", str(tmp_path / "none.txt"))
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    empty = tmp_path / "empty.txt"
    empty.write_text("Không có trích dẫn nào ở đây.", encoding="utf-8")
    code, out, err = run_cli(capsys, "--index", str(checker_index), "check", str(empty))
    assert code == 0 and json.loads(out) == [] and "không tìm thấy trích dẫn" in err


def test_validity_cli_shows_fields_and_sources(checker_index, capsys):
    code, out, err = run_cli(capsys, "--index", str(checker_index), "validity", "10/2014/TT-TTCP", "--json",
                             "--as-of", "2024-01-01")
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "hết hiệu lực" and data["effective_from"] == "2015-01-15"
    assert data["effective_to"] == "2021-11-20" and data["replaced_by"][0]["doc"] == "03/2021/TT-TTCP"
    assert data["sources"]["effective_from"] == "văn bản: Điều 5" and data["sources"]["effective_to"].startswith("chỉ mục")
    code, out, err = run_cli(capsys, "--index", str(checker_index), "validity", "Luật Hộ tịch")
    assert code == 0 and "60/2014/QH13" in out and "Hiệu lực từ / effective from: 2016-01-01" in out
    code, out, err = run_cli(capsys, "--index", str(checker_index), "validity", "99/2099/NĐ-CP")
    assert code == 1 and "Không tìm thấy" in err
    code, out, err = run_cli(capsys, "--index", str(checker_index), "validity", "23/2015", "--as-of", "hôm qua")
    assert code == 1 and "không hợp lệ" in err


QUESTION = "danh mục vị trí công tác thanh tra phải định kỳ chuyển đổi"
BADGES = {"🟢", "🟡", "🔴", "⚪"}  # written out: the product's own table must not vouch for itself


def search(capsys, index, *flags):
    code, out, err = run_cli(capsys, "--index", str(index), "search", QUESTION, "--top-k", "5", "--json", *flags)
    assert code == 0, err
    return json.loads(out)


def test_search_prefers_and_filters_in_force_units(checker_index, capsys):
    hits = search(capsys, checker_index, "--as-of", "2024-01-01")
    assert all(h["status"] in STATUSES and h["badge"] in BADGES for h in hits), hits
    assert "03/2021/TT-TTCP" in [h["doc"] for h in hits]  # in force: within the top 5 despite lower relevance
    # the replaced circular is still found (demoted, not dropped, without --in-force) and marked not in force
    assert {h["badge"] for h in hits if h["doc"] == "10/2014/TT-TTCP"} == {"🔴"}, hits
    only = search(capsys, checker_index, "--in-force", "--as-of", "2024-01-01")
    assert only and "10/2014/TT-TTCP" not in {h["doc"] for h in only}
    back_then = search(capsys, checker_index, "--in-force", "--as-of", "2020-06-01")
    assert back_then and {h["doc"] for h in back_then} <= {"10/2014/TT-TTCP", "60/2014/QH13", "23/2015/NĐ-CP"}
    assert "10/2014/TT-TTCP" in {h["doc"] for h in back_then}


def test_ask_citations_carry_status_and_badge(checker_index, capsys):
    code, out, err = run_cli(capsys, "--index", str(checker_index), "ask",
                             "Phòng Tư pháp có thẩm quyền chứng thực những việc gì?", "--json", "--as-of", "2025-06-01")
    assert code == 0, err
    data = json.loads(out)
    assert all(c["status"] in STATUSES and c["badge"] in BADGES for c in data["citations"]), data["citations"]
    first = data["citations"][0]
    # Điều 5 (thẩm quyền chứng thực) answers the question; 07/2025/NĐ-CP amended it before 2025-06-01
    assert (first["doc"], first["article"]) == ("23/2015/NĐ-CP", "Điều 5"), data["citations"]
    assert first["badge"] == "🟡" and first["amended_by"] == ["07/2025/NĐ-CP"]
