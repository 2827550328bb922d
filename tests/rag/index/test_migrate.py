"""`tthc migrate`: an index copied to the other embedded engine answers the same, nothing re-embedded."""

from __future__ import annotations

import shutil

import pytest

from rag.config import load_settings
from rag.index.store import open_client, scroll_pages
from tests.test_cli import run_json
from ui.cli import main

DECREE = (
    "---\nso_hieu: \"98/2098/NĐ-CP\"\nloai: \"Nghị định\"\nten: \"Cấp phép bến đò ngang\"\n---\n"
    "#### Điều 1. Phạm vi\n1. Nghị định này quy định việc cấp phép bến đò ngang trên sông.\n"
    "2. Lệ phí cấp phép bến đò là 80.000 đồng.\n"
    "#### Điều 2. Thời hạn\nThời hạn cấp phép bến đò là 5 ngày làm việc.\n"
)


def _top(capsys, index, question: str) -> list[tuple[str, str, str | None]]:
    hits = run_json(capsys, "--index", str(index), "search", question, "--json")
    return [(h["doc"], h["article"], h["clause"]) for h in hits]


def test_local_index_moves_to_edge_and_answers_the_same(tmp_path, monkeypatch, capsys):
    doc = tmp_path / "nd-98.md"
    doc.write_text(DECREE, encoding="utf-8")
    old = tmp_path / "old"
    monkeypatch.setenv("TTHC_STORE_BACKEND", "local")
    assert run_json(capsys, "--index", str(old), "ingest", str(doc), "--json")["added"] == 1
    monkeypatch.delenv("TTHC_STORE_BACKEND")  # from here on: auto, as after an upgrade
    assert (old / "collection").is_dir()
    before = _top(capsys, old, "lệ phí cấp phép bến đò")
    assert before[0] == ("98/2098/NĐ-CP", "Điều 1", "2")

    new = tmp_path / "new"
    report = run_json(capsys, "--index", str(old), "migrate", "--to", str(new), "--json")
    assert (report["from_backend"], report["to_backend"]) == ("local", "edge")
    assert report["points"]["tthc_units"] == 3 and report["points"]["tthc_units_documents"] == 2  # + metadata
    assert (new / "edge").is_dir() and not (new / "collection").exists()
    assert _top(capsys, new, "lệ phí cấp phép bến đò") == before
    # the copy is a normal index: an unchanged file is recognised without re-embedding
    again = run_json(capsys, "--index", str(new), "ingest", str(doc), "--json")
    assert again["unchanged"] == 1 and again["added"] == 0


def _points(index) -> dict[str, dict]:
    """Every point of every collection: id → (payload, vectors), read straight from the store."""
    client = open_client(load_settings(index_dir=index))
    try:
        out = {}
        for name in ("tthc_units", "tthc_units_documents", "tthc_units_procedures", "tthc_units_procedure_sources"):
            records = [r for page in scroll_pages(client, name, with_vectors=True) for r in page]
            out[name] = {str(r.id): (r.payload, _vectors(r.vector)) for r in records}
        return out
    finally:
        client.close()


def _vectors(vector) -> dict:
    out = {}
    for name, v in (vector or {}).items():
        if hasattr(v, "indices"):
            out[name] = (tuple(v.indices), tuple(round(x, 5) for x in v.values))
        else:
            out[name] = tuple(round(x, 5) for x in v)
    return out


def test_every_point_survives_the_copy_unchanged(procedure_index, tmp_path, capsys):
    """Units, document records, procedure cards and sources: same ids, payloads and vectors."""
    source = tmp_path / "src"
    shutil.copytree(procedure_index, source, ignore=shutil.ignore_patterns(".lock"))
    target = tmp_path / "dst"
    report = run_json(capsys, "--index", str(source), "migrate", "--to", str(target), "--backend", "local", "--json")
    before, after = _points(source), _points(target)
    assert {name: len(points) for name, points in before.items()} == report["points"]
    assert report["points"]["tthc_units_procedures"] > 50 and report["points"]["tthc_units"] > 300
    assert after == before
    question = "chứng thực chữ ký người dịch"
    assert _top(capsys, target, question)[0] == _top(capsys, source, question)[0]


@pytest.mark.parametrize("case", ["same", "not-empty"])
def test_migrate_refuses_to_overwrite(procedure_index, tmp_path, capsys, case):
    target = procedure_index if case == "same" else tmp_path
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    assert main(["--index", str(procedure_index), "migrate", "--to", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert ("khác thư mục nguồn" if case == "same" else "không trống") in err
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "x"
