"""Hướng dẫn sử dụng: the clerk's guide (docs/user-guide.md), shown inside the app."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"

try:
    st.markdown(GUIDE.read_text(encoding="utf-8"))
except OSError:
    st.info("Chưa có tệp hướng dẫn sử dụng (docs/user-guide.md).")
