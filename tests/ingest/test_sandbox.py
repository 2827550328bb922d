"""Every byte of an ingested file is read in the parse worker (timeout, memory cap, page and size
limits), procedure files and pháp điển JSONL included; what a library cannot read is an "unreadable
file", a bug in our code an internal error naming the file (issue 17, items 3 and 4)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor, parse_options
from ingest.report import report_table
from ingest.worker import ParserProcess, record_failure
from rag.config import load_settings
from rag.engine import Engine
from tests.conftest import ROOT, SHARED
from tests.ingest.fake_loaders import loader_with_a_bug
from tests.ingest.fixtures import (
    DECREE_PAGES, PHAPDIEN, small_phapdien_records, write_procedure_docx, write_procedure_pdf,
)

PROCEDURE_DOC = SHARED / "pdf" / "quy-trinh_QT01-CX-HCTP_dang-ky-khai-sinh.doc"  # a real QUY TRÌNH file
PARSER_LIBRARIES = ("pypdfium2", "pypdf", "docx")
# `tthc ingest` in its own process; afterwards, which PDF/Word libraries that process imported and
# how it opened the ingested files (Python's audit hook sees every open() of this process, not the
# worker's: a spawned process has hooks of its own).
CLI_THEN_MODULES = (
    "import json, os, sys\n"
    "files = {os.path.abspath(a) for a in sys.argv[1:] if os.path.isfile(a)}\n"
    "opened = []\n"
    "def hook(event, args):\n"
    "    if event == 'open' and isinstance(args[0], (str, os.PathLike)) and os.path.abspath(args[0]) in files:\n"
    "        opened.append(os.path.basename(args[0]))\n"
    "sys.addaudithook(hook)\n"
    "from ui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"names = sorted(m for m in sys.modules if m.split('.')[0] in {PARSER_LIBRARIES!r})\n"
    "print('MODULES ' + json.dumps(names), file=sys.stderr)\n"
    "print('OPENED ' + json.dumps(opened), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def ingest_in_own_process(index: Path, files: list[Path], **env: str) -> tuple[dict, list[str], list[str]]:
    """The JSON report, the parsing libraries the ingesting process imported, and the name of the
    ingested file each time that process opened one (the audit event does not tell text from binary)."""
    done = subprocess.run(
        [sys.executable, "-c", CLI_THEN_MODULES, "--index", str(index), "ingest", "--json", *map(str, files)],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules = json.loads(done.stderr.rsplit("MODULES ", 1)[1].split("\n", 1)[0])
    opened = json.loads(done.stderr.rsplit("OPENED ", 1)[1].split("\n", 1)[0])
    return json.loads(done.stdout), modules, opened


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
    report, modules, opened = ingest_in_own_process(tmp_path / "index", procedure_files)
    files = by_name(report)
    assert {name: (f["status"], f["kind"], f["units"]) for name, f in files.items()} == {
        PROCEDURE_DOC.name: ("added", "procedures", 1),
        "quy-trinh-chung-thuc.pdf": ("added", "procedures", 1),
        "quy-trinh-chung-thuc.docx": ("added", "procedures", 1),
    }
    # The ingesting process itself never loaded a PDF or Word library: the worker read every byte;
    # the ingesting process opened each file once: to hash it.
    assert modules == []
    assert sorted(opened) == sorted(p.name for p in procedure_files)


def test_phapdien_jsonl_is_read_only_by_the_worker(tmp_path):
    """A slice of the real pháp điển file: recognised, read and parsed in the worker; the ingesting
    process opens it once, to hash it (before: it sniffed and parsed it itself, opening it 3 times)."""
    piece = tmp_path / "phapdien-slice.jsonl"
    piece.write_text("".join(small_phapdien_records(3)), encoding="utf-8")
    report, modules, opened = ingest_in_own_process(tmp_path / "index", [piece])
    assert [(Path(f["path"]).name, f["status"], f["format"]) for f in report["files"]] == [
        (f"{piece.name}#{n}", "added", "jsonl") for n in (1, 2, 3)
    ]
    assert all(f["units"] > 0 for f in report["files"])
    assert modules == []
    assert opened == [piece.name]


def test_the_time_limit_applies_to_procedure_files(tmp_path, procedure_files):
    report, _, _ = ingest_in_own_process(tmp_path / "index", procedure_files, TTHC_PARSE_TIMEOUT_S="0.05")
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


def test_a_bad_or_oversized_record_fails_alone(tmp_path):
    """Real pháp điển records with a line that is not JSON, a record over the size limit (the
    157 KB Luật 01/2016/QH14 against a 0.1 MB limit: the limit is per record, the file is larger
    than it) and one with articles that are not objects: one one-line error each, the rest ingest."""
    small = small_phapdien_records(3)
    big = next(line for line in PHAPDIEN.open(encoding="utf-8") if line.startswith('{"so_hieu": "01/2016/QH14"'))
    assert len(big.encode()) > 150_000
    piece = tmp_path / "phapdien-mixed.jsonl"
    piece.write_text(
        small[0] + "{not json\n" + big + small[1] + '{"so_hieu": "1/2000/X", "articles": [1, 2]}\n' + small[2],
        encoding="utf-8",
    )
    assert piece.stat().st_size > 100_000
    settings = load_settings(index_dir=tmp_path / "index", max_file_mb=0.1)
    engine = Engine(settings, create=True)
    try:
        report = Ingestor(settings, engine.store, engine.embedder).ingest([piece])
    finally:
        engine.close()
    rows = [(Path(r.path).name, r.status, r.internal_error) for r in report.results]
    assert rows == [
        (f"{piece.name}#1", "added", False),
        (f"{piece.name}#2", "failed", False),
        (f"{piece.name}#3", "failed", False),
        (f"{piece.name}#4", "added", False),
        (f"{piece.name}#5", "failed", False),
        (f"{piece.name}#6", "added", False),
    ]
    reasons = {Path(r.path).name: r.reason for r in report.results if r.status == "failed"}
    assert reasons[f"{piece.name}#2"].startswith(f"{piece.name}:2: JSON lỗi / bad JSON")
    assert reasons[f"{piece.name}#3"].startswith(f"{piece.name}:3: bản ghi quá lớn (0.2 MB > 0.1 MB, TTHC_MAX_FILE_MB)")
    assert reasons[f"{piece.name}#5"].startswith(f"{piece.name}:5: 'articles' phải là danh sách đối tượng")
    assert all("\n" not in reason for reason in reasons.values())
    assert all(r.units > 0 and r.doc_number for r in report.results if r.status == "added")


def test_a_record_over_the_memory_cap_fails_alone(tmp_path):
    """A 28 MB record (one article of 300,000 clauses, written here) between two real records, in a
    worker capped at 200 MB of address space (≈ 70 MB after preloading; the big record needs > 400
    MB): out of memory for that record only, the worker reads on."""
    small = small_phapdien_records(2)
    text = "\n".join(f"{i}. Nội dung khoản thứ {i} quy định chi tiết về thủ tục hành chính." for i in range(1, 300_000))
    big = json.dumps({"so_hieu": "99/2099/QH99", "loai": "Luật", "ten": "Luật thử", "articles": [
        {"article": "Điều 1", "title": "Phạm vi điều chỉnh", "text": text}]}, ensure_ascii=False)
    piece = tmp_path / "phapdien-big.jsonl"
    piece.write_text(small[0] + big + "\n" + small[1], encoding="utf-8")
    assert piece.stat().st_size > 25_000_000
    settings = load_settings(parse_memory_mb=200)
    with ParserProcess(settings.parse_timeout_s, settings.parse_memory_mb) as parser:
        stream = parser.parse(piece, parse_options(settings))
        try:
            records = list(stream.records)
        finally:
            stream.close()
    assert [(r.line, bool(r.units), bool(r.error)) for r in records] == [(1, True, False), (2, False, True), (3, True, False)]
    assert records[1].error.startswith(f"{piece.name}:2: ") and "bộ nhớ" in records[1].error
    assert "memory" in records[1].error and not records[1].internal


def test_a_bug_while_parsing_a_record_is_an_internal_error_of_that_record(tmp_path):
    """What the record parser raises besides ``IngestError`` is not the record's fault: an internal
    error naming the file and line, with its traceback, never "unreadable"."""
    piece = tmp_path / "phapdien.jsonl"
    try:
        None.strip()  # a real AttributeError with a traceback, as a bug in our parser would raise
    except AttributeError as exc:
        failure = record_failure(piece, 7, exc)
    assert (failure.line, failure.internal) == (7, True)
    assert failure.error.startswith("phapdien.jsonl:7: lỗi nội bộ") and "unreadable" not in failure.error
    assert "Traceback" in failure.details and "None.strip()" in failure.details


@pytest.mark.slow
def test_the_time_limit_applies_to_each_chunk_of_records_not_to_the_whole_file(tmp_path):
    """The whole 96 MB pháp điển file streams through a worker whose limit is 5 s: every chunk of
    records comes within it although the file takes longer."""
    settings = load_settings()
    options = parse_options(settings)
    warm = tmp_path / "nd.txt"
    warm.write_text("\n".join(line for page in DECREE_PAGES for line in page), encoding="utf-8")
    with ParserProcess(5.0, settings.parse_memory_mb) as parser:
        parser.parse(warm, options)  # the worker is up and its libraries loaded
        started = time.monotonic()
        stream = parser.parse(PHAPDIEN, options)
        try:
            records = [(r.line, bool(r.error)) for r in stream.records]
        finally:
            stream.close()
        elapsed = time.monotonic() - started
    assert len(records) == 3230 and not any(failed for _, failed in records)
    assert elapsed > 5.0
