"""In-process search arrays for the embedded index: dense matrix + BM25 sparse matrix.

Qdrant's embedded (local) mode scores sparse vectors point by point in Python — seconds per
query on the 248-document corpus — so in embedded mode the retriever searches these arrays
instead: exactly the vectors stored in Qdrant (dense e5 vectors and BM25 sparse vectors, copied
once), with the same IDF formula as Qdrant's ``Modifier.IDF``. Qdrant stays the store of record
and the search engine at scale (server mode). The arrays are cached beside the index, keyed by
the document records, so they are rebuilt only when documents change.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from rag.legal.records import DocumentRecord
from rag.models.sparse import SparseVector

log = logging.getLogger(__name__)

VERSION = 1


@dataclass(frozen=True)
class ColumnMatrix:
    """A compressed sparse column matrix (the CSC layout, in numpy alone: the default install has no
    scipy). Column ``c`` holds rows ``indices[indptr[c]:indptr[c+1]]`` with values ``data[...]``."""

    data: np.ndarray  # float32
    indices: np.ndarray  # int32 row of each value
    indptr: np.ndarray  # int64, len = columns + 1
    shape: tuple[int, int]

    @classmethod
    def from_entries(cls, rows: np.ndarray, columns: np.ndarray, values: np.ndarray, shape: tuple[int, int]):
        """From (row, column, value) triples; repeated (row, column) pairs are summed."""
        n_rows, n_cols = shape
        keys, inverse = np.unique(columns.astype(np.int64) * max(n_rows, 1) + rows, return_inverse=True)
        summed = np.bincount(inverse, weights=values, minlength=len(keys)).astype(np.float32)
        cols = keys // max(n_rows, 1)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_cols))]).astype(np.int64)
        return cls(summed, (keys % max(n_rows, 1)).astype(np.int32), indptr, (n_rows, n_cols))

    def column_counts(self) -> np.ndarray:
        """Stored values per column (the document frequency of each token)."""
        return np.diff(self.indptr)

    def scale_columns(self, factors: np.ndarray) -> "ColumnMatrix":
        per_value = np.repeat(factors.astype(np.float32), self.column_counts())
        return ColumnMatrix((self.data * per_value).astype(np.float32), self.indices, self.indptr, self.shape)

    def weighted_column_sum(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """``M[:, columns] @ weights`` as a dense vector over the rows."""
        starts, ends = self.indptr[columns], self.indptr[columns + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(self.shape[0], dtype=np.float32)
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        positions = np.arange(total) + offsets
        values = self.data[positions] * np.repeat(weights.astype(np.float32), lengths)
        return np.bincount(self.indices[positions], weights=values, minlength=self.shape[0]).astype(np.float32)


@dataclass(frozen=True)
class Hit:
    """A unit found by one encoder: position in the arrays, id, article, score."""

    row: int
    unit_id: str
    doc_key: str
    article: str
    score: float


def fingerprint(records: Iterable[DocumentRecord]) -> str:
    """Identity of an index's content: the documents, their hashes and unit counts."""
    digest = hashlib.sha256()
    for r in sorted(records, key=lambda r: r.key):
        digest.update(f"{r.key}|{r.content_hash}|{r.unit_count}\n".encode())
    return digest.hexdigest()[:16]


