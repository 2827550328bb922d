"""Validity extraction on real corpus texts and synthetic decrees; overrides; registry and badges."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load_file
from ingest.validity import attach_validity
from rag.domain import LegalDocument, LegalUnit
from rag.errors import ConfigError
from rag.legal.records import DocumentRecord
from rag.validity.relations import (
    EXPIRED,
    IN_FORCE,
    NOT_YET,
    PARTIAL,
    UNKNOWN,
    Extraction,
    ValidityRegistry,
    extract_validity,
    load_overrides,
    normalise_status,
    parse_date,
)
from tests.conftest import CORPUS


def extract_file(name: str) -> Extraction:
    loaded = load_file(CORPUS / name)
    h = loaded.header
    return extract_validity(loaded.text, title=h.get("ten", ""), doc_number=h.get("so_hieu", ""),
                            header_effective=h.get("ngay_hieu_luc"), header_status=h.get("tinh_trang", ""))


def relations(e: Extraction, kind: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(r.target, r.articles) for r in e.relations if r.kind == kind]


def test_decree_effective_date_and_what_it_replaces():
    e = extract_file("23-2015-ND-CP.md")
    assert (e.effective_from, e.effective_from_source) == ("2015-04-10", "văn bản: Điều 48")
    assert relations(e, "replaces") == [("79/2007/NĐ-CP", ()), ("04/2012/NĐ-CP", ())]
    # "Điều 4 của Nghị định số 06/2012" and "các quy định … tại Nghị định số 75/2000": only parts end
    partial = {r.target: r for r in e.relations if r.kind == "amends"}
    assert partial["06/2012/NĐ-CP"].articles == ("4",) and partial["06/2012/NĐ-CP"].repeal
    assert partial["75/2000/NĐ-CP"].repeal
    # pháp điển notes: per-article amendments by 07/2025/NĐ-CP from 2025-01-09
    amended = {r.articles[0]: r for r in e.relations if r.kind == "amended_by"}
    assert set(amended) >= {"5", "24", "36"} and amended["5"].target == "07/2025/NĐ-CP"
    assert amended["5"].date == "2025-01-09" and not amended["5"].repeal


def test_law_effective_date_from_its_last_article():
    e = extract_file("60-2014-QH13.md")
    assert (e.effective_from, e.effective_from_source) == ("2016-01-01", "văn bản: Điều 77")


def test_expiry_sentence_names_the_replaced_circular():
    e = extract_file("03-2021-TT-TTCP.md")
    assert e.effective_from == "2021-11-20"
    assert relations(e, "replaces") == [("10/2014/TT-TTCP", ())]


def test_amending_laws_listed_after_theo_are_not_replaced():
    e = extract_file("05-2022-QH15.md")  # Luật Điện ảnh 2022
    assert relations(e, "replaces") == [("62/2006/QH11", ())]  # not the amending laws 31/2009, 35/2018 …
    assert ("61/2020/QH14", ()) in relations(e, "amends")  # "Điều 48. Sửa đổi, bổ sung Luật Đầu tư số 61/2020/QH14"


def test_guiding_circular_from_its_title():
    e = extract_file("01-2020-TT-BTP.md")
    assert relations(e, "guides") == [("23/2015/NĐ-CP", ())]
    assert relations(e, "replaces") == [("20/2015/TT-BTP", ())]


SYNTHETIC = """NGHỊ ĐỊNH
Số: 99/2030/NĐ-CP

Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 23/2015/NĐ-CP
1. Sửa đổi, bổ sung khoản 2 Điều 5 như sau:
"2. Nội dung mới."
2. Bãi bỏ Điều 37.

