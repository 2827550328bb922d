"""Procedure parsers on the real shared sources and on texts written here."""

from __future__ import annotations

import json

import pytest

from ingest.procedure_text import (
    agency_level,
    parse_dossier,
    parse_fees,
    parse_processing_time,
    parse_reference,
    parse_step_table,
)
from ingest.loaders import LoadLimits
from ingest.procedures import ProcedureFile, layout_sections, procedure_from_layout, read_jsonl
from ingest.worker import ParsedFile, ParseOptions, parse_path
from rag.errors import IngestError
from tests.conftest import SHARED
from tests.ingest.fixtures import PROCEDURE as OWN
from tests.ingest.fixtures import write_docx, write_procedure_docx, write_procedure_pdf

PROCEDURES = SHARED / "procedures"
DOC = SHARED / "pdf" / "quy-trinh_QT01-CX-HCTP_dang-ky-khai-sinh.doc"


def read(path):
    """What the parse worker makes of a file (here in this process): procedure cards or a document."""
    return parse_path(path, ParseOptions(LoadLimits(ocr=False)))


def cards_of(name: str):
    found = read(PROCEDURES / name)
    assert isinstance(found, ProcedureFile) and found.errors == []
    return found.procedures


@pytest.fixture(scope="module")
def cantho():
    return cards_of("cantho_sotuphap_quytrinh.jsonl")


@pytest.fixture(scope="module")
def portal():
    return {p.code: p for p in cards_of("dichvucong_raw_pages.jsonl")}


def by(cards, code, word):
    return next(p for p in cards if p.code == code and word in p.name)


# -- the internal procedures (53 records) ---------------------------------------------------


def test_all_53_internal_procedures_load_with_their_core_fields(cantho):
    assert len(cantho) == 53
    assert len({p.key for p in cantho}) == 53
    for p in cantho:
        assert p.name and p.code.startswith("QT ") and p.issued_date.startswith("2025-07-0"), p.key
        assert p.dossier and p.processing_time and p.legal_basis, p.key
        assert p.field in ("Hộ tịch", "Chứng thực", "Nuôi con nuôi"), (p.key, p.field)
        assert not p.secondary
    assert all(p.steps for p in cantho)
    assert sum(1 for p in cantho if p.level) >= 50


def test_records_without_split_fields_are_read_from_full_text(cantho):
    # Records 02-04 have only full_text (a different layout): every section comes from it.
    p = by(cantho, "QT 03/CX-HCTP", "Đăng ký lại khai sinh")
    assert p.processing.durations[0].value == 5 and p.processing.durations[0].unit == "ngày làm việc"
    assert p.processing.durations[-1].value == 25 and p.processing.durations[-1].unit == "ngày"
    assert "đều bị mất" in p.conditions
    assert {b.doc_number for b in p.legal_basis} >= {"123/2015/NĐ-CP", "87/2020/NĐ-CP"}
    assert any(b.title == "Hộ tịch" and b.year == "2014" for b in p.legal_basis)
    assert [s.actor for s in p.steps][:3] == [
        "Cán bộ tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công",
        "Công chức Tư pháp - Hộ tịch",
        "Lãnh đạo UBND",
    ]
    assert p.steps[1].time == "03 ngày / 22 ngày"  # without / with verification
    assert {8000, 4000} <= {a.amount for a in p.fee_info.amounts}
    assert any("Miễn lệ phí" in e for e in p.fee_info.exemptions)
    assert p.dossier_sets == "01 bộ"
    assert {d.kind for d in p.dossier} >= {"nộp", "xuất trình"}


def test_sections_are_found_by_label_not_by_the_shifted_split_fields(cantho):
    # In this record the provided split fields are shifted by one section (its "đ. Cơ quan
    # phối hợp" item): can_cu_phap_ly holds the conditions, quy_trinh_cac_buoc the legal basis.
    record = next(
        json.loads(line)
        for line in (PROCEDURES / "cantho_sotuphap_quytrinh.jsonl").read_text(encoding="utf-8").splitlines()
        if '"QT 05/CX-HCTP"' in line and "nhận cha, mẹ, con" in line
    )
    assert "còn sống" in record["can_cu_phap_ly"]
    p = by(cantho, "QT 05/CX-HCTP", "nhận cha, mẹ, con")
    assert "còn sống" in p.conditions
    assert any(b.doc_number == "123/2015/NĐ-CP" for b in p.legal_basis)
    assert not any("còn sống" in b.text for b in p.legal_basis)
    assert p.result.startswith("- Trích lục đăng ký nhận cha, mẹ, con")
    assert len(p.steps) == 5 and p.steps[0].time == "½ ngày / 01 ngày"


