"""Pure parsers for procedure fields written in Vietnamese (no I/O).

Each function reads what the text states and nothing more: when a value cannot be read it is
left empty and the raw text stays on the card.
"""

from __future__ import annotations

import re

from rag.domain import DossierItem, Duration, FeeAmount, Fees, LegalBasis, ProcessingTime, Step
from rag.text.vietnamese import nfc, normalise_space, strip_diacritics

# -- small helpers -------------------------------------------------------------------------

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\ufeff]")


def clean(text: str) -> str:
    """NFC, invisible marks removed, non-breaking spaces → spaces, lines stripped."""
    text = _INVISIBLE.sub("", nfc(text or "")).replace("\xa0", " ").replace("\t", " ")
    lines = [normalise_space(line) for line in text.splitlines()]
    return "\n".join(lines).strip()


def one_line(text: str) -> str:
    return normalise_space(clean(text).replace("\n", " "))


_NUMBER_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}

# -- processing time -----------------------------------------------------------------------

_DURATION = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?|½|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
    r"(?:\s*\([^)]{1,12}\))?\s*"
    r"(?P<unit>ngày\s+làm\s+việc|ngày|giờ|tháng)",
    re.IGNORECASE,
)
_SAME_DAY = re.compile(
    r"(ngay\s+trong\s+ngày|trong\s+ngày\s+(?:tiếp\s+nhận|làm\s+việc)|tiếp\s+nhận\s+ngay)", re.I
)


def _number(word: str) -> float:
    word = word.lower()
    if word == "½":
        return 0.5
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    return float(word.replace(",", "."))


def parse_processing_time(text: str) -> ProcessingTime | None:
    """ "05 ngày làm việc; trường hợp phải xác minh ... không quá 25 ngày" → [5 ngày làm việc, 25 ngày]."""
    raw = one_line(text)
    if not raw:
        return None
    found: list[tuple[int, Duration]] = []
    same = _SAME_DAY.search(raw)
    if same:
        found.append((same.start(), Duration(None, "trong ngày", same.group(0))))
    for m in _DURATION.finditer(raw):
        before = raw[max(0, m.start() - 1) : m.start()]
        if before and (before.isalnum() or before == "/"):  # "15/11/2015", a word ending in a digit
            continue
        after = raw[m.end() : m.end() + 1]
        if after.isalpha():
            continue
        unit = normalise_space(m.group("unit").lower())
        if unit == "giờ" and re.search(r"sau\s*$", raw[max(0, m.start() - 6) : m.start()]):
            continue  # "nhận hồ sơ sau 15 giờ" is a cut-off time, not a duration
        if unit == "tháng" and re.match(r"\s+(?:năm|\d)", raw[m.end() : m.end() + 5]):
            continue  # "ngày 09 tháng 12 năm 2022" is a date
        found.append((m.start(), Duration(_number(m.group("num")), unit, m.group(0))))
    found.sort(key=lambda item: item[0])
    return ProcessingTime(text=raw, durations=tuple(d for _, d in found))


# -- fees ----------------------------------------------------------------------------------

_AMOUNT = re.compile(r"(?<![\d/.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|đ\b|Đồng|VNĐ|vnđ)", re.UNICODE)
_FREE = re.compile(r"\b(không\s+(?:thu\s+)?(?:phí|lệ\s+phí)|không\s*\.?$|miễn\s+phí)\b", re.I)


def _sentences(text: str) -> list[str]:
    """Fee text split on . ; newlines and "- " bullets, not on ":" (a label stays with its amount), unlike
    ``rag.text.sentences``: each amount keeps the sentence that says whom it is for."""
    parts = re.split(r"(?<=[.;])\s+|\n+|(?:^|\s)-\s+(?=[A-ZĐÂĂÊÔƠƯ0-9])", text)
    return [p.strip(" -;") for p in parts if p and p.strip(" -;")]


def parse_fees(text: str) -> Fees | None:
    """Amounts in VND with the sentence they come from, and the exemption sentences."""
    raw = clean(text)
    if not raw:
        return None
    amounts: list[FeeAmount] = []
    exemptions: list[str] = []
    for sentence in _sentences(raw):
        for m in _AMOUNT.finditer(sentence):
            value = int(re.sub(r"[.,]", "", m.group(1)))
            amounts.append(FeeAmount(value, sentence))
        if re.search(r"\b(miễn|giảm)\b", sentence, re.I):
            exemptions.append(sentence)
    flat = one_line(raw)
    free = bool(re.fullmatch(r"(?i)(không|không có|không thu|miễn phí)\.?", flat)) or (
        not amounts and bool(_FREE.search(flat))
    )
    return Fees(text=flat, amounts=tuple(amounts), exemptions=tuple(exemptions), free=free)


# -- legal basis ---------------------------------------------------------------------------

