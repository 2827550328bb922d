"""Every byte of an ingested file is read in the parse worker (timeout, memory cap, page and size
limits), procedure files included; what a library cannot read is an "unreadable file", a bug in our
code an internal error naming the file (issue 17, items 3 and 4)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from ingest.report import report_table
from rag.config import load_settings
from rag.engine import Engine
from tests.conftest import ROOT, SHARED
from tests.ingest.fake_loaders import loader_with_a_bug
from tests.ingest.fixtures import DECREE_PAGES, write_procedure_docx, write_procedure_pdf

PROCEDURE_DOC = SHARED / "pdf" / "quy-trinh_QT01-CX-HCTP_dang-ky-khai-sinh.doc"  # a real QUY TRÌNH file
PARSER_LIBRARIES = ("pypdfium2", "pypdf", "docx")
# `tthc ingest` in its own process; afterwards, which PDF/Word libraries that process imported.
CLI_THEN_MODULES = (
    "import json, sys\n"
    "from ui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"names = sorted(m for m in sys.modules if m.split('.')[0] in {PARSER_LIBRARIES!r})\n"
    "print('MODULES ' + json.dumps(names), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def ingest_in_own_process(index: Path, files: list[Path], **env: str) -> tuple[dict, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", CLI_THEN_MODULES, "--index", str(index), "ingest", "--json", *map(str, files)],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules = json.loads(done.stderr.rsplit("MODULES ", 1)[1])
    return json.loads(done.stdout), modules


def by_name(report: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in report["files"]}


@pytest.fixture
def procedure_files(tmp_path) -> list[Path]:
    return [
        PROCEDURE_DOC,
        write_procedure_pdf(tmp_path / "quy-trinh-chung-thuc.pdf"),
        write_procedure_docx(tmp_path / "quy-trinh-chung-thuc.docx"),
    ]


def test_procedure_files_are_read_only_by_the_worker(tmp_path, procedure_files):
    report, modules = ingest_in_own_process(tmp_path / "index", procedure_files)
    files = by_name(report)
    assert {name: (f["status"], f["kind"], f["units"]) for name, f in files.items()} == {
        PROCEDURE_DOC.name: ("added", "procedures", 1),
        "quy-trinh-chung-thuc.pdf": ("added", "procedures", 1),
        "quy-trinh-chung-thuc.docx": ("added", "procedures", 1),
    }
    # The ingesting process itself never loaded a PDF or Word library: the worker read every byte.
    assert modules == []


def test_the_time_limit_applies_to_procedure_files(tmp_path, procedure_files):
    report, _ = ingest_in_own_process(tmp_path / "index", procedure_files, TTHC_PARSE_TIMEOUT_S="0.05")
    assert {name: f["status"] for name, f in by_name(report).items()} == dict.fromkeys(
        (p.name for p in procedure_files), "failed"
    )
    assert all("quá 0.05 giây" in f["reason"] and "TTHC_PARSE_TIMEOUT_S" in f["reason"] for f in report["files"])


@pytest.mark.parametrize("in_worker", [True, False], ids=["worker", "in-process"])
def test_a_corrupt_pdf_is_unreadable_a_bug_is_an_internal_error(tmp_path, caplog, in_worker):
    real = SHARED / "pdf" / "congbao_nghi-dinh-38-2022-ND-CP.pdf"
    corrupt = tmp_path / "nghi-dinh-38-tai-do-dang.pdf"  # the real Công báo PDF, download cut at a third
    data = real.read_bytes()
    corrupt.write_bytes(data[: len(data) // 3])
    buggy = tmp_path / "van-ban.bugtest"
    buggy.write_text("Điều 1. Nội dung bất kỳ\n", encoding="utf-8")
    good = tmp_path / "nd.txt"
    good.write_text("\n".join(line for page in DECREE_PAGES for line in page), encoding="utf-8")
    settings = load_settings(index_dir=tmp_path / "index", parse_in_subprocess=in_worker)
    engine = Engine(settings, create=True)
    try:
        ingestor = Ingestor(settings, engine.store, engine.embedder, loaders={".bugtest": loader_with_a_bug})
        with caplog.at_level(logging.ERROR, logger="ingest"):
            report = ingestor.ingest([corrupt, buggy, good])
    finally:
        engine.close()
    results = {Path(r.path).name: r for r in report.results}
    unreadable, bug, added = results[corrupt.name], results[buggy.name], results[good.name]
    assert (unreadable.status, unreadable.internal_error) == ("failed", False)
    assert "PDF hỏng" in unreadable.reason and "corrupt PDF" in unreadable.reason
    assert (bug.status, bug.internal_error) == ("failed", True)
    assert bug.reason.startswith("van-ban.bugtest: lỗi nội bộ") and "internal error" in bug.reason
    assert "unreadable" not in bug.reason and "\n" not in bug.reason
    assert added.status == "added"  # the run went on after the bug
    # The bug is logged with its traceback (down to the faulty line); the file is not.
    logged = "\n".join(r.getMessage() + "\n" + (r.exc_text or "") for r in caplog.records)
    assert "Traceback" in logged and "loader_with_a_bug" in logged and "header.strip()" in logged
    assert corrupt.name not in logged
    totals = report.as_dict()
    assert (totals["failed"], totals["internal_errors"]) == (2, 1)
    assert [f["internal_error"] for f in totals["files"]] == [False, True, False]
    table = report_table(report).splitlines()
    assert next(line for line in table if buggy.name in line).split()[:2] == ["!!", "internal"]
    assert next(line for line in table if corrupt.name in line).split()[:2] == ["!", "failed"]
