"""Caches beside the index survive a process stopped mid-write (found in the app: a cut-short article table)."""

from __future__ import annotations

import pytest

from rag.search.cache import load_or_build, read_json_gz, write_json_gz

def save(data, path):  # the order load_or_build calls a cached object's save with
    write_json_gz(path, data)


TABLE = {"articles": {"60/2014/QH13|Điều 16": "Thời hạn đăng ký khai sinh"}, "df": {"khai": 3, "sinh": 5}}


def test_a_cache_cut_short_is_rebuilt_not_fatal(tmp_path):
    path = tmp_path / "articles-2-abc.json.gz"
    write_json_gz(path, TABLE)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # what a process killed while writing left behind
    with pytest.raises(EOFError):
        read_json_gz(path)
    (tmp_path / f".{path.name}.12345.tmp").write_bytes(whole[:100])  # and a write of ours that was cut short
    built = load_or_build(path, read_json_gz, lambda: TABLE, save, "articles-*.json.gz", "article table")
    assert built == TABLE
    assert read_json_gz(path) == TABLE  # rebuilt and saved whole
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_write_that_fails_leaves_the_old_cache_and_no_partial_file(tmp_path):
    path = tmp_path / "diacritics-1-abc.json.gz"
    write_json_gz(path, TABLE)
    with pytest.raises(TypeError):
        write_json_gz(path, {"ok": 1, "bad": object()})  # json.dump fails halfway through the stream
    assert read_json_gz(path) == TABLE
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_garbled_cache_is_rebuilt(tmp_path):
    path = tmp_path / "articles-2-def.json.gz"
    write_json_gz(path, TABLE)
    whole = path.read_bytes()
    path.write_bytes(whole[:10] + bytes([0xFF] * 20) + whole[30:])  # the deflate stream itself corrupted (zlib.error)
    assert load_or_build(path, read_json_gz, lambda: TABLE, save, "articles-*.json.gz", "table") == TABLE


def test_search_arrays_cut_short_are_rebuilt(tmp_path):
    from rag.index.unit_index import UnitIndex
    from rag.models.sparse import SparseVector

    built = UnitIndex.build([("u1", "60-2014-QH13", "16", [0.6, 0.8], SparseVector([3, 7], [1.0, 0.5]))])
    path = tmp_path / "search-arrays-abc.npz"
    built.save(path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # a disk fault or a copy cut short (the save itself is atomic)
    again = load_or_build(path, UnitIndex.load, lambda: built, UnitIndex.save, "search-arrays-*.npz", "search arrays")
    assert again.ids == ["u1"]
    assert UnitIndex.load(path).ids == ["u1"]
