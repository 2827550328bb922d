"""Reference parsing and resolution on real spellings and the real corpus catalogue."""

from __future__ import annotations

import json

import pytest

from rag.legal.references import (
    DocumentResolver,
    Reference,
    find_references,
    fold,
    normalise_number,
    number_type_conflict,
)
from rag.legal.records import DocumentRecord
from tests.conftest import CORPUS


def corpus_records() -> list[DocumentRecord]:
    """Document records like ``UnitStore.document_records()``, from the corpus headers."""
    from ingest.metadata import doc_key, iso_date

    out = []
    for line in (CORPUS / "_index.jsonl").read_text(encoding="utf-8").splitlines():
        h = json.loads(line)
        out.append(
            DocumentRecord(
                key=doc_key(h["so_hieu"], h["doc_id"]),
                doc_number=h["so_hieu"],
                doc_type=h["loai"],
                title=h.get("ten") or "",
                issued_date=iso_date(h.get("ngay_ban_hanh")),
                effective_date=iso_date(h.get("ngay_hieu_luc")),
            )
        )
    return out


@pytest.fixture(scope="module")
def resolver() -> DocumentResolver:
    return DocumentResolver(corpus_records())


def one(text: str, **kw) -> Reference:
    refs = [r for r in find_references(text, **kw) if r.articles or r.has_document]
    assert len(refs) == 1, refs
    return refs[0]


