"""Shared states and badges: index readiness, validity badges, the signed-in user's role."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rag.errors import IndexLocked, IndexUnavailable, TthcError
from ui.resources import get_engine, get_settings

# status class → (icon, short label, st.badge colour)
BADGES = {
    "in_force": ("🟢", "Còn hiệu lực", "green"),
    "partly": ("🟡", "Hết hiệu lực một phần / được sửa đổi", "orange"),
    "expired": ("🔴", "Hết hiệu lực", "red"),
    "not_yet": ("🔵", "Chưa có hiệu lực", "blue"),
    "unknown": ("⚪", "Chưa rõ hiệu lực", "gray"),
}


def status_class(status: str | None) -> str:
    """Map a free-text tình trạng to one badge class (unknown unless clearly stated)."""
    s = (status or "").strip().lower()
    if not s or s.startswith("không") or "cần kiểm tra" in s or "không rõ" in s:
        return "unknown"
    if "một phần" in s or "sửa đổi" in s or "bổ sung" in s:
        return "partly"
    if s.startswith("hết hiệu lực") or "bị thay thế" in s or "bãi bỏ" in s:
        return "expired"
    if s.startswith("chưa có hiệu lực"):
        return "not_yet"
    if s.startswith("còn hiệu lực") or s == "có hiệu lực":
        return "in_force"
    return "unknown"


def badge_text(status: str | None) -> str:
    icon, label, _ = BADGES[status_class(status)]
    return f"{icon} {label}"


def show_badge(status: str | None) -> None:
    icon, label, color = BADGES[status_class(status)]
    st.badge(label, icon=icon, color=color, help=f"Tình trạng ghi nhận: {status or 'không rõ'}")


@dataclass(frozen=True)
class IndexState:
    kind: str  # ready | empty | locked | error
    message: str = ""
    documents: int = 0
    units: int = 0


def index_state() -> IndexState:
    """Open the shared engine (spinner while loading) and say whether questions can be asked."""
    try:
        engine = get_engine()
        units = engine.store.unit_count()
    except IndexLocked as exc:
        return IndexState("locked", str(exc))
    except (IndexUnavailable, TthcError) as exc:
        return IndexState("error", str(exc))
    if units == 0:
        return IndexState("empty")
    return IndexState("ready", documents=len(engine.store.document_records()), units=units)


def show_index_problem(state: IndexState, admin: bool) -> None:
    """A clear message for a non-ready index (never a traceback)."""
    settings = get_settings()
    if state.kind == "empty":
        hint = (
            "vào trang **Văn bản** để tải tệp lên và nạp, hoặc "
            if admin
            else "hãy nhờ quản trị viên nạp văn bản, hoặc "
        )
        st.info(
            "Chưa có văn bản nào trong chỉ mục: "
            + hint
            + f"chép tệp (PDF, Markdown, TXT) vào thư mục `{settings.documents_dir}` rồi chạy `make run`, "
            f"hoặc nạp bằng lệnh `tthc ingest THƯ_MỤC --index {settings.index_dir}`.",
            icon="📭",
        )
    elif state.kind == "locked":
        st.error(
            "Chỉ mục đang bị một tiến trình khác giữ (thường là một lệnh `tthc` đang chạy). "
            "Hãy đợi lệnh đó kết thúc rồi bấm **Thử lại**.",
            icon="🔒",
        )
        st.caption(state.message)
        st.button("Thử lại", key="retry-index", icon=":material/refresh:")
    else:
        st.error(f"Không mở được chỉ mục: {state.message}", icon="⚠️")
        st.button("Thử lại", key="retry-index", icon=":material/refresh:")