_DOC_NUMBER = re.compile(r"\b(\d{1,4}(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)\b")
_DOC_TYPES = (
    "Bộ luật",
    "Luật",
    "Nghị định",
    "Thông tư liên tịch",
    "Thông tư",
    "Nghị quyết",
    "Quyết định",
    "Pháp lệnh",
)
_TYPE_RE = re.compile(r"\b(" + "|".join(_DOC_TYPES) + r")\b")
_ADDRESS = re.compile(
    r"(?:(?:điểm|Điểm)\s+(?P<point>[a-zđ])\s*,?\s*)?(?:(?:khoản|Khoản)\s+(?P<clause>\d+)\s*,?\s*)?"
    r"(?:Điều|điều)\s+(?P<article>\d+[a-z]?)"
)
_LAW_TITLE = re.compile(
    r"\b(?:Bộ luật|Luật)\s+(?P<title>[A-ZĐ][^,;.()\d]*?)(?:\s+(?:năm|số)\s+(?P<year>\d{4})|\s+(?P<year2>\d{4})\b|(?=[,;.()]|\s+(?:số|ngày)\b|$))"
)
_INLINE = re.compile(
    r"(?:(?:điểm\s+[a-zđ](?:,\s*điểm\s+[a-zđ])*\s+)?(?:khoản\s+\d+\s+)?Điều\s+\d+[a-z]?\s+(?:của\s+)?)?"
    r"(?:(?:Bộ luật|Luật)\s+[A-ZĐ][\wÀ-ỹ ,]*?(?=\s*(?:[.;,)]|\s(?:và|hoặc|nộp|thì|theo|để|đối|trước|năm)\b|$))"
    r"|(?:Nghị định|Thông tư|Nghị quyết|Quyết định)\s+(?:số\s+)?\d{1,4}/\d{4}/[A-ZĐ][A-ZĐ0-9-]*)",
    re.UNICODE,
)


def parse_reference(text: str, inline: bool = False) -> LegalBasis:
    """Read doc number, type, law title, year and Điều/Khoản/Điểm from one reference."""
    raw = one_line(text).rstrip(";. ")
    number = _DOC_NUMBER.search(raw)
    doc_type = ""
    type_match = _TYPE_RE.search(raw)
    if type_match:
        doc_type = type_match.group(1)
    title = year = ""
    law = _LAW_TITLE.search(raw)
    if law and doc_type in ("Luật", "Bộ luật"):
        title = normalise_space(law.group("title"))
        year = law.group("year") or law.group("year2") or ""
    if number and not year:
        parts = number.group(1).split("/")
        if len(parts) == 3:
            year = parts[1]
    address = _ADDRESS.search(raw)
    return LegalBasis(
        text=raw,
        doc_number=number.group(1) if number else "",
        doc_type=doc_type,
        title=title,
        year=year,
        article=address.group("article") if address else None,
        clause=address.group("clause") if address else None,
        point=address.group("point") if address else None,
        inline=inline,
    )


def parse_legal_basis(text: str) -> tuple[LegalBasis, ...]:
    """One reference per "- ..." line (or per line) of a căn cứ pháp lý section."""
    items = [line.strip(" -+•;") for line in _bullets(clean(text))]
    return tuple(parse_reference(i) for i in items if i and (_TYPE_RE.search(i) or _DOC_NUMBER.search(i)))


def inline_references(text: str) -> tuple[LegalBasis, ...]:
    """References mentioned inside running text (portal pages without a căn cứ section)."""
    seen: set[str] = set()
    out: list[LegalBasis] = []
    for m in _INLINE.finditer(one_line(text)):
        ref = parse_reference(m.group(0), inline=True)
        key = ref.doc_number or f"{ref.doc_type} {ref.title}".lower()
        key += f"|{ref.article}|{ref.clause}|{ref.point}"
        if key in seen or not (ref.doc_number or ref.title):
            continue
        seen.add(key)
        out.append(ref)
    return tuple(out)


# -- dossier -------------------------------------------------------------------------------

_FORM = re.compile(
    r"(?:[Mm]ẫu\s+(?:số\s+)?(?P<code>[A-ZĐ]{1,4}[\d/.-]*\d[a-z]?|\d+[a-z]?(?:/[A-ZĐ-]+)?))|(?:\((?P<code2>[A-Z]{2}\d{2}[a-z]?)\))"
)


def form_code(text: str) -> str:
    m = _FORM.search(text)
    if not m:
        return ""
    return m.group("code") or m.group("code2") or ""


