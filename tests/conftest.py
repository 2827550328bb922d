"""Shared fixtures. Real data is read in place from ../shared/data (never copied)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared/data beside the checkout (a git worktree one level deeper finds it one level up).
SHARED = next(
    (p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.is_dir()),
    ROOT.parent / "shared" / "data",
)
CORPUS = SHARED / "corpus"
# A slice of the real corpus: Luật Hộ tịch and Nghị định 23/2015 (chứng thực).
SLICE = [CORPUS / "60-2014-QH13.md", CORPUS / "23-2015-ND-CP.md"]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, request):
    """Unit tests must not reach the network: only loopback connections are allowed."""
    if request.node.get_closest_marker("e2e"):
        return
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and sock.family != socket.AF_UNIX:
            raise OSError(f"network access blocked in tests: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED.is_dir(), f"shared data not found at {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def slice_index(tmp_path_factory) -> Path:
    """An index of the corpus slice, built once per test session through the real CLI."""
    from ui.cli import main

    index = tmp_path_factory.mktemp("slice") / "index"
    prebuilt = os.environ.get("TTHC_TEST_SLICE_INDEX")  # developer shortcut: copy a slice index built before
    if prebuilt:
        import shutil

        shutil.copytree(prebuilt, index, ignore=shutil.ignore_patterns(".lock"))
        return index
    assert main(["--index", str(index), "ingest", *map(str, SLICE)]) == 0
    return index


@pytest.fixture
def index_env(slice_index, monkeypatch) -> Path:
    monkeypatch.setenv("TTHC_INDEX_DIR", str(slice_index))
    return slice_index


# Procedure sources: the three shared JSONL files and the original Word procedure.
PROCEDURE_SOURCES = [SHARED / "procedures", SHARED / "pdf" / "quy-trinh_QT01-CX-HCTP_dang-ky-khai-sinh.doc"]


@pytest.fixture(scope="session")
def procedure_index(slice_index, tmp_path_factory) -> Path:
    """The corpus slice plus every shared procedure source, ingested through the real CLI."""
    import shutil

    from ui.cli import main

    index = tmp_path_factory.mktemp("procedures") / "index"
    shutil.copytree(slice_index, index)
    assert main(["--index", str(index), "ingest", *map(str, PROCEDURE_SOURCES)]) == 0
    return index
