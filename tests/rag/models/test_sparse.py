import subprocess
import sys

from rag.models.sparse import BM25Encoder, terms, token_id
from rag.text.vietnamese import strip_diacritics, syllables


def test_syllables_are_lowercase_nfc():
    decomposed = "Đăng ky\u0301 khai sinh"  # "ký" typed with a combining accent
    assert syllables(decomposed) == ["đăng", "ký", "khai", "sinh"]


def test_bigrams():
    assert terms("khai sinh con", bigrams=True) == ["khai", "sinh", "con", "khai_sinh", "sinh_con"]
    assert terms("khai sinh", bigrams=False) == ["khai", "sinh"]


def test_token_ids_are_stable_across_processes():
    code = "from rag.models.sparse import token_id; print(token_id('khai_sinh'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == token_id("khai_sinh")
    assert 0 <= token_id("khai_sinh") < 2**32


def test_bm25_document_weights_saturate_and_normalise_length():
    enc = BM25Encoder(k1=1.2, b=0.75, avgdl=10, bigrams=False)
    once = enc.encode_document("hộ tịch")
    many = enc.encode_document("hộ " * 10 + "tịch")
    w_once = dict(zip(once.indices, once.values))[token_id("hộ")]
    w_many = dict(zip(many.indices, many.values))[token_id("hộ")]
    assert w_once < w_many < 1.2 + 1  # more occurrences weigh more, bounded by k1 + 1
    assert once.indices == sorted(once.indices)


def test_query_vector_is_binary():
    q = BM25Encoder().encode_query("khai sinh khai sinh")
    assert set(q.values) == {1.0}
    assert len(q.indices) == 4  # khai, sinh, khai_sinh, sinh_khai (each once)


def test_strip_diacritics():
    assert strip_diacritics("Đăng ký khai sinh") == "Dang ky khai sinh"
