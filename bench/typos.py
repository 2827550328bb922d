"""Mistyped tones: dev questions with one content syllable's tone typed wrong, ranked by the shipped hybrid.

    PYTHONPATH=. python bench/typos.py --index DIR [--seed 7]

A clerk types "sổ bảo hiễm xã hội" for "sổ bảo hiểm xã hội": hỏi and ngã are confused most. For every
data/eval/dev.jsonl question, the first of its three rarest indexed syllables (idf over the article table)
whose tone can be changed into a spelling no indexed text uses is mistyped: hỏi ↔ ngã, any other tone to a
random other one (seeded). Questions where no such syllable exists are left out. Reports article-level R@5 and
MRR@10 of the same questions as written and as mistyped (gold = số hiệu + Điều, as bench/retrieval.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import SHARED  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.search.evaluation import retriever_ranker  # noqa: E402

TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # huyền, sắc, ngã, hỏi, nặng (combining)
CONFUSED = {"\u0309": "\u0303", "\u0303": "\u0309"}
PUNCT = "?.,:;!()\"'"


def mistype(word: str, known: dict[str, int], rng: random.Random) -> str | None:
    """``word`` with its tone changed into a spelling ``known`` lacks, or None (no tone, or only known ones)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in TONES]
    if not tones:
        return None
    new = CONFUSED.get(tones[0]) or rng.choice([t for t in TONES if t != tones[0]])
    out = unicodedata.normalize("NFC", decomposed.replace(tones[0], new))
    return None if known.get(out) else out


def mistyped_questions(rows: list[dict], known: dict[str, int], idf, rng: random.Random) -> list[tuple[dict, str]]:
    out = []
    for row in rows:
        words = row["question"].split()
        rare = sorted(((idf(w.strip(PUNCT).lower()), i) for i, w in enumerate(words)
                       if len(w.strip(PUNCT)) > 2 and known.get(w.strip(PUNCT).lower())), reverse=True)
        for _score, i in rare[:3]:
            core = words[i].strip(PUNCT)
            typo = mistype(core.lower(), known, rng)
            if typo:
                words[i] = words[i].replace(core, typo if core.islower() else typo.capitalize())
                out.append((row, " ".join(words)))
                break
    return out


def score(rank, pairs: list[tuple[dict, str]]) -> tuple[float, float]:
    r5 = mrr = 0.0
    for row, question in pairs:
        gold = {(g["doc"], g["article"]) for g in row["gold"]}
        hits = [k for k, key in enumerate(rank(question)[:10]) if key in gold]
        r5 += bool(hits and hits[0] < 5)
        mrr += 1 / (hits[0] + 1) if hits else 0.0
    return r5 / len(pairs), mrr / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--dev", default=str(SHARED / "eval" / "dev.jsonl"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = load_settings(index_dir=args.index)
    retriever = Engine(settings).retriever
    known, table = retriever.restorer().unigrams, retriever.article_table()
    rows = [json.loads(line) for line in open(args.dev, encoding="utf-8") if line.strip()]
    pairs = mistyped_questions(rows, known, table.idf, random.Random(args.seed))
    rank = retriever_ranker(retriever)
    written = score(rank, [(row, row["question"]) for row, _ in pairs])
    typed = score(rank, pairs)
    print(f"{len(pairs)} of {len(rows)} dev questions mistyped (seed {args.seed})")
    print(f"as written: R@5 {written[0]:.3f}  MRR@10 {written[1]:.3f}")
    print(f"one tone mistyped: R@5 {typed[0]:.3f}  MRR@10 {typed[1]:.3f}")


if __name__ == "__main__":
    main()
