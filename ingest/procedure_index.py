"""Procedure cards into the index: one source file at a time, unchanged files skipped."""

from __future__ import annotations

from dataclasses import replace

from ingest.procedures import ProcedureFile
from rag.config import Settings
from rag.index.store import ProcedureStore
from rag.models.embeddings import Embedder
from rag.models.sparse import make_sparse_encoder
from rag.procedures.search import card_dense_text, card_sparse_text


class ProcedureIngestor:
    """Writes the procedure cards read from one source file (dense + sparse vectors)."""

    def __init__(self, settings: Settings, store: ProcedureStore, embedder: Embedder):
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.sparse = make_sparse_encoder(settings)

    def write(self, found: ProcedureFile, file_hash: str) -> tuple[str, int]:
        """("added" | "updated" | "unchanged", number of cards); ``file_hash`` identifies the bytes read."""
        path = str(found.path)
        self.store.ensure(self.embedder.dim)
        record = self.store.source_record(path)
        if record and record.content_hash == file_hash:
            return "unchanged", record.count
        status = "updated" if record else "added"
        self.store.delete_source(path)
        cards = [replace(p, source_file=path) for p in found.procedures]
        batch = max(self.settings.embedding_batch, 16)
        for start in range(0, len(cards), batch):
            chunk = cards[start : start + batch]
            dense = self.embedder.embed_passages([card_dense_text(p) for p in chunk])
            sparse = [self.sparse.encode_document(card_sparse_text(p)) for p in chunk]
            self.store.upsert(chunk, dense, sparse)
        self.store.put_source(path, file_hash, len(cards))
        return status, len(cards)
