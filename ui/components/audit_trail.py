"""The audit trail for administrators: chain check, recent answers, export for inspectors."""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from rag.governance.audit import AuditLog
from rag.config import Settings
from rag.errors import TthcError


def render_audit_trail(settings: Settings, limit: int = 200) -> None:
    """Chain status (answers and feedback entries), the latest answers (redacted questions only)
    and a JSONL export of every record."""
    st.subheader("Nhật ký kiểm toán")
    if not settings.audit_enabled:
        st.warning("Nhật ký kiểm toán đang tắt (TTHC_AUDIT_ENABLED=false).")
        return
    if not settings.audit_db.is_file():
        st.info("Chưa có câu trả lời nào được ghi nhật ký.", icon="📭")
        return
    try:
        audit = AuditLog(settings.audit_db, settings.audit_key)
        result = audit.verify()
    except TthcError as exc:
        st.error(str(exc))
        return
    if result.ok:
        st.success(f"Chuỗi băm toàn vẹn: {result.count} bản ghi. Băm cuối: `{result.head}`", icon="🔗")
    else:
        st.error(f"Nhật ký đã bị thay đổi ({len(result.problems)} lỗi).", icon="⚠️")
        st.text("\n".join(result.problems[:50]))
    since = st.date_input("Từ ngày", value=None, format="DD/MM/YYYY", key="audit-since")
    rows = audit.export(since.isoformat() if isinstance(since, dt.date) else None)
    answers = [r for r in rows if r.get("kind", "answer") == "answer"]  # feedback entries are listed above
    st.dataframe(
        [
            {
                "#": r["id"],
                "Thời gian (UTC)": r["ts"],
                "Người dùng": r["user"],
                "Vai trò": r["role"],
                "Câu hỏi (đã ẩn dữ liệu cá nhân)": r["question"],
                "Trích dẫn": "; ".join(
                    f"{u.get('address', '')} {u.get('doc', '')}" for u in r["units"] if u.get("cited")
                ),
                "Chế độ": r["mode"],
                "Từ chối trả lời": "có" if r["abstained"] else "",
            }
            for r in reversed(answers[-limit:])
        ],
        hide_index=True,
    )
    st.download_button(
        "Tải nhật ký (JSONL) cho thanh tra",
        data="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
        file_name=f"nhat-ky-kiem-toan-{dt.date.today().isoformat()}.jsonl",
        mime="application/jsonl",
    )
