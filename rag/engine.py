"""Wiring: one settings object → client, store, embedder, retriever (built lazily, once)."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from rag.answer import answer_question
from rag.config import Settings
from rag.domain import Answer, Passage
from rag.embeddings import Embedder, make_embedder
from rag.filters import SearchFilters
from rag.procedures.search import ProcedureSearch
from rag.retrieval import Retriever
from rag.store import ProcedureStore, UnitStore, open_client
from rag.stores import CollectionLayout, VectorClient


class Engine:
    """Everything a process needs to answer questions; share one per process."""

    def __init__(self, settings: Settings, create: bool = False):
        self.settings = settings
        self._create = create

    @cached_property
    def client(self) -> VectorClient:
        return open_client(self.settings, create=self._create)

    @cached_property
    def store(self) -> UnitStore:
        return UnitStore(self.client, self.settings.collection, CollectionLayout.from_settings(self.settings))

    @cached_property
    def embedder(self) -> Embedder:
        return make_embedder(self.settings)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.store, self.embedder, self.settings)

    @cached_property
    def procedures(self) -> ProcedureSearch:
        store = ProcedureStore(self.client, self.settings.collection)
        return ProcedureSearch(store, self.embedder, self.settings, analyse=self.retriever.analyse)

    def search(self, question: str, top_k: int | None = None, filters: SearchFilters | None = None) -> list[Passage]:
        return self.retriever.search(question, top_k, filters=filters)

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer:
        answer = answer_question(self.retriever, self.settings, question, filters=filters)
        hit = self.procedures.best_match(answer.question)  # the card goes on top of the answer
        return replace(answer, procedure=hit.procedure) if hit else answer

    def index_changed(self) -> None:
        """Documents were added, removed or edited through this engine: refresh cached views."""
        if "retriever" in self.__dict__:
            self.retriever.forget_documents()

    def close(self) -> None:
        if "client" in self.__dict__:
            self.client.close()
