"""Chat helpers: follow-up history uses the rewritten queries; the mode switch needs a configured LLM."""

from __future__ import annotations

from rag.config import load_settings
from rag.domain import Answer
from ui.answering import conversation_history, llm_configured


def test_history_uses_the_queries_actually_searched():
    messages = [
        {"role": "user", "content": "Thời hạn đăng ký khai sinh?"},
        {"role": "assistant", "answer": Answer(question="Thời hạn đăng ký khai sinh?", text="…")},
        {"role": "user", "content": "còn khai tử thì sao?"},
        {"role": "assistant", "answer": Answer(question="còn khai tử thì sao?", text="…", query="Thời hạn đăng ký khai tử")},
    ]
    assert conversation_history(messages) == ["Thời hạn đăng ký khai sinh?", "Thời hạn đăng ký khai tử"]


def test_llm_is_offered_only_when_configured(tmp_path):
    assert not llm_configured(load_settings(llm_model_path=tmp_path / "none.gguf"))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert llm_configured(load_settings(llm_model_path=gguf))
    assert llm_configured(load_settings(llm_model_path=tmp_path / "none.gguf", llm_url="http://127.0.0.1:8080/v1"))
