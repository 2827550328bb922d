"""Shared by the UI tests: the app's engine release, and a small decree to upload."""

from __future__ import annotations

import sys

import pytest

# A decree that is not in the corpus slice: uploaded through the Văn bản page, then asked about.
DECREE = """NGHỊ ĐỊNH
Số: 99/2026/NĐ-CP
QUY ĐỊNH VỀ CẤP THẺ THƯ VIỆN XÃ

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định việc cấp thẻ thư viện tại xã.

Điều 2. Lệ phí cấp thẻ thư viện
1. Lệ phí cấp thẻ thư viện xã là 15.000 đồng mỗi thẻ.
2. Người cao tuổi được miễn lệ phí cấp thẻ thư viện.
"""


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's AppTest runs its script as ``__main__`` and leaves it in ``sys.modules``: a parse
    worker spawned later in the same session would re-run that script and die. Put ours back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def release_engine():
    """Close the app's cached engine (and its index lock) after the test."""
    yield
    import streamlit as st

    from ui.resources import get_engine

    try:
        get_engine().close()
    finally:
        st.cache_resource.clear()