def copy_type(text: str) -> str:
    """ "bản chính", "bản sao có chứng thực", "bản chính hoặc bản sao" … as stated in the item."""
    low = text.lower()
    kinds = []
    for phrase in (
        "bản chính",
        "bản sao có chứng thực",
        "bản sao được chứng thực",
        "bản sao",
        "bản chụp",
        "bản điện tử",
    ):
        stated = [
            m
            for m in re.finditer(re.escape(phrase), low)
            if not re.search(
                r"(không còn|không có|bị mất|mất|thay thế|thay cho)\s+$",
                low[max(0, m.start() - 14) : m.start()],
            )
        ]
        if stated and not any(phrase in k for k in kinds):
            kinds.append(phrase)
    if "bản sao có chứng thực" in kinds or "bản sao được chứng thực" in kinds:
        kinds = [k for k in kinds if k != "bản sao"]
    return " hoặc ".join(kinds)


def _bullets(text: str) -> list[str]:
    """Lines grouped into items: a line starting with -, +, •, * or a digit+dot opens an item."""
    items: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if re.match(r"^([-+•*–]|\d+[.)]\s)", line) or not items:
            items.append(line)
        else:
            items[-1] += " " + line
    return items


def parse_dossier(text: str) -> tuple[tuple[DossierItem, ...], str, str]:
    """Dossier items, the number of sets ("01 bộ") and the notes (lưu ý) from a thành phần section."""
    raw = clean(text)
    sets = ""
    m = re.search(r"Số\s+lượng\s+hồ\s+sơ\s*:?\s*([^\n.]+)", raw, re.I)
    if m:
        sets = m.group(1).strip()
        raw = raw[: m.start()] + raw[m.end() :]
    notes = ""
    note = re.search(r"^\s*\*?\s*Lưu\s+ý\s*:?", raw, re.I | re.M)
    if note:
        notes = raw[note.end() :].strip()
        raw = raw[: note.start()]
    items: list[DossierItem] = []
    kind = ""
    heading_group = ""  # from "* Trường hợp …:" lines
    sub_group = ""  # from "- … gồm:" items, for the "+" items under them
    for item in _bullets(raw):
        body = item.lstrip("-+•–").strip()
        heading = re.match(r"^\*\s*(.+?):?\s*$", item)
        if heading or re.match(
            r"(?i)^(thành phần hồ sơ|hồ sơ gồm|người yêu cầu .* (?:các )?giấy tờ sau)\b.*:\s*$", body
        ):
            label = (heading.group(1) if heading else body).strip(" :")
            low = label.lower()
            if "xuất trình" in low:
                kind = "xuất trình"
            elif "nộp" in low:
                kind = "nộp"
            if heading:
                heading_group = "" if low in ("giấy tờ phải nộp", "giấy tờ phải xuất trình") else label
            sub_group = ""
            continue
        if body.endswith(":") and len(body) < 200:
            sub_group = body.rstrip(":")
            continue
        plus = item.startswith("+")
        if not plus:
            sub_group = ""
        items.append(
            DossierItem(
                name=body,
                kind=kind,
                copy_type=copy_type(body),
                form=form_code(body),
                group=(sub_group if plus and sub_group else heading_group),
            )
        )
    return tuple(items), sets, notes


# -- steps (antiword-style pipe tables) ----------------------------------------------------


_OPEN_END = re.compile(r"(?:\b(?:tại|và|của|cấp|nơi|lãnh đạo|phòng|bộ phận|trung tâm)|[-,–])\s*$", re.I)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_step_table(text: str) -> tuple[Step, ...]:
    """Steps from a "|TT|Trình tự|Trách nhiệm|Thời gian|" table rendered as text.

    Numbered tables split on the number column; unnumbered ones on the start of a new
    responsibility cell (a non-empty actor cell after an empty one).
    """
    rows = [_cells(line) for line in clean(text).splitlines() if line.strip().startswith("|")]
    rows = [r for r in rows if len(r) >= 3]
    if not rows:
        return ()
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    keep = [i for i in range(width) if i == 0 or any(r[i] for r in rows)]  # drop empty columns
    rows = [[r[i] for i in keep] for r in rows]
    if len(rows[0]) < 3:
        return ()
    # Skip the header block: rows until the first one with content that is not a header.
    start = 0
    for i, r in enumerate(rows):
        joined = " ".join(r).lower()
        if "trình tự" in joined or "trách nhiệm" in joined or not r[1] or joined.strip() in ("tt", "stt"):
            start = i + 1
            continue
        break
    body = rows[start:]
    numbered = any(re.fullmatch(r"\d+\.?", r[0]) for r in body)
    steps: list[dict[str, list[str]]] = []
    prev_actor = ""
    for r in body:
        text_cell, actor_cell = r[1], r[2] if len(r) > 2 else ""
        times = [c for c in r[3:] if c]
        if numbered:
            new = bool(re.fullmatch(r"\d+\.?", r[0]))
        else:
            # A responsibility cell starts after an empty one, or with a capital letter
            # (wrapped continuations of a cell start in lower case: "tâm Phục vụ …").
            new = bool(actor_cell) and (
                not prev_actor or (actor_cell[:1].isupper() and not _OPEN_END.search(prev_actor))
            )
        if new or not steps:
            steps.append({"text": [], "actor": [], "time": []})
        cur = steps[-1]
        if text_cell:
            cur["text"].append(text_cell)
        if actor_cell:
            cur["actor"].append(actor_cell)
        if times:
            cur["time"].append(" / ".join(times))
        prev_actor = actor_cell
    out = []
    for n, s in enumerate(steps, start=1):
        text_joined = _join_wrapped(s["text"])
        if not text_joined:
            continue
        out.append(
            Step(n=n, text=text_joined, actor=_join_wrapped(s["actor"], sep=" "), time=" ".join(s["time"]))
        )
    return tuple(Step(n=i + 1, text=s.text, actor=s.actor, time=s.time) for i, s in enumerate(out))


