"""Personal data in Vietnamese text: detection and typed redaction (pure functions).

``redact("anh Nguyễn Văn A, CCCD 001090012345")`` → ``"anh [HỌ TÊN], CCCD [CCCD]"``.

Each detector is a regular expression, most of them anchored on context words (``STK``,
``sinh ngày``, ``số nhà`` ...); overlapping finds are resolved by priority, then length.
Names are the hard part: a capitalised run of syllables after a title or kinship word
(``ông``, ``bà``, ``anh``, ``chị``, ``cháu`` ...) or starting with a common surname. The measured
precision and recall per type are in docs/security.md (bench/pii.py reproduces them).

The module also holds the one check for outbound URLs (:func:`is_local_url`): personal data
must not leave the machine unless an operator explicitly allows a remote server.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from rag.errors import ConfigError
from rag.text.vietnamese import nfc

# kind → placeholder. Kinds are stable identifiers (JSON, audit log); placeholders are shown.
PLACEHOLDERS: dict[str, str] = {
    "email": "[EMAIL]",
    "bank_account": "[STK]",
    "tax_code": "[MST]",
    "cmnd": "[CMND]",
    "cccd": "[CCCD]",
    "phone": "[SĐT]",
    "plate": "[BIỂN SỐ]",
    "birth_date": "[NGÀY SINH]",
    "address": "[ĐỊA CHỈ]",
    "name": "[HỌ TÊN]",
}
KIND_LABELS: dict[str, str] = {
    "email": "email",
    "bank_account": "số tài khoản",
    "tax_code": "mã số thuế",
    "cmnd": "số CMND",
    "cccd": "số CCCD/căn cước",
    "phone": "số điện thoại",
    "plate": "biển số xe",
    "birth_date": "ngày sinh",
    "address": "địa chỉ",
    "name": "họ tên",
}
# Earlier kinds win overlaps (context-anchored numbers before bare ones).
PRIORITY = {kind: i for i, kind in enumerate(PLACEHOLDERS)}


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data found in a text (offsets into that text)."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.kind]

    def as_dict(self) -> dict[str, object]:
        return {
            "type": self.kind,
            "placeholder": self.placeholder,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True)
class Redacted:
    """A redacted text and what was taken out of the original."""

    text: str
    spans: tuple[PiiSpan, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.kind for s in self.spans))


# -- building blocks -------------------------------------------------------------------------

_F = re.IGNORECASE | re.UNICODE
_NO_DIGIT_BEFORE = r"(?<![\d\w])"
_NO_DIGIT_AFTER = r"(?![\d\w])"
_SEP = r"[ .\-]?"  # one optional separator inside a number

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", _F)

# "STK 0123456789", "số tài khoản Vietcombank: 0071 0001 23456", "tài khoản số 123-456-789"
BANK_ACCOUNT = re.compile(
    r"(?:\bSTK\b|\bsố\s+TK\b|\bsố\s+tài\s+khoản\b|\btài\s+khoản(?:\s+ngân\s+hàng)?\s+số\b"
    r"|\btài\s+khoản\s+ngân\s+hàng\b|\bTKNH\b)"
    r"[^\d\n]{0,40}?"
    r"(?P<value>\d(?:[ .\-]?\d){5,18})" + _NO_DIGIT_AFTER,
    _F,
)

# Enterprise tax code: 10 digits, or 10-3 digits for branches.
TAX_CONTEXT = re.compile(r"(?:\bMST\b|\bmã\s+số\s+thuế\b|\bmã\s+số\s+doanh\s+nghiệp\b|\bMSDN\b)[^\d\n]{0,25}$", _F)
TAX_CODE_BRANCH = re.compile(_NO_DIGIT_BEFORE + r"\d{10}\s?-\s?\d{3}" + _NO_DIGIT_AFTER)
TEN_DIGITS = re.compile(_NO_DIGIT_BEFORE + r"\d{10}" + _NO_DIGIT_AFTER)

# CMND: 9 digits, only with a context word shortly before.
CMND = re.compile(
    r"(?:\bCMND\b|\bCMT\b|\bCMTND\b|\bchứng\s+minh\s+(?:nhân\s+dân|thư)\b|\bgiấy\s+CM\b)"
    r"[^\d\n]{0,30}?(?P<value>\d{3}[ .]?\d{3}[ .]?\d{3})" + _NO_DIGIT_AFTER,
    _F,
)

# CCCD / căn cước (also the personal tax code since 2025): 12 digits, optionally grouped.
CCCD_PLAIN = re.compile(_NO_DIGIT_BEFORE + r"\d{12}" + _NO_DIGIT_AFTER)
CCCD_GROUPED = re.compile(
    r"(?:\bCCCD\b|\bcăn\s+cước\b|\bđịnh\s+danh\b|\bmã\s+số\s+thuế\s+cá\s+nhân\b|\bCC\b)"
    r"[^\d\n]{0,30}?(?P<value>\d{3,4}(?:[ .]\d{3,4}){2,3})" + _NO_DIGIT_AFTER,
    _F,
)

# Phones: 0 or +84 / 84 prefix, then 9–10 digits with optional spaces, dots or hyphens.
PHONE = re.compile(
    r"(?<![\w+])(?P<value>(?:\(\+84\)|\+84|0084|84(?=[ .\-]?[35789]\d))[ .\-]?\(?0?\)?[1-9](?:[ .\-]?\d){7,9}"
    r"|0[1-9](?:[ .\-]?\d){8,9})" + _NO_DIGIT_AFTER,
)
_MOBILE_PREFIXES = ("3", "5", "7", "8", "9")

# Vehicle plates: 29A-123.45, 51F 12345, 30E1-234.56, 59-X1 123.45, 29-B1 123.45, 29A-1234.
PLATE = re.compile(
    r"(?<![\w/])\d{2}\s?-?\s?[A-ZĐ]{1,2}\d?(?:\s?-\s?|\s|\.)?(?:\d{3}\.\d{2}|\d{4,5})(?![\w/])",
)

_DATE_VALUE = (
    r"(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}"  # 12/03/1990
    r"|(?:ngày\s+)?\d{1,2}\s+tháng\s+\d{1,2}(?:\s*,)?\s+năm\s+\d{4}"  # 12 tháng 3 năm 1990
    r"|(?:tháng\s+)?\d{1,2}\s*[/.\-]\s*\d{4}"  # 3/1990
    r"|(?:năm\s+)?\d{4})"  # 1990
)
BIRTH_DATE = re.compile(
    r"(?:\bsinh\s+(?:ngày|năm|tháng|vào\s+ngày|vào\s+năm|vào)|\bngày\s+(?:tháng\s+năm\s+)?sinh\b|"
    r"\bnăm\s+sinh\b|\bSN\b|\bDOB\b|\bsinh\b(?=\s*:))"
    r"\s*(?:là|:|-)?\s*(?P<value>" + _DATE_VALUE + r")" + _NO_DIGIT_AFTER,
    _F,
)

# Uppercase / any Latin letters, Vietnamese included (Python's re has no \p{Lu}).
_LATIN = [chr(c) for c in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1EA0, 0x1F00))]
_UPPER_CHARS = "".join(c for c in _LATIN if c.isalpha() and c.isupper())
_LETTER_CHARS = "".join(c for c in _LATIN if c.isalpha())
_UP = f"[{_UPPER_CHARS}]"
_LETTERS = f"[{_LETTER_CHARS}]"
_CAP_WORD = f"{_UP}{_LETTERS}*"

# Addresses: from a context word, the run of numbers, capitalised words and address words.
_ADDRESS_CONTEXT = r"(?i:số\s+nhà|nhà\s+số|tổ\s+dân\s+phố|khu\s+phố|thôn|xóm|ấp|khóm)"
_ADDRESS_WORD = (
    r"(?i:số|ngõ|ngách|hẻm|kiệt|đường|phố|tổ|khu|thôn|xóm|ấp|khóm|lô|căn|phòng|tầng|nhà|"
    r"dãy|tập\s+thể|chung\s+cư|quốc\s+lộ|tỉnh\s+lộ|km)"
)
_ADDRESS_NUMBER = r"\d+[A-Za-z]?(?:[/\-]\d+[A-Za-z]?)*"
_ADDRESS_TOKEN = rf"(?:{_ADDRESS_NUMBER}|{_CAP_WORD}|{_ADDRESS_WORD}(?!{_LETTERS}))"
ADDRESS = re.compile(
    rf"(?<!{_LETTERS})(?P<value>{_ADDRESS_CONTEXT}\s+(?:(?i:số)\s+)?(?:{_ADDRESS_NUMBER}|{_CAP_WORD})"
    rf"(?:,?\s{_ADDRESS_TOKEN})*)"
)

# Names.
TITLES = (
    "ông", "bà", "anh", "chị", "em", "cháu", "cô", "chú", "bác", "cụ", "bé", "con", "cậu", "mợ",
    "dì", "thím", "mẹ", "bố", "cha", "vợ", "chồng", "công dân", "đương sự", "họ tên", "họ và tên",
    "tên là", "tên", "tôi là", "ông/bà", "anh/chị", "cháu bé", "người yêu cầu", "người chết",
    "người đã chết", "người mất", "cụ ông", "cụ bà", "bạn",
)
_TITLE = re.compile(
    rf"(?<!{_LETTERS})(?:" + "|".join(sorted((re.escape(t) for t in TITLES), key=len, reverse=True)) + r")"
    r"\s*:?\s+",
    _F,
)
_CAP_RUN = re.compile(rf"{_CAP_WORD}(?: {_CAP_WORD}){{0,5}}(?!{_LETTERS})")
SURNAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Lâm Mai "
    "Trịnh Trương Tô Hà Lưu Cao Quách Tạ Thái Châu Lương Kiều Triệu Vương Chu Mạc Doãn Khúc "
    "Lại Đào Văn Tăng Thân Tôn Nông Lò Hứa Giang Phùng La Từ Quan Âu Diệp Ông Tiêu Nghiêm".split()
)
# Capitalised words that cannot start a name (offices, documents, ranks, kinship at a sentence start).
NOT_NAME_START = frozenset(
    "Chủ Phó Trưởng Giám Tổng Bộ Sở Phòng Ủy Uỷ UBND HĐND Tòa Toà Viện Công Cục Chi Ban Hội Đảng "
    "Nhà Trường Bệnh Thủ Điều Khoản Luật Nghị Thông Quyết Chính Quốc Tỉnh Huyện Xã Phường "
    "Quận Thành Làng Xóm Thôn Ấp Mẹ Tôi Em Anh Chị Ông Bà Cháu Con Việt Sài "
    "Cô Chú Bác Cụ Sĩ Liệt Đại Thượng Thiếu Tiến Thạc Kỹ Giáo Lao Mặt Cựu Bí Đội Tổ "
    "Hộ Pháp CCCD CMND CMT SĐT STK MST Giấy Sổ Mã Số Trung Cán Bên Người Nguyên".split()
)
# Capitalised words that end a name run ("anh Minh Phường 3" → "Minh").
NAME_BREAK = frozenset(
    "Chủ Phó Trưởng Giám Tổng Bộ Sở Phòng Ủy Uỷ UBND HĐND Tòa Toà Viện Cục Chi Ban Hội Đảng "
    "Thủ Điều Khoản Luật Nghị Thông Quyết Chính Tỉnh Huyện Xã Phường Quận Làng Xóm Thôn Ấp "
    "CCCD CMND CMT SĐT STK MST Giấy Sổ Mã Số Email ĐT Zalo".split()
)
# Places and organisations that begin with a title word or a surname ("Bà Rịa", "Phan Thiết",
# "Đoàn Thanh niên").
PLACE_NAMES = (
    "Đoàn Thanh niên", "Bà Rịa", "Cô Tô", "Anh Sơn", "Bà Điểm", "Bà Đen", "Ông Lãnh", "Bà Chiểu", "Hồ Chí Minh",
    "Phan Thiết", "Phan Rang", "Lý Sơn", "Trần Văn Thời", "Ngô Quyền", "Lê Chân", "Hà Nội",
    "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hồ Tây", "Lâm Đồng", "Cao Bằng", "Thái Nguyên", "Thái Bình",
    "Hà Đông", "Châu Đốc", "Mai Châu", "Quan Hóa", "La Gi", "Tô Lịch", "Hồ Gươm", "Hà Tiên",
    "Cao Lãnh", "Châu Thành", "Tân Bình", "Văn Lâm", "Lý Nhân", "Giang Thành",
)
# Words before a capitalised run that make it a place or an institution, not a person.
PLACE_BEFORE = re.compile(
    r"(?:đường|phố|quận|huyện|xã|phường|thị\s+trấn|tỉnh|thành\s+phố|TP\.?|trường|THPT|THCS|cầu|chợ|"
    r"bệnh\s+viện|sông|hồ|núi|chùa|đền|khu|ngõ|hẻm|tại|ở|về|sân|bến|tư\s+tưởng|Chủ\s+tịch|"
    r"lăng|bảo\s+tàng|công\s+ty|doanh\s+nghiệp|bến\s+xe|ga|đến|từ|đi|quê|vùng|đảo|tổ)\s+$",
    _F,
)


# -- detectors --------------------------------------------------------------------------------


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _value_span(kind: str, m: re.Match[str], group: str = "value") -> PiiSpan:
    return PiiSpan(kind, m.start(group), m.end(group), m.group(group))


def _find_emails(text: str) -> list[PiiSpan]:
    return [PiiSpan("email", m.start(), m.end(), m.group()) for m in EMAIL.finditer(text)]


def _find_bank_accounts(text: str) -> list[PiiSpan]:
    return [_value_span("bank_account", m) for m in BANK_ACCOUNT.finditer(text)]


def _find_tax_codes(text: str) -> list[PiiSpan]:
    spans = [PiiSpan("tax_code", m.start(), m.end(), m.group()) for m in TAX_CODE_BRANCH.finditer(text)]
    for m in TEN_DIGITS.finditer(text):
        with_context = bool(TAX_CONTEXT.search(text[max(0, m.start() - 40) : m.start()]))
        looks_mobile = m.group()[0] == "0" and m.group()[1] in _MOBILE_PREFIXES
        if with_context or not looks_mobile:
            spans.append(PiiSpan("tax_code", m.start(), m.end(), m.group()))
    return spans


def _find_cmnd(text: str) -> list[PiiSpan]:
    return [_value_span("cmnd", m) for m in CMND.finditer(text)]


def _find_cccd(text: str) -> list[PiiSpan]:
    spans = [PiiSpan("cccd", m.start(), m.end(), m.group()) for m in CCCD_PLAIN.finditer(text)]
    spans += [_value_span("cccd", m) for m in CCCD_GROUPED.finditer(text) if len(_digits(m.group("value"))) == 12]
    return spans


def _find_phones(text: str) -> list[PiiSpan]:
    spans = []
    for m in PHONE.finditer(text):
        digits = _digits(m.group())
        if digits.startswith("0084"):
            digits = "0" + digits[4:]
        elif digits.startswith("84") and not m.group().startswith("0"):
            digits = "0" + digits[2:]
        digits = digits.replace("00", "0", 1) if digits.startswith("00") else digits
        mobile = len(digits) == 10 and digits[1] in _MOBILE_PREFIXES
        landline = len(digits) == 11 and digits[1] == "2"
        if mobile or landline:
            spans.append(PiiSpan("phone", m.start(), m.end(), m.group()))
    return spans


def _find_plates(text: str) -> list[PiiSpan]:
    return [PiiSpan("plate", m.start(), m.end(), m.group()) for m in PLATE.finditer(text)]


def _find_birth_dates(text: str) -> list[PiiSpan]:
    return [_value_span("birth_date", m) for m in BIRTH_DATE.finditer(text)]


def _find_addresses(text: str) -> list[PiiSpan]:
    spans = []
    for m in ADDRESS.finditer(text):
        value = m.group("value").rstrip(" ,")
        spans.append(PiiSpan("address", m.start("value"), m.start("value") + len(value), value))
    return spans


def _trim_run(words: list[str], from_surname: bool) -> list[str]:
    """Keep the leading words of a capitalised run that can be a person's name."""
    kept: list[str] = []
    for word in words:
        if word in NAME_BREAK or (not kept and word in NOT_NAME_START and word not in SURNAMES):
            break
        kept.append(word)
    if from_surname and len(kept) < 2:
        return []
    if kept and kept[0] in NOT_NAME_START and len(kept) < 2:  # "Cháu Ông" alone is not a name
        return []
    return kept[:4] if from_surname else kept[:5]


