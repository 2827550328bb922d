"""The whole ../shared/data/pdf folder through `tthc ingest`, then `tthc search`/`ask` cite each file."""

from __future__ import annotations

import json

import pytest

from ui.cli import main

# (file, a question a clerk could ask, the document to find, whether it is a PDF)
QUESTIONS = [
    ("congbao_luat-can-cuoc-26-2023-QH15.pdf", "Thẻ căn cước công dân đã cấp trước ngày Luật Căn cước có hiệu lực dùng đến khi nào?", "26/2023/QH15"),
    ("luat-xu-ly-vi-pham-hanh-chinh-15-2012-QH13.pdf", "Thời hiệu xử lý vi phạm hành chính là bao lâu?", "15/2012/QH13"),
    ("congbao_nghi-dinh-38-2022-ND-CP.pdf", "Mức lương tối thiểu tháng vùng I là bao nhiêu?", "38/2022/NĐ-CP"),
    ("thong-tu-02-2021-TT-BTC.pdf", "Mức thu phí kiểm định phương tiện phòng cháy chữa cháy", "02/2021/TT-BTC"),
    ("luat-pccc-27-2001-QH10_mislabeled.docx", "Luật phòng cháy và chữa cháy năm 2001 quy định trách nhiệm phòng cháy của cơ quan, tổ chức và hộ gia đình", "27/2001/QH10"),
    ("nghi-dinh-23-2018-ND-CP.doc", "Số tiền bảo hiểm tối thiểu trong bảo hiểm cháy, nổ bắt buộc", "23/2018/NĐ-CP"),
    ("congvan_cuc-canh-sat-pccc_xin-y-kien_signed.pdf", "góp ý dự thảo tiêu chuẩn giày cho người thực hiện nhiệm vụ cứu nạn, cứu hộ", ""),
    ("scan_thong-tu-51-2025-TT-BCA.pdf", "Sửa đổi thông tư về cấp, thu hồi chứng nhận đăng ký xe, biển số xe năm 2025", "51/2025/TT-BCA"),
    ("scan_luat-40-2013-QH13-sua-doi-luat-pccc.pdf", "Luật sửa đổi luật phòng cháy chữa cháy 2013: trách nhiệm của chủ hộ gia đình", "40/2013/QH13"),
]


def run_json(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory, shared_data):
    index = tmp_path_factory.mktemp("pdfs") / "index"
    code = main(["--index", str(index), "ingest", str(shared_data / "pdf"), "--json"])
    assert code == 0
    return index


@pytest.mark.slow
def test_every_shared_file_ingests_and_is_found(pdf_index, shared_data, capsys):
    report = run_json(capsys, "--index", str(pdf_index), "ingest", str(shared_data / "pdf"), "--json")
    files = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert report["failed"] == 0 and report["unchanged"] == len(files) == 10
    # the ISO procedure file is indexed as a procedure card (issue 7), everything else as a document
    assert files["quy-trinh_QT01-CX-HCTP_dang-ky-khai-sinh.doc"]["kind"] == "procedures"
    assert files["scan_luat-40-2013-QH13-sua-doi-luat-pccc.pdf"]["ocr_pages"] == list(range(1, 12))
    for name, question, doc in QUESTIONS:
        hits = run_json(capsys, "--index", str(pdf_index), "search", question, "--top-k", "5", "--json")
        sources = [h["source"].rsplit("/", 1)[-1] for h in hits]
        assert name in sources, (name, question, [(h["doc"], h["article"]) for h in hits])
        hit = hits[sources.index(name)]
        if doc:
            assert hit["doc"] == doc
        if name.endswith(".pdf"):
            assert hit["page"] and hit["page"] >= 1


@pytest.mark.slow
def test_ask_cites_a_pdf_with_its_page(pdf_index, capsys):
    data = run_json(capsys, "--index", str(pdf_index), "ask",
                    "Chứng minh nhân dân còn hạn sử dụng đến sau ngày 31 tháng 12 năm 2024 thì có giá trị sử dụng đến khi nào?", "--json")
    assert not data["abstained"]
    first = data["citations"][0]
    assert (first["doc"], first["article"], first["clause"]) == ("26/2023/QH15", "Điều 46", "2")
    assert first["page"] == 30 and "31 tháng 12 năm 2024" in first["text"]
