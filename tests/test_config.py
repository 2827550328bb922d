"""A mistyped setting is one line naming it, in the CLI and in the app (no pydantic traceback)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rag.config import load_settings
from rag.errors import ConfigError
from tests.conftest import ROOT
from tests.ui.conftest import DECREE
from ui.cli import main


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TTHC_TOP_K", "abc"), ("TTHC_STORE_BACKEND", "edgy"), ("TTHC_OCR", "maybe"), ("TTHC_ROLE_ACCESS", "{bad"),
        ("TTHC_PASSAGE_ENGINE", "gpu"), ("TTHC_EMBEDDING_CACHE", "0"), ("TTHC_EMBEDDING_CACHE", "off"),
    ],
)
def test_cli_names_the_bad_setting_in_one_line(name, value, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(name, value)
    code = main(["--index", str(tmp_path / "index"), "search", "khai sinh"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "Cấu hình không hợp lệ" in err
    assert name in err or name.removeprefix("TTHC_").lower() in err


def test_a_bad_settings_file_is_named(monkeypatch, tmp_path):
    bad_value = tmp_path / "wrong-type.toml"
    bad_value.write_text('top_k = "năm"\n', encoding="utf-8")
    monkeypatch.setenv("TTHC_CONFIG", str(bad_value))
    with pytest.raises(ConfigError, match=r"top_k \(.*wrong-type.toml\)='năm'"):
        load_settings()
    broken = tmp_path / "broken.toml"
    broken.write_text("top_k = 5\n[", encoding="utf-8")
    monkeypatch.setenv("TTHC_CONFIG", str(broken))
    with pytest.raises(ConfigError, match="broken.toml"):
        load_settings()


def test_a_valid_setting_still_applies(monkeypatch):
    monkeypatch.setenv("TTHC_TOP_K", "7")
    assert load_settings().top_k == 7


def test_the_app_shows_one_line_instead_of_crashing(monkeypatch):
    from ui.resources import get_settings

    monkeypatch.setenv("TTHC_TOP_K", "abc")
    get_settings.clear()
    try:
        at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=60).run()
    finally:
        get_settings.clear()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Cấu hình không hợp lệ / invalid setting: TTHC_TOP_K='abc' — "
        "Input should be a valid integer, unable to parse string as an integer"
    ]


def test_the_embedding_cache_is_a_path_not_a_switch(monkeypatch, tmp_path, capsys):
    """``TTHC_EMBEDDING_CACHE=0`` once wrote a cache file named ``0`` in the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nd.txt").write_text(DECREE, encoding="utf-8")
    monkeypatch.setenv("TTHC_EMBEDDING_CACHE", "0")
    assert main(["--index", str(tmp_path / "index"), "ingest", str(tmp_path / "nd.txt")]) == 1
    err = capsys.readouterr().err
    assert "TTHC_EMBEDDING_CACHE='0'" in err and "not a switch" in err, err
    assert not (tmp_path / "0").exists()
    monkeypatch.setenv("TTHC_EMBEDDING_CACHE", str(tmp_path))  # a folder: sqlite cannot open it
    with pytest.raises(ConfigError, match="TTHC_EMBEDDING_CACHE=.* folder"):
        load_settings()
    monkeypatch.setenv("TTHC_EMBEDDING_CACHE", "")  # set but empty: the default, beside the index
    assert load_settings().embedding_cache is None
    monkeypatch.setenv("TTHC_EMBEDDING_CACHE", str(tmp_path / "shared.sqlite"))
    assert load_settings().embedding_cache == tmp_path / "shared.sqlite"
