"""One answer to "is it in force": the app's toggle, the CLI's --in-force and --filter tinh_trang go through
the validity service for the asked date, never through the status stored when the document was ingested."""

from __future__ import annotations

import json

import pytest

from rag.config import load_settings
from rag.text.csvfile import read_table
from rag.engine import Engine
from rag.errors import ConfigError
from rag.domain import SearchFilters
from rag.validity.reforms import load_reforms, reform_notices
from ui.cli import main

OLD_LAW = """LUẬT
Số: 01/2020/QH14
LUẬT THƯ VIỆN XÃ

Điều 1. Phạm vi điều chỉnh
Luật này quy định việc cấp thẻ thư viện xã.

Điều 2. Lệ phí cấp thẻ thư viện xã
Lệ phí cấp thẻ thư viện xã là 10.000 đồng mỗi thẻ.

Điều 3. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2021.
"""
NEW_LAW = """LUẬT
Số: 02/2024/QH15
LUẬT THƯ VIỆN CƠ SỞ

Điều 1. Phạm vi điều chỉnh
Luật này quy định việc cấp thẻ thư viện xã và thư viện phường.

Điều 2. Lệ phí cấp thẻ thư viện xã
Lệ phí cấp thẻ thư viện xã là 20.000 đồng mỗi thẻ.

Điều 3. Hiệu lực thi hành
1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2025.
2. Luật Thư viện xã số 01/2020/QH14 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.
"""
FUTURE_DECREE = """NGHỊ ĐỊNH
Số: 05/2030/NĐ-CP
QUY ĐỊNH CHI TIẾT VỀ THẺ THƯ VIỆN XÃ

Điều 1. Thời hạn cấp thẻ thư viện xã
Thẻ thư viện xã được cấp trong 03 ngày làm việc; lệ phí cấp thẻ thư viện xã nộp khi nhận thẻ.

Điều 2. Hiệu lực thi hành
Nghị định này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2030.
"""
QUESTION = "lệ phí cấp thẻ thư viện xã"


@pytest.fixture(scope="module")
def library_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("library")
    index = folder / "index"
    (folder / "old.txt").write_text(OLD_LAW, encoding="utf-8")
    assert main(["--index", str(index), "ingest", str(folder / "old.txt")]) == 0
    # later: the law replacing it, and a decree ingested years before it takes effect
    (folder / "new.txt").write_text(NEW_LAW, encoding="utf-8")
    (folder / "decree.txt").write_text(FUTURE_DECREE, encoding="utf-8")
    assert main(["--index", str(index), "ingest", str(folder / "new.txt"), str(folder / "decree.txt")]) == 0
    return index


def cli_search(capsys, index, *flags) -> list[tuple[str, str, str | None]]:
    capsys.readouterr()
    assert main(["--index", str(index), "search", QUESTION, "--top-k", "10", "--json", *flags]) == 0
    return [(h["doc"], h["article"], h["clause"]) for h in json.loads(capsys.readouterr().out)]


def test_app_toggle_and_cli_flag_return_the_same_units(library_index, capsys):
    engine = Engine(load_settings(index_dir=library_index, as_of="2031-01-01"))
    try:
        stored = {r.doc_number: r.ingested_status for r in engine.store.document_records()}
        app = engine.search(QUESTION, top_k=10, filters=SearchFilters(in_force=True))  # the app's toggle
        answer = engine.ask(QUESTION, filters=SearchFilters(in_force=True))
    finally:
        engine.close()
    # what ingestion froze: the decree "not yet", the old law "in force"
    assert stored["05/2030/NĐ-CP"] == "chưa có hiệu lực" and stored["01/2020/QH14"] == "còn hiệu lực"
    units = [(p.unit.document.doc_number, p.unit.article_label, p.unit.clause) for p in app]
    assert units == cli_search(capsys, library_index, "--in-force", "--as-of", "2031-01-01")
    docs = {doc for doc, _, _ in units}
    assert "05/2030/NĐ-CP" in docs and "02/2024/QH15" in docs and "01/2020/QH14" not in docs
    assert {c.unit.document.doc_number for c in answer.citations} <= docs - {"01/2020/QH14"}
    # the same question back in 2022: the old law only
    assert {d for d, _, _ in cli_search(capsys, library_index, "--in-force", "--as-of", "2022-06-01")} == {"01/2020/QH14"}


def test_status_filter_is_computed_for_the_date(library_index, capsys):
    expired = cli_search(capsys, library_index, "--filter", "tinh_trang=hết hiệu lực", "--as-of", "2031-01-01")
    assert expired and {d for d, _, _ in expired} == {"01/2020/QH14"}
    not_yet = cli_search(capsys, library_index, "--filter", "tinh_trang=chưa có hiệu lực", "--as-of", "2026-01-01")
    assert {d for d, _, _ in not_yet} == {"05/2030/NĐ-CP"}


def test_one_csv_reader_names_the_bad_line(tmp_path):
    bad = tmp_path / "validity.csv"
    bad.write_text("# comment\ndoc,status,note\n60/2014/QH13,còn hiệu lực,ok\n23/2015/NĐ-CP,hết hiệu lực,a,b\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"validity.csv:4: .*nhiều hơn"):
        read_table(bad, ("doc",), ("doc", "status", "note"), "tệp hiệu lực")
    from rag.validity.relations import load_overrides
    from rag.validity.overrides import read_overrides

    for reader in (load_overrides, read_overrides):  # both readers of the override file fail the same way
        with pytest.raises(ConfigError, match=r":4: "):
            reader(bad)


PASSAGE = "Phòng Tư pháp cấp huyện có thẩm quyền và trách nhiệm chứng thực bản sao từ bản chính."


def test_reform_notice_from_the_shipped_rules():
    rules = load_reforms()
    assert [r.id for r in rules] == ["hai-cap-2025"]
    notices = reform_notices(PASSAGE, "2015-02-16", "2025-07-01", rules)
    assert len(notices) == 1 and notices[0].phrase == "Phòng Tư pháp"
    assert "không còn cấp huyện" in notices[0].text and "Sở Tư pháp" in notices[0].text
    assert reform_notices(PASSAGE, "2015-02-16", "2025-06-30", rules) == ()  # before the reform
    assert reform_notices(PASSAGE, "2025-08-01", "2026-01-01", rules) == ()  # a text written after it
    assert reform_notices("ủy ban nhân dân cap huyen noi cu tru", None, "2026-01-01", rules)  # case, diacritics
    assert reform_notices("Ủy ban nhân dân cấp xã nơi cư trú", None, "2026-01-01", rules) == ()


def test_reform_rules_file_is_checked(tmp_path):
    rules = tmp_path / "reforms.csv"
    rules.write_text("id,from,phrases,notice,where\nx,01/07/2025,cấp huyện,n,w\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reforms.csv:2: ngày"):
        load_reforms(rules)