@pytest.mark.parametrize(
    "text, span, articles, clauses, points, number, doc_type, name, year",
    [
        ("khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP", "khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP",
         ("37",), ("2",), (), "23/2015/NĐ-CP", "Nghị định", "", "2015"),
        ("Theo Điều 15 Luật Hộ tịch 2014, thời hạn là 60 ngày.", "Điều 15 Luật Hộ tịch 2014",
         ("15",), (), (), "", "Luật", "Hộ tịch", "2014"),
        ("điều 15 luật hộ tịch quy định", "điều 15 luật hộ tịch", ("15",), (), (), "", "Luật", "hộ tịch", ""),
        ("dieu 15 luat ho tich quy dinh gi", "dieu 15 luat ho tich", ("15",), (), (), "", "Luật", "ho tich", ""),
        ("khoan 2 dieu 37 nghi dinh 23/2015/ND-CP", "khoan 2 dieu 37 nghi dinh 23/2015/ND-CP",
         ("37",), ("2",), (), "23/2015/NĐ-CP", "Nghị định", "", "2015"),
        ("Điều 5 NĐ 23/2015 quy định", "Điều 5 NĐ 23/2015", ("5",), (), (), "23/2015", "Nghị định", "", "2015"),
        ("Điều 2 Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ", "Điều 2 Nghị định số 23/2015/NĐ-CP",
         ("2",), (), (), "23/2015/NĐ-CP", "Nghị định", "", "2015"),
        ("Điều 3 TT 01/2020/TT-BTP", "Điều 3 TT 01/2020/TT-BTP", ("3",), (), (), "01/2020/TT-BTP", "Thông tư", "", "2020"),
        ("Điều 4 QĐ 14/2019/QĐ-TTg", "Điều 4 QĐ 14/2019/QĐ-TTg", ("4",), (), (), "14/2019/QĐ-TTg", "Quyết định", "", "2019"),
        ("Điều 2 NQ 326/2016/UBTVQH14", "Điều 2 NQ 326/2016/UBTVQH14", ("2",), (), (), "326/2016/UBTVQH14", "Nghị quyết", "", "2016"),
        ("Điều 9 Luật Căn cước năm 2023 quy định", "Điều 9 Luật Căn cước năm 2023", ("9",), (), (), "", "Luật", "Căn cước", "2023"),
        ("Điều 3 Bộ luật Dân sự 2015", "Điều 3 Bộ luật Dân sự 2015", ("3",), (), (), "", "Bộ luật", "Dân sự", "2015"),
        ("Điều 10 BLDS 2015", "Điều 10 BLDS 2015", ("10",), (), (), "", "Bộ luật", "Dân sự", "2015"),
        ("Điều 5, 6 và 7 Luật Hộ tịch", "Điều 5, 6 và 7 Luật Hộ tịch", ("5", "6", "7"), (), (), "", "Luật", "Hộ tịch", ""),
        ("Điều 5 và Điều 6 Luật Hộ tịch", "Điều 5 và Điều 6 Luật Hộ tịch", ("5", "6"), (), (), "", "Luật", "Hộ tịch", ""),
        ("từ Điều 5 đến Điều 8 Nghị định 23/2015", "Điều 5 đến Điều 8 Nghị định 23/2015",
         ("5", "6", "7", "8"), (), (), "23/2015", "Nghị định", "", "2015"),
        ("khoản 1, 2 Điều 3 Luật Hộ tịch", "khoản 1, 2 Điều 3 Luật Hộ tịch", ("3",), ("1", "2"), (), "", "Luật", "Hộ tịch", ""),
        ("điểm a, b khoản 2 Điều 16 Luật Hộ tịch", "điểm a, b khoản 2 Điều 16 Luật Hộ tịch",
         ("16",), ("2",), ("a", "b"), "", "Luật", "Hộ tịch", ""),
        ("điểm đ khoản 1 Điều 3 Luật Hộ tịch", "điểm đ khoản 1 Điều 3 Luật Hộ tịch",
         ("3",), ("1",), ("đ",), "", "Luật", "Hộ tịch", ""),
        ("Điều 15, khoản 1 Luật Hộ tịch", "Điều 15, khoản 1 Luật Hộ tịch", ("15",), ("1",), (), "", "Luật", "Hộ tịch", ""),
        ("Theo Điều 16 của Luật Hôn nhân và gia đình thì", "Điều 16 của Luật Hôn nhân và gia đình",
         ("16",), (), (), "", "Luật", "Hôn nhân và gia đình", ""),
        ("Điều 2 Luật Phòng, chống ma túy năm 2021", "Điều 2 Luật Phòng, chống ma túy năm 2021",
         ("2",), (), (), "", "Luật", "Phòng, chống ma túy", "2021"),
        ("Điều 14 Hiến pháp 2013", "Điều 14 Hiến pháp 2013", ("14",), (), (), "", "Hiến pháp", "", "2013"),
        ("Điều 1 Luật số 60/2014/QH13", "Điều 1 Luật số 60/2014/QH13", ("1",), (), (), "60/2014/QH13", "Luật", "", "2014"),
        ("Điều 1 Luật Hộ tịch số 60/2014/QH13", "Điều 1 Luật Hộ tịch số 60/2014/QH13",
         ("1",), (), (), "60/2014/QH13", "Luật", "Hộ tịch", "2014"),
        ("Điều 2 Nghị định số 23 năm 2015", "Điều 2 Nghị định số 23 năm 2015", ("2",), (), (), "23/2015", "Nghị định", "", "2015"),
        ("Điều 37 Nghị định 23/2015/NĐCP", "Điều 37 Nghị định 23/2015/NĐCP", ("37",), (), (), "23/2015/NĐ-CP", "Nghị định", "", "2015"),
        ("Điều 1 Luật HNGĐ 2014", "Điều 1 Luật HNGĐ 2014", ("1",), (), (), "", "Luật", "Hôn nhân và gia đình", "2014"),
        ("ĐIỀU 15 LUẬT HỘ TỊCH", "ĐIỀU 15 LUẬT HỘ TỊCH", ("15",), (), (), "", "Luật", "HỘ TỊCH", ""),
        ("Điều 3 Thông tư liên tịch 01/2012/TTLT-BTP-UBDT", "Điều 3 Thông tư liên tịch 01/2012/TTLT-BTP-UBDT",
         ("3",), (), (), "01/2012/TTLT-BTP-UBDT", "Thông tư liên tịch", "", "2012"),
        ("Điều 3 tại 01/VBHN-VPQH", "Điều 3 tại 01/VBHN-VPQH", ("3",), (), (), "01/VBHN-VPQH", "Văn bản hợp nhất", "", ""),
    ],
)
def test_parses_real_spellings(text, span, articles, clauses, points, number, doc_type, name, year):
    ref = one(text)
    assert ref.text == span and text[ref.start : ref.end] == span
    assert (ref.articles, ref.clauses, ref.points) == (articles, clauses, points)
    assert (ref.doc_number, ref.doc_type, ref.doc_name, ref.year) == (number, doc_type, name, year)


