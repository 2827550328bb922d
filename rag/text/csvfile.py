"""The one reader of the administrator's CSV files (validity overrides, reform rules).

UTF-8 (with or without BOM), a header row, "#" lines and blank lines are comments. A row with more
fields than the header, an unterminated quote or an unknown column is an error that names the file
and the line, so the administrator can fix it; a row with fewer fields has the rest empty.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from rag.errors import ConfigError


@dataclass(frozen=True)
class Row:
    line: int  # line number of the row in the file (1-based; its first line when quoted text spans lines)
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def read_table(path: Path, required: Sequence[str], allowed: Sequence[str], what: str) -> tuple[list[str], list[Row]]:
    """(columns, rows) of a CSV file; ``ConfigError`` naming ``path:line`` on a malformed row.

    ``what`` names the file in messages ("tệp hiệu lực"). A missing file reads as no rows.
    """
    path = Path(path)
    if not path.is_file():
        return list(required), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: {what} không phải UTF-8 / not valid UTF-8") from exc
    numbered = [(i, line) for i, line in enumerate(text.splitlines(keepends=True), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        return list(required), []
    consumed: list[int] = []

    def lines() -> Iterator[str]:
        for number, line in numbered:
            consumed.append(number)
            yield line

    reader = csv.reader(lines())
    rows: list[Row] = []
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in required if c not in header]
        unknown = [c for c in header if c not in allowed]
        if missing or unknown:
            raise ConfigError(
                f"{path}:{consumed[0]}: {what} cần các cột {', '.join(allowed)} "
                f"(thiếu: {', '.join(missing) or '—'}; cột lạ: {', '.join(unknown) or '—'}) / wrong columns"
            )
        while True:
            start = len(consumed)
            try:
                fields = next(reader)
            except StopIteration:
                break
            line = numbered[start][0] if start < len(numbered) else consumed[-1]
            if len(fields) > len(header):
                raise ConfigError(
                    f"{path}:{line}: {what} có {len(fields)} trường, nhiều hơn {len(header)} cột "
                    f"(dấu phẩy trong giá trị cần đặt trong ngoặc kép) / too many fields"
                )
            rows.append(Row(line, dict(zip(header, fields))))
    except csv.Error as exc:
        line = consumed[-1] if consumed else 1
        raise ConfigError(f"{path}:{line}: {what} sai định dạng CSV ({exc}) / malformed CSV") from exc
    return header, rows
