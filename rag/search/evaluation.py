"""Retrieval evaluation: Recall@1/5/10, MRR@10 and nDCG@10 over questions with gold articles.

Every system is a ``Ranker`` (question → ranked ``(doc number, "Điều N")`` pairs), so the
hybrid retriever, dense-only search and the plain BM25 baselines are judged side by side on the
same questions, overall and per source (ALQAC 2022 / ALQAC 2025 / Zalo …).
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from rag.domain import LegalUnit
from rag.errors import ConfigError, InputError
from rag.text.vietnamese import strip_diacritics, syllables

Ranked = list[tuple[str, str]]  # [(doc number, "Điều N"), ...]
Ranker = Callable[[str], Ranked]
CUTOFF = 10


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: frozenset[tuple[str, str]]
    source: str = ""

    @property
    def group(self) -> str:
        """Source for per-source tables: the ``source`` field up to its first " (" or ":"."""
        return source_group(self.source)


def source_group(source: str) -> str:
    """"ALQAC 2025 train (repo…)" → "ALQAC 2025 train"; "" → "(không rõ)"."""
    head = source.split(" (")[0].split(":")[0].strip()
    return head or "(không rõ)"


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
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{number}: dòng không hợp lệ / bad line: {exc}") from exc
    if not out:
        raise InputError(f"{path}: không có câu hỏi nào / no questions")
    return out


def normalise_article(article: str) -> str:
    """"điều 15" / "15" → "Điều 15"."""
    text = str(article).strip()
    number = text.split()[-1] if text else text
    return f"Điều {number}"


def without_diacritics(questions: Iterable[Question]) -> list[Question]:
    """The same questions typed without diacritics (ids suffixed "#nodiac")."""
    return [
        Question(f"{q.id}#nodiac", strip_diacritics(q.question), q.gold, q.source) for q in questions
    ]


def dedupe(ranked: Iterable[tuple[str, str]]) -> Ranked:
    seen, out = set(), []
    for item in ranked:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


# -- metrics -------------------------------------------------------------------------------


@dataclass
class Metrics:
    n: int = 0
    r1: float = 0.0
    r5: float = 0.0
    r10: float = 0.0
    mrr10: float = 0.0
    ndcg10: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "n": self.n,
            "recall@1": self.r1,
            "recall@5": self.r5,
            "recall@10": self.r10,
            "mrr@10": self.mrr10,
            "ndcg@10": self.ndcg10,
        }


def ndcg(ranked: Ranked, gold: frozenset[tuple[str, str]], cutoff: int = CUTOFF) -> float:
    """Binary-relevance nDCG: each gold article found counts 1 / log2(rank + 1)."""
    dcg = sum(1 / math.log2(i + 2) for i, item in enumerate(ranked[:cutoff]) if item in gold)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), cutoff)))
    return dcg / ideal if ideal else 0.0


def score(questions: Sequence[Question], runs: Mapping[str, Ranked]) -> Metrics:
    """Recall@k = share of questions with a gold article in the top k; MRR@10 of the first hit."""
    m = Metrics(n=len(questions))
    if not questions:
        return m
    for q in questions:
        ranked = runs.get(q.id, [])
        first = next((i for i, item in enumerate(ranked[:CUTOFF]) if item in q.gold), None)
        if first is not None:
            m.r1 += first < 1
            m.r5 += first < 5
            m.r10 += 1
            m.mrr10 += 1 / (first + 1)
        m.ndcg10 += ndcg(ranked, q.gold)
    for name in ("r1", "r5", "r10", "mrr10", "ndcg10"):
        setattr(m, name, round(getattr(m, name) / m.n, 4))
    return m


@dataclass
class SystemResult:
    """One system on one question set: its runs, metrics overall and per source, latencies."""

    name: str
    runs: dict[str, Ranked]
    overall: Metrics
    by_source: dict[str, Metrics] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[index]

    def as_dict(self) -> dict:
        return {
            "system": self.name,
            **self.overall.as_dict(),
            "by_source": {k: v.as_dict() for k, v in self.by_source.items()},
            "latency_ms": {"p50": round(self.percentile(50), 1), "p95": round(self.percentile(95), 1)},
        }


def run_eval(
    questions: Sequence[Question],
    rank: Ranker,
    on_question: Callable[[Question], None] | None = None,
    name: str = "hybrid",
) -> SystemResult:
    """Rank every question, time each search, and score overall and per source."""
    runs: dict[str, Ranked] = {}
    latencies = []
    for q in questions:
        if on_question:
            on_question(q)
        start = time.perf_counter()
        ranked = rank(q.question)
        latencies.append((time.perf_counter() - start) * 1000)
        runs[q.id] = dedupe(ranked)[:CUTOFF]
    groups: dict[str, list[Question]] = defaultdict(list)
    for q in questions:
        groups[q.group].append(q)
    return SystemResult(
        name=name,
        runs=runs,
        overall=score(questions, runs),
        by_source={g: score(qs, runs) for g, qs in sorted(groups.items())},
        latencies_ms=latencies,
    )


# -- baselines -----------------------------------------------------------------------------


def article_texts(units: Iterable[LegalUnit]) -> dict[tuple[str, str], str]:
    """Whole-article text (title + every unit's text in order) keyed like the gold labels."""
    parts: dict[tuple[str, str], list[str]] = {}
    for u in units:
        key = (u.document.doc_number or u.document.key, f"Điều {u.article}")
        if key not in parts:
            parts[key] = [u.article_title] if u.article_title else []
        parts[key].append(u.text)
    return {k: "\n".join(v) for k, v in parts.items()}


def baseline_tokens(text: str, bigrams: bool) -> list[str]:
    """Lowercase syllables (+ "a_b" syllable bigrams): the tokenisation of the issue's baselines."""
    sylls = syllables(text)
    if not bigrams:
        return sylls
    return sylls + [f"{a}_{b}" for a, b in zip(sylls, sylls[1:])]


class BM25Baseline:
    """Plain BM25 (the ``bm25s`` package) over whole-article text: the yardstick to beat."""

    def __init__(self, articles: Mapping[tuple[str, str], str], bigrams: bool):
        try:
            import bm25s
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigError(
                "Thiếu gói bm25s cho --baselines: pip install 'tthc-assistant[eval]' / bm25s is not installed"
            ) from exc
        self.keys = list(articles)
        self.bigrams = bigrams
        self.name = "bm25s syllables+bigrams" if bigrams else "bm25s syllables"
        self._bm25 = bm25s.BM25()
        self._bm25.index([baseline_tokens(articles[k], bigrams) for k in self.keys], show_progress=False)

    def __call__(self, question: str, k: int = CUTOFF) -> Ranked:
        tokens = baseline_tokens(question, self.bigrams)
        if not tokens:
            return []
        k = min(k, len(self.keys))
        docs, _ = self._bm25.retrieve([tokens], k=k, show_progress=False)
        return [self.keys[i] for i in docs[0]]


# -- the systems compared by `tthc eval` ---------------------------------------------------------


def retriever_ranker(retriever, mode: str = "hybrid", k: int = CUTOFF, filters=None) -> Ranker:
    """A ``Ranker`` over ``Retriever.search`` (articles keyed by số hiệu, like the gold labels)."""

    def rank(question: str) -> Ranked:
        return [
            (p.unit.document.doc_number or p.unit.document.key, f"Điều {p.unit.article}")
            for p in retriever.search(question, top_k=k, filters=filters, mode=mode)
        ]

    return rank


def systems(retriever, baselines: bool, k: int = CUTOFF, filters=None) -> dict[str, Ranker]:
    """The hybrid retriever, plus dense-only and the two bm25s baselines when asked."""
    out: dict[str, Ranker] = {"hybrid": retriever_ranker(retriever, "hybrid", k, filters)}
    if baselines:
        out["dense only"] = retriever_ranker(retriever, "dense", k, filters)
        articles = article_texts(retriever.store.iter_units())
        for bigrams in (False, True):
            baseline = BM25Baseline(articles, bigrams)
            out[baseline.name] = baseline
    return out


def format_table(results: Sequence[SystemResult], by_source: bool = True) -> str:
    """Plain-text table: one row per system (and per source under it)."""
    head = f"{'system':<28}{'n':>5}{'R@1':>8}{'R@5':>8}{'R@10':>8}{'MRR@10':>8}{'nDCG@10':>9}{'p50 ms':>8}{'p95 ms':>8}"
    lines = [head, "-" * len(head)]

    def row(name: str, m: Metrics, p50: str = "", p95: str = "") -> str:
        return (
            f"{name[:28]:<28}{m.n:>5}{m.r1:>8.3f}{m.r5:>8.3f}{m.r10:>8.3f}{m.mrr10:>8.3f}{m.ndcg10:>9.3f}"
            f"{p50:>8}{p95:>8}"
        )

    for r in results:
        lines.append(row(r.name, r.overall, f"{r.percentile(50):.0f}", f"{r.percentile(95):.0f}"))
        if by_source and len(r.by_source) > 1:
            for group, m in r.by_source.items():
                lines.append(row(f"  {group}", m))
    return "\n".join(lines)
