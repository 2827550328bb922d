"""The embedding cache: a text is embedded once per model, across runs and processes."""

import numpy as np

from rag.models.embedding_cache import EmbeddingCache, embed_passages_cached


class CountingFakeEmbedder:
    """A fake at the model boundary: deterministic vectors, and a record of what it embedded."""

    dim = 4

    def __init__(self, name: str = "fake-model"):
        self.name = name
        self.calls: list[list[str]] = []

    def embed_passages(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0, float(sum(map(ord, t)) % 7)] for t in texts], dtype=np.float32)


def test_only_new_texts_are_embedded_and_vectors_persist(tmp_path):
    path = tmp_path / "cache.sqlite"
    embedder = CountingFakeEmbedder()
    first, computed = embed_passages_cached(embedder, EmbeddingCache(path), ["a", "bb", "a"])
    assert computed == 2 and embedder.calls == [["a", "bb"]]  # a repeat in the same call: once
    assert np.array_equal(first[0], first[2])

    reopened = EmbeddingCache(path)  # another run
    second, computed = embed_passages_cached(embedder, reopened, ["bb", "ccc", "a"])
    assert computed == 1 and embedder.calls[-1] == ["ccc"]
    assert np.array_equal(second[0], first[1]) and np.array_equal(second[2], first[0])
    assert len(reopened) == 3


def test_the_model_is_part_of_the_key(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    embed_passages_cached(CountingFakeEmbedder("model-a"), cache, ["a"])
    other = CountingFakeEmbedder("model-b")
    _, computed = embed_passages_cached(other, cache, ["a"])
    assert computed == 1 and other.calls == [["a"]]
