"""In-process search arrays: same scores as Qdrant's BM25 (IDF modifier) and cosine, masks, cache."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

from rag.models.sparse import BM25Encoder
from rag.index.unit_index import UnitIndex, fingerprint
from rag.legal.records import DocumentRecord

TEXTS = {
    "u1": ("60-2014-QH13", "15", "thời hạn đăng ký khai sinh là 60 ngày"),
    "u2": ("60-2014-QH13", "18", "thủ tục đăng ký kết hôn tại ủy ban nhân dân cấp xã"),
    "u3": ("23-2015-NĐ-CP", "20", "thủ tục chứng thực bản sao từ bản chính"),
    "u4": ("23-2015-NĐ-CP", "24", "thủ tục chứng thực chữ ký"),
}


def unit_vectors(enc: BM25Encoder):
    rng = np.random.default_rng(0)
    for uid, (doc, art, text) in TEXTS.items():
        vec = rng.normal(size=8).astype(np.float32)
        yield uid, doc, art, (vec / np.linalg.norm(vec)).tolist(), enc.encode_document(text)


@pytest.fixture
def built():
    enc = BM25Encoder(bigrams=True)
    return enc, UnitIndex.build(unit_vectors(enc))


def test_sparse_scores_are_bm25_weights_times_qdrant_idf(built):
    enc, index = built
    query = enc.encode_query("chứng thực chữ ký")
    scores = index.sparse_scores(query)
    n = len(TEXTS)
    expected = []
    for _, _, text in TEXTS.values():
        doc = enc.encode_document(text)
        weights = dict(zip(doc.indices, doc.values))
        total = 0.0
        for token in query.indices:
            df = sum(token in enc.encode_document(t).indices for _, _, t in TEXTS.values())
            if token in weights:
                total += weights[token] * math.log(1 + (n - df + 0.5) / (df + 0.5))
        expected.append(total)
    assert np.allclose(scores, expected, rtol=1e-5)
    dense_hits, sparse_hits = index.search(None, query, 4, 4)
    assert dense_hits == [] and sparse_hits[0].unit_id == "u4"
    assert all(h.score > 0 for h in sparse_hits)  # units sharing no word are not candidates


def test_dense_top_and_document_mask(built):
    enc, index = built
    target = index.dense[2]
    hits, _ = index.search(target, None, 2, 0)
    assert hits[0].unit_id == "u3" and hits[0].score == pytest.approx(1.0, abs=1e-5)
    masked, _ = index.search(target, None, 4, 0, doc_keys=["60-2014-QH13"])
    assert {h.doc_key for h in masked} == {"60-2014-QH13"}
    assert index.search(target, None, 4, 0, doc_keys=[])[0] == []
    assert index.similarity(target, ["u3"])["u3"] == pytest.approx(1.0, abs=1e-5)


def test_unknown_query_words_score_nothing(built):
    enc, index = built
    assert not index.sparse_scores(enc.encode_query("xyzzy")).any()


def test_save_and_load_round_trip(built, tmp_path):
    enc, index = built
    path = tmp_path / "arrays.npz"
    index.save(path)
    again = UnitIndex.load(path)
    query = enc.encode_query("thủ tục đăng ký")
    assert np.allclose(again.sparse_scores(query), index.sparse_scores(query))
    assert list(again.ids) == list(index.ids) and np.allclose(again.dense, index.dense)


def test_fingerprint_changes_with_documents():
    a = [DocumentRecord("x", content_hash="1", unit_count=3), DocumentRecord("y", content_hash="5", unit_count=1)]
    assert fingerprint(a) == fingerprint(list(reversed(a)))
    assert fingerprint(a) != fingerprint([DocumentRecord("x", content_hash="2", unit_count=3), a[1]])
    assert fingerprint(a) != fingerprint([DocumentRecord("x", content_hash="1", unit_count=4), a[1]])
    # the digest of today's caches on disk (named by it) stays the same
    assert fingerprint(a[:1]) == hashlib.sha256(b"x|1|3\n").hexdigest()[:16]


def test_column_matrix_matches_a_dense_product():
    """The numpy CSC layout (no scipy in the default install): repeated entries summed, empty columns,
    any column subset, against the plain dense product."""
    from rag.index.unit_index import ColumnMatrix

    rng = np.random.default_rng(7)
    rows = rng.integers(0, 50, size=400)
    cols = rng.integers(0, 30, size=400)
    cols[cols == 13] = 14  # column 13 stays empty
    values = rng.random(400).astype(np.float32)
    dense = np.zeros((50, 30), dtype=np.float64)
    np.add.at(dense, (rows, cols), values)
    matrix = ColumnMatrix.from_entries(rows, cols, values, (50, 30))
    assert matrix.column_counts()[13] == 0
    assert np.array_equal(matrix.column_counts(), (dense != 0).sum(axis=0))
    for pick in ([0], [13], [3, 13, 29], list(range(30))):
        weights = rng.random(len(pick))
        expected = dense[:, pick] @ weights
        assert np.allclose(matrix.weighted_column_sum(np.asarray(pick), weights), expected, rtol=1e-5)
    idf = rng.random(30)
    assert np.allclose(
        matrix.scale_columns(idf).weighted_column_sum(np.arange(30), np.ones(30)), dense @ idf, rtol=1e-5
    )
