"""Wiring: one settings object → client, store, embedder, retriever (built lazily, once)."""

from __future__ import annotations

import getpass
import logging
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from rag.answering.answer import AnswerStream, answer_extractive, prepare, stream_llm
from rag.governance.access import User, allowed_tags
from rag.governance.audit import AuditLog, AuditRecord
from rag.config import Settings
from rag.domain import Answer, Passage, Redaction
from rag.models.embeddings import Embedder, make_embedder
from rag.domain import SearchFilters
from rag.answering.followup import is_follow_up
from rag.models.llm import Generator, make_generator, rewrite_with_llm
from rag.validity.service import ValidityService
from rag.governance.privacy import check_outbound, redact
from rag.procedures.search import ProcedureSearch
from rag.search.retrieval import Retriever, clean_question
from rag.index.store import ProcedureStore, UnitStore, open_client
from rag.index import CollectionLayout, VectorClient

if TYPE_CHECKING:
    from rag.validity.checker import CheckedCitation
log = logging.getLogger(__name__)


class Engine:
    """Everything a process needs to answer questions; share one per process."""

    def __init__(self, settings: Settings, create: bool = False):
        self.settings = settings
        self._create = create
        self._retrievers: dict[tuple[str, ...], Retriever] = {}
        for warning in check_outbound(
            getattr(settings, "llm_url", None), settings.qdrant_url, settings.allow_remote_llm
        ):
            log.warning(warning)

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
        return self._make_retriever(self.store)

    @property
    def validity(self) -> ValidityService:
        """The one validity service (own text + cross-document relations + override file + reform rules);
        rebuilt when the override or rules file changes (the app's Văn bản page edits the former)."""
        files = [Path(self.settings.validity_file)] + ([Path(self.settings.reforms_file)] if self.settings.reforms_file else [])
        stamp = tuple(p.stat().st_mtime_ns if p.is_file() else None for p in files)
        cached = self.__dict__.get("_validity")
        if cached is None or cached[0] != stamp:
            service = ValidityService.from_store(self.store, Path(self.settings.validity_file),
                                                 self.settings.reforms_file, self.settings.as_of)
            cached = (stamp, service)
            self.__dict__["_validity"] = cached
        return cached[1]

    def validity_filters(self, filters: SearchFilters | None) -> SearchFilters | None:
        """``filters`` with ``--in-force`` (settings) added and every validity condition answered by the
        validity service for the configured date: the app's toggle and the CLI flag take this one path."""
        if self.settings.in_force_only:
            filters = replace(filters or SearchFilters(), in_force=True)
        return self.validity.resolve_filters(filters)

    @cached_property
    def procedures(self) -> ProcedureSearch:
        store = ProcedureStore(self.client, self.settings.collection)
        return ProcedureSearch(store, self.embedder, self.settings, analyse=self.retriever.analyse)

    @cached_property
    def audit(self) -> AuditLog | None:
        if not self.settings.audit_enabled:
            return None
        return AuditLog(self.settings.audit_db, self.settings.audit_key)

    @cached_property
    def generator(self) -> Generator:
        """The configured LLM (loaded on first use; raises ``LLMUnavailable`` with the fix)."""
        return make_generator(self.settings)

    @property
    def local_user(self) -> User:
        """Who is asking when no one signed in: the operator of this machine."""
        try:
            login = getpass.getuser()
        except (OSError, KeyError):
            login = "local"
        return User(f"local:{login}", self.settings.default_role)

    def _make_retriever(self, store: UnitStore) -> Retriever:
        retriever = Retriever(store, self.embedder, self.settings)
        retriever.passage_filter = lambda passages, filters=None: self.validity.rank(
            passages, None, self.settings.in_force_only or bool(filters and filters.in_force),
            self.settings.validity_demotion,
        )
        return retriever

    def retriever_for(self, user: User | None) -> Retriever:
        """A retriever that can only ever see the documents ``user``'s role may read."""
        access = allowed_tags((user or self.local_user).role, self.settings.role_access)
        if access is None:
            return self.retriever
        if access not in self._retrievers:
            restricted = self._make_retriever(self.store.restricted(access))
            restricted.shared = self.retriever  # same search arrays, masked to readable documents
            self._retrievers[access] = restricted
        return self._retrievers[access]

    def search(
        self,
        question: str,
        top_k: int | None = None,
        filters: SearchFilters | None = None,
        user: User | None = None,
    ) -> list[Passage]:
        """Passages for a question (personal data redacted first), within ``user``'s access."""
        question = redact(clean_question(question, self.settings.max_question_chars)).text
        return self.retriever_for(user).search(question, top_k, filters=self.validity_filters(filters))

    def ask(
        self,
        question: str,
        mode: str | None = None,
        history: Sequence[str] = (),
        filters: SearchFilters | None = None,
        user: User | None = None,
    ) -> Answer:
        """Answer a question (``mode``: "extractive" or "llm"; default from settings).

        ``history``: earlier user questions of the conversation, oldest first, used to rewrite a
        follow-up ("còn trường hợp quá hạn thì sao?") into a self-contained query. Personal data is
        redacted first, retrieval stays within ``user``'s access, and the audit record is written.
        """
        return self.ask_stream(question, mode, history, filters, user).result()

    def ask_stream(
        self,
        question: str,
        mode: str | None = None,
        history: Sequence[str] = (),
        filters: SearchFilters | None = None,
        user: User | None = None,
    ) -> AnswerStream:
        """Like ``ask`` but streams the LLM draft; iterate it, then read ``.answer`` (verified, audited)."""
        user = user or self.local_user
        mode = mode or self.settings.answer_mode
        redacted = redact(clean_question(question, self.settings.max_question_chars))
        question = redacted.text
        history = tuple(redact(clean_question(h, self.settings.max_question_chars)).text for h in history if h)
        retriever = self.retriever_for(user)
        filters = self.validity_filters(filters)
        if mode == "llm":
            query = None
            if history and is_follow_up(question):  # the model rewrites; rules are the fallback
                query = rewrite_with_llm(self.generator, question, history) or None
            prep = prepare(retriever, self.settings, question, history, query, filters)
            stream = stream_llm(prep, self.settings, self.generator)
        else:
            prep = prepare(retriever, self.settings, question, history, filters=filters)
            answer = answer_extractive(prep, self.settings)
            stream = AnswerStream(iter(()), lambda _text: answer)
        spans = tuple(Redaction(s.kind, s.placeholder, s.start, s.end) for s in redacted.spans)
        return stream.then(self._with_procedure).then(_with_reform_warnings).then(
            lambda a: self._audited(a, spans, user, mode))

    def _with_procedure(self, answer: Answer) -> Answer:
        judged = answer.judgement or {}
        topic = judged.get("topic") if answer.abstained and judged.get("code") == "law_not_indexed" else None
        hit = self.procedures.best_match(answer.query or answer.question, topic=topic)  # the card goes on top
        return replace(answer, procedure=hit.procedure) if hit else answer

    def _audited(self, answer: Answer, redactions: tuple[Redaction, ...], user: User, mode: str) -> Answer:
        """Attach what was redacted and write the audit record (fails closed if the log cannot be written)."""
        answer = replace(answer, redactions=redactions)
        if self.audit is not None:
            record = AuditRecord.for_answer(answer, user.name, user.role, mode)
            answer = replace(answer, audit_id=self.audit.append(record))
        return answer

    def index_changed(self) -> None:
        """Documents were added, removed or edited through this engine: refresh cached views."""
        if "retriever" in self.__dict__:
            self.retriever.forget_documents()
        self._retrievers.clear()  # restricted views are rebuilt (sharing the refreshed arrays)
        self.__dict__.pop("_validity", None)  # rebuilt from the document records on next use

    def check(self, text: str, user: User | None = None, as_of: str | None = None) -> list["CheckedCitation"]:
        """Every citation in ``text`` with its verdict (see rag.validity.checker), within ``user``'s access:
        a document the role may not read is never quoted as evidence."""
        from rag.validity.checker import CitationChecker

        retriever = self.retriever_for(user)
        checker = CitationChecker(
            retriever.store, self.validity, search=lambda q, k: retriever.search(q, k),
            as_of=as_of or self.settings.as_of,
        )
        return checker.check(text)

    def close(self) -> None:
        if "client" in self.__dict__:
            self.client.close()


def _with_reform_warnings(answer: Answer) -> Answer:
    """One warning per reform notice on the cited passages ("[1], [3]: …"), after the answer's own."""
    cited: dict[str, list[int]] = {}
    for c in answer.citations:
        for notice in (c.passage.badge.notices if c.passage.badge else ()):
            cited.setdefault(notice, []).append(c.n)
    extra = tuple(f"Trích dẫn {', '.join(f'[{n}]' for n in ns)}: {notice}" for notice, ns in cited.items())
    return replace(answer, warnings=tuple(answer.warnings) + extra) if extra else answer
