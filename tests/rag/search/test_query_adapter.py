"""The query adapter (issue 15): a matrix on the question's e5 vector, on the real corpus slice."""

from __future__ import annotations

import numpy as np
import pytest

from rag.config import load_settings
from rag.engine import Engine
from rag.errors import ConfigError

QUESTIONS = ["Thời hạn đăng ký khai sinh cho con là bao lâu?", "Thủ tục chứng thực chữ ký", "Thẩm quyền đăng ký khai tử"]
DIM = 384  # the bundled e5-small


def run(index, adapter, work):
    """``work(retriever)`` with an engine of this adapter setting (one process holds an embedded index)."""
    engine = Engine(load_settings(index_dir=index, query_adapter=adapter))
    try:
        return work(engine.retriever)
    finally:
        engine.close()


def ranked(retriever):
    return {q: [(p.unit_id, round(p.score, 4), round(p.similarity, 4)) for p in retriever.search(q, top_k=10)]
            for q in QUESTIONS}


def test_none_means_no_adapter(slice_index):
    assert run(slice_index, "none", lambda r: r.query_adapter) is None
    assert run(slice_index, "off", lambda r: r.query_adapter) is None


def test_identity_adapter_is_applied_and_changes_nothing(slice_index, tmp_path):
    path = tmp_path / "identity.npy"
    np.save(path, np.eye(DIM, dtype=np.float32))
    source, got = run(slice_index, str(path), lambda r: (r.query_adapter.source, ranked(r)))
    assert source == str(path)
    assert got == run(slice_index, "none", ranked)


def test_a_rotation_moves_the_search_but_similarities_stay_e5s(slice_index, tmp_path):
    rotation, _ = np.linalg.qr(np.random.default_rng(7).standard_normal((DIM, DIM)))
    path = tmp_path / "rotation.npy"
    np.save(path, rotation.astype(np.float32))
    before = run(slice_index, "none", ranked)

    def check(r):
        for q in QUESTIONS:
            passages = r.search(q, top_k=10)
            assert [p.unit_id for p in passages] != [u for u, _, _ in before[q]]  # the adapted vector searched
            e5 = r.embedder.embed_queries([r.analyse(q).search_text])[0]
            own = r.store.similarities(e5, [p.unit_id for p in passages])
            # the similarity the relevance stage and abstention read is e5's own cosine, not the adapted one
            assert [round(p.similarity, 4) for p in passages] == [round(own[p.unit_id], 4) for p in passages]

    run(slice_index, str(path), check)


@pytest.mark.parametrize("shape", [(3, 3), (DIM, 10)])
def test_a_wrong_matrix_is_a_one_line_config_error(slice_index, tmp_path, shape):
    path = tmp_path / "bad.npy"
    np.save(path, np.ones(shape, dtype=np.float32))
    with pytest.raises(ConfigError) as err:
        run(slice_index, str(path), lambda r: r)
    message = str(err.value)
    assert "TTHC_QUERY_ADAPTER" in message and f"{DIM}×{DIM}" in message and str(shape) in message
    assert "\n" not in message


def test_a_missing_file_is_a_config_error(slice_index, tmp_path):
    with pytest.raises(ConfigError, match="không đọc được"):
        run(slice_index, str(tmp_path / "absent.npy"), lambda r: r)