def _is_place(text: str, pos: int) -> bool:
    """Does a known place or organisation name start at ``pos``?"""
    for name in PLACE_NAMES:
        end = pos + len(name)
        if text.startswith(name, pos) and not (end < len(text) and text[end].isalpha()):
            return True
    return False


def _name_at(text: str, pos: int, from_surname: bool, title_start: int | None = None) -> PiiSpan | None:
    m = _CAP_RUN.match(text, pos)
    if not m or _is_place(text, pos) or (title_start is not None and _is_place(text, title_start)):
        return None
    words = _trim_run(m.group().split(" "), from_surname)
    if not words:
        return None
    value = " ".join(words)
    return PiiSpan("name", pos, pos + len(value), value)


def _find_names(text: str) -> list[PiiSpan]:
    spans: dict[int, PiiSpan] = {}
    for m in _TITLE.finditer(text):
        span = _name_at(text, m.end(), from_surname=False, title_start=m.start())
        if span:
            spans[span.start] = span
    for m in re.finditer(_CAP_WORD, text):
        if m.group() not in SURNAMES or any(s.start <= m.start() < s.end for s in spans.values()):
            continue
        if m.group().lower() in TITLES and m.end() + 1 in spans:  # "Ông" as a title, not a surname
            continue
        if PLACE_BEFORE.search(text[max(0, m.start() - 25) : m.start()]):
            continue
        if m.start() > 0 and re.match(_LETTERS, text[m.start() - 1]):
            continue
        span = _name_at(text, m.start(), from_surname=True)
        if span:
            spans[span.start] = span
    return list(spans.values())


