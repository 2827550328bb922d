"""Văn bản (admin): upload and ingest files, list documents, re-ingest, remove, edit validity."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ingest.catalog import (
    OVERRIDDEN,
    DocumentRow,
    clear_validity,
    document_rows,
    record_results,
    reingest,
    remove_document,
    save_upload,
    set_validity,
)
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.progress import ProgressState
from rag.errors import InputError, TthcError
from rag.validity.overrides import STATUSES, ValidityOverride
from ui.components.access import require_admin
from ui.components.citation import escape_markdown
from ui.components.status import badge_text, index_state, show_index_problem
from ui.resources import engine_lock, get_engine, get_ingestor, get_settings

RESULT_LABELS = {
    "added": "Thêm mới", "updated": "Cập nhật", "unchanged": "Không đổi", "failed": "Lỗi", "internal": "Lỗi nội bộ",
}

st.title("Văn bản")
require_admin()
st.caption("Tải văn bản lên, nạp vào chỉ mục, sửa tình trạng hiệu lực, nạp lại hoặc gỡ bỏ văn bản.")

state = index_state()
if state.kind in ("locked", "error"):
    show_index_problem(state, admin=True)
    st.stop()
settings = get_settings()


def upload_section() -> None:
    st.subheader("Tải lên và nạp")
    suffixes = sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
    counter = st.session_state.setdefault("upload-counter", 0)
    files = st.file_uploader(
        f"Chọn tệp ({', '.join(suffixes).upper()}; tối đa {settings.max_file_mb:g} MB mỗi tệp)",
        type=suffixes,
        accept_multiple_files=True,
        key=f"uploader-{counter}",
    )
    if st.button("Nạp vào chỉ mục", type="primary", icon=":material/upload_file:", disabled=not files, key="ingest-button"):
        results = ingest_uploads(files)
        st.session_state["last-ingest"] = results
        st.session_state["upload-counter"] = counter + 1
        st.rerun()
    if results := st.session_state.get("last-ingest"):
        show_results(results)
        if numbers := st.session_state.get("last-ingest-progress"):
            st.caption(f"Tiến độ lần nạp vừa rồi: {numbers}")


def ingest_uploads(files) -> list[dict]:
    """Save each upload (type and size checked), then ingest it with a progress bar showing the
    numbers `tthc ingest` shows: documents done/total, units written (embedded now), units/s, ETA."""
    out: list[dict] = []
    bar = st.progress(0.0, text="Đang chuẩn bị…")
    progress = ProgressState(files_total=len(files), bytes_total=sum(upload.size for upload in files))

    def show(state: ProgressState) -> None:
        bar.progress(state.fraction, text=f"Đang nạp {state.current} — {state.text_vi()}")

    try:
        with st.spinner("Đang nạp văn bản…"):
            ingestor = get_ingestor()
            for upload in files:
                progress.current = upload.name
                show(progress)
                try:
                    path = save_upload(upload.name, upload.getvalue(), settings)
                except InputError as exc:
                    out.append({"file": upload.name, "status": "failed", "doc": "", "units": 0, "reason": str(exc),
                                "internal": False})
                    progress.files_done += 1
                    progress.bytes_done += upload.size
                    continue
                with engine_lock():
                    # one result per document (a JSONL may hold many)
                    results = ingestor.ingest([path], on_progress=show, progress=progress).results
                    record_results(settings, results)
                    get_engine().index_changed()
                out.extend(
                    {
                        "file": upload.name,
                        "status": result.status,
                        "doc": result.doc_number or result.doc_key,
                        "units": result.units,
                        "reason": result.reason,
                        "internal": result.internal_error,  # a bug in our code, not the file's fault
                        "kind": result.kind,
                        "procedures": result.procedures,  # a procedure file: its cards (no số hiệu)
                    }
                    for result in results
                )
        bar.progress(1.0, text=f"Đã nạp xong — {progress.text_vi()}")
        st.session_state["last-ingest-progress"] = progress.text_vi()
    except TthcError as exc:
        st.error(str(exc))
    return out


def show_results(results: list[dict]) -> None:
    counts = {k: sum(1 for r in results if _label(r) == k) for k in RESULT_LABELS}
    summary = ", ".join(f"{RESULT_LABELS[k].lower()}: {v}" for k, v in counts.items() if v)
    if counts["internal"]:
        st.error(f"Kết quả nạp — {summary}. Lỗi nội bộ là lỗi của phần mềm (đã ghi nhật ký), không phải của tệp: "
                 "xin báo cho người quản trị.", icon="⛔")
    elif counts["failed"]:
        st.warning(f"Kết quả nạp — {summary}.", icon="⚠️")
    else:
        st.success(f"Kết quả nạp — {summary}.", icon="✅")
    for r in results:
        # the reason names the file already ("nd.pdf: …"): shown once
        reason = r["reason"] if r["reason"].startswith(f"{r['file']}: ") else f"{r['file']}: {r['reason']}"
        if _label(r) == "internal":
            st.markdown(f"- ⛔ Lỗi nội bộ — {escape_markdown(reason)}")
        elif r["status"] == "failed":
            st.markdown(f"- ❌ {escape_markdown(reason)}")
        elif r.get("kind") == "procedures":
            label = RESULT_LABELS[r["status"]]
            st.markdown(f"- {label}: {escape_markdown(r['file'])} → {_procedures_line(r)}")
        else:
            st.markdown(
                f"- {RESULT_LABELS[r['status']]}: {escape_markdown(r['file'])} → "
                f"**{escape_markdown(r['doc'])}** ({r['units']} đoạn)"
            )


SHOWN_PROCEDURES = 3  # cards named on a result line; a larger file says how many more


def _procedures_line(result: dict) -> str:
    """"2 thủ tục: QT 01/CX-HCTP Đăng ký khai sinh; …" — the cards a procedure file holds, and the
    records of it that could not be read."""
    cards = result["procedures"]
    names = "; ".join(escape_markdown(f"{c['code']} {c['name']}".strip()) for c in cards[:SHOWN_PROCEDURES])
    more = f" … (+{len(cards) - SHOWN_PROCEDURES})" if len(cards) > SHOWN_PROCEDURES else ""
    skipped = f" — bỏ qua: {escape_markdown(result['reason'])}" if result["reason"] else ""
    return f"**{len(cards)} thủ tục**" + (f": {names}{more}" if cards else "") + skipped


def _label(result: dict) -> str:
    return "internal" if result.get("internal") else result["status"]


def _date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return ""


def _ingested(value: str) -> str:
    try:
        return dt.datetime.fromisoformat(value).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return ""


def list_section(rows: list[DocumentRow]) -> None:
    st.subheader(f"Danh sách văn bản ({sum(1 for r in rows if r.key)})")
    if not rows:
        st.info("Chỉ mục chưa có văn bản nào. Hãy tải tệp lên ở trên.", icon="📭")
        return
    query = st.text_input("Tìm theo số hiệu hoặc tên", key="doc-filter", placeholder="Ví dụ: 23/2015")
    q = query.strip().lower()
    shown = [r for r in rows if not q or q in f"{r.doc_number} {r.title} {r.key} {r.source}".lower()]
    table = [
        {
            "Số hiệu": r.doc_number or r.key or "—",
            "Loại": r.doc_type,
            "Tên": r.title,
            "Tình trạng": badge_text(r.status) if r.key else "",
            "Nguồn tình trạng": r.status_from,
            "Hiệu lực từ": _date(r.effective_from),
            "Hết hiệu lực": _date(r.effective_to),
            "Số đoạn": r.units,
            "Ngày nạp": _ingested(r.ingested_at),
            "Lỗi": r.error,
        }
        for r in shown
    ]
    st.dataframe(table, hide_index=True, width="stretch")
    failed = [r for r in shown if r.error and not r.key]
    if failed:
        st.caption(f"❌ {len(failed)} tệp nạp lỗi lần gần nhất (xem cột Lỗi).")


def manage_section(rows: list[DocumentRow]) -> None:
    docs = [r for r in rows if r.key]
    if not docs:
        return
    st.subheader("Thao tác với một văn bản")
    by_key = {r.key: r for r in docs}
    key = st.selectbox(
        "Chọn văn bản",
        list(by_key),
        format_func=lambda k: f"{by_key[k].doc_number or k} — {by_key[k].doc_type} {by_key[k].title}".strip(),
        key="doc-choice",
    )
    row = by_key[key]
    tab_validity, tab_reingest, tab_remove = st.tabs(["Hiệu lực", "Nạp lại", "Gỡ bỏ"])
    with tab_validity:
        validity_form(row)
    with tab_reingest:
        st.caption(f"Đọc lại tệp gốc `{row.source}` và dựng lại toàn bộ các đoạn của văn bản.")
        if st.button("Nạp lại văn bản này", icon=":material/sync:", key="reingest-button"):
            try:
                with st.spinner("Đang nạp lại…"), engine_lock():
                    result = reingest(get_ingestor(), key)
                    get_engine().index_changed()
            except TthcError as exc:
                st.error(str(exc))
            else:
                if result.status == "failed":
                    st.error(f"Nạp lại thất bại: {result.reason}")
                else:
                    st.session_state["flash"] = f"Đã nạp lại {row.doc_number or key} ({result.units} đoạn)."
                    st.rerun()
    with tab_remove:
        delete_file = st.checkbox(
            "Xóa cả tệp gốc trong thư mục văn bản (nếu không, lần chạy `make run` sau sẽ nạp lại)",
            key="remove-file",
        )
        confirm = st.checkbox(f"Tôi xác nhận gỡ {row.doc_number or key} khỏi chỉ mục", key="remove-confirm")
        if st.button("Gỡ bỏ", type="primary", icon=":material/delete:", disabled=not confirm, key="remove-button"):
            _change_index(
                lambda: remove_document(get_ingestor(), key, delete_file=delete_file),
                lambda label: f"Đã gỡ {label} khỏi chỉ mục.",
            )


def validity_form(row: DocumentRow) -> None:
    st.caption(
        f"Hiện tại: {badge_text(row.status)} (nguồn: {row.status_from}). "
        f"Thay đổi được ghi vào `{settings.validity_file}` và có hiệu lực ngay."
    )
    with st.form(f"validity-{row.key}", border=False):
        current = row.status if row.status in STATUSES else "không rõ"
        status = st.selectbox("Tình trạng hiệu lực", STATUSES, index=STATUSES.index(current))
        col1, col2 = st.columns(2)
        start = col1.date_input(
            "Có hiệu lực từ ngày", value=_as_date(row.effective_from), format="DD/MM/YYYY",
            min_value=dt.date(1945, 1, 1), max_value=dt.date(2100, 12, 31),
        )
        end = col2.date_input(
            "Hết hiệu lực từ ngày", value=_as_date(row.effective_to), format="DD/MM/YYYY",
            min_value=dt.date(1945, 1, 1), max_value=dt.date(2100, 12, 31),
        )
        note = st.text_input("Ghi chú (ví dụ: bị thay thế bởi văn bản nào)")
        if st.form_submit_button("Lưu tình trạng", icon=":material/save:"):
            override = ValidityOverride(
                doc=row.doc_number or row.key,
                status=status,
                effective_from=start.isoformat() if start else "",
                effective_to=end.isoformat() if end else "",
                note=note,
            )
            _change_index(
                lambda: set_validity(get_engine().store, settings, row.key, override),
                lambda saved: f"Đã lưu tình trạng của {saved.doc}: {saved.status}.",
            )
    if row.status_from == OVERRIDDEN:
        st.caption("Tình trạng này do quản trị viên ghi đè. Bỏ ghi đè để dùng lại tình trạng đọc từ các "
                   "văn bản (hiệu lực, thay thế, bãi bỏ).")
        if st.button("Bỏ ghi đè", icon=":material/undo:", key="validity-reset"):
            _change_index(
                lambda: clear_validity(get_engine().store, settings, row.key),
                lambda label: f"Đã bỏ ghi đè tình trạng của {label}: tình trạng được đọc lại từ văn bản.",
            )


def _change_index(change, done_message) -> None:
    """Run one change of the index under the engine lock; then a flash message and a rerun, or the
    error in place."""
    try:
        with engine_lock():
            result = change()
            get_engine().index_changed()
    except TthcError as exc:
        st.error(str(exc))
    else:
        st.session_state["flash"] = done_message(result)
        st.rerun()


def _as_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


if flash := st.session_state.pop("flash", None):
    st.success(flash, icon="✅")
upload_section()
st.divider()
try:
    rows = document_rows(get_engine().store, settings, get_engine().validity)  # the one validity answer
except TthcError as exc:
    st.error(str(exc))
    st.stop()
list_section(rows)
manage_section(rows)