def _join_wrapped(parts: list[str], sep: str = "\n") -> str:
    """Re-join cell lines wrapped by the table renderer; keep bullet lines on their own line."""
    out: list[str] = []
    for part in parts:
        if out and not re.match(r"^[-+•*]", part):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return normalise_space(sep.join(out)) if sep == " " else sep.join(normalise_space(p) for p in out)


_STEP_MARK = re.compile(r"(?:^|\s)-?\s*Bước\s+(\d+)\s*[:.]\s*")


def parse_inline_steps(text: str) -> tuple[Step, ...]:
    """ "Bước 1: … Bước 2: …" in running text → ordered steps."""
    raw = one_line(text)
    marks = list(_STEP_MARK.finditer(raw))
    steps = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(raw)
        body = raw[m.end() : end].strip(" -")
        if body:
            steps.append(Step(n=len(steps) + 1, text=body))
    return tuple(steps)


# -- agency level, channels, field ---------------------------------------------------------


_LEVELS = (
    (r"(?:ủy|uỷ) ban nhân dân cấp xã|ubnd cấp xã|ubnd xã|công an cấp xã|ủy ban nhân cấp xã|cấp xã", "cấp xã"),
    (r"cấp huyện", "cấp huyện"),
    (
        r"sở tư pháp|lãnh đạo sở|cấp tỉnh|văn phòng đăng ký đất đai|vpđkđđ|trung tâm phục vụ hcc tỉnh",
        "cấp tỉnh",
    ),
    (r"(?<!dịch vụ công )bộ công an|cục quản lý xuất nhập cảnh|cấp trung ương", "cấp trung ương"),
)


def agency_level(*texts: str) -> str:
    """ "cấp xã" / "cấp huyện" / "cấp tỉnh" / "cấp trung ương": the first level the text names."""
    low = " ".join(one_line(t) for t in texts if t).lower()
    m = re.search(r"thực hiện tại cấp (xã|huyện|tỉnh|trung ương)", low)
    if m:
        return f"cấp {m.group(1)}"
    best: tuple[int, str] | None = None
    for pattern, level in _LEVELS:
        found = re.search(pattern, low)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), level)
    return best[1] if best else ""


def channels(text: str) -> tuple[str, ...]:
    low = one_line(text).lower()
    found = []
    if re.search(r"trực tiếp", low):
        found.append("trực tiếp")
    if re.search(r"bưu chính", low):
        found.append("bưu chính")
    if re.search(r"trực tuyến|cổng dịch vụ công|vneid|định danh quốc gia", low):
        found.append("trực tuyến")
    return tuple(found)


_FIELDS = (
    (r"căn cước|chứng minh nhân dân|định danh cá nhân", "Căn cước"),
    (r"hộ chiếu|xuất nhập cảnh", "Xuất nhập cảnh"),
    (r"thường trú|tạm trú|tạm vắng|lưu trú|cư trú", "Cư trú"),
    (r"nuôi con nuôi", "Nuôi con nuôi"),
    (r"chứng thực|bản sao từ sổ gốc", "Chứng thực"),
    (r"khai sinh|khai tử|kết hôn|giám hộ|hộ tịch|cha, mẹ, con|tình trạng hôn nhân|ly hôn|dân tộc", "Hộ tịch"),
    (r"đất|giấy chứng nhận quyền sử dụng|tài sản gắn liền", "Đất đai"),
)


def field_of(*texts: str) -> str:
    """Lĩnh vực from collection names or the procedure name (first keyword family that matches)."""
    low = strip_diacritics(" ".join(texts).lower().replace("_", " "))
    for pattern, name in _FIELDS:
        if re.search(rf"\b(?:{strip_diacritics(pattern)})\b", low):
            return name
    return ""


def iso_date(text: str) -> str | None:
    """ "07/7/2025" → "2025-07-07"; None when not a date."""
    m = re.search(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", text or "")
    if not m:
        m2 = re.search(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", text or "")
        if not m2:
            return None
        m = m2
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
