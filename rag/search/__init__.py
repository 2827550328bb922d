"""Search: understand the question (query), filters, hybrid retrieval over the index, relevance re-scoring, retrieval evaluation."""
