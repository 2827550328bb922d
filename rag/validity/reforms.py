"""Reform notices: an administrator's rules file flags cited passages written for an authority a reform
abolished (since 2025-07-01 there is no district level: "Ủy ban nhân dân cấp huyện", "Phòng Tư pháp" …).

A rule (one CSV row, ``rag/data/reforms.csv`` shipped, ``TTHC_REFORMS_FILE`` for another) applies to a
passage when the validity date is on or after the rule's ``from`` date, the document was issued before
it (or its issue date is unknown) and the passage contains one of the rule's phrases. The notice says
the text predates the reform and where to check; it never names the new authority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from rag.text.csvfile import read_table
from rag.errors import ConfigError
from rag.legal.references import fold
from rag.text.vietnamese import nfc

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "reforms.csv"
COLUMNS = ("id", "from", "phrases", "notice", "where")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ReformRule:
    id: str
    start: str  # ISO date the reform takes effect
    phrases: tuple[str, ...]
    notice: str  # may contain "{phrase}" (the words found in the passage)
    where: str
    line: int = 0

    def __post_init__(self) -> None:
        alternatives = sorted({fold(nfc(p)).strip() for p in self.phrases if p.strip()}, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, a.split())) for a in alternatives)
        object.__setattr__(self, "_pattern", re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])"))

    def find(self, text: str) -> str | None:
        """The first phrase of the rule in ``text``, as written there (None when absent)."""
        original = nfc(text)
        m = self._pattern.search(fold(original))  # fold keeps offsets
        return original[m.start() : m.end()] if m else None


@dataclass(frozen=True)
class ReformNotice:
    rule: str
    phrase: str  # as written in the passage
    text: str  # Vietnamese: what changed, that the passage predates it, where to check

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "phrase": self.phrase, "text": self.text}


def load_reforms(path: Path | None = None) -> list[ReformRule]:
    """The rules of ``path`` (the shipped file when None); ``ConfigError`` naming the line of a bad row."""
    path = Path(path) if path else SHIPPED
    if not path.is_file():
        raise ConfigError(f"Không tìm thấy tệp quy tắc cải cách {path} / reform rules file not found")
    _, rows = read_table(path, COLUMNS, COLUMNS, "tệp quy tắc cải cách")
    rules = []
    for row in rows:
        start = row.get("from")
        if not _ISO.fullmatch(start):
            raise ConfigError(f"{path}:{row.line}: ngày '{start}' không hợp lệ (YYYY-MM-DD) / invalid date")
        phrases = tuple(p.strip() for p in row.get("phrases").split("|") if p.strip())
        if not row.get("id") or not phrases or not row.get("notice"):
            raise ConfigError(f"{path}:{row.line}: quy tắc cần id, phrases và notice / rule needs id, phrases, notice")
        rules.append(ReformRule(row.get("id"), start, phrases, row.get("notice"), row.get("where"), row.line))
    return rules


def reform_notices(text: str, issued: str | None, as_of: str, rules: Sequence[ReformRule]) -> tuple[ReformNotice, ...]:
    """Notices for a passage ``text`` of a document issued on ``issued``, read on ``as_of``."""
    out = []
    for rule in rules:
        if as_of < rule.start or (issued and issued >= rule.start):
            continue
        phrase = rule.find(text)
        if phrase:
            message = rule.notice.replace("{phrase}", phrase)
            out.append(ReformNotice(rule.id, phrase, f"{message} {rule.where}".strip()))
    return tuple(out)