def test_the_original_doc_file_gives_the_same_card_as_its_record(cantho):
    found = read(DOC)
    assert isinstance(found, ProcedureFile)
    (doc,) = found.procedures
    record = by(cantho, "QT 01/CX-HCTP", "Đăng ký khai sinh")
    assert (doc.code, doc.name, doc.issued_date, doc.level) == (
        "QT 01/CX-HCTP",
        "Đăng ký khai sinh",
        "2025-07-07",
        "cấp xã",
    )
    assert [d.name for d in doc.dossier] == [d.name for d in record.dossier]
    assert [(s.actor, s.time) for s in doc.steps] == [(s.actor, s.time) for s in record.steps]
    assert [b.doc_number for b in doc.legal_basis] == [b.doc_number for b in record.legal_basis]
    assert doc.processing.durations[0].unit == "trong ngày"
    # the signature table with officials' names is not part of the card
    assert "Võ Thị" not in json.dumps(doc.__dict__, default=str, ensure_ascii=False)


# -- portal pages (22) and secondary summaries (31) ---------------------------------------


def test_all_22_portal_pages_load(portal):
    assert len(portal) == 22
    for p in portal.values():
        assert p.name and p.steps and p.dossier, p.code
        assert all(d.originals is not None for d in p.dossier)
        assert p.result == "" and p.requesters == ""  # not on the flattened page: never invented
    # the level is read where the page states it; "Thông báo lưu trú" names none
    assert [p.code for p in portal.values() if not p.level] == ["2.001159"]


def test_portal_page_fields(portal):
    p = portal["1.004222"]  # Đăng ký thường trú
    assert (p.field, p.level, p.agency) == ("Cư trú", "cấp xã", "Công an cấp xã")
    assert len(p.steps) == 5 and p.steps[0].text.startswith("Cá nhân chuẩn bị hồ sơ")
    assert {a.amount for a in p.fee_info.amounts} == {20000, 10000}
    first = p.dossier[0]
    assert (first.form, first.originals, first.copies) == ("CT01", 1, 0)
    assert first.group.startswith("Trường hợp công dân đăng ký thường trú vào chỗ ở hợp pháp")
    assert any(b.doc_number == "66/2023/TT-BCA" and b.inline for b in p.legal_basis)
    q = portal["1.000466"]
    assert [(d.value, d.unit) for d in q.processing.durations] == [(7, "ngày làm việc"), (3, "ngày làm việc")]
    assert portal["1.010386"].level == "cấp xã" and portal["2.000539"].level == "cấp trung ương"


def test_secondary_summaries_are_flagged():
    cards = cards_of("secondary_summaries_qd2228.jsonl")
    assert len(cards) == 31 and all(p.secondary for p in cards)
    p = next(c for c in cards if c.code == "1.011441")
    assert p.processing.durations[0].unit == "trong ngày"
    assert 280000 in {a.amount for a in p.fee_info.amounts}
    assert p.dossier[0].form == "01a"
    assert [s.n for s in p.steps] == [1, 2, 3]


def test_jsonl_that_is_not_procedures_is_left_to_the_legal_loader(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"id": "q1", "question": "?"}\n', encoding="utf-8")
    with pytest.raises(IngestError, match="unknown JSONL"):
        read(path)


def test_a_bad_record_does_not_stop_the_others(tmp_path):
    good = {
        "ma_thu_tuc": "9.000001",
        "ten_thu_tuc": "Thủ tục thử",
        "text": "Thủ tục thử\n⏰ Thời gian giải quyết\n03 ngày làm việc",
    }
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n{broken\n" + json.dumps({"x": 1}) + "\n", encoding="utf-8"
    )
    found = read_jsonl(path, path.read_bytes())
    assert [p.code for p in found.procedures] == ["9.000001"]
    assert len(found.errors) == 2 and found.errors[0].startswith("dòng 2")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("{broken\n", encoding="utf-8")
    with pytest.raises(IngestError):
        read_jsonl(empty, empty.read_bytes())


