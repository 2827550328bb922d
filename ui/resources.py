"""Process-wide resources for the Streamlit app (one engine, one Qdrant client per process)."""

from __future__ import annotations

import streamlit as st

from rag.config import Settings, load_settings
from rag.engine import Engine


@st.cache_resource(show_spinner="Đang tải mô hình và chỉ mục…")
def get_engine() -> Engine:
    """The shared engine; the embedded index stays open for the life of the app."""
    return Engine(get_settings())


@st.cache_resource
def get_settings() -> Settings:
    return load_settings()