@pytest.mark.parametrize(
    "text",
    [
        "theo quy định của pháp luật, luật sư có quyền",
        "thời hạn 15 ngày kể từ ngày 01/01/2016",
        "điều kiện đăng ký khai sinh",
        "thời điểm a b c",
        "Luật này quy định về hộ tịch",
    ],
)
def test_no_false_references(text):
    assert [r for r in find_references(text) if r.articles or (r.has_document and not r.self_document)] == []


def test_quantity_after_article_is_not_an_article():
    ref = one("Theo Điều 5, 10 ngày làm việc là đủ")
    assert ref.articles == ("5",)


def test_clause_belongs_to_its_own_article_and_document_is_shared():
    refs = find_references("Xem khoản 2 Điều 37 và Điều 38 Nghị định 23/2015/NĐ-CP.")
    assert [(r.text, r.articles, r.clauses) for r in refs] == [
        ("khoản 2 Điều 37", ("37",), ("2",)),
        ("Điều 38 Nghị định 23/2015/NĐ-CP", ("38",), ()),
    ]
    assert refs[0].doc_number == "23/2015/NĐ-CP" and refs[0].inherited and not refs[1].inherited


def test_document_from_earlier_in_the_paragraph():
    text = "Theo Luật Hộ tịch 2014, tại Điều 15 quy định thời hạn.\n\nĐiều 16 thì khác."
    refs = find_references(text)
    assert [r.text for r in refs] == ["Luật Hộ tịch 2014", "Điều 15", "Điều 16"]
    assert refs[1].doc_name == "Hộ tịch" and refs[1].inherited
    assert not refs[2].has_document  # a new paragraph does not inherit


def test_self_reference_and_several_citations_in_one_text():
    refs = find_references(
        "Căn cứ Điều 37 của Nghị định này; khoản 1 Điều 15 Luật Hộ tịch; Điều 5 NĐ 23/2015; "
        "Thông tư 01/2020/TT-BTP."
    )
    assert [(r.articles, r.self_document, r.document_label) for r in refs] == [
        (("37",), True, "Nghị định này"),
        (("15",), False, "Luật Hộ tịch"),
        (("5",), False, "Nghị định 23/2015"),
        ((), False, "Thông tư 01/2020/TT-BTP"),
    ]


def test_fold_keeps_length():
    text = "Khoản 2 Điều 37 Nghị định 23/2015/NĐ-CP"
    assert fold(text) == "khoan 2 dieu 37 nghi dinh 23/2015/nd-cp" and len(fold(text)) == len(text)


@pytest.mark.parametrize(
    "raw, expected",
    [("23/2015/nđ-cp", "23/2015/NĐ-CP"), ("23 / 2015 / ND-CP", "23/2015/NĐ-CP"), ("14/2019/QD-TTG", "14/2019/QĐ-TTg"),
     ("1/2019/TT-BLDTBXH", "01/2019/TT-BLĐTBXH"), ("23/2015", "23/2015"), ("01/VBHN-VPQH", "01/VBHN-VPQH")],
)
def test_normalise_number(raw, expected):
    assert normalise_number(raw) == expected


def test_type_and_number_conflicts():
    assert number_type_conflict("Nghị định", "23/2015/QH13")
    assert number_type_conflict("Luật", "23/2015/NĐ-CP")
    assert number_type_conflict("Thông tư", "14/2019/QĐ-TTg")
    assert not number_type_conflict("Nghị định", "23/2015/NĐ-CP")
    assert not number_type_conflict("Bộ luật", "91/2015/QH13")
    assert not number_type_conflict("Nghị quyết", "326/2016/UBTVQH14")


