"""Re-ingesting only costs what changed (embedding cache), and progress is visible in a log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from rag.config import load_settings
from rag.index.store import UnitStore, open_client, scroll_pages
from tests.conftest import CORPUS, ROOT
from ui.cli import main

LAW = CORPUS / "60-2014-QH13.md"  # Luật Hộ tịch: 77 articles, 192 units


def ingest_json(capsys, index: Path, *paths: Path) -> dict:
    code = main(["--index", str(index), "ingest", *map(str, paths), "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def dense_by_text(index: Path) -> dict[str, np.ndarray]:
    client = open_client(load_settings(index_dir=index))
    try:
        store = UnitStore(client)
        return {
            r.payload["text"]: np.asarray(r.vector["dense"])
            for page in scroll_pages(client, store.units, with_vectors=True)
            for r in page
        }
    finally:
        client.close()


def test_one_amended_article_reembeds_only_its_units(tmp_path, capsys, monkeypatch):
    law = tmp_path / LAW.name
    text = LAW.read_text(encoding="utf-8")
    law.write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    first = ingest_json(capsys, index, law)
    assert first["added"] == 1 and first["units_embedded"] == first["files"][0]["units"] > 150
    assert first["units_reused"] == 0

    amended = text.replace("Trong thời hạn 60 ngày kể từ ngày sinh con", "Trong thời hạn 90 ngày kể từ ngày sinh con")
    assert amended != text
    law.write_text(amended, encoding="utf-8")
    second = ingest_json(capsys, index, law)
    assert second["updated"] == 1
    assert 1 <= second["units_embedded"] <= 5
    assert second["units_embedded"] + second["units_reused"] == first["units_embedded"]
    assert second["files"][0]["embedded"] == second["units_embedded"]
    vectors = dense_by_text(index)
    changed = [t for t in vectors if "90 ngày kể từ ngày sinh con" in t]
    assert changed and not any("60 ngày kể từ ngày sinh con" in t for t in vectors)

    # A new index folder beside the same cache: nothing is embedded again, vectors are identical.
    monkeypatch.setenv("TTHC_EMBEDDING_CACHE", str(index / "embedding-cache.sqlite"))
    rebuilt = ingest_json(capsys, tmp_path / "rebuilt", law)
    assert rebuilt["added"] == 1 and rebuilt["units_embedded"] == 0
    assert rebuilt["units_reused"] == first["units_embedded"]
    again = dense_by_text(tmp_path / "rebuilt")
    assert all(np.array_equal(again[t], vectors[t]) for t in changed)


def test_progress_lines_when_output_is_not_a_terminal(tmp_path):
    """`tthc ingest … > log 2>&1`: a progress line every TTHC_PROGRESS_INTERVAL_S seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TTHC_PROGRESS_INTERVAL_S": "0.5"}
    files = [CORPUS / "60-2014-QH13.md", CORPUS / "23-2015-ND-CP.md", CORPUS / "01-2020-TT-BTP.md"]
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--index", str(tmp_path / "index"), "ingest", *map(str, files)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900, env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("tiến độ / progress:")]
    assert len(lines) >= 2, done.stderr
    last = lines[-1]
    assert "3/3 tệp / files" in last and "đoạn/giây / units/s" in last and "ETA" in last
    assert "\r" not in done.stderr  # no progress-bar redraws in a log file
    assert "units embedded" in done.stdout
