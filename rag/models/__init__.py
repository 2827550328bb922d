"""Models: dense embeddings (e5, with the passage engine and the embedding cache), BM25 sparse vectors, the optional LLM client."""
