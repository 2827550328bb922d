"""Ingestion progress: one set of numbers for the terminal bar, log lines and the app.

``ProgressState`` counts documents done/total (and their bytes, which drive the ETA: a file's
size predicts its units far better than its count), units written and units embedded now.
``ProgressLog`` turns it into one line every ``interval_s`` seconds for output that is not a
terminal (``tthc ingest … > ingest.log``), where a progress bar would print nothing useful.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence


def _duration(seconds: float, units: tuple[str, str, str] = ("h", "min", "s")) -> str:
    hour, minute, second = units
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} {second}"
    if seconds < 3600:
        return f"{seconds // 60} {minute} {seconds % 60:02d} {second}"
    return f"{seconds // 3600} {hour} {seconds % 3600 // 60:02d} {minute}"


@dataclass
class ProgressState:
    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    units_written: int = 0  # units written to the index (embedded now or reused)
    units_embedded: int = 0  # of which embedded now (the rest came from the embedding cache)
    current: str = ""
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def for_files(cls, files: Sequence[Path]) -> "ProgressState":
        sizes = [f.stat().st_size if f.is_file() else 0 for f in files]
        return cls(files_total=len(files), bytes_total=sum(sizes))

    def file_done(self, path: Path) -> None:
        self.files_done += 1
        self.bytes_done += path.stat().st_size if path.is_file() else 0

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    @property
    def units_per_s(self) -> float:
        elapsed = self.elapsed_s
        return self.units_written / elapsed if elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left, from the share of bytes done so far; None before the first file."""
        if self.bytes_done <= 0 or self.bytes_total <= 0:
            return None
        return self.elapsed_s * max(self.bytes_total - self.bytes_done, 0) / self.bytes_done

    def line(self) -> str:
        eta = self.eta_s
        return (
            f"tiến độ / progress: {self.files_done}/{self.files_total} tệp / files, "
            f"{self.units_written} đoạn / units ({self.units_embedded} nhúng mới / embedded), "
            f"{self.units_per_s:.1f} đoạn/giây / units/s, đã chạy / elapsed {_duration(self.elapsed_s)}, "
            f"còn lại / ETA {_duration(eta) if eta is not None else '?'}"
            + (f" — {self.current}" if self.current else "")
        )

    def text_vi(self) -> str:
        """The same numbers for the app (Vietnamese)."""
        eta = self.eta_s
        rate = f"{self.units_per_s:.1f}".replace(".", ",")
        return (
            f"{self.files_done}/{self.files_total} văn bản · {self.units_written} đoạn "
            f"({self.units_embedded} nhúng mới) · {rate} đoạn/giây · "
            + (f"còn khoảng {_duration(eta, ('giờ', 'phút', 'giây'))}" if eta is not None
               else "đang ước tính thời gian còn lại")
        )

    @property
    def fraction(self) -> float:
        """Share of the work done (by bytes), for a progress bar."""
        if self.bytes_total > 0:
            return min(self.bytes_done / self.bytes_total, 1.0)
        return self.files_done / self.files_total if self.files_total else 0.0

    def as_dict(self) -> dict[str, float | int | str | None]:
        eta = self.eta_s
        return {
            "files_done": self.files_done, "files_total": self.files_total, "units_written": self.units_written,
            "units_embedded": self.units_embedded, "units_per_s": round(self.units_per_s, 2),
            "elapsed_s": round(self.elapsed_s, 1), "eta_s": round(eta, 1) if eta is not None else None,
            "current": self.current,
        }


class ProgressLog:
    """Calls ``sink`` with the progress line at most once per ``interval_s`` (the first after
    ``interval_s``), and ``finish`` once at the end."""

    def __init__(self, sink: Callable[[str], None], interval_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic):
        self.sink = sink
        self.interval_s = interval_s
        self.clock = clock
        self._last = clock()

    def __call__(self, state: ProgressState) -> None:
        now = self.clock()
        if now - self._last >= self.interval_s:
            self._last = now
            self.sink(state.line())

    def finish(self, state: ProgressState) -> None:
        self.sink(state.line())
