from pathlib import Path

from ingest.loaders import parse_header
from ingest.metadata import document_from, iso_date
from ingest.structure import build_units, parse_articles

DECREE = """NGHỊ ĐỊNH
Số: 99/2030/NĐ-CP
QUY ĐỊNH VỀ THỬ NGHIỆM

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về thử nghiệm.

Điều 2. Thời hạn giải quyết
1. Thời hạn giải quyết là 05 ngày làm việc
kể từ ngày nhận đủ hồ sơ.
2. Hồ sơ gồm:
a) Tờ khai;
b) Bản sao giấy tờ tùy thân.
3. Lệ phí là 200.000 đồng.

Chương II
ĐIỀU KHOẢN THI HÀNH

Điều 3. Hiệu lực thi hành
Nghị định này có hiệu lực kể từ ngày 01 tháng 7 năm 2030.
"""


def lines(text: str):
    return [(line, None) for line in text.splitlines()]


def test_articles_clauses_and_chapters():
    articles = parse_articles(lines(DECREE))
    assert [a.number for a in articles] == ["1", "2", "3"]
    assert articles[1].title == "Thời hạn giải quyết"
    assert articles[0].chapter == "Chương I. QUY ĐỊNH CHUNG"
    assert articles[2].chapter == "Chương II. ĐIỀU KHOẢN THI HÀNH"
    assert [c.number for c in articles[1].clauses] == ["1", "2", "3"]


def test_broken_lines_rejoin_and_points_stay_in_clause():
    doc = document_from(Path("x.txt"), {}, DECREE)
    units = build_units(doc, parse_articles(lines(DECREE)))
    by_address = {u.address: u for u in units}
    assert "kể từ ngày nhận đủ hồ sơ" in by_address["Khoản 1 Điều 2"].text
    assert "b) Bản sao giấy tờ tùy thân." in by_address["Khoản 2 Điều 2"].text
    assert by_address["Điều 1"].clause is None  # article without clauses stays whole
    assert by_address["Khoản 3 Điều 2"].citation.startswith("Khoản 3 Điều 2 Nghị định")


def test_metadata_from_text():
    doc = document_from(Path("x.txt"), {}, DECREE)
    assert doc.doc_number == "99/2030/NĐ-CP"
    assert doc.doc_type == "Nghị định"
    assert doc.key == "99-2030-NĐ-CP"


def test_numbered_line_that_breaks_sequence_is_not_a_clause():
    text = "Điều 5. Mức thu\n1. Mức thu như sau:\n2030. năm áp dụng\n2. Khoản hai."
    art = parse_articles(lines(text))[0]
    assert [c.number for c in art.clauses] == ["1", "2"]
    assert "2030. năm áp dụng" in art.clauses[0].lines


def test_long_clause_is_split_with_overlap_and_keeps_address():
    text = "Điều 9. Dài\n1. " + " ".join(f"từ{i}" for i in range(800))
    doc = document_from(Path("y.txt"), {}, text)
    units = build_units(doc, parse_articles(lines(text)), max_chars=1000, overlap=100)
    assert len(units) > 2
    assert {u.address for u in units} == {"Khoản 1 Điều 9"}
    assert [u.chunk for u in units] == list(range(len(units)))
    assert units[0].text[-50:] in units[0].text and units[1].text.split()[0] in units[0].text


def test_corpus_header_and_dates(shared_data):
    text = (shared_data / "corpus" / "60-2014-QH13.md").read_text(encoding="utf-8")
    header, body = parse_header(text)
    assert header["so_hieu"] == "60/2014/QH13"
    doc = document_from(Path("60-2014-QH13.md"), header, body)
    assert doc.label == "Luật Hộ tịch 60/2014/QH13"
    assert doc.issued_date == "2014-11-20"
    articles = parse_articles([(ln, None) for ln in body.splitlines()])
    assert len(articles) == 77
    assert iso_date("ngày 01 tháng 7 năm 2030") == "2030-07-01"
