"""The pháp điển JSONL loader on real records of shared/data/full (read in place, sliced into tmp)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from ingest.loaders import load_file
from ingest.phapdien_jsonl import is_phapdien_jsonl, iter_records, parse_record
from ingest.pipeline import parse_file
from rag.config import load_settings
from rag.errors import IngestError
from tests.conftest import CORPUS, SHARED
from tests.ingest.fixtures import PHAPDIEN as FULL
from tests.ingest.fixtures import small_phapdien_records
from ui.cli import main


def _lines(*numbers: int) -> list[str]:
    wanted = set(numbers)
    with FULL.open(encoding="utf-8") as handle:
        return [line for n, line in enumerate(handle, start=1) if n in wanted]


def _line_of(doc_number: str) -> str:
    needle = f'"so_hieu": "{doc_number}"'
    with FULL.open(encoding="utf-8") as handle:
        return next(line for line in handle if line.startswith("{" + needle))


def test_record_gives_the_same_units_as_the_markdown_corpus():
    """Luật Hộ tịch from the JSONL and from corpus/60-2014-QH13.md: same documents, same units."""
    document, units = parse_record(json.loads(_line_of("60/2014/QH13")), FULL, 1)
    md_document, md_units = parse_file(load_file(CORPUS / "60-2014-QH13.md"), load_settings())
    assert (document.key, document.doc_number, document.doc_type, document.title, document.issued_date) == (
        md_document.key, md_document.doc_number, md_document.doc_type, md_document.title, md_document.issued_date
    )
    address = lambda u: (u.article, u.clause or "", u.chunk, u.text, u.chapter or "")  # noqa: E731
    assert sorted(map(address, units)) == sorted(map(address, md_units))
    assert len(units) > 150


def test_chapters_sections_and_amendment_notes_are_kept():
    record = json.loads(_line_of("03/2007/QH12"))
    assert any(a.get("chuong") for a in record["articles"]) and any(a.get("amended") for a in record["articles"])
    _, units = parse_record(record, FULL, 1)
    amended = next(a for a in record["articles"] if a.get("amended") and a.get("muc"))
    number = amended["article"].split()[-1]
    unit = next(u for u in units if u.article == number)
    assert unit.chapter.startswith(amended["chuong"]) and unit.section.startswith(amended["muc"])
    assert {u.article for u in units} == {a["article"].split()[-1] for a in record["articles"]}


def test_format_is_recognised_by_its_fields(tmp_path):
    piece = tmp_path / "slice.jsonl"
    piece.write_text("".join(_lines(7, 8)), encoding="utf-8")
    assert is_phapdien_jsonl(piece)
    assert not is_phapdien_jsonl(CORPUS / "60-2014-QH13.md")
    for procedures in sorted((SHARED / "procedures").glob("*.jsonl")):
        assert not is_phapdien_jsonl(procedures), procedures.name
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": 1, "question": "x"}\n', encoding="utf-8")
    assert not is_phapdien_jsonl(other)


def test_bad_lines_are_reported_and_do_not_stop_the_file(tmp_path):
    good = _lines(5, 12)
    piece = tmp_path / "mixed.jsonl"
    piece.write_bytes(
        good[0].encode() + b"{not json\n" + b'{"so_hieu": "1/2000/X", "articles": "none"}\n' + b"\n"
        + '{"so_hieu": "2/2000/X", "ten": "Hà Nam"}\n'.encode("cp1258") + good[1].encode()
    )
    records = list(iter_records(piece))
    assert [r.line for r in records] == [1, 2, 3, 5, 6]
    assert [bool(r.error) for r in records] == [False, True, True, True, False]
    assert "mixed.jsonl:2" in records[1].error and "mixed.jsonl:3" in records[2].error
    assert records[3].error == "mixed.jsonl:5: không phải UTF-8 / not UTF-8"  # and the file reads on
    with pytest.raises(IngestError):
        parse_record({"so_hieu": "1/2000/X", "articles": []}, piece, 9)


def test_duplicate_doc_numbers_in_one_file_stay_two_documents(tmp_path):
    line = _lines(5)[0]
    piece = tmp_path / "dup.jsonl"
    piece.write_text(line + line, encoding="utf-8")
    first, second = iter_records(piece)
    assert first.document.key != second.document.key and second.document.key.endswith("@2")
    assert {u.document.key for u in second.units} == {second.document.key}


def test_cli_ingests_a_slice_then_changes_nothing(tmp_path, capsys):
    piece = tmp_path / "phapdien-slice.jsonl"
    piece.write_text("".join(small_phapdien_records(3)) + "{broken\n", encoding="utf-8")
    index = str(tmp_path / "index")
    assert main(["--index", index, "ingest", str(piece), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["added"], report["failed"]) == (3, 1)
    assert [Path(f["path"]).name for f in report["files"]] == [f"phapdien-slice.jsonl#{n}" for n in (1, 2, 3, 4)]
    assert main(["--index", index, "ingest", str(tmp_path), "--json"]) == 0  # a folder finds .jsonl too
    again = json.loads(capsys.readouterr().out)
    assert (again["unchanged"], again["added"], again["updated"]) == (3, 0, 0)
    first = json.loads(small_phapdien_records(1)[0])
    question = first["articles"][0]["text"][:120]
    assert main(["--index", index, "search", question, "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert (hits[0]["doc"], hits[0]["article"]) == (first["so_hieu"], first["articles"][0]["article"])


def test_any_slice_of_the_file_parses(tmp_path):
    """Records from the start, middle and end of the real file all give documents with units."""
    with FULL.open(encoding="utf-8") as handle:
        sample = [line for n, line in enumerate(itertools.islice(handle, None), start=1) if n % 400 == 1]
    piece = tmp_path / "sample.jsonl"
    piece.write_text("".join(sample), encoding="utf-8")
    records = list(iter_records(piece))
    assert len(records) == len(sample) >= 8
    assert all(not r.error and r.units for r in records), [r.error for r in records if r.error]
