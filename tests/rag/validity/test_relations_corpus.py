"""Validity of real corpus documents against the hand-verified fixture (tests/data/validity/).

The corpus files are parsed directly (no index): the documents of the fixture, their relation partners and
the documents whose sentences the old resolver misread (a decree "repealing" a law, a name prefix).
"""

from __future__ import annotations

import pytest

from bench.validity import corpus_records, gold, score
from rag.legal.records import EXPIRED, IN_FORCE, NOT_IN_FORCE, PARTIAL
from rag.legal.references import fold
from rag.validity.relations import ValidityRegistry, extract_validity
from tests.conftest import CORPUS

# sources of the misreadings reported in issue 16
MISREAD = ["31/2019/NĐ-CP", "102/2016/QH13", "25/2016/TT-BLĐTBXH", "66/2021/NĐ-CP"]


def file_of(number: str):
    name = "Hien-phap-2013" if number.startswith("Hiến pháp") else fold(number).upper().replace("/", "-")
    return CORPUS / f"{name}.md"


@pytest.fixture(scope="module")
def registry() -> ValidityRegistry:
    statuses, relations = gold()
    numbers = set(statuses) | {r[0] for r in relations} | {r[2] for r in relations} | set(MISREAD)
    return ValidityRegistry(corpus_records(sorted(file_of(n) for n in numbers)))


def test_reported_laws_are_in_force(registry):
    by_number = {r.doc_number: k for k, r in registry.records.items()}
    for number in ("25/2018/QH14", "72/2020/QH14", "25/2008/QH12", "70/2015/NĐ-CP"):
        record = registry.record(by_number[number], "2026-12-05")
        assert record.status in (IN_FORCE, PARTIAL), (number, record.status, record.sources)
        assert not [r for r in record.relations["replaced_by"] if not r.articles], number
    # the real replacement still ends the circular
    assert registry.record(by_number["10/2014/TT-TTCP"], "2026-12-05").status == EXPIRED


def test_fixture_statuses_and_relation_precision(registry):
    result = score(registry, only={r.doc_number for r in registry.records.values()})
    assert result["wrongly_not_in_force"] == [], result["wrongly_not_in_force"]
    assert result["wrongly_in_force"] == []
    assert result["precision"] >= 0.95, result["false_relations"]
    assert result["recall"] >= 0.9, result["missed_relations"]
    assert result["status_exact"] >= result["status_checked"] - 2, result["status_mismatches"]


DECREE = """Điều 24. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành từ ngày 28 tháng 5 năm 2019.
2. Nghị định số 76/2012/NĐ-CP ngày 03 tháng 10 năm 2012 của Chính phủ quy định chi tiết thi hành một số điều
của Luật Tố cáo hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.
"""
LAW = """Điều 106. Hiệu lực thi hành
1. Luật này có hiệu lực thi hành từ ngày 01 tháng 6 năm 2017.
2. Luật Bảo vệ, chăm sóc và giáo dục trẻ em số 25/2004/QH11 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.
"""


def record(key, number, doc_type, title, issued, text):
    from rag.legal.records import DocumentRecord

    return DocumentRecord(key=key, doc_number=number, doc_type=doc_type, title=title, issued_date=issued,
                          effective_date=issued, validity=extract_validity(text, title=title, doc_number=number))


def test_a_guiding_decree_expiring_is_not_its_law_and_a_name_prefix_is_not_a_match():
    decree = record("nd", "31/2019/NĐ-CP", "Nghị định", "Quy định chi tiết Luật Tố cáo", "2019-04-10", DECREE)
    law = record("luat", "25/2018/QH14", "Luật", "Tố cáo", "2018-06-12", "Điều 1. Phạm vi\nLuật này quy định.")
    child = record("tre-em", "102/2016/QH13", "Luật", "Trẻ em", "2016-04-05", LAW)
    env = record("bvmt", "72/2020/QH14", "Luật", "Bảo vệ môi trường", "2020-11-17", "Điều 1. Phạm vi\nLuật này.")
    env_same_name = record("bv", "99/2016/QH13", "Luật", "Bảo vệ", "2016-01-01", "Điều 1. Phạm vi\nLuật này.")
    registry = ValidityRegistry([decree, law, child, env, env_same_name])
    assert [r.target for r in decree.validity.relations if r.kind == "replaces"] == ["76/2012/NĐ-CP"]
    # the name is cut at the comma by the parser; the number written after it is the target
    assert [r.target for r in child.validity.relations if r.kind == "replaces"] == ["25/2004/QH11"]
    for key in ("luat", "bvmt", "bv"):
        assert registry.record(key, "2026-01-01").status not in NOT_IN_FORCE, key


def test_a_lower_rank_or_older_document_never_replaces():
    # a circular naming a decree, and a law naming a later law: both impossible, both ignored
    circular = record("tt", "01/2030/TT-BTP", "Thông tư", "X", "2030-01-01",
                      "Điều 9. Hiệu lực\nNghị định số 23/2015/NĐ-CP hết hiệu lực kể từ ngày Thông tư này có hiệu lực.")
    decree = record("nd", "23/2015/NĐ-CP", "Nghị định", "Y", "2015-02-16", "Điều 1. Phạm vi\nNghị định này.")
    old = record("old", "10/2010/QH12", "Luật", "Cũ", "2010-06-01",
                 "Điều 9. Hiệu lực\nLuật số 20/2020/QH14 hết hiệu lực kể từ ngày Luật này có hiệu lực.")
    new = record("new", "20/2020/QH14", "Luật", "Mới", "2020-06-01", "Điều 1. Phạm vi\nLuật này.")
    registry = ValidityRegistry([circular, decree, old, new])
    assert list(registry.incoming()) == []
    assert registry.record("nd", "2031-01-01").status == IN_FORCE
    assert registry.record("new", "2031-01-01").status == IN_FORCE
    # the same sentence in a decree of equal rank does end it
    successor = record("nd2", "01/2030/NĐ-CP", "Nghị định", "Z", "2030-01-01", circular.validity.relations[0].evidence)
    registry = ValidityRegistry([successor, decree])
    assert registry.record("nd", "2031-01-01").status == EXPIRED


def test_a_transition_period_is_not_the_end_of_the_law():
    text = ("Điều 22. Mức hưởng\nb) Tại bệnh viện tuyến tỉnh là 60% chi phí điều trị nội trú từ ngày Luật này "
            "có hiệu lực đến ngày 31 tháng 12 năm 2020; 100% chi phí từ ngày 01 tháng 01 năm 2021.")
    assert extract_validity(text).effective_to is None
    assert extract_validity("Điều 9. Hiệu lực\nLuật này có hiệu lực đến hết ngày 31 tháng 12 năm 2020.").effective_to == "2020-12-31"
