"""Page logic through Streamlit's AppTest (real engine on the corpus slice)."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from rag.governance.audit import AuditLog
from tests.conftest import ROOT, SHARED
from tests.ui.conftest import DECREE

APP = str(ROOT / "ui" / "app.py")
QUESTION = "Thời hạn đăng ký khai sinh cho con là bao lâu?"


_OPEN: dict[str, str | None] = {"index": None}  # index dir the app's cached engine was built for


@pytest.fixture
def release_engine():
    """The app caches one engine (and the embedded index lock) per process.

    Tests on the same index share it (loading the model once); switching index closes it.
    Settings are re-read for every test (each has its own validity file).
    """
    from ui.resources import get_settings, release_all

    want = os.environ.get("TTHC_INDEX_DIR")
    if _OPEN["index"] != want:
        release_all()
        _OPEN["index"] = want
    get_settings.clear()
    yield
    get_settings.clear()


@pytest.fixture(scope="module", autouse=True)
def _close_app_engine_after_module():
    yield
    from ui.resources import release_all

    release_all()
    _OPEN["index"] = None


@pytest.fixture
def app_files(tmp_path, monkeypatch):
    """Validity file and documents folder of this test only (the audit log is the session's)."""
    monkeypatch.setenv("TTHC_VALIDITY_FILE", str(tmp_path / "validity.csv"))
    monkeypatch.setenv("TTHC_DOCUMENTS_DIR", str(tmp_path / "documents"))
    return tmp_path


@pytest.fixture
def writable_index(slice_index, tmp_path, monkeypatch):
    """A private copy of the slice index the test may change."""
    index = tmp_path / "index"
    shutil.copytree(slice_index, index)
    monkeypatch.setenv("TTHC_INDEX_DIR", str(index))
    return index


def chip_labels(pills) -> list[str]:
    """Chip labels as shown (document parts are markdown-escaped in the widget)."""
    return [o.replace("\\", "") for o in pills.options]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def test_answer_chips_open_highlighted_passage(index_env, app_files, release_engine):
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert at.title[0].value.startswith("Hỏi đáp")
    ask(at, QUESTION)
    chips = at.pills[0]
    assert chip_labels(chips)[0].startswith("[1] Khoản 1 Điều 15 · 60/2014/QH13")
    assert not any("yellow-background" in m.value for m in at.markdown)  # closed until clicked
    chips.set_value(1).run()
    assert not at.exception
    highlighted = [m.value for m in at.markdown if ":yellow-background[" in m.value]
    assert highlighted and "60 ngày" in highlighted[0].split(":yellow-background[")[1].split("]")[0]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("60/2014/QH13 › Chương II") for c in captions)
    assert any("Số hiệu\\: 60/2014/QH13" in c for c in captions)
    assert [d.label for d in at.download_button] == ["DOCX", "PDF"]
    # the copy box holds the answer with its numbered citations
    assert "[1] Khoản 1 Điều 15 Luật Hộ tịch 60/2014/QH13" in at.code[0].value