# -- a procedure document written here --------------------------------------------------



def test_own_procedure_text_in_the_common_layout():
    p = procedure_from_layout(OWN, source="own.txt")
    assert (p.code, p.name, p.issued_date) == (
        "QT 07/XA-TP",
        "Chứng thực chữ ký người khuyết tật",
        "2026-03-02",
    )
    assert p.field == "Chứng thực" and p.level == "cấp xã" and p.requesters == "Cá nhân"
    assert [(d.name, d.kind) for d in p.dossier] == [
        ("Thẻ căn cước (bản chính).", "xuất trình"),
        ("Giấy tờ cần chứng thực chữ ký (Mẫu số 02/CT).", "nộp"),
    ]
    assert p.dossier[0].copy_type == "bản chính" and p.dossier[1].form == "02/CT"
    assert p.agency.startswith("Ủy ban nhân dân cấp xã") and "Cơ quan phối hợp: Không." in p.agency
    assert [(d.value, d.unit) for d in p.processing.durations] == [(2, "ngày làm việc"), (5, "ngày")]
    # a fee stated only by reference has no amount: the raw text stays, nothing is invented
    assert p.fee_info.amounts == () and not p.fee_info.free
    assert p.fees == "Theo mức thu do Hội đồng nhân dân tỉnh quyết định."
    assert p.legal_basis[0].doc_number == "23/2015/NĐ-CP" and p.legal_basis[0].article == "24"
    assert (p.legal_basis[1].title, p.legal_basis[1].year) == ("Người khuyết tật", "2010")
    assert [(s.n, s.actor, s.time) for s in p.steps] == [
        (1, "Công chức Tư pháp - Hộ tịch", "½ ngày"),
        (2, "Chủ tịch UBND xã", "01 ngày"),
        (3, "Bộ phận một cửa", "½ ngày"),
    ]
    assert "Sổ chứng thực" not in p.steps[-1].text  # the table ends before "6. BIỂU MẪU"


def test_generated_docx_procedure_is_recognised(tmp_path):
    path = write_docx(tmp_path / "quy-trinh.docx", [line for line in OWN.splitlines() if not line.startswith("|")])
    found = read(path)
    assert isinstance(found, ProcedureFile)
    (p,) = found.procedures
    assert p.code == "" and p.name == "quy-trinh"  # the title table was left out: the file name stands in
    assert len(p.dossier) == 2 and p.processing.durations[0].value == 2
    plain = write_docx(tmp_path / "notes.docx", ["Điều 1. Phạm vi", "Quy định này áp dụng cho " * 20])
    assert isinstance(read(plain), ParsedFile)


def test_word_tables_of_a_docx_procedure_are_read_in_place(tmp_path):
    """The title block and the steps are Word tables: read as "|cell|cell|" rows where they stand."""
    (p,) = read(write_procedure_docx(tmp_path / "quy-trinh.docx")).procedures
    assert (p.code, p.name, p.issued_date) == ("QT 07/XA-TP", "Chứng thực chữ ký người khuyết tật", "2026-03-02")
    assert [(s.n, s.actor, s.time) for s in p.steps] == [
        (1, "Công chức Tư pháp - Hộ tịch", "½ ngày"),
        (2, "Chủ tịch UBND xã", "01 ngày"),
        (3, "Bộ phận một cửa", "½ ngày"),
    ]


# -- small pure parsers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "05 ngày làm việc; trường hợp phải xác minh thì không quá 25 ngày.",
            [(5, "ngày làm việc"), (25, "ngày")],
        ),
        ("Không quá 02 (hai) ngày làm việc", [(2, "ngày làm việc")]),
        (
            "Ngay trong ngày; nếu nhận hồ sơ sau 15 giờ thì trả trong ngày làm việc tiếp theo",
            [(None, "trong ngày")],
        ),
        ("Nghị quyết ngày 09 tháng 12 năm 2022", []),
        ("Trong thời hạn 1,5 ngày", [(1.5, "ngày")]),
    ],
)
def test_processing_time(text, expected):
    assert [(d.value, d.unit) for d in parse_processing_time(text).durations] == expected


