"""BM25 sparse vectors over Vietnamese syllables (and optional syllable bigrams).

Documents get BM25 term-frequency weights; Qdrant applies the IDF (``Modifier.IDF``) at
query time, so the index never has to store corpus statistics. Token ids come from a
stable hash (blake2b), never Python's randomised ``hash()``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from hashlib import blake2b

from rag.config import Settings
from rag.text.vietnamese import syllables


def token_id(token: str) -> int:
    """Stable 32-bit id for a token (same in every process and on every machine)."""
    return int.from_bytes(blake2b(token.encode("utf-8"), digest_size=4).digest(), "little")


def terms(text: str, bigrams: bool = True) -> list[str]:
    """Syllables, plus "a_b" bigrams of adjacent syllables when ``bigrams``."""
    sylls = syllables(text)
    if not bigrams:
        return sylls
    return sylls + [f"{a}_{b}" for a, b in zip(sylls, sylls[1:])]


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


@dataclass(frozen=True)
class BM25Encoder:
    k1: float = 1.2
    b: float = 0.75
    avgdl: float = 120.0
    bigrams: bool = True

    def encode_document(self, text: str) -> SparseVector:
        counts = Counter(token_id(t) for t in terms(text, self.bigrams))
        length = sum(counts.values())
        norm = self.k1 * (1 - self.b + self.b * length / self.avgdl)
        items = sorted(counts.items())
        return SparseVector(
            indices=[i for i, _ in items],
            values=[tf * (self.k1 + 1) / (tf + norm) for _, tf in items],
        )

    def encode_query(self, text: str) -> SparseVector:
        ids = sorted({token_id(t) for t in terms(text, self.bigrams)})
        return SparseVector(indices=ids, values=[1.0] * len(ids))


def make_sparse_encoder(settings: Settings) -> BM25Encoder:
    """The BM25 encoder configured by the settings (k1, b, average length, word pairs): the same for
    ingestion, search and procedure cards, so stored and asked vectors agree."""
    return BM25Encoder(settings.bm25_k1, settings.bm25_b, settings.bm25_avgdl, settings.sparse_bigrams)