Điều 2. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành sau 45 ngày kể từ ngày ký.
2. Nghị định này hết hiệu lực kể từ ngày 31 tháng 12 năm 2035.
3. Các văn bản sau đây hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành:
a) Nghị định số 11/2020/NĐ-CP ngày 20 tháng 01 năm 2020 của Chính phủ hướng dẫn thi hành Luật số 60/2014/QH13;
b) Điều 3 Thông tư số 05/2021/TT-BTP.
"""


def test_synthetic_decree_every_pattern():
    e = extract_validity(SYNTHETIC, doc_number="99/2030/NĐ-CP", issued_date="2030-01-10")
    assert e.effective_from == "2030-02-24" and "45 ngày" in e.effective_from_source
    assert e.effective_to == "2035-12-31"
    amends = {r.target: r for r in e.relations if r.kind == "amends"}
    assert amends["23/2015/NĐ-CP"].articles == ("5", "37")
    assert relations(e, "replaces") == [("11/2020/NĐ-CP", ())]  # not the law it described
    assert amends["05/2021/TT-BTP"].articles == ("3",) and amends["05/2021/TT-BTP"].repeal


def test_effective_from_signature_and_header_fallback():
    e = extract_validity("Điều 9. Hiệu lực\nQuyết định này có hiệu lực kể từ ngày ký.", issued_date="2019-03-13")
    assert e.effective_from == "2019-03-13"
    e = extract_validity("Điều 1. Phạm vi\nKhông có ngày.", header_effective="01/07/2016")
    assert e.effective_from == "2016-07-01" and e.effective_from_source.startswith("thông tin đầu")


@pytest.mark.parametrize(
    "text, status",
    [("Còn hiệu lực", IN_FORCE), ("Hết hiệu lực toàn bộ", EXPIRED), ("hết hiệu lực một phần", PARTIAL),
     ("Chưa có hiệu lực", NOT_YET), ("không rõ", UNKNOWN), ("không ghi trong nguồn; cần kiểm tra", "")],
)
def test_normalise_status(text, status):
    assert normalise_status(text) == status


def test_parse_date_forms():
    assert parse_date("2024-06-01") == parse_date("01/06/2024") == parse_date("ngày 01 tháng 6 năm 2024") == "2024-06-01"
    assert parse_date("31/02/2024") is None and parse_date("mai") is None


def records_for(*names: str) -> list[DocumentRecord]:
    """Document records as the pipeline stores them (document fields + the extraction)."""
    out = []
    for name in names:
        loaded = load_file(CORPUS / name)
        h = loaded.header
        doc = LegalDocument(key=h["so_hieu"].replace("/", "-"), doc_number=h["so_hieu"], doc_type=h["loai"],
                            title=h.get("ten", ""), source=str(CORPUS / name))
        doc, _units, extraction = attach_validity(loaded, doc, [])
        out.append(DocumentRecord.of(doc, validity=extraction))
    return out


def unit_of(record: DocumentRecord, article: str) -> LegalUnit:
    doc = LegalDocument(key=record.key, doc_number=record.doc_number, doc_type=record.doc_type)
    return LegalUnit(document=doc, article=article, text="…")


@pytest.fixture(scope="module")
def registry() -> ValidityRegistry:
    return ValidityRegistry(records_for("10-2014-TT-TTCP.md", "03-2021-TT-TTCP.md", "23-2015-ND-CP.md",
                                        "01-2020-TT-BTP.md"))


def test_replaced_document_expires_when_the_new_one_takes_effect(registry):
    old = registry.record("10-2014-TT-TTCP", "2024-01-01")
    assert old.status == EXPIRED and old.effective_to == "2021-11-20"
    assert [r.target for r in old.relations["replaced_by"]] == ["03/2021/TT-TTCP"]
    assert old.sources["effective_to"].startswith("chỉ mục")
    assert registry.record("10-2014-TT-TTCP", "2020-06-01").status == IN_FORCE
    assert registry.record("03-2021-TT-TTCP", "2020-06-01").status == NOT_YET


def test_badges(registry):
    records = registry.records
    red = registry.badge(unit_of(records["10-2014-TT-TTCP"], "2"), "2024-01-01")
    assert (red.symbol, red.in_force) == ("🔴", False) and "03/2021/TT-TTCP" in red.label
    yellow = registry.badge(unit_of(records["23-2015-NĐ-CP"], "5"), "2025-06-01")
    assert yellow.symbol == "🟡" and yellow.amended_by == ("07/2025/NĐ-CP",)
    before = registry.badge(unit_of(records["23-2015-NĐ-CP"], "5"), "2024-06-01")  # amendment not yet in force
    assert before.symbol == "🟢"
    green = registry.badge(unit_of(records["23-2015-NĐ-CP"], "37"), "2025-06-01")
    assert green.symbol == "🟢" and green.status == IN_FORCE
    stranger = LegalUnit(document=LegalDocument(key="x", doc_number="1/2000/NĐ-CP"), article="1", text="…")
    assert registry.badge(stranger).symbol == "⚪"


def test_guides_resolve_between_documents(registry):
    decree = registry.record("23-2015-NĐ-CP", "2024-01-01")
    assert decree.status == IN_FORCE
    circular = registry.record("01-2020-TT-BTP", "2024-01-01")
    assert [r.target for r in circular.relations["guides"]] == ["23/2015/NĐ-CP"]


def test_override_file_wins(tmp_path: Path):
    csv = tmp_path / "validity.csv"
    csv.write_text(
        "# tệp ghi đè hiệu lực\n"
        "doc,status,effective_from,effective_to,replaced_by,amended_by,note\n"
        "23/2015/NĐ-CP,hết hiệu lực,,2025-07-01,99/2025/NĐ-CP,,Quyết định của quản trị viên\n",
        encoding="utf-8",
    )
    overrides = load_overrides(csv)
    registry = ValidityRegistry(records_for("23-2015-ND-CP.md"), overrides, str(csv))
    rec = registry.record("23-2015-NĐ-CP", "2026-01-01")
    assert rec.status == EXPIRED and rec.sources["status"] == f"tệp ghi đè {csv}:3"
    assert rec.effective_to == "2025-07-01" and rec.sources["effective_from"] == "văn bản: Điều 48"
    assert "99/2025/NĐ-CP" in [r.target for r in rec.relations["replaced_by"]]
    badge = registry.badge(unit_of(registry.records["23-2015-NĐ-CP"], "37"), "2026-01-01")
    assert badge.symbol == "🔴"


@pytest.mark.parametrize(
    "content, message",
    [("doc,status\n23/2015/NĐ-CP,sắp hết\n", "không hợp lệ"), ("so_hieu,status\nx,còn hiệu lực\n", "cột"),
     ("doc,effective_to\n23/2015/NĐ-CP,mai\n", "ngày")],
)
def test_bad_override_file_is_a_clear_error(tmp_path: Path, content: str, message: str):
    csv = tmp_path / "validity.csv"
    csv.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_overrides(csv)


def test_missing_override_file_is_empty(tmp_path: Path):
    assert load_overrides(tmp_path / "none.csv") == {}
