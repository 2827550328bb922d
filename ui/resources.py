"""Process-wide resources for the Streamlit app (one engine, one Qdrant client per process).

An embedded Qdrant folder is locked by the process that opens it, so every page — asking,
ingesting, removing, editing validity — goes through the one ``Engine`` cached here, and
writes are serialised by one lock.
"""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from ingest.pipeline import Ingestor
from rag.config import Settings, load_settings
from rag.engine import Engine

log = logging.getLogger(__name__)
_OPENED: list[Engine] = []  # engines get_engine built in this process (closed by release_all)


@st.cache_resource(show_spinner=False)
def get_settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner="Đang tải mô hình và chỉ mục… (lần đầu có thể mất vài giây)")
def get_engine() -> Engine:
    """The shared engine, opened and warmed up (client, collections, embedding model).

    Raises ``IndexUnavailable`` (e.g. locked by a running `tthc` command); not cached then,
    so the next rerun tries again.
    """
    started = time.perf_counter()
    engine = Engine(get_settings(), create=True)
    engine.store.exists()  # opens the client: a locked index fails here, not mid-question
    engine.embedder.embed_queries(["khởi động"])  # load the model before the first question
    log.info("engine ready in %.1f s", time.perf_counter() - started)
    _OPENED.append(engine)
    return engine


@st.cache_resource(show_spinner=False)
def engine_lock() -> threading.RLock:
    """Held while the index is written (ingest, remove, validity edits)."""
    return threading.RLock()


@st.cache_resource(show_spinner="Đang chuẩn bị bộ nạp văn bản…")
def get_ingestor() -> Ingestor:
    """The ingestor over the app's own engine (never a second client on the same index)."""
    engine = get_engine()
    return Ingestor(engine.settings, engine.store, engine.embedder)


def release_all() -> None:
    """Close every engine this process opened and forget all cached resources (tests, reloads)."""
    while _OPENED:
        _OPENED.pop().close()
    st.cache_resource.clear()