def test_feedback_is_stored_in_the_audit_log_with_its_answer(index_env, app_files, release_engine):
    at = AppTest.from_file(APP, default_timeout=180).run()
    ask(at, QUESTION)
    answer_record = at.session_state["messages"][-1]["audit_id"]
    at.feedback[0].set_value(0).run()
    assert not at.exception
    at.text_input[0].set_value("Thiếu trường hợp quá hạn, gọi 0912345678")
    [b for b in at.form_submit_button if b.label == "Gửi góp ý"][0].click().run()
    assert not at.exception
    audit = AuditLog(os.environ["TTHC_AUDIT_DB"])  # the session's log (tests/conftest.py)
    rows = [r for r in audit.export() if answer_record in (r["id"], r["ref"])]
    assert [(r["kind"], r["ref"], r["rating"]) for r in rows] == [
        ("answer", None, None), ("feedback", answer_record, "down"), ("feedback", answer_record, "down")
    ]
    assert rows[0]["id"] == answer_record and rows[0]["question"] == QUESTION
    assert rows[2]["comment"] == "Thiếu trường hợp quá hạn, gọi [SĐT]"  # redacted like questions
    assert audit.verify().ok
    # the admin log page lists it, joined to the answer it rates
    at.switch_page("views/audit.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    table = table[table["Câu trả lời #"] == answer_record]
    assert list(table["Góp ý"]) == ["Thiếu trường hợp quá hạn, gọi [SĐT]"]
    assert list(table["Đánh giá"]) == ["👎"]
    assert list(table["Câu hỏi (đã ẩn dữ liệu cá nhân)"]) == [QUESTION]
    assert list(table["Câu trả lời #"]) == [answer_record]
    assert table["Trích dẫn"][0].startswith("Khoản 1 Điều 15")
    assert "Chuỗi băm toàn vẹn" in at.success[0].value
    [s for s in at.selectbox if s.label == "Đánh giá"][0].set_value("👍 Hữu ích").run()
    assert answer_record not in set(at.dataframe[0].value.get("Câu trả lời #", []))


def test_document_type_filter_restricts_retrieval(index_env, app_files, release_engine):
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert set(at.multiselect[0].options) == {"Luật", "Nghị định"}
    at.multiselect[0].set_value(["Nghị định"]).run()
    ask(at, "Chứng thực bản sao từ bản chính cần giấy tờ gì?")
    assert at.pills, "expected an answer with citations"
    labels = chip_labels(at.pills[0])
    assert labels and all("23/2015/NĐ-CP" in o for o in labels), labels
    at.multiselect[0].set_value(["Luật"]).run()
    ask(at, QUESTION)
    labels = chip_labels(at.pills[-1])
    assert labels and all("60/2014/QH13" in o for o in labels), labels


def test_unrelated_question_abstains(index_env, app_files, release_engine):
    at = AppTest.from_file(APP, default_timeout=180).run()
    ask(at, "Giá vé xem phim tối nay là bao nhiêu?")
    assert any("Không tìm thấy căn cứ" in w.value for w in at.warning)
    assert not at.pills


def test_admin_pages_refuse_non_admins(index_env, app_files, release_engine):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["tthc_role"] = "clerk"
    at.run()
    assert not at.exception
    for admin_page in ("views/documents.py", "views/audit.py"):  # not even in the navigation
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(admin_page)
    at.session_state["tthc_role"] = "admin"
    at.run()
    at.switch_page("views/audit.py").run()
    assert at.title[0].value == "Nhật ký"


@pytest.fixture
def missing_index(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_INDEX_DIR", str(tmp_path / "none"))


def test_no_index_explains_how_to_add_documents(missing_index, app_files, release_engine):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "tthc ingest" in at.info[0].value and "Văn bản" in at.info[0].value
    assert not at.chat_input


def test_locked_index_shows_retry_not_traceback(writable_index, app_files, release_engine):
    from rag.config import load_settings
    from rag.index.store import open_client

    holder = open_client(load_settings(index_dir=writable_index))  # another owner of the lock
    try:
        at = AppTest.from_file(APP, default_timeout=120).run()
        assert not at.exception
        assert "tiến trình khác" in at.error[0].value
        assert at.button(key="retry-index").label == "Thử lại"
    finally:
        holder.close()


def test_documents_page_upload_ingest_edit_remove(writable_index, app_files, release_engine):
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page("views/documents.py").run()
    assert not at.exception
    assert at.title[0].value == "Văn bản"
    table = at.dataframe[0].value
    assert set(table["Số hiệu"]) == {"60/2014/QH13", "23/2015/NĐ-CP"}
    assert set(table["Số đoạn"]) == {192, 144}

    # a wrong type is refused by content, a real text file is ingested
    at.file_uploader[0].set_value(
        [("gia-mao.pdf", b"khong phai pdf", "application/pdf"), ("nd-99.txt", DECREE.encode(), "text/plain")]
    ).run()
    at.button(key="ingest-button").click().run()
    assert not at.exception
    assert "thêm mới: 1" in at.warning[0].value and "lỗi: 1" in at.warning[0].value
    # the numbers of `tthc ingest`'s progress: documents done/total, units (embedded now), rate
    numbers = [c.value for c in at.caption if c.value.startswith("Tiến độ lần nạp")]
    assert numbers and "2/2 văn bản" in numbers[0] and "đoạn/giây" in numbers[0], numbers
    written, embedded = re.search(r"(\d+) đoạn \((\d+) nhúng mới\)", numbers[0]).groups()
    assert int(written) == int(embedded) >= 2  # a new decree: every unit embedded now
    assert any("gia\\-mao\\.pdf" in m.value and "không" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert "99/2026/NĐ-CP" in set(table["Số hiệu"])
    assert (app_files / "documents" / "nd-99.txt").is_file()

    # edit validity → override file + badge in the list
    at.selectbox(key="doc-choice").set_value("99-2026-NĐ-CP").run()
    [s for s in at.selectbox if s.label == "Tình trạng hiệu lực"][0].set_value("hết hiệu lực")
    [b for b in at.form_submit_button if b.label == "Lưu tình trạng"][0].click()
    at.run()
    assert not at.exception
    assert "Đã lưu tình trạng" in at.success[0].value
    csv_text = (app_files / "validity.csv").read_text(encoding="utf-8")
    assert "99/2026/NĐ-CP,hết hiệu lực" in csv_text
    table = at.dataframe[0].value
    row = table[table["Số hiệu"] == "99/2026/NĐ-CP"].iloc[0]
    assert row["Tình trạng"].startswith("🔴") and row["Nguồn tình trạng"] == "tệp ghi đè"

    # ask about the new document: found, and gone when only in-force documents are wanted
    at.switch_page("views/ask.py").run()
    ask(at, "Lệ phí cấp thẻ thư viện xã là bao nhiêu?")
    assert chip_labels(at.pills[0])[0].startswith("[1] Khoản 1 Điều 2 · 99/2026/NĐ-CP")
    at.pills[0].set_value(1).run()
    assert any(m.value.startswith(":red-badge[🔴 Hết hiệu lực") for m in at.markdown)
    at.toggle(key="filter-in-force").set_value(True).run()
    ask(at, "Lệ phí cấp thẻ thư viện xã là bao nhiêu?")
    assert not any("99/2026" in o for p in at.pills[1:] for o in chip_labels(p))

    # take the override back: the row leaves the file, the status is read from the text again
    at.switch_page("views/documents.py").run()
    at.selectbox(key="doc-choice").set_value("99-2026-NĐ-CP").run()
    at.button(key="validity-reset").click().run()
    assert not at.exception
    assert "Đã bỏ ghi đè" in at.success[0].value
    assert "99/2026/NĐ-CP" not in (app_files / "validity.csv").read_text(encoding="utf-8")
    table = at.dataframe[0].value
    row = table[table["Số hiệu"] == "99/2026/NĐ-CP"].iloc[0]
    assert not row["Tình trạng"].startswith("🔴") and row["Nguồn tình trạng"] == "văn bản", row.to_dict()

    # remove it (and its uploaded file)
    at.selectbox(key="doc-choice").set_value("99-2026-NĐ-CP").run()
    at.checkbox(key="remove-file").check().run()
    at.checkbox(key="remove-confirm").check().run()
    at.button(key="remove-button").click().run()
    assert not at.exception
    assert "Đã gỡ 99/2026/NĐ-CP" in at.success[0].value
    assert "99/2026/NĐ-CP" not in set(at.dataframe[0].value["Số hiệu"])
    assert not (app_files / "documents" / "nd-99.txt").exists()


def test_documents_page_names_the_procedures_a_file_added(writable_index, app_files, release_engine):
    """A procedure file has no số hiệu: its result line names the cards read (code and name), never
    an empty bold number ("→ ****")."""
    lines = (SHARED / "procedures" / "cantho_sotuphap_quytrinh.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    records = [json.loads(line) for line in lines]
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page("views/documents.py").run()
    at.file_uploader[0].set_value(
        [("quy-trinh-ho-tich.jsonl", "\n".join(lines).encode(), "application/octet-stream")]
    ).run()
    at.button(key="ingest-button").click().run()
    assert not at.exception
    assert "thêm mới: 1" in at.success[0].value
    shown = [text for m in at.markdown if "quy-trinh-ho-tich.jsonl" in (text := m.value.replace("\\", ""))]
    assert len(shown) == 1, shown
    assert "****" not in shown[0] and "2 thủ tục" in shown[0], shown[0]
    for record in records:
        assert f"{record['ma_hieu_quy_trinh']} {record['ten_thu_tuc']}" in shown[0], shown[0]


def test_reform_notice_on_the_citation_card(index_env, app_files, release_engine, monkeypatch):
    from ui.resources import release_all

    monkeypatch.setenv("TTHC_AS_OF", "2025-08-01")  # after the 2025 two-level reform
    release_all()  # the cached engine was built for another validity date
    try:
        at = AppTest.from_file(APP, default_timeout=180).run()
        ask(at, "Phòng Tư pháp có thẩm quyền chứng thực những việc gì?")
        answer = at.session_state["messages"][-1]["answer"]
        flagged = [c.n for c in answer.citations if c.passage.badge and c.passage.badge.notices]
        assert flagged, [c.unit.citation for c in answer.citations]
        assert any("không còn cấp huyện" in c.value for c in at.caption)  # the answer's warnings
        at.pills[0].set_value(flagged[0]).run()
        assert not at.exception
        assert any("không còn cấp huyện" in w.value and "Sở Tư pháp" in w.value for w in at.warning)
    finally:
        release_all()
