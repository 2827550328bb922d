"""The validity override CSV: validation, upsert, atomic rewrite."""

import pytest

from rag.errors import InputError
from rag.validity.overrides import ValidityOverride, read_overrides, remove_override, write_override


def test_write_read_replace_remove(tmp_path):
    path = tmp_path / "data" / "validity.csv"
    write_override(path, ValidityOverride("23/2015/NĐ-CP", "còn hiệu lực", "2015-04-10", "", "  ghi   chú "))
    write_override(path, ValidityOverride("60/2014/QH13", "hết hiệu lực một phần"))
    write_override(path, ValidityOverride("23/2015/NĐ-CP", "hết hiệu lực", "2015-04-10", "2026-01-01"))
    rows = read_overrides(path)
    assert set(rows) == {"23/2015/NĐ-CP", "60/2014/QH13"}
    assert rows["23/2015/NĐ-CP"].status == "hết hiệu lực"
    assert rows["23/2015/NĐ-CP"].effective_to == "2026-01-01"
    assert path.read_text(encoding="utf-8").splitlines()[0] == "doc,status,effective_from,effective_to,note"
    assert remove_override(path, "60/2014/QH13") and not remove_override(path, "60/2014/QH13")
    assert list(read_overrides(path)) == ["23/2015/NĐ-CP"]
    assert not list(tmp_path.joinpath("data").glob(".validity-*"))  # no temp files left


@pytest.mark.parametrize(
    "override, message",
    [
        (ValidityOverride("", "còn hiệu lực"), "Thiếu số hiệu"),
        (ValidityOverride("1/2020/NĐ-CP", "hiệu lực"), "không hợp lệ"),
        (ValidityOverride("1/2020/NĐ-CP", "còn hiệu lực", "10/04/2015"), "yyyy-mm-dd"),
        (ValidityOverride("1/2020/NĐ-CP", "hết hiệu lực", "2020-01-02", "2020-01-01"), "phải sau"),
    ],
)
def test_bad_rows_are_refused_with_a_reason(tmp_path, override, message):
    with pytest.raises(InputError, match=message):
        write_override(tmp_path / "v.csv", override)
    assert not (tmp_path / "v.csv").exists()


def test_missing_file_is_empty(tmp_path):
    assert read_overrides(tmp_path / "none.csv") == {}


def test_unknown_columns_and_comments_survive_a_rewrite(tmp_path):
    path = tmp_path / "validity.csv"
    path.write_text(
        "# tệp ghi đè hiệu lực\ndoc,status,effective_from,effective_to,replaced_by,note\n"
        "1/2020/NĐ-CP,hết hiệu lực,,2024-01-01,2/2024/NĐ-CP,thay thế\n",
        encoding="utf-8",
    )
    write_override(path, ValidityOverride("60/2014/QH13", "còn hiệu lực"))
    write_override(path, ValidityOverride("1/2020/NĐ-CP", "hết hiệu lực", "", "2024-01-02"))
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "doc,status,effective_from,effective_to,note,replaced_by"
    assert "1/2020/NĐ-CP,hết hiệu lực,,2024-01-02,,2/2024/NĐ-CP" in text
    assert read_overrides(path)["60/2014/QH13"].status == "còn hiệu lực"
