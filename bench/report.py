"""What the benchmark scripts share: percentiles and their section of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by nearest rank; 0.0 when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def write_section(path: Path, heading: str, section: str) -> None:
    """Put ``section`` (starting with its ``## heading``) into the markdown file, replacing an older one."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    if heading in text:
        start = text.index(heading)
        nxt = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[nxt + 1 :] if nxt >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")
