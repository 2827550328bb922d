"""Chat answering helpers for the Hỏi đáp page: answer mode switch, streaming, follow-up history,
and the per-sentence verification panel. Pages call these; all logic lives in ``rag``.
"""

from __future__ import annotations

from typing import Any, Sequence

import streamlit as st

from rag.config import Settings
from rag.domain import Answer
from rag.engine import Engine

MODE_LABELS = {"extractive": "Trích nguyên văn", "llm": "Mô hình ngôn ngữ (có kiểm chứng)"}
STATUS_LABELS = {"verified": "✅ đã kiểm chứng", "unverified": "⚠️ chưa kiểm chứng", "removed": "⛔ đã bỏ"}


def llm_configured(settings: Settings) -> bool:
    """An LLM can be used: a server URL, or a GGUF file on disk."""
    return bool(settings.llm_url) or settings.llm_model_path.is_file()


def mode_switch(settings: Settings) -> str:
    """The sidebar answer-mode switch, shown only when an LLM is configured."""
    if not llm_configured(settings):
        return "extractive"
    modes = list(MODE_LABELS)
    with st.sidebar:
        return st.radio(
            "Cách trả lời",
            modes,
            index=modes.index(settings.answer_mode),
            format_func=MODE_LABELS.__getitem__,
            key="answer-mode",
            help="Mô hình ngôn ngữ viết câu trả lời từ các đoạn trích; câu nào không kiểm chứng được "
            "với văn bản nguồn sẽ bị bỏ.",
        )


def conversation_history(messages: Sequence[dict[str, Any]]) -> list[str]:
    """Earlier questions, as the retrieval queries actually used (follow-ups already rewritten)."""
    out = []
    for m in messages:
        answer = m.get("answer")
        if m.get("role") == "assistant" and isinstance(answer, Answer):
            out.append(answer.query or answer.question)
    return out


def ask_streaming(engine: Engine, question: str, mode: str, history: Sequence[str], **kwargs: Any) -> Answer:
    """Answer; in llm mode stream the model's draft, then replace it with the verified answer."""
    if mode != "llm":
        with st.spinner("Đang tìm căn cứ…"):
            return engine.ask(question, mode=mode, history=history, **kwargs)
    with st.spinner("Đang tìm căn cứ và nạp mô hình…"):
        stream = engine.ask_stream(question, mode=mode, history=history, **kwargs)
    draft = st.empty()
    with draft.container():
        st.caption("Bản nháp của mô hình — đang kiểm chứng từng câu…")
        st.write_stream(stream)
    draft.empty()
    return stream.result()


def verification_panel(answer: Answer, key: str = "") -> None:
    """Per-sentence status and reasons (only when something was removed or flagged)."""
    if not answer.sentences or all(s.status == "verified" for s in answer.sentences):
        return
    with st.expander("Kiểm chứng từng câu"):
        for s in answer.sentences:
            marks = " ".join(f"[{n}]" for n in s.citations)
            st.text(f"{STATUS_LABELS.get(s.status, s.status)} {marks}\n{s.text}")
            for reason in s.reasons:
                st.caption(f"– {reason}")
