"""Procedure search: a question → the matching procedure cards.

Hybrid retrieval (dense + BM25, fused by RRF in Qdrant) over one vector pair per card, then a
light rerank by how much of the card's *name* the question covers: "đăng ký khai sinh" should
prefer "Đăng ký khai sinh" to "Đăng ký khai sinh có yếu tố nước ngoài".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.config import Settings
from rag.domain import Procedure
from rag.embeddings import Embedder
from rag.errors import InputError
from rag.query import QueryAnalysis, is_unaccented
from rag.sparse import BM25Encoder
from rag.store import ProcedureStore
from rag.vietnamese import nfc, normalise_space, strip_diacritics, syllables

# Everyday words people use for procedure names (query side only).
_ALIASES = (
    (r"\bcccd\b", "căn cước công dân"),
    (r"\bcmnd\b", "chứng minh nhân dân"),
    (r"\bcăn cước công dân\b", "thẻ căn cước"),
    (r"\blàm lại\b", "đăng ký lại cấp lại"),
    (r"\bxin lại\b", "cấp lại"),
    (r"\bđổi\b", "cấp đổi"),
    (r"\bhộ khẩu\b", "thường trú"),
    (r"\bcông chứng\b", "chứng thực"),
    (r"\bphô tô\b|\bphotocopy\b|\bphoto\b", "bản sao"),
    (r"\blàm giấy khai sinh\b|\bkhai sinh cho con\b|\bkhai sinh cho bé\b", "đăng ký khai sinh"),
    (r"\bbáo tử\b|\bngười chết\b|\bqua đời\b|\bmất rồi\b", "khai tử"),
    (r"\bcưới\b|\blấy vợ\b|\blấy chồng\b", "kết hôn"),
    (r"\bđộc thân\b", "xác nhận tình trạng hôn nhân"),
    (r"\bpassport\b", "hộ chiếu"),
    (r"\bbáo mất\b", "trình báo mất"),
    (r"\blàm (hộ chiếu|thẻ căn cước|căn cước)", r"cấp \1"),
    (r"\bsổ đỏ\b", "giấy chứng nhận quyền sử dụng đất"),
)
# Name words that narrow a procedure to a special case: a card whose name has them while the
# question does not is a worse match.
_NARROWING = (
    "nước ngoài",
    "lưu động",
    "lại",
    "kết hợp",
    "chấm dứt",
    "giám sát",
    "người đã có hồ sơ",
    "xóa",
    "gia hạn",
)
_LEVEL_WORDS = {
    "cấp xã": r"\bxã\b|\bphường\b",
    "cấp huyện": r"\bhuyện\b|\bquận\b",
    "cấp tỉnh": r"\btỉnh\b|thành phố trực thuộc",
    "cấp trung ương": r"trung ương|bộ công an|\bcục\b",
}
_PARENTHESES = re.compile(r"\([^)]*\)")


def expand_query(question: str) -> str:
    """The question plus everyday-word aliases (never removes words)."""
    text = normalise_space(nfc(question).replace("\n", " "))
    low = text.lower()
    extra = []
    for pattern, alias in _ALIASES:
        m = re.search(pattern, low)
        if m:
            extra.append(m.expand(alias) if "\\" in alias else alias)
    return f"{text} {' '.join(extra)}".strip()


def card_dense_text(p: Procedure) -> str:
    """What the dense encoder sees for a card: its name and where it sits."""
    parts = [p.name]
    if p.field:
        parts.append(f"Lĩnh vực {p.field}")
    if p.level:
        parts.append(p.level)
    return ". ".join(parts)


def card_sparse_text(p: Procedure) -> str:
    """What BM25 sees: the name (weighted by repetition), field, level, and the start of the
    conditions and result (kept short so long dossiers do not drown the name)."""
    return "\n".join([p.name, p.name, p.name, p.field, p.level, p.conditions[:300], p.result[:200]])


def name_head(name: str) -> str:
    """The distinctive start of a name: no parentheses, no leading "Thủ tục", up to the first ";"."""
    head = _PARENTHESES.sub(" ", nfc(name)).split(";")[0]
    head = re.sub(r"^\s*thủ tục\s+", "", head, flags=re.I)
    return " ".join(head.split()[:10])


def name_coverage(question: str, name: str) -> float:
    """Share of the name head's syllables that the question contains."""
    words = syllables(name_head(name))
    if not words:
        return 0.0
    asked = set(syllables(question)) | set(syllables(strip_diacritics(question)))
    return sum(1 for w in words if w in asked or strip_diacritics(w) in asked) / len(words)


