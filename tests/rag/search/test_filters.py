"""Search filters: parsing the CLI form and checking document records."""

from __future__ import annotations

import pytest

from rag.errors import InputError
from rag.legal.records import DocumentRecord
from rag.search.filters import SearchFilters, parse_filters


def test_parses_vietnamese_and_english_keys_and_value_lists():
    f = parse_filters(["loai=Luật|Nghị định", "co_quan=Quốc hội", "so_hieu=60/2014/QH13", "status=còn hiệu lực"])
    assert f.doc_types == ("Luật", "Nghị định")
    assert f.issuers == ("Quốc hội",)
    assert f.doc_numbers == ("60/2014/QH13",)
    assert f.statuses == ("còn hiệu lực",)
    assert parse_filters(["Loại=Luật", "type=Thông tư"]).doc_types == ("Luật", "Thông tư")
    assert parse_filters(["cơ quan=Chính phủ"]).issuers == ("Chính phủ",)


def test_date_bounds_accept_year_month_or_day_and_are_inclusive():
    f = parse_filters(["tu_ngay=2015", "den_ngay=2016-06"])
    assert (f.issued_from, f.issued_to) == ("2015-01-01", "2016-06-31")
    def issued(date: str | None) -> DocumentRecord:
        return DocumentRecord("x", issued_date=date)

    assert f.allows(issued("2015-01-01")) and f.allows(issued("2016-06-30"))
    assert not f.allows(issued("2014-12-31")) and not f.allows(issued("2016-07-01"))
    assert not f.allows(issued(None))  # unknown date cannot satisfy a date filter


def test_empty_filters_allow_everything():
    f = parse_filters([])
    assert not f and f == SearchFilters()
    assert f.allows(DocumentRecord("x", doc_type="Luật"))
    assert not parse_filters(["loai=Nghị định"]).allows(DocumentRecord("x", doc_type="Luật"))


@pytest.mark.parametrize(
    "item, needle",
    [
        ("loai", "khóa=giá_trị"),
        ("mau=do", "Không biết bộ lọc"),
        ("loai=", "thiếu giá trị"),
        ("tu_ngay=01/01/2015", "YYYY"),
    ],
)
def test_bad_filters_get_one_line_reasons(item, needle):
    with pytest.raises(InputError, match=needle):
        parse_filters([item])
