"""Never embed the same text twice: dense vectors by (model, exact text), in SQLite.

The key is sha256(model name + NUL + text); the value the float32 vector. Re-ingesting a document
where one article changed embeds only the units whose text changed; a parser change only the
units it changed; rebuilding an index next to the same cache file embeds nothing.

Why not llama-index's own caches: ``IngestionCache`` keys a whole batch of nodes per
transformation (one edited article changes the key of its batch, so every unit in it is embedded
again), and the ``SimpleDocumentStore`` it dedups with keeps every node, embedding included, as
JSON in one file that is loaded whole into memory and rewritten on every run (55 MB for ten
documents; gigabytes for a province). SQLite reads only the rows asked for and writes only
the new ones.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

log = logging.getLogger(__name__)
_LOOKUP_CHUNK = 500  # keys per SELECT … IN (…): below SQLite's variable limit


class PassageEmbedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbeddingCache:
    """Persistent passage vectors by (model, text); safe to share between index folders."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID")

    @staticmethod
    def key(model: str, text: str) -> bytes:
        return hashlib.sha256(f"{model}\0{text}".encode("utf-8", "surrogatepass")).digest()

    def get(self, model: str, texts: Sequence[str], dim: int) -> dict[int, np.ndarray]:
        """Cached vectors of ``texts`` by position (absent positions were never embedded)."""
        keys = [self.key(model, t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), _LOOKUP_CHUNK):
                chunk = keys[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (dim,):  # another model with the same name and another size: stale
                        found[key] = vector
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(self.key(model, t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)
            self._db.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def embed_passages_cached(
    embedder: PassageEmbedder, cache: EmbeddingCache | None, texts: Sequence[str]
) -> tuple[np.ndarray, int]:
    """Vectors of ``texts`` and how many were computed now (the rest came from the cache, or
    were repeats of a text earlier in the same call)."""
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    cached = cache.get(embedder.name, texts, embedder.dim) if cache is not None else {}
    for i, vector in cached.items():
        out[i] = vector
    first: dict[str, int] = {}  # each missing text once
    for i, text in enumerate(texts):
        if i not in cached:
            first.setdefault(text, i)
    if first:
        new_texts = list(first)
        vectors = np.asarray(embedder.embed_passages(new_texts), dtype=np.float32).reshape(len(new_texts), embedder.dim)
        if cache is not None:
            cache.put(embedder.name, new_texts, vectors)
        by_text = dict(zip(new_texts, vectors))
        for i, text in enumerate(texts):
            if i not in cached:
                out[i] = by_text[text]
    return out, len(first)