def narrowing_penalty(question: str, name: str) -> float:
    """Special-case markers (e.g. "nước ngoài", "lại") in the name: +1 for each the question does
    not mention, -1 for each it does."""
    q = nfc(question).lower()
    n = _PARENTHESES.sub(" ", nfc(name).lower())
    score = 0.0
    for marker in _NARROWING:
        if re.search(rf"\b{marker}\b", n):
            score += -1.0 if re.search(rf"\b{marker}\b", q) else 1.0
    return score


def level_match(question: str, level: str) -> bool:
    """The question names the card's level ("công an tỉnh" → "cấp tỉnh")."""
    pattern = _LEVEL_WORDS.get(level)
    if not pattern:
        return False
    text = nfc(question).lower()
    if is_unaccented(text):  # typed without diacritics: compare without them
        return bool(re.search(strip_diacritics(pattern), strip_diacritics(text)))
    return bool(re.search(pattern, text))


@dataclass(frozen=True)
class ProcedureHit:
    procedure: Procedure
    score: float  # final ranking score
    rrf: float
    similarity: float | None
    coverage: float


class ProcedureSearch:
    """Search procedure cards in a ``ProcedureStore``."""

    # Fused scores are scaled so the best candidate has 1.0; name coverage and special-case
    # markers then decide between candidates the retrieval put close together.
    COVERAGE_WEIGHT = 1.0
    PENALTY_WEIGHT = 0.5
    LEVEL_WEIGHT = 0.25

    def __init__(
        self,
        store: ProcedureStore,
        embedder: Embedder,
        settings: Settings,
        analyse: Callable[[str], QueryAnalysis] | None = None,
    ):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.analyse = analyse  # the retriever's query understanding (diacritics, glossary), if any
        self.sparse = BM25Encoder(
            settings.bm25_k1, settings.bm25_b, settings.bm25_avgdl, settings.sparse_bigrams
        )

    def available(self) -> bool:
        return self.store.exists() and self.store.count() > 0

    def search(
        self,
        question: str,
        top_k: int = 5,
        field: str | None = None,
        level: str | None = None,
    ) -> list[ProcedureHit]:
        text = normalise_space(nfc(question or "").replace("\n", " "))
        if not text:
            raise InputError("Câu hỏi trống: hãy nhập tên hoặc nội dung thủ tục. / Empty query.")
        if len(text) > self.settings.max_question_chars:
            raise InputError(
                f"Câu hỏi quá dài ({len(text)} ký tự, tối đa {self.settings.max_question_chars}). / Query too long."
            )
        if not self.store.exists():
            return []
        asked = text
        if self.analyse is not None:
            text = self.analyse(text).search_text  # restored diacritics + glossary wording
        query = expand_query(text)
        conditions = {k: v for k, v in (("field", field), ("level", level)) if v}
        dense = self.embedder.embed_queries([query])[0]
        found = self.store.hybrid_query(
            dense,
            self.sparse.encode_query(query),
            limit=max(top_k * 4, 20),
            prefetch_limit=60,
            conditions=conditions,
        )
        hits = []
        top = max((rrf for _, rrf, _ in found), default=1.0) or 1.0
        for procedure, rrf, similarity in found:
            coverage = name_coverage(query, procedure.name)
            score = (
                rrf / top
                + self.COVERAGE_WEIGHT * coverage
                - self.PENALTY_WEIGHT * narrowing_penalty(query, procedure.name)
                + self.LEVEL_WEIGHT * level_match(asked, procedure.level)
            )
            hits.append(ProcedureHit(procedure, score, rrf, similarity, coverage))
        hits.sort(key=lambda h: h.score, reverse=True)
        return _dedup(hits)[:top_k]

    def best_match(self, question: str, min_coverage: float = 0.5) -> ProcedureHit | None:
        """The card to show above an answer, when the question clearly names a procedure."""
        if not self.store.exists():
            return None
        hits = self.search(question, top_k=1)
        if hits and hits[0].coverage >= min_coverage:
            return hits[0]
        return None

    def lookup(self, code: str) -> list[Procedure]:
        """Cards whose key or code (spaces and case ignored) equals ``code``."""
        wanted = _code_key(code)
        cards = self.store.all()
        exact = [p for p in cards if p.key == code]
        return exact or [p for p in cards if _code_key(p.code) == wanted or _code_key(p.key) == wanted]


def _code_key(code: str) -> str:
    return re.sub(r"\s+", "", strip_diacritics(nfc(code or "")).lower())


def _dedup(hits: list[ProcedureHit]) -> list[ProcedureHit]:
    """The same procedure from two sources (e.g. a .doc and its JSON record) shows once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for h in hits:
        key = (_code_key(h.procedure.code), _code_key(h.procedure.name))
        if key in seen:
            continue
        seen.add(key)
        out.append(h)
    return out
