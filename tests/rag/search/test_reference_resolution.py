"""Explicit references in questions → articles of the real corpus, and ranked first by search."""

from __future__ import annotations

import pytest

from ingest.loaders import load_file
from ingest.metadata import document_from
from rag.config import load_settings
from rag.engine import Engine
from rag.legal.records import DocumentRecord
from rag.legal.references import DocumentResolver
from rag.search.retrieval import Target, resolve_references
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def resolver() -> DocumentResolver:
    """Document records of the whole shared corpus, as ingestion writes them."""
    records = []
    for path in sorted(CORPUS.glob("*.md")):
        if path.name.startswith("_"):
            continue
        loaded = load_file(path)
        records.append(DocumentRecord.of(document_from(path, loaded.header, loaded.text)))
    assert len(records) >= 240
    return DocumentResolver(records)


KEY = {
    "hộ tịch": "60-2014-QH13",
    "chứng thực": "23-2015-NĐ-CP",
    "căn cước": "26-2023-QH15",
    "dân sự": "91-2015-QH13",
    "cư trú": "68-2020-QH14",
    "hôn nhân": "52-2014-QH13",
}


@pytest.mark.parametrize(
    "text, doc, article, clause, point",
    [
        ("Điều 15 Luật Hộ tịch", "hộ tịch", "15", None, None),
        ("điều 15 luật hộ tịch 2014 quy định gì?", "hộ tịch", "15", None, None),
        ("dieu 15 luat ho tich", "hộ tịch", "15", None, None),
        ("ĐIỀU 15 LUẬT HỘ TỊCH", "hộ tịch", "15", None, None),
        ("Điều 15 Luật số 60/2014/QH13", "hộ tịch", "15", None, None),
        ("khoản 2 điều 37 NĐ 23/2015", "chứng thực", "37", "2", None),
        ("Khoản 2 Điều 37 Nghị định số 23/2015/NĐ-CP", "chứng thực", "37", "2", None),
        ("khoan 2 dieu 37 nghi dinh 23/2015/ND-CP", "chứng thực", "37", "2", None),
        ("K2 Đ37 NĐ 23/2015/NĐ-CP", None, None, None, None),  # too terse to be a reference: ignored
        ("điểm a khoản 1 Điều 8 Luật Hôn nhân và gia đình", "hôn nhân", "8", "1", "a"),
        ("Theo Điều 9: Thực hiện quyền dân sự, trong Bộ luật dân sự 2015, ai được làm gì?", "dân sự", "9", None, None),
        ("Điều 20 Luật Căn cước năm 2023", "căn cước", "20", None, None),
        ("Điều 20 Luật Cư trú năm 2020", "cư trú", "20", None, None),
    ],
)
def test_article_references_resolve_to_the_unit(resolver, text, doc, article, clause, point):
    found = resolve_references(text, resolver)
    if doc is None:
        assert found.targets == ()
        return
    assert found.targets[0] == Target(KEY[doc], article, clause, point)


def test_article_lists_give_one_target_each(resolver):
    found = resolve_references("Điều 5, 6 và 7 Luật Cư trú", resolver)
    assert [t.article for t in found.targets] == ["5", "6", "7"]
    assert {t.doc_key for t in found.targets} == {KEY["cư trú"]}


@pytest.mark.parametrize(
    "text, doc",
    [
        ("Nghị định 23/2015/NĐ-CP quy định gì về chứng thực?", "chứng thực"),
        ("NĐ 23/2015 có hiệu lực khi nào", "chứng thực"),
        ("Luật Căn cước năm 2023 quy định cấp đổi thẻ thế nào", "căn cước"),
        ("Theo Luật Căn cước 2023 thì ai được cấp thẻ", "căn cước"),
        ("Theo Bộ luật Dân sự 2015, tài sản gồm những gì?", "dân sự"),
    ],
)
def test_document_mentions_resolve_to_the_document(resolver, text, doc):
    found = resolve_references(text, resolver)
    assert found.targets == ()
    assert found.documents == (KEY[doc],)


@pytest.mark.parametrize(
    "text",
    [
        "Điều 15 Luật Không Có Thật",  # no such law
        "Luật Căn cước năm 2014",  # the index has the 2023 law only
        "Điều 15 của Luật này",  # no document to resolve against
        "Thời hạn đăng ký khai sinh là bao lâu?",
    ],
)
def test_unresolvable_or_absent_references_give_nothing(resolver, text):
    found = resolve_references(text, resolver)
    assert found.targets == () and found.documents == ()


def test_rest_is_the_question_without_its_references(resolver):
    assert resolve_references("Điều 15 Luật Hộ tịch quy định gì?", resolver).rest == "quy định gì?"


# -- through the index --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(slice_index):
    e = Engine(load_settings(index_dir=slice_index))
    yield e
    e.close()


@pytest.mark.parametrize(
    "question, doc, article, clause",
    [
        ("khoản 2 điều 5 NĐ 23/2015", "23/2015/NĐ-CP", "5", "2"),
        ("Khoản 3 Điều 16 Luật Hộ tịch quy định gì?", "60/2014/QH13", "16", "3"),
        ("dieu 34 luat ho tich", "60/2014/QH13", "34", "1"),  # article alone: shown from its start
        ("Điều 12 Luật Hộ tịch nói gì về lệ phí chứng thực bản sao?", "60/2014/QH13", "12", None),
    ],
)
def test_explicit_references_rank_first_at_the_named_unit(engine, question, doc, article, clause):
    first = engine.retriever.search(question, top_k=5)[0]
    assert (first.unit.document.doc_number, first.unit.article) == (doc, article)
    if clause is not None:
        assert first.unit.clause == clause
    assert first.similarity is not None


def test_named_document_ranks_its_articles_first(engine):
    hits = engine.retriever.search("Luật Hộ tịch quy định gì về chứng thực chữ ký?", top_k=3)
    assert {p.unit.document.doc_number for p in hits} == {"60/2014/QH13"}


def test_a_reference_to_a_missing_article_does_not_break_search(engine):
    hits = engine.retriever.search("Điều 999 Luật Hộ tịch về khai sinh", top_k=3)
    assert len(hits) == 3 and all(p.unit.article != "999" for p in hits)