@pytest.mark.parametrize(
    "text, expected, how",
    [
        ("Điều 5 NĐ 23/2015", "23/2015/NĐ-CP", "partial_number"),
        ("Điều 5 Nghị định 23/2015/ND-CP", "23/2015/NĐ-CP", "number"),
        ("Điều 15 Luật Hộ tịch", "60/2014/QH13", "name"),
        ("dieu 15 luat ho tich", "60/2014/QH13", "name"),
        ("Điều 15 Luật Hộ tịch 2014", "60/2014/QH13", "name"),
        ("Điều 3 Bộ luật Dân sự 2015", "91/2015/QH13", "name"),
        ("Điều 3 BLDS 2015", "91/2015/QH13", "name"),
        ("Điều 9 Luật Căn cước năm 2023", "26/2023/QH15", "name"),
        ("Điều 8 Luật Hôn nhân và gia đình", "52/2014/QH13", "name"),
        ("Điều 2 Luật Phòng, chống ma túy", "73/2021/QH14", "name"),
        ("Điều 3 TT 01/2020/TT-BTP", "01/2020/TT-BTP", "number"),
        ("Điều 5 Bộ luật Lao động", "45/2019/QH14", "name"),
        ("Điều 14 Hiến pháp 2013", "Hiến pháp 2013", "name"),
        ("Điều 2 Nghị định số 23 năm 2015", "23/2015/NĐ-CP", "partial_number"),
        ("Điều 2 Thông tư 1/2020/TT-BTP", "01/2020/TT-BTP", "number"),
        ("Điều 1 Pháp lệnh Công an xã", "06/2008/PL-UBTVQH12", "name"),
    ],
)
def test_resolves_to_the_index(resolver, text, expected, how):
    res = resolver.resolve(one(text))
    assert res.found and res.record.doc_number == expected and res.how == how, res


def test_name_cut_short_by_a_stop_word_still_resolves(resolver):
    ref = one("Điều 5 Luật Trách nhiệm bồi thường của nhà nước")
    assert resolver.resolve(ref).record.doc_number == "10/2017/QH14"


def test_over_long_name_is_cut_to_the_known_title(resolver):
    refs = find_references("Điều 15 luật hộ tịch xác định thời hạn", known_names=resolver.titles)
    assert refs[0].text == "Điều 15 luật hộ tịch"
    assert resolver.resolve(refs[0]).record.doc_number == "60/2014/QH13"


def test_unresolved_documents_get_near_matches_or_conflicts(resolver):
    missing = resolver.resolve(one("Điều 5 Nghị định 24/2015/NĐ-CP"))
    assert not missing.found and not missing.conflict
    assert "23/2015/NĐ-CP" in [c.doc_number for c in missing.candidates]

    old = resolver.resolve(one("Điều 5 Luật Cư trú 2006"))
    assert old.how == "year_mismatch" and [c.doc_number for c in old.candidates] == ["68/2020/QH14"]

    wrong = resolver.resolve(one("Điều 15 Luật Hộ tịch số 61/2014/QH13"))
    assert not wrong.found and "60/2014/QH13" in wrong.conflict

    typed = resolver.resolve(one("Điều 5 Nghị định 23/2015/QH13"))
    assert not typed.found and typed.conflict

    future = resolver.resolve(one("Điều 5 Nghị định 23/2099/NĐ-CP"))
    assert not future.found and "2099" in future.conflict

    unknown = resolver.resolve(one("Điều 5 Luật Chứng thực"))
    assert not unknown.found and not unknown.conflict


def test_every_corpus_document_resolves_by_its_own_number(resolver):
    failures = []
    for record in corpus_records():
        number = record.doc_number
        if "/" not in number:
            continue
        ref = one(f"Theo Điều 1 {record.doc_type.split(' (')[0]} {number} thì")
        res = resolver.resolve(ref)
        if not res.found or res.record.doc_number != number:
            failures.append((number, ref, res.how))
    assert failures == []


def test_laws_resolve_by_name(resolver):
    failures = []
    laws = [r for r in corpus_records() if r.doc_type in ("Luật", "Bộ luật") and r.title]
    assert len(laws) > 50
    for record in laws:
        title = record.title
        label = title if fold(title).startswith(("luat", "bo luat")) else f"{record.doc_type} {title}"
        ref = one(f"Căn cứ Điều 2 {label}, cơ quan", known_names=resolver.titles)
        res = resolver.resolve(ref)
        if not res.found or record.doc_number not in [res.record.doc_number] + [c.doc_number for c in res.candidates]:
            failures.append((label, ref.doc_name, res.how))
    assert failures == []


def test_a_name_running_past_a_known_title_to_its_year_is_another_name():
    titles = ["Căn cước", "Hộ tịch"]
    ref = find_references("Theo Điều 19 Luật Căn cước công dân năm 2021, công dân", known_names=titles)[0]
    assert (ref.doc_name, ref.year) == ("Căn cước công dân", "2021")
    assert find_references("Điều 9 Luật Căn cước 2023 quy định", known_names=titles)[0].doc_name == "Căn cước"
    assert find_references("Điều 15 luật hộ tịch xác định thời hạn", known_names=titles)[0].doc_name == "hộ tịch"
