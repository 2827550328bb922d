"""The llama-index retriever adapter returns the product's own ranking with its citations."""

from __future__ import annotations

from rag.config import load_settings
from rag.engine import Engine
from rag.llamaindex import as_retriever

QUESTION = "Thời hạn đăng ký khai sinh cho con là bao lâu?"


def test_llama_index_retriever_is_the_products_search(index_env):
    engine = Engine(load_settings())
    try:
        nodes = as_retriever(engine, top_k=5).retrieve(QUESTION)
        passages = engine.search(QUESTION, 5)
    finally:
        engine.close()
    assert [n.node.text for n in nodes] == [p.unit.text for p in passages]
    first = nodes[0].node.metadata
    assert (first["doc"], first["article"], first["clause"]) == ("60/2014/QH13", "Điều 15", "1")
    assert "60 ngày" in nodes[0].node.text
