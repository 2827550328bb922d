"""End-to-end through the `tthc` CLI on a real corpus slice (no mocks)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SHARED, SLICE
from ui.cli import main


def run_json(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_ask_quotes_and_cites_the_governing_clause(slice_index, capsys):
    data = run_json(capsys, "--index", str(slice_index), "ask", "Thời hạn đăng ký khai sinh cho con là bao lâu?", "--json")
    assert not data["abstained"]
    first = data["citations"][0]
    assert (first["doc"], first["article"], first["clause"]) == ("60/2014/QH13", "Điều 15", "1")
    assert "60 ngày" in first["text"] and "60 ngày" in data["answer"]
    assert "Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13" in data["answer"]
    assert set(first) >= {"n", "doc", "article", "clause", "point", "text", "source", "page", "status"}


@pytest.mark.parametrize(
    "question, doc, article",
    [
        ("Phòng Tư pháp có thẩm quyền và trách nhiệm chứng thực những việc gì?", "23/2015/NĐ-CP", "Điều 5"),
        ("Thủ tục đăng ký kết hôn gồm những gì?", "60/2014/QH13", "Điều 18"),
        ("Hồ sơ đăng ký khai tử", "60/2014/QH13", "Điều 34"),
    ],
)
def test_search_finds_known_articles(slice_index, capsys, question, doc, article):
    hits = run_json(capsys, "--index", str(slice_index), "search", question, "--top-k", "5", "--json")
    assert (doc, article) in {(h["doc"], h["article"]) for h in hits}
    assert [h["rank"] for h in hits] == [1, 2, 3, 4, 5]
    assert set(hits[0]) >= {"rank", "doc", "article", "clause", "point", "title", "score", "text", "source"}


def test_reingest_changes_nothing(slice_index, capsys):
    report = run_json(capsys, "--index", str(slice_index), "ingest", *map(str, SLICE), "--json")
    assert report["unchanged"] == len(SLICE) and report["added"] == report["updated"] == 0


def test_unrelated_question_abstains(slice_index, capsys):
    data = run_json(capsys, "--index", str(slice_index), "ask", "Giá vé máy bay từ Hà Nội đi Paris hôm nay là bao nhiêu?", "--json")
    assert data["abstained"] and data["citations"] == []
    assert "Không tìm thấy căn cứ" in data["answer"]


@pytest.mark.parametrize("question, needle", [("   ", "trống"), ("khai sinh " * 1000, "quá dài")])
def test_bad_questions_get_one_line_errors(slice_index, capsys, question, needle):
    assert main(["--index", str(slice_index), "ask", question]) == 1
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_index_is_explained(tmp_path, capsys):
    assert main(["--index", str(tmp_path / "nothing"), "search", "khai sinh"]) == 1
    assert "tthc ingest" in capsys.readouterr().err


def test_locked_index_names_the_fix(slice_index):
    """A second process cannot open the embedded index the first one holds."""
    from rag.config import load_settings
    from rag.index.store import open_client

    holder = open_client(load_settings(index_dir=slice_index))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ui.cli", "--index", str(slice_index), "search", "khai sinh"],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        holder.close()
    assert proc.returncode == 1
    assert "TTHC_QDRANT_URL" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_files_fail_alone_and_lose_nothing(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "cp1258.txt").write_bytes(b"\xd0i\xean\xd2u 1. Ph\xb9m vi\nN\xe9i dung")  # legacy 8-bit text
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    (folder / "empty.md").write_text("")
    good = SLICE[0]
    index = tmp_path / "index"
    first = run_json(capsys, "--index", str(index), "ingest", str(good), "--json")
    assert first["added"] == 1
    report = run_json(capsys, "--index", str(index), "ingest", str(folder), str(good), "--json")
    reasons = {r["path"].rsplit("/", 1)[-1]: r["reason"] for r in report["files"] if r["status"] == "failed"}
    assert set(reasons) == {"cp1258.txt", "broken.pdf", "empty.md"}
    assert "UTF-8" in reasons["cp1258.txt"] and "PDF" in reasons["broken.pdf"]
    assert report["unchanged"] == 1
    hits = run_json(capsys, "--index", str(index), "search", "đăng ký khai sinh", "--json")
    assert hits and hits[0]["doc"] == "60/2014/QH13"


def test_eval_writes_contract_output(slice_index, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "Trách nhiệm đăng ký khai sinh", "gold": [{"doc": "60/2014/QH13", "article": "Điều 15"}]}) + "\n"
        + json.dumps({"id": "b", "question": "Thẩm quyền chứng thực bản sao", "gold": [{"doc": "23/2015/NĐ-CP", "article": "Điều 5"}]}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.jsonl"
    metrics = run_json(capsys, "--index", str(slice_index), "eval", str(questions), "--output", str(out), "--json")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["retrieved"][0] == {"doc": "60/2014/QH13", "article": "Điều 15"}
    assert metrics["recall@5"] == 1.0 and metrics["n"] == 2
    # the command released the index: another process (here: a client) may open it at once
    from rag.config import load_settings
    from rag.index.store import open_client

    open_client(load_settings(index_dir=slice_index)).close()


def test_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["search"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_shared_pdf_ingests_with_pages(tmp_path, capsys):
    pdf = SHARED / "pdf" / "thong-tu-02-2021-TT-BTC.pdf"
    report = run_json(capsys, "--index", str(tmp_path / "i"), "ingest", str(pdf), "--json")
    assert report["added"] == 1 and report["files"][0]["doc_number"] == "02/2021/TT-BTC"
    hits = run_json(capsys, "--index", str(tmp_path / "i"), "search", "phí kiểm định phương tiện phòng cháy", "--json")
    assert hits[0]["doc"] == "02/2021/TT-BTC" and hits[0]["page"] >= 1


def test_if_empty_ingests_the_starter_set_only_into_an_empty_index(tmp_path, capsys):
    """`make run` passes the starter set with --if-empty: a new index gets it, an index with documents
    (the agency's, or the starter set a user trimmed) is left alone."""
    from tests.ui.conftest import DECREE

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(DECREE, encoding="utf-8")
    second.write_text(DECREE.replace("99/2026", "98/2026").replace("thư viện", "nhà văn hóa"), encoding="utf-8")
    index = str(tmp_path / "index")
    report = run_json(capsys, "--index", index, "ingest", "--if-empty", str(first), "--json")
    assert report["added"] == 1
    assert main(["--index", index, "ingest", "--if-empty", str(second)]) == 0
    assert "bỏ qua" in capsys.readouterr().out
    hits = run_json(capsys, "--index", index, "search", "lệ phí cấp thẻ nhà văn hóa", "--json")
    assert {h["doc"] for h in hits} == {"99/2026/NĐ-CP"}
