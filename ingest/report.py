"""The human-readable ingest report: one row per file, then the totals."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import IngestReport

_MARK = {"added": "+", "updated": "~", "unchanged": "=", "failed": "!"}


def _pages(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → "1-3, 7"."""
    spans: list[str] = []
    start = prev = None
    for n in sorted(numbers) + [None]:  # type: ignore[list-item]
        if start is not None and (n is None or n != prev + 1):
            spans.append(f"{start}-{prev}" if prev != start else f"{start}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return ", ".join(spans)


def report_table(report: IngestReport) -> str:
    rows = [("", "trạng thái", "tệp", "văn bản", "loại", "trang", "Điều", "đoạn", "OCR / ghi chú")]
    for r in report.results:
        if r.internal_error:  # a bug in our code (its traceback is in the log), not the file's fault
            rows.append(("!!", "internal", Path(r.path).name, "", "", "", "", "", r.reason))
            continue
        if r.status == "failed":
            rows.append((_MARK[r.status], r.status, Path(r.path).name, "", "", "", "", "", r.reason))
            continue
        notes = []
        if r.ocr_pages:
            notes.append(f"OCR trang {_pages(r.ocr_pages)}")
        if r.needs_ocr:
            notes.append(f"cần OCR trang {_pages(r.needs_ocr)}")
        notes.extend(r.warnings[:2])
        if r.kind == "procedures" and r.reason:
            notes.append(f"bỏ qua / skipped: {r.reason}")
        rows.append((
            _MARK[r.status], r.status, Path(r.path).name,
            r.doc_number or r.doc_key or (f"{r.units} thủ tục" if r.kind == "procedures" else ""),
            r.format or ("thủ tục" if r.kind == "procedures" else ""),
            str(r.pages or ""), str(r.articles or ""), str(r.units), "; ".join(notes),
        ))
    widths = [min(max(len(row[i]) for row in rows), 44) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [row[i][:44].ljust(widths[i]) for i in range(len(widths))]
        lines.append("  ".join(cells + [row[-1]]).rstrip())
    d = report.as_dict()
    lines.append(
        f"Thêm mới / added: {d['added']}, cập nhật / updated: {d['updated']}, "
        f"không đổi / unchanged: {d['unchanged']}, lỗi / failed: {d['failed']}"
        + (f" (lỗi nội bộ / internal errors: {d['internal_errors']})" if d["internal_errors"] else "")
        + ", "
        f"trang OCR / OCR pages: {d['ocr_pages']}, trang cần OCR / pages needing OCR: {d['pages_needing_ocr']}"
    )
    lines.append(
        f"Đoạn nhúng mới / units embedded: {d['units_embedded']}, "
        f"dùng lại từ bộ nhớ đệm / reused from the embedding cache: {d['units_reused']}"
    )
    if report.recovered:
        lines.append(f"Đã dọn văn bản nạp dở lần trước / cleaned up interrupted writes: {', '.join(report.recovered)}")
    return "\n".join(lines)
