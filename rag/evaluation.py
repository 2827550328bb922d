"""Retrieval evaluation: Recall@k and MRR@10 over questions with gold articles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from rag.errors import InputError

Ranked = list[tuple[str, str]]  # [(doc number, "Điều N"), ...]


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: frozenset[tuple[str, str]]
    source: str = ""


def load_questions(path: Path) -> list[Question]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Không đọc được {path}: {exc} / cannot read question file") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold = frozenset((g["doc"], normalise_article(g["article"])) for g in row["gold"])
            out.append(Question(str(row["id"]), row["question"], gold, row.get("source", "")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: dòng không hợp lệ / bad line: {exc}") from exc
    return out


def normalise_article(article: str) -> str:
    """"điều 15" / "15" → "Điều 15"."""
    text = str(article).strip()
    number = text.split()[-1] if text else text
    return f"Điều {number}"


def dedupe(ranked: Iterable[tuple[str, str]]) -> Ranked:
    seen, out = set(), []
    for item in ranked:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


@dataclass
class Metrics:
    n: int = 0
    r1: float = 0.0
    r5: float = 0.0
    r10: float = 0.0
    mrr10: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {"n": self.n, "recall@1": self.r1, "recall@5": self.r5, "recall@10": self.r10, "mrr@10": self.mrr10}


def score(questions: list[Question], runs: dict[str, Ranked]) -> Metrics:
    """Recall@k = share of questions with a gold article in the top k; MRR@10 of the first hit."""
    m = Metrics(n=len(questions))
    if not questions:
        return m
    for q in questions:
        ranked = runs.get(q.id, [])
        first = next((i for i, item in enumerate(ranked[:10]) if item in q.gold), None)
        if first is not None:
            m.r1 += first < 1
            m.r5 += first < 5
            m.r10 += 1
            m.mrr10 += 1 / (first + 1)
    for name in ("r1", "r5", "r10", "mrr10"):
        setattr(m, name, round(getattr(m, name) / m.n, 4))
    return m


def run_eval(
    questions: list[Question],
    rank: Callable[[str], Ranked],
    on_question: Callable[[Question], None] | None = None,
) -> tuple[dict[str, Ranked], Metrics]:
    runs = {}
    for q in questions:
        if on_question:
            on_question(q)
        runs[q.id] = dedupe(rank(q.question))[:10]
    return runs, score(questions, runs)