class UnitIndex:
    def __init__(
        self,
        ids: Sequence[str],
        doc_keys: Sequence[str],
        articles: Sequence[str],
        dense: np.ndarray,
        sparse_matrix: ColumnMatrix,
        token_ids: np.ndarray,
    ):
        self.ids = np.asarray(ids, dtype=object)
        self.doc_keys = np.asarray(doc_keys, dtype=object)
        self.articles = np.asarray(articles, dtype=object)
        self.dense = dense.astype(np.float32, copy=False)
        self.sparse = sparse_matrix  # units × tokens, BM25 tf weight × IDF
        self.token_ids = token_ids  # sorted uint32 token ids, one per column
        names, self._doc_codes = np.unique(self.doc_keys.astype(str), return_inverse=True)
        self._doc_code = {str(name): i for i, name in enumerate(names)}

    def __len__(self) -> int:
        return len(self.ids)

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        points: Iterable[tuple[str, str, str, Sequence[float], SparseVector]],
    ) -> "UnitIndex":
        """From (unit id, doc key, article, dense vector, BM25 sparse vector) of every unit."""
        ids, docs, arts, dense = [], [], [], []
        rows, tokens, values = [], [], []
        for i, (uid, doc, art, vec, sparse) in enumerate(points):
            ids.append(uid)
            docs.append(doc)
            arts.append(art)
            dense.append(np.asarray(vec, dtype=np.float32))
            rows.extend([i] * len(sparse.indices))
            tokens.extend(sparse.indices)
            values.extend(sparse.values)
        n = len(ids)
        token_ids, columns = np.unique(np.asarray(tokens, dtype=np.uint32), return_inverse=True)
        tf = ColumnMatrix.from_entries(
            np.asarray(rows, dtype=np.int64), columns, np.asarray(values, dtype=np.float32), (n, len(token_ids))
        )
        df = tf.column_counts().astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)  # Qdrant's Modifier.IDF
        weighted = tf.scale_columns(idf)
        matrix = np.vstack(dense) if dense else np.zeros((0, 0), dtype=np.float32)
        return cls(ids, docs, arts, matrix, weighted, token_ids)

    # -- persistence ------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            version=np.asarray([VERSION]),
            ids=np.asarray(self.ids, dtype=str),
            doc_keys=np.asarray(self.doc_keys, dtype=str),
            articles=np.asarray(self.articles, dtype=str),
            dense=self.dense,
            data=self.sparse.data,
            indices=self.sparse.indices,
            indptr=self.sparse.indptr,
            shape=np.asarray(self.sparse.shape),
            token_ids=self.token_ids,
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "UnitIndex":
        with np.load(path, allow_pickle=False) as z:
            if int(z["version"][0]) != VERSION:
                raise ValueError("stale unit index cache")
            shape = tuple(int(x) for x in z["shape"])
            matrix = ColumnMatrix(z["data"], z["indices"], z["indptr"].astype(np.int64), (shape[0], shape[1]))
            return cls(
                z["ids"].tolist(), z["doc_keys"].tolist(), z["articles"].tolist(), z["dense"], matrix, z["token_ids"]
            )

    # -- search -----------------------------------------------------------------------------
    def mask_for(self, doc_keys: Iterable[str] | None) -> np.ndarray | None:
        """Boolean row mask of the units of the given documents (None = every unit)."""
        if doc_keys is None:
            return None
        codes = [self._doc_code[k] for k in doc_keys if k in self._doc_code]
        return np.isin(self._doc_codes, np.asarray(codes, dtype=self._doc_codes.dtype))

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        # einsum, not BLAS: OpenBLAS threads spin-wait and get 4x slower on a busy machine
        return np.einsum("ij,j->i", self.dense, vector.astype(np.float32))

    def sparse_scores(self, query: SparseVector) -> np.ndarray:
        ids = np.asarray(query.indices, dtype=np.uint32)
        cols = np.searchsorted(self.token_ids, ids)
        cols = np.clip(cols, 0, max(len(self.token_ids) - 1, 0))
        known = (len(self.token_ids) > 0) & (self.token_ids[cols] == ids) if len(ids) else np.zeros(0, bool)
        if not known.any():
            return np.zeros(len(self), dtype=np.float32)
        weights = np.asarray(query.values, dtype=np.float32)[known]
        return self.sparse.weighted_column_sum(cols[known], weights)

    def top(self, scores: np.ndarray, limit: int, mask: np.ndarray | None, positive: bool = False) -> list[Hit]:
        """The ``limit`` best rows (optionally only masked-in rows, only positive scores)."""
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        if positive:
            scores = np.where(scores > 0, scores, -np.inf)
        limit = min(limit, len(scores))
        if limit <= 0:
            return []
        part = np.argpartition(-scores, limit - 1)[:limit]
        order = part[np.argsort(-scores[part], kind="stable")]
        return [
            Hit(int(i), str(self.ids[i]), str(self.doc_keys[i]), str(self.articles[i]), float(scores[i]))
            for i in order
            if np.isfinite(scores[i])
        ]

    def search(
        self,
        dense: np.ndarray | None,
        sparse: SparseVector | None,
        dense_limit: int,
        sparse_limit: int,
        doc_keys: Iterable[str] | None = None,
    ) -> tuple[list[Hit], list[Hit]]:
        mask = self.mask_for(doc_keys)
        dense_hits = self.top(self.dense_scores(dense), dense_limit, mask) if dense is not None else []
        sparse_hits = (
            self.top(self.sparse_scores(sparse), sparse_limit, mask, positive=True)
            if sparse is not None and sparse.indices
            else []
        )
        return dense_hits, sparse_hits

    def similarity(self, dense: np.ndarray, unit_ids: Sequence[str]) -> dict[str, float]:
        rows = {uid: i for i, uid in enumerate(self.ids)} if not hasattr(self, "_rows") else self._rows
        self._rows = rows
        return {u: float(np.einsum("j,j->", self.dense[rows[u]], dense)) for u in unit_ids if u in rows}
