"""Streamlit entry point: `streamlit run ui/app.py`."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run ui/app.py` puts ui/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

st.set_page_config(page_title="Trợ lý thủ tục hành chính", page_icon="⚖️", layout="wide")

PAGES = [
    st.Page("pages/ask.py", title="Hỏi đáp", icon="💬", url_path="hoi-dap", default=True),
    st.Page("pages/procedures.py", title="Thủ tục", icon="📋", url_path="thu-tuc"),
]

st.navigation(PAGES).run()