_DETECTORS = (
    _find_emails,
    _find_bank_accounts,
    _find_tax_codes,
    _find_cmnd,
    _find_cccd,
    _find_phones,
    _find_plates,
    _find_birth_dates,
    _find_addresses,
    _find_names,
)


def detect(text: str) -> list[PiiSpan]:
    """Personal data in ``text`` (NFC), non-overlapping, in reading order."""
    text = nfc(text or "")
    found = [span for detector in _DETECTORS for span in detector(text) if span.end > span.start]
    found.sort(key=lambda s: (PRIORITY[s.kind], -(s.end - s.start), s.start))
    chosen: list[PiiSpan] = []
    for span in found:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def redact(text: str) -> Redacted:
    """Replace personal data with typed placeholders; spans refer to the NFC input."""
    text = nfc(text or "")
    spans = detect(text)
    out, last = [], 0
    for span in spans:
        out.append(text[last : span.start])
        out.append(span.placeholder)
        last = span.end
    out.append(text[last:])
    return Redacted("".join(out), tuple(spans))


# -- outbound URLs ----------------------------------------------------------------------------


def is_local_url(url: str) -> bool:
    """True when ``url`` points at this machine or a private network (no data leaves the agency)."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    if host in ("localhost",) or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a public DNS name: it may resolve anywhere
    return ip.is_loopback or ip.is_private or ip.is_link_local


def check_outbound(llm_url: str | None, qdrant_url: str | None, allow_remote_llm: bool) -> list[str]:
    """Refuse an LLM server outside this machine / private networks unless explicitly allowed.

    Returns the warnings to log (a remote LLM that was allowed; a remote Qdrant server, which
    receives question embeddings and redacted questions, never the raw ones).
    """
    warnings = []
    if llm_url and not is_local_url(llm_url):
        if not allow_remote_llm:
            raise ConfigError(
                f"Máy chủ LLM {llm_url} nằm ngoài mạng nội bộ: câu hỏi sẽ rời khỏi cơ quan. Đặt "
                "TTHC_ALLOW_REMOTE_LLM=true nếu thật sự muốn vậy. / LLM URL outside loopback/private "
                "networks: set TTHC_ALLOW_REMOTE_LLM=true to allow it."
            )
        warnings.append(f"LLM server outside the local network is allowed: {llm_url} (questions leave the agency)")
    if qdrant_url and not is_local_url(qdrant_url):
        warnings.append(f"Qdrant server outside the local network: {qdrant_url}")
    return warnings