def test_fees_amounts_and_exemptions():
    fees = parse_fees(
        "- Lệ phí: 50.000 đồng/trường hợp.\n- Miễn lệ phí cho người khuyết tật; giảm 50% cho hộ nghèo."
    )
    assert [a.amount for a in fees.amounts] == [50000]
    assert len(fees.exemptions) == 2 and not fees.free
    assert parse_fees("Không.").free
    assert parse_fees("Theo quy định").amounts == ()


def test_references():
    ref = parse_reference("điểm a khoản 2 Điều 14 Nghị định số 104/2022/NĐ-CP ngày 21/12/2022 của Chính phủ")
    assert (ref.point, ref.clause, ref.article, ref.doc_number, ref.doc_type) == (
        "a",
        "2",
        "14",
        "104/2022/NĐ-CP",
        "Nghị định",
    )
    law = parse_reference("Luật Hôn nhân và gia đình năm 2014;")
    assert (law.doc_type, law.title, law.year, law.doc_number) == ("Luật", "Hôn nhân và gia đình", "2014", "")


def test_levels_and_dossier_groups():
    assert agency_level("Cấp hộ chiếu (thực hiện tại cấp tỉnh)") == "cấp tỉnh"
    assert agency_level("Nộp qua Cổng dịch vụ công Bộ Công an hoặc tại Công an cấp xã") == "cấp xã"
    assert agency_level("Phòng Tư pháp") == ""
    items, sets, notes = parse_dossier(
        "- Tờ khai (Mẫu CT01);\n- Giấy tờ chứng minh chỗ ở, gồm:\n+ Hợp đồng thuê nhà (bản sao có chứng thực);\n"
        "- Ảnh 4x6.\nSố lượng hồ sơ: 02 bộ\n* Lưu ý: nộp tại xã."
    )
    assert [(i.name, i.group) for i in items] == [
        ("Tờ khai (Mẫu CT01);", ""),
        ("Hợp đồng thuê nhà (bản sao có chứng thực);", "Giấy tờ chứng minh chỗ ở, gồm"),
        ("Ảnh 4x6.", ""),
    ]
    assert items[0].form == "CT01" and items[1].copy_type == "bản sao có chứng thực"
    assert (sets, notes) == ("02 bộ", "nộp tại xã.")
    # "không còn bản chính" says the original is gone: not a request for the original
    assert parse_dossier("- Tờ khai, cam đoan không còn bản chính Giấy khai sinh.")[0][0].copy_type == ""


def test_unnumbered_step_table_splits_on_new_responsibility():
    table = (
        "|   |Tiếp nhận hồ sơ             |Cán bộ tiếp nhận tại Trung |1 ngày |\n"
        "|   |- kiểm tra                  |tâm Phục vụ hành chính công|       |\n"
        "|   |Thẩm tra hồ sơ              |Công chức Tư pháp - Hộ tịch|       |\n"
        "|   |Đóng dấu                    |Văn thư UBND               |       |\n"
        "|   |- Trả kết quả               |Cán bộ tiếp nhận           |       |\n"
    )
    steps = parse_step_table(table)
    assert [(s.text, s.actor) for s in steps] == [
        ("Tiếp nhận hồ sơ\n- kiểm tra", "Cán bộ tiếp nhận tại Trung tâm Phục vụ hành chính công"),
        ("Thẩm tra hồ sơ", "Công chức Tư pháp - Hộ tịch"),
        ("Đóng dấu", "Văn thư UBND"),
        ("- Trả kết quả", "Cán bộ tiếp nhận"),
    ]
    assert layout_sections("no layout here") == {}


def test_generated_pdf_procedure_is_recognised(tmp_path):
    found = read(write_procedure_pdf(tmp_path / "quy-trinh-chung-thuc.pdf"))
    assert isinstance(found, ProcedureFile)
    (p,) = found.procedures
    assert [d.kind for d in p.dossier] == ["xuất trình", "nộp"]
    assert p.processing.durations[0].unit == "ngày làm việc" and p.requesters == "Cá nhân"
    assert p.legal_basis[0].doc_number == "23/2015/NĐ-CP"
