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
from rag.models.embeddings import Embedder
from rag.errors import InputError
from rag.search.query import QueryAnalysis, is_unaccented
from rag.search.relevance import profile
from rag.models.sparse import BM25Encoder
from rag.index.store import ProcedureStore
from rag.text.vietnamese import nfc, normalise_space, strip_diacritics, syllables

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
    (r"\bsổ đỏ\b|\bsổ hồng\b|\bbìa đỏ\b", "giấy chứng nhận quyền sử dụng đất"),
)
# Situations → the procedure's own words: what happened to a paper decides the procedure (a broken
# card is "cấp đổi", a lost one "cấp lại", a wrong birth date "cải chính", a lost original whose
# register survives "cấp bản sao trích lục", a lost register "đăng ký lại"). Each entry: a pattern
# of the situation, an optional pattern the question must also match (the paper it is about),
# and the words added.
_CARD = r"căn cước|cccd|cmnd|chứng minh"
_CIVIL = r"khai sinh|kết hôn|khai tử|hộ tịch|trích lục"
_LAND = r"sổ đỏ|sổ hồng|bìa đỏ|giấy chứng nhận quyền sử dụng|thửa|\bđất\b"
_LAND_PAPER = r"sổ đỏ|sổ hồng|bìa đỏ|giấy chứng nhận|\bsổ\b"
_SITUATIONS: tuple[tuple[str, str | None, str], ...] = (
    (r"gãy|hỏng|hư|rách|mờ|bong|không đọc được|sai thông tin|in sai|đủ \d+ tuổi|\b(?:25|40|60) tuổi", _CARD, "cấp đổi thẻ căn cước"),
    (r"\bmất\b|đánh rơi|rơi mất|thất lạc|bị trộm|bị móc", _CARD, "cấp lại thẻ căn cước"),
    (r"lần đầu|mới đủ 14|tròn 14|vừa đủ 14|đủ 14", _CARD, "cấp thẻ căn cước cho người từ đủ 14 tuổi"),
    (r"\bsai\b|nhầm|sửa lại|sửa ngày|sửa tên|đổi tên|đổi họ|cải chính", _CIVIL + r"|tên cho con|họ cho con", "thay đổi cải chính bổ sung thông tin hộ tịch"),
    (r"dân tộc", _CIVIL + r"|cho con", "xác định lại dân tộc"),
    (r"(?:mất|thất lạc|rách|ướt|hỏng).*(?:bản chính|bản gốc|giấy)|bản sao|thêm bản|xin lại", _CIVIL, "cấp bản sao trích lục hộ tịch"),
    (r"(?:sổ|sổ gốc|sổ hộ tịch|lưu trữ).{0,30}(?:không còn|cháy|mất|thất lạc|hư)|chưa (?:bao giờ|từng) (?:có|làm)", _CIVIL, "đăng ký lại"),
    (r"cùng lúc|đồng thời|vừa nhận .* vừa", r"nhận (?:cha|mẹ|con)", "kết hợp"),
    (r"người (?:hàn quốc|nhật|trung quốc|đài loan|mỹ|pháp|úc|lào|campuchia|nước ngoài|ngoại quốc)|việt kiều|quốc tịch nước ngoài", None, "có yếu tố nước ngoài"),
    (r"(?:ở|tại|của) (?:nước ngoài|hàn quốc|nhật|mỹ|đài loan|trung quốc|úc|pháp|đức|canada)", _CIVIL + r"|ly hôn|ly dị", "ghi vào sổ hộ tịch đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài"),
    (r"không cần (?:người )?giám hộ|thôi giám hộ|đủ 18 tuổi|hết giám hộ", None, "chấm dứt giám hộ"),
    (r"làm người giám hộ|nhận giám hộ|trông nom|mồ côi|bố mẹ (?:cháu )?mất", None, "đăng ký giám hộ"),
    (r"ly dị|ly hôn", None, "ly hôn hủy việc kết hôn"),
    (r"sao y|photo|phô tô|công chứng bản sao|bản sao y", None, "chứng thực bản sao từ bản chính"),
    (r"ủy quyền|uỷ quyền|xác nhận chữ ký|ký tên|điểm chỉ", None, "chứng thực chữ ký"),
    (r"dịch (?:giấy|văn bản|sang|từ)|bản dịch|người dịch|tiếng (?:anh|pháp|trung|nhật|hàn)", None, "chứng thực chữ ký người dịch"),
    (r"di chúc|để lại (?:nhà|đất|tài sản)", None, "chứng thực di chúc"),
    (r"không nhận (?:phần )?(?:thừa kế|di sản)|từ chối (?:nhận )?(?:thừa kế|di sản)|nhường (?:phần )?(?:thừa kế|di sản)", None, "văn bản từ chối nhận di sản"),
    (r"chia (?:nhau )?(?:thừa kế|di sản|đất|nhà|tài sản)|phân chia|bố mất|mẹ mất|không (?:để|có) di chúc", r"thừa kế|di sản|mất|chia", "thỏa thuận phân chia di sản"),
    (r"mua bán|bán (?:xe|nhà|đất)|tặng cho|cho thuê|thế chấp|chuyển nhượng", r"hợp đồng|chứng thực|\bxã\b", "chứng thực hợp đồng giao dịch"),
    (r"ghi nhầm|ghi sai|viết sai|đánh máy sai|sai sót|nhầm", r"hợp đồng", "sửa lỗi sai sót trong hợp đồng giao dịch"),
    (r"(?:mất|thất lạc|xin lại).{0,40}hợp đồng|hợp đồng.{0,60}(?:bị mất|xin lại|bản sao)", None, "cấp bản sao có chứng thực từ bản chính hợp đồng giao dịch"),
    (r"hủy|huỷ|sửa đổi|bổ sung", r"hợp đồng", "sửa đổi bổ sung hủy bỏ hợp đồng giao dịch"),
    (r"thuê trọ|ở trọ|thuê nhà|ở nhờ|đến ở|lên (?:thành phố|phố)", None, "đăng ký tạm trú"),
    (r"ở tiếp|ở thêm|hết hạn tạm trú|tạm trú sắp hết|sắp hết hạn", None, "gia hạn tạm trú"),
    (r"chuyển (?:hộ khẩu|khẩu)|nhập (?:hộ )?khẩu|mua nhà", None, "đăng ký thường trú"),
    (r"đi (?:làm|học) xa|vắng nhà|đi khỏi|vắng mặt", None, "khai báo tạm vắng"),
    (r"ngủ lại|ở lại (?:vài|mấy)|lên chơi|đến chơi|khách đến", None, "thông báo lưu trú"),
    (r"chuyển đi|không ở (?:đó|đấy) nữa|đã chuyển", r"tạm trú", "xóa đăng ký tạm trú"),
    (r"tìm (?:lại )?được|tìm thấy", r"hộ chiếu", "khôi phục giá trị sử dụng hộ chiếu"),
    (r"\bmất\b|đánh rơi|thất lạc|bị trộm", r"hộ chiếu", "trình báo mất hộ chiếu"),
    (r"rách|nát|hỏng|cũ|chuột cắn|ố|mờ|đổi (?:sổ|giấy)", _LAND_PAPER, "cấp đổi giấy chứng nhận"),
    (r"\bmất\b|thất lạc|cháy", _LAND_PAPER, "cấp lại giấy chứng nhận do bị mất"),
    (r"tách sổ|tách thửa|chia (?:mảnh )?đất|hợp thửa|gộp", None, "tách thửa hợp thửa đất"),
    (r"tranh chấp", _LAND + r"|ranh", "hòa giải tranh chấp đất đai"),
    (r"nhận nuôi|con nuôi|nuôi (?:cháu|bé|con của)", None, "đăng ký việc nuôi con nuôi"),
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
    "hợp đồng",
    "người dịch",
    "di chúc",
    "di sản",
    "sổ gốc",
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
    extra += situation_words(low)
    return f"{text} {' '.join(extra)}".strip()


def situation_words(question: str) -> list[str]:
    """The procedure words a described situation calls for ("thẻ bị gãy chip" → "cấp đổi thẻ căn cước")."""
    low = nfc(question).lower()
    out = []
    for situation, context, words in _SITUATIONS:
        if re.search(situation, low) and (context is None or re.search(context, low)) and words not in out:
            out.append(words)
    return out


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
    not mention, -1 for each it does. Only the name up to its first ";" counts: what follows lists
    the cases a general procedure also covers ("…; cơ quan, tổ chức có thẩm quyền của nước ngoài")."""
    q = nfc(question).lower()
    n = _PARENTHESES.sub(" ", nfc(name).lower()).split(";")[0]
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

    def best_match(self, question: str, min_coverage: float = 0.5, topic: str | None = None) -> ProcedureHit | None:
        """The card to show above an answer, when the question clearly names a procedure. A question that mainly
        asks a fine ("dựng rạp cưới trên lòng đường thì bị phạt bao nhiêu?") carries out no procedure: a card on top
        ("Đăng ký kết hôn", found through the glossary's "đám cưới" → "kết hôn") would read as its subject.
        ``topic``: the phrase of a missing law's topic the answer was turned away for ("sổ bảo hiểm xã hội"); a card
        is kept only when its name says it ("Trình báo mất hộ chiếu" for "hộ chiếu"; through the glossary, "Cấp
        lại Giấy chứng nhận" for "sổ đỏ") — any other was found through the situation's words ("mất" → "cấp lại")."""
        if not self.store.exists() or profile(question).main_intent == "sanction":
            return None
        hits = self.search(question, top_k=1)
        if hits and hits[0].coverage >= min_coverage and (not topic or self._names(hits[0].procedure, topic)):
            return hits[0]
        return None

    def _names(self, card: Procedure, topic: str) -> bool:
        """The card's name says a word pair of ``topic`` or of its glossary wording."""
        said = syllables(self.analyse(topic).search_text if self.analyse is not None else topic)
        name = f" {' '.join(syllables(card.name))} "
        return any(f" {a} {b} " in name for a, b in zip(said, said[1:]))

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
