"""Upload checks: type by content, size cap, safe names."""

import pytest

from ingest.catalog import check_upload, record_results, load_failures, safe_filename, save_upload
from ingest.pipeline import FileResult
from rag.config import load_settings
from rag.errors import InputError


@pytest.fixture
def settings(tmp_path):
    return load_settings(index_dir=tmp_path / "index", documents_dir=tmp_path / "docs", max_file_mb=0.001)


def test_safe_filename_strips_folders_and_odd_characters():
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("C:\\Users\\a\\Nghị định 23.PDF") == "Nghị định 23.pdf"
    assert safe_filename("<script>.md") == "script.md"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("a.exe", b"MZ...", "không được hỗ trợ"),
        ("a.pdf", b"khong phai pdf", "không phải tệp .pdf"),
        ("a.txt", b"%PDF-1.4 ...", "không khớp với đuôi .txt"),
        ("a.txt", b"  \n ", "tệp rỗng"),
        ("a.txt", b"x" * 2000, "quá lớn"),
        ("a.md", b"ab\x00cd", "nhị phân"),
    ],
)
def test_refused_uploads(settings, name, data, message):
    with pytest.raises(InputError, match=message):
        check_upload(name, data, settings)


def test_save_upload_never_overwrites_a_different_file(settings):
    first = save_upload("nd.txt", "Điều 1. Một".encode(), settings)
    again = save_upload("nd.txt", "Điều 1. Một".encode(), settings)
    other = save_upload("nd.txt", "Điều 1. Hai".encode(), settings)
    assert first == again and other.name == "nd-1.txt"
    assert first.read_text(encoding="utf-8") == "Điều 1. Một"


def test_failures_are_remembered_until_the_file_succeeds(settings):
    record_results(settings, [FileResult("/x/a.pdf", "failed", reason="PDF hỏng")])
    assert load_failures(settings)["/x/a.pdf"]["reason"] == "PDF hỏng"
    record_results(settings, [FileResult("/x/a.pdf", "added", "1/2020/NĐ-CP", "1-2020", 3)])
    assert load_failures(settings) == {}
