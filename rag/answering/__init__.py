"""Answering: compose an answer from ranked passages, verify each sentence against its source, follow-up questions, highlight the cited words."""
