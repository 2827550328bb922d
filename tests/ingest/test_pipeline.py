"""The index never loses data: crash safety (a real kill -9), replacement, removal, limits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from rag.config import load_settings
from rag.index.store import UnitStore, open_client
from rag.legal.records import DocumentRecord
from tests.conftest import CORPUS, ROOT
from tests.ingest.fixtures import DECREE_PAGES, write_zip_bomb
from ui.cli import main

DECREE = "\n".join(line for page in DECREE_PAGES for line in page)


def run_json(capsys, *args) -> dict:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def index_state(index: Path) -> tuple[list[DocumentRecord], list[dict], list[str]]:
    """(complete document records, unit payloads, pending keys) read straight from Qdrant."""
    client = open_client(load_settings(index_dir=index))
    try:
        store = UnitStore(client)
        units = [r.payload or {} for r in store._scroll(store.units)]
        return store.document_records(), units, store.pending_documents()
    finally:
        client.close()


def assert_consistent(index: Path) -> list[DocumentRecord]:
    records, units, pending = index_state(index)
    assert pending == []
    per_doc = Counter(u["doc_key"] for u in units)
    assert {r.key: r.unit_count for r in records} == dict(per_doc)  # complete or absent
    addresses = Counter((u["doc_key"], u["article"], u["clause"], u["point"], u["chunk"], u.get("annex")) for u in units)
    assert max(addresses.values(), default=1) == 1  # nothing duplicated
    return records


def test_kill_9_mid_ingest_then_rerun_leaves_complete_or_absent(tmp_path):
    files = [CORPUS / "93-1999-QD-TTg.md", CORPUS / "29-2016-TT-BNNPTNT.md", CORPUS / "05-2023-TT-BTP.md"]
    index = tmp_path / "index"
    cmd = [sys.executable, "-m", "ui.cli", "-v", "--index", str(index), "ingest", *map(str, files)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    writes = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if "writing " in line:
            writes += 1
            if writes == 2:  # the second document is being embedded and written now
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    records, units, pending = index_state(index)
    assert pending == ["29-2016-TT-BNNPTNT"]  # the interrupted document is absent, not half-present
    assert "29-2016-TT-BNNPTNT" not in {r.key for r in records}

    rerun = subprocess.run(cmd[:3] + ["--index", str(index), "ingest", "--json", *map(str, files)],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["recovered"] == ["29-2016-TT-BNNPTNT"]
    statuses = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert statuses == {"93-1999-QD-TTg.md": "unchanged", "29-2016-TT-BNNPTNT.md": "added", "05-2023-TT-BTP.md": "added"}
    records = assert_consistent(index)
    assert len(records) == 3


def test_changed_file_replaces_its_units_and_remove(tmp_path, capsys):
    doc = tmp_path / "nd.txt"
    doc.write_text(DECREE, encoding="utf-8")
    index = str(tmp_path / "index")
    assert run_json(capsys, "--index", index, "ingest", str(doc), "--json")["added"] == 1
    # drop Điều 3 and change a fee: the old units must go
    changed = DECREE.replace("Điều 3. Hồ sơ\nHồ sơ gồm tờ khai và bản sao giấy tờ tùy thân.\n", "").replace(
        "150.000 đồng", "200.000 đồng"
    )
    doc.write_text(changed, encoding="utf-8")
    report = run_json(capsys, "--index", index, "ingest", str(doc), "--json")
    assert report["updated"] == 1
    _, units, _ = index_state(Path(index))
    assert "3" not in {u["article"] for u in units}
    assert any("200.000 đồng" in u["text"] for u in units) and not any("150.000" in u["text"] for u in units)
    # a new số hiệu for the same file: the document under the old key disappears
    doc.write_text(changed.replace("77/2031/NĐ-CP", "78/2031/NĐ-CP"), encoding="utf-8")
    assert run_json(capsys, "--index", index, "ingest", str(doc), "--json")["updated"] == 1
    records = assert_consistent(Path(index))
    assert [r.doc_number for r in records] == ["78/2031/NĐ-CP"]
    assert run_json(capsys, "--index", index, "remove", "78/2031/NĐ-CP", "--json") == {"removed": ["78-2031-NĐ-CP"]}
    assert assert_consistent(Path(index)) == []
    assert main(["--index", index, "remove", "78/2031/NĐ-CP"]) == 1
    err = capsys.readouterr().err
    assert "Không có văn bản" in err and err.count("\n") == 1


def test_report_lists_failures_and_ocr_pages(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "nd.txt").write_text(DECREE, encoding="utf-8")
    write_zip_bomb(folder / "bomb.docx", expanded_mb=300)
    (folder / "fake.pdf").write_bytes(b"%PDF-1.7\n%broken")
    index = str(tmp_path / "index")
    report = run_json(capsys, "--index", index, "ingest", str(folder), "--json")
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert by_name["nd.txt"]["status"] == "added" and by_name["nd.txt"]["articles"] == 4
    assert "zip bomb" in by_name["bomb.docx"]["reason"] and "PDF" in by_name["fake.pdf"]["reason"]
    assert report["pages_needing_ocr"] == 0 and report["failed"] == 2
    # the human table: one row per file, failures with their reason, and the totals
    assert main(["--index", index, "ingest", str(folder)]) == 0
    table = capsys.readouterr().out
    assert "bomb.docx" in table and "zip bomb" in table and "unchanged" in table
    assert "trang cần OCR / pages needing OCR: 0" in table


def test_single_file_ingest_is_isolated_too(tmp_path):
    """The app ingests one upload at a time (``Ingestor.ingest_path``): that file is parsed in a child
    process with the same timeout and memory cap as a CLI run, never in the app's own process."""
    from ingest.pipeline import Ingestor
    from rag.engine import Engine
    from tests.ingest.fixtures import write_text_pdf

    pdf = write_text_pdf(tmp_path / "nd.pdf", DECREE_PAGES)
    for timeout, expected in ((0.05, "failed"), (300.0, "added")):
        engine = Engine(load_settings(index_dir=tmp_path / f"index-{timeout}", parse_timeout_s=timeout), create=True)
        try:
            [result] = Ingestor(engine.settings, engine.store, engine.embedder).ingest_path(pdf)
        finally:
            engine.close()
        assert result.status == expected, result.reason
        if expected == "failed":
            assert "quá" in result.reason  # the child's time limit, in Vietnamese
