"""Validity through the product's commands on a real index: Luật Tố cáo 2018 next to the decree that once
"repealed" it in our output (NĐ 31/2019 ends NĐ 76/2012, not the law), invented law years, reform notices."""

from __future__ import annotations

import io
import json

import pytest

from tests.conftest import CORPUS, slice_plus
from ui.cli import main

EXTRA = [CORPUS / "25-2018-QH14.md", CORPUS / "31-2019-ND-CP.md"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def toco_index(slice_index, tmp_path_factory):
    return slice_plus(slice_index, tmp_path_factory.mktemp("toco"), EXTRA)


def run(capsys, monkeypatch, index, *args, stdin: str | None = None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(["--index", str(index), *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_luat_to_cao_is_in_force(toco_index, capsys, monkeypatch):
    data = run(capsys, monkeypatch, toco_index, "validity", "25/2018/QH14", "--json", "--as-of", "2026-06-01")
    assert data["status"] == "còn hiệu lực" and data["replaced_by"] == [] and data["effective_to"] is None
    claim = "Theo khoản 1 Điều 30 Luật Tố cáo 2018, thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ lý tố cáo."
    default = run(capsys, monkeypatch, toco_index, "check", "-", "--as-of", "2026-06-01", stdin=claim)
    flagged = run(capsys, monkeypatch, toco_index, "check", "-", "--json", "--as-of", "2026-06-01", stdin=claim)
    assert default == flagged
    assert [(c["verdict"], c["doc"], c["article"]) for c in default] == [("correct", "25/2018/QH14", "Điều 30")]


def test_invented_year_is_a_nonexistent_document(toco_index, capsys, monkeypatch):
    text = ("Theo Điều 16 Luật Hộ tịch năm 2019, người đi đăng ký khai sinh nộp tờ khai và giấy chứng sinh. "
            "Theo Điều 30 Luật Tố cáo 2011, thời hạn giải quyết tố cáo là 60 ngày.")
    found = run(capsys, monkeypatch, toco_index, "check", "-", stdin=text)
    assert [c["verdict"] for c in found] == ["nonexistent_document", "unverifiable"]
    assert "Luật Hộ tịch 60/2014/QH13" in found[0]["suggestion"]
    # Luật Tố cáo 03/2011/QH13 exists (25/2018/QH14 Điều 67 ends it): not indexed, so unverifiable
    assert "03/2011/QH13" in found[1]["evidence"] and "không có trong chỉ mục" in found[1]["evidence"]
    assert "Theo Luật Tố cáo 25/2018/QH14, văn bản 03/2011/QH13 đã hết hiệu lực từ 2019-01-01" in found[1]["evidence"]


def test_reform_notice_on_district_level_citations(toco_index, capsys, monkeypatch):
    question = "Phòng Tư pháp có thẩm quyền chứng thực những việc gì?"
    after = run(capsys, monkeypatch, toco_index, "ask", question, "--json", "--as-of", "2025-08-01")
    district = [c for c in after["citations"] if "Phòng Tư pháp" in c["text"] or "cấp huyện" in c["text"]]
    assert district, [c["citation"] for c in after["citations"]]
    assert all(c["notices"] and "không còn cấp huyện" in c["notices"][0] for c in district)
    assert any(w.startswith(f"Trích dẫn [{district[0]['n']}]") for w in after["warnings"])
    before = run(capsys, monkeypatch, toco_index, "ask", question, "--json", "--as-of", "2025-06-01")
    assert before["citations"] and all(c["notices"] == [] for c in before["citations"]), before["citations"]
    assert not any("cấp huyện" in w for w in before["warnings"])
    claim = "Theo Điều 5 Nghị định 23/2015/NĐ-CP, Phòng Tư pháp cấp huyện chứng thực bản sao từ bản chính."
    checked = run(capsys, monkeypatch, toco_index, "check", "-", "--as-of", "2025-08-01", stdin=claim)
    assert checked[0]["notices"] and "Sở Tư pháp" in checked[0]["notices"][0]
