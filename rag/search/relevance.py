"""Relevance: does this article answer this question? Ordering, and abstention with a reason.

Retrieval (``rag.search.retrieval``) finds candidate articles that *sound* like the question. This stage
judges whether an article *answers* it, from features a clerk would check:

- what kind of answer the question wants (``QuestionProfile.intents``: a fee, a deadline, an
  authority, the papers, a procedure, a condition, a sanction, a prohibition, a definition) and
  whether it wants a figure ("bao nhiêu tiền", "mấy ngày");
- whether the article's title announces that kind of answer ("Thời hạn …", "Lệ phí …",
  "Thẩm quyền …") and whether its text states it (an amount of money, a duration, an authority);
- whether the article, its title and its document's title are about the question's subject
  (coverage of the question's content words weighted by rarity in the corpus, and of its
  meaningful word pairs: "khai sinh", "tạm trú", "chứng thực");
- whether the article's document is the one the candidate pool is about (its share of the pool),
  whether it is a boilerplate article (scope, entry into force) that never answers, and whether
  it is about a special case the question does not name (a foreign element, disciplinary
  complaints, the district level).

The article score is a weighted sum of these features; the weights are fitted on the tuning half
of ``bench/data/clerk/questions.jsonl`` (``bench/relevance_fit.py``) and shipped in
``rag/data/relevance.json`` with their provenance. Abstention (``judge``) states its reason: a
named document that is not in the index, a year later than every indexed document, a figure asked
for that no close article states, a subject the closest articles do not cover, or too low a score.

Everything here is pure (text in, numbers out) except ``ArticleTable``, which reads the index once
and is cached beside it like the search arrays.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from rag.domain import LegalUnit, document_label
from rag.search.cache import load_or_build, read_json_gz, write_json_gz
from rag.text.quantities import stated_figures
from rag.text.sentences import LEAD_PIECE
from rag.search.topics import LawTopic, canonical, folded_name, missing_law_topics
from rag.text.vietnamese import nfc, strip_diacritics, syllables


DATA = Path(__file__).resolve().parent.parent / "data"
WEIGHTS_FILE = DATA / "relevance.json"
TABLE_VERSION = 2
MAX_ARTICLE_CHARS = 6000  # article text kept for features (long articles are cut)

# -- question profile ---------------------------------------------------------------------------

# intent → (label shown in the lead, question pattern, article-title pattern)
INTENTS: dict[str, tuple[str, str, str]] = {
    # which form (mẫu tờ khai, mẫu đơn) to use: the answer names the form ("Mẫu số 01", "mẫu CT01"),
    # which lives in the annexes of a circular; "theo mẫu quy định" names none
    "form": (
        "Biểu mẫu",
        r"mẫu (?:nào|gì|số mấy|số bao nhiêu|ra sao|ở đâu)|(?:dùng|theo|lấy|tải|xin|viết theo|ghi theo) mẫu|"
        r"biểu mẫu|có mẫu (?:sẵn|không)|mẫu đơn (?:ở|lấy|nào)|mẫu tờ khai",
        r"biểu mẫu|mẫu|phụ lục",
    ),
    "fee": (
        "Lệ phí, mức tiền",
        r"lệ phí|\bphí\b|bao nhiêu tiền|bn tiền|mấy tiền|mức thu|hết bao nhiêu|mất bao nhiêu tiền|tốn|chi phí|đóng tiền|nộp tiền",
        r"phí|mức thu|lệ phí",
    ),
    "sanction": (
        "Mức phạt",
        r"\bphạt\b|xử phạt|bị xử lý|chế tài",
        r"phạt|xử phạt|xử lý vi phạm",
    ),
    "deadline": (
        "Thời hạn",
        r"bao lâu|thời hạn|mấy ngày|bao nhiêu ngày|trong vòng|hạn chót|thời hiệu|mấy tháng|bao nhiêu tháng|"
        r"mấy năm|bao nhiêu năm|bao giờ|khi nào (?:thì )?(?:lấy|có|nhận|xong|được trả)|mất mấy|trong mấy|mấy tiếng|bao nhiêu giờ",
        r"thời hạn|thời hiệu|thời gian|gia hạn",
    ),
    "authority": (
        "Thẩm quyền",
        r"ở đâu|\bđâu\b|cơ quan nào|thẩm quyền|cấp nào|xã nào|nơi nào|\bai\b|làm ở|nộp ở|gửi ai|lên ai|"
        r"do đâu|ai cấp|ai giải quyết|ai ra",
        r"thẩm quyền|nơi|địa điểm|cơ quan|tổ chức thu",
    ),
    "dossier": (
        "Hồ sơ",
        r"giấy tờ|hồ sơ|giấy gì|cần gì|chuẩn bị|mang theo|nộp những gì|cần những gì|gồm những gì|gồm gì|"
        r"những nội dung gì|ghi những",
        r"hồ sơ|giấy tờ|thủ tục|thành phần",
    ),
    "procedure": (
        "Thủ tục",
        r"thủ tục|làm thế nào|làm sao|như thế nào|thế nào|trình tự|các bước|làm gì|làm những gì|cách nào",
        r"thủ tục|trình tự|cách thức|tiến hành",
    ),
    "condition": (
        "Điều kiện",
        r"điều kiện|tiêu chuẩn|được không|có được|trường hợp nào|khi nào|bao nhiêu tuổi|mấy tuổi|từ mấy|ít nhất|tối thiểu",
        r"điều kiện|tiêu chuẩn|trường hợp|đối tượng|độ tuổi|người được",
    ),
    "prohibition": (
        "Hành vi bị cấm",
        r"\bcấm\b|nghiêm cấm|có vi phạm|có sai|có đúng không|không được làm",
        r"nghiêm cấm|bị cấm|không được",
    ),
    "definition": (
        "Khái niệm",
        r"là gì|là ai|được hiểu|nghĩa là|khác .* (chỗ|ở) nào|gồm những (việc|nơi|loại) nào",
        r"giải thích từ ngữ|khái niệm",
    ),
    "rights": (
        "Quyền, nghĩa vụ",
        r"\bquyền\b|nghĩa vụ|trách nhiệm",
        r"quyền|nghĩa vụ|trách nhiệm",
    ),
}
# Questions that want a number (of money, days, people, years of age) in the answer.
_WANTS_FIGURE = re.compile(
    r"bao nhiêu|\bbn\b|\bmấy\b|bao lâu|tối đa|tối thiểu|ít nhất|mức (thu|phạt|phí|lệ phí)|hết bao|mất bao|"
    r"trong bao|kích thước|\bmức nào\b",
    re.I,
)
# A figure asked in a clause of its own before a yes/no one ("… là bao nhiêu, vậy có … không?")
# a figure asked before a yes/no on it or on something else: "… là bao nhiêu, vậy có thấp hơn không?", "… bị phạt
# bao nhiêu tiền, có bị tạm giữ xe không?"
_ASKED_BEFORE = re.compile(r"\blà\s+(?:bao nhiêu|mấy|bao lâu)\s*[,;?]|\bbao nhiêu\s+(?:tiền|ngày|tháng|năm)\s*[,;]|"
                           r"\bbao lâu(?:\s+(?:thì\s+)?(?:mới\s+)?(?:xong|có|được))?\s*[,;]",
                           re.I)  # "… thời hạn bao lâu, nhà khó khăn có được miễn … không?", "bao lâu mới xong, có … không?"
_YES_NO = re.compile(r"\bcó\b.*\b(không|chưa)\s*[?.!]*\s*$|\bphải không\b|\bđúng không\b", re.I)


def yes_no(question: str) -> bool:
    """A yes/no question ("… có mất lệ phí không?", "… phải không?")."""
    return bool(_YES_NO.search(question))

_FIGURE_KIND = {"fee": "money", "sanction": "money", "deadline": "duration"}

# Words that carry no subject: question words, politeness, generic verbs of asking.
_FILLER = frozenset(
    (
        "bao lâu nhiêu mấy gì nào ai đâu thế không có phải được hỏi xin cho tôi em anh chị ạ ơi vậy "
        "thì là mà của và với hay hoặc các những một hai cái này đó kia nếu khi rồi đã đang sẽ cần muốn "
        "biết làm ở tại trong từ đến bị bằng theo thôi nhé nha giờ bây hiện nay luật quy định người "
        "mình nhà chúng ta họ nó ra vào lên về đi thêm còn cũng vẫn rất hết tiền ngày tháng năm lần bn đc k ko "
        "mới xong nữa luôn"
    ).split()
)
# Transitional provisions (quy định / điều khoản chuyển tiếp) are not boilerplate: they carry rules clerks
# apply daily (an old ID card valid until 30/6/2025, old household books), so they are not listed here.
_GENERIC_TITLES = re.compile(
    r"^(phạm vi điều chỉnh|đối tượng áp dụng|hiệu lực thi hành|trách nhiệm thi hành|điều khoản thi hành|"
    r"tổ chức thực hiện|hiệu lực thi hành và|quy định chi tiết)",
    re.I,
)
_SCOPE_TITLES = re.compile(r"^(phạm vi điều chỉnh|đối tượng áp dụng|phạm vi áp dụng)", re.I)
_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?![\d/]|[.,]\d)")  # "năm 2025, có thêm …" is a year; "2025.000" is not
# Words of the 2025 local-government reform (two-level local government, merged provinces and
# communes, no district level): rules a corpus issued before it cannot state.
_UNIT = r"(?:tỉnh|xã|huyện|phường|thị trấn)"
# Offices a district had ("Phòng Tư pháp", "Ban Chỉ huy quân sự", "Viện kiểm sát", "Chi cục Thuế" … huyện)
_DISTRICT_OFFICE = r"(?:ủy|uỷ) ban|ubnd|hội đồng|phòng|ban|chi cục|công an|tòa án|toà án|viện kiểm sát|trung tâm"
_REFORM = re.compile(
    r"chính quyền (?:địa phương )?(?:hai|2) cấp|(?:hai|2) cấp chính quyền|sau (?:khi )?sáp nhập|xã mới sau sắp xếp|"
    # the district level gone: "bỏ cấp huyện", "không còn ủy ban huyện", "huyện giải thể rồi"
    r"(?:bỏ|không còn|giải thể|xóa bỏ|xoá bỏ)\s+(?:(?:ủy|uỷ) ban\s+|ubnd\s+|(?:ủy|uỷ) ban nhân dân\s+)?(?:cấp\s+)?huyện|"
    # "viện kiểm sát huyện, nay bên đó không còn", "Phòng Tài chính - Kế hoạch huyện đã thôi hoạt động",
    # "Chi cục Thuế huyện chỗ tôi nghe nói đã giải thể"
    r"huyện,?\s+(?:(?:nay|giờ|bây giờ|hiện nay)\s+)?(?:(?:bên|chỗ|cơ quan|phòng|nơi) (?:đó|này|ấy)\s+)?(?:đã\s+|bị\s+)?"
    r"(?:giải thể|giải tán|không còn(?=\s*(?:nữa|thì|hoạt động|[,.?!]|$))|bị bỏ|bãi bỏ|xóa bỏ|xoá bỏ|thôi hoạt động|"
    r"ngừng hoạt động)|"
    # "không còn Hội đồng nghĩa vụ quân sự huyện nữa"
    rf"không còn\s+(?:{_DISTRICT_OFFICE}|cơ quan|bộ phận|văn phòng)\b(?:\s+[^\W\d_]+){{0,5}}?\s+(?:cấp\s+)?huyện\b"
    r"(?=\s*(?:nữa|thì|[,.?!]|$))|"
    r"huyện\b(?:\s+[^\W\d_]+){0,4}?\s+(?:đã|bị)\s+(?:giải thể|giải tán|bãi bỏ|xóa bỏ|xoá bỏ|thôi hoạt động|ngừng hoạt động)\b|"
    # what the district used to do: "trước đây là của chủ tịch huyện", "trước thuộc ủy ban huyện"
    r"trước (?:đây|kia)?\s*(?:là\s+)?(?:của|thuộc|do)\s+(?:(?:chủ tịch|ủy ban|uỷ ban|ubnd|phòng \w+)\s+)?(?:cấp\s+)?huyện|"
    # what a district body did before, asked of now: "Trước đây phải đăng ký với chủ tịch huyện, giờ tôi nộp hồ sơ
    # cho ai?", "Mọi năm gửi hồ sơ lên Phòng Tư pháp để Chủ tịch huyện ký, năm nay gửi cho ai?"
    r"\b(?:trước đây|trước kia|trước giờ|hồi trước|lúc trước|mọi năm|mọi khi|năm ngoái)\b[^?]{0,60}?"
    rf"\b(?:chủ tịch|{_DISTRICT_OFFICE})"
    r"(?:\s+[^\W\d_]+){0,6}?\s+(?:cấp\s+)?huyện\b[^?]{0,80}?\b(?:giờ|bây giờ|nay|năm nay|hiện nay)\b|"
    # the 2025 reorganisation in other words: "từ khi tổ chức lại bộ máy", "sau khi sắp xếp lại bộ máy"
    r"(?:từ khi|sau khi|sau)\s+(?:tổ chức lại|sắp xếp lại|tinh gọn)\s+bộ máy|"
    # only two levels left: "giờ chỉ còn tỉnh và xã", "chỉ còn hai cấp"
    rf"chỉ còn\s+(?:(?:cấp\s+)?tỉnh\s+(?:và|với)\s+(?:cấp\s+)?(?:xã|phường)|(?:hai|2)\s+cấp)|"
    # the district's work passed down: "xã làm thay huyện", "phân cấp cho xã", "thủ tục này đã chuyển về xã chưa",
    # "ủy ban huyện cũ", "đơn vị hành chính mới"
    r"thay (?:cho |việc của |việc |phần việc của )?(?:(?:ủy|uỷ) ban |ubnd )?(?:cấp )?huyện\b|"
    r"phân (?:cấp|quyền) (?:cho|về|xuống) (?:cấp )?(?:xã|phường)|(?:chuyển|giao)\s+xuống\s+(?:cho\s+)?(?:cấp\s+)?(?:xã|phường)|"
    r"(?:chuyển|giao)\s+về\s+(?:cho\s+)?(?:cấp\s+)?(?:xã|phường)\s+(?:chưa|giải quyết|thực hiện)\b|(?:(?:ủy|uỷ) ban|ubnd|chủ tịch|phòng \w+(?: \w+)?)\s+huyện cũ\b|đơn vị hành chính mới|"
    # the one-stop centre of a commune (set up in 2025; the indexed decree has the province's only)
    r"trung tâm phục vụ hành chính công\s+(?:của\s+|cấp\s+|ở\s+)?(?:xã|phường)|"
    # merged units: "sáp nhập tỉnh", "xã tôi vừa sáp nhập với xã bên", "tỉnh mình hợp nhất với tỉnh bên",
    # "xã tôi với hai xã bên vừa gộp lại", "sau khi sắp xếp đơn vị hành chính"
    rf"(?:sáp nhập|hợp nhất|sắp xếp lại|gộp)\s+(?:(?:với|vào|các|hai|ba|\d|thành|lại|đơn vị hành chính)\s+){{0,2}}{_UNIT}\b|"
    rf"\b{_UNIT}\s+(?:\w+\s+){{0,5}}(?<!bản )(?:sáp nhập|hợp nhất|gộp lại|gộp chung|gộp vào|gộp với)\b|"
    rf"sau (?:khi )?sắp xếp (?:lại )?(?:đơn vị hành chính|{_UNIT}\b)",
    re.I,
)
# A district body the question names, then who or where asked of now: "Bộ luật ghi … gửi Ủy ban nhân dân cấp huyện,
# nhưng huyện nay đâu còn, vậy … gửi cho ủy ban nào?", "Nghị định ghi chủ tịch ủy ban huyện quyết định …, vậy bây
# giờ xã trình ai ký?" — the district level is gone since 1 July 2025, so who does it now is a rule the indexed
# texts cannot state. A district named only as a place ("tôi ở huyện bên, nay …") names no body.
_DISTRICT_NOW = re.compile(
    rf"(?:{_DISTRICT_OFFICE}|chủ tịch|cấp)\b[^,.;?]{{0,50}}?\bhuyện\b[^?]{{0,120}}?"
    r"\b(?:nay|bây giờ|hiện nay|hiện tại|năm nay|(?<![\d] )giờ)\b[^?]{0,80}?"
    r"\b(?:ai|cơ quan nào|(?:ủy|uỷ) ban nào|cấp nào|nơi nào|chỗ nào|ở đâu)\b",
    re.I,
)
# A provincial document ("nghị quyết của HĐND tỉnh", "quyết định của UBND tỉnh", "quy định của tỉnh") or a
# figure asked of one's own province ("lệ phí ở tỉnh mình"): provincial councils set fees such as hộ tịch and
# cư trú fees (Thông tư 250/2016/TT-BTC), so the answer is in a provincial document.
# An article that governs what a reorganisation changes ("thay đổi địa giới đơn vị hành chính" on a card; the
# agency that takes over the duties of one "đã được hợp nhất, sáp nhập, chia tách, giải thể") answers a reform question.
# An article that governs what a reorganisation changes: an agency or an administrative unit merged, split or
# dissolved ("cơ quan giải quyết bồi thường đã được chia, tách, sáp nhập, hợp nhất hoặc bị giải thể"), not a
# company's merger among the papers of a fee exemption ("Quyết định giải thể, chia, tách, hợp nhất … tổ chức")
_REORGANISED = re.compile(  # a change that happened ("khi … thay đổi địa giới"), not a list of powers or drafts
    r"(?:đã|được|bị|khi|trường hợp)\b[^.;:\n]{0,40}?(?:thay đổi|điều chỉnh) địa giới|"
    r"(?:cơ quan|đơn vị hành chính|ủy ban nhân dân|uỷ ban nhân dân)[^.;:]{0,60}?"
    r"(?:đã\s+|bị\s+|được\s+)+(?:chia|tách|sáp nhập|hợp nhất|giải thể)",
    re.I,
)
_COUNCIL = r"(?:hđnd|hội đồng nhân dân|ubnd|ủy ban nhân dân|uỷ ban nhân dân)"
_LOCAL_RESOLUTION = re.compile(rf"\bnghị quyết\s+(?:của\s+)?(?:{_COUNCIL}\s+)?(?:cấp\s+)?(?:tỉnh|thành phố)\b", re.I)
_LOCAL_RULE = re.compile(
    rf"\btheo\s+(?:quyết định|quy định|văn bản)\s+(?:của\s+)?(?:{_COUNCIL}\s+)?(?:cấp\s+)?(?:tỉnh|thành phố)\b", re.I
)
_LOCAL_PLACE = re.compile(r"\b(?:tỉnh|thành phố|địa phương)\s+(?:mình|tôi|em|này|nhà|ta)\b|\bở địa phương\b", re.I)
_PROVINCIAL_NUMBER = re.compile(r"hđnd|ubnd", re.I)
# A document type named without a number ("theo nghị định hướng dẫn", "thông tư mới"): the answer
# must come from a document of that type.
_TYPE_ONLY = re.compile(r"\b(nghị định|thông tư)\b(?!\s+(?:số\s+)?\d)", re.I)
# the year a document of that type was issued, said beside it: "Năm 2024 Chính phủ ra nghị định nâng mức chuẩn",
# "thông tư mới ban hành năm 2023"
_TYPE_YEAR = re.compile(
    r"\bnăm\s+(20\d\d)\b[^.?!,;]{0,30}?\b(?:ra|ban hành|có|sửa)\s+(?:một\s+|cái\s+)?(nghị định|thông tư)\b(?!\s+(?:số\s+)?\d)"
    r"|\b(nghị định|thông tư)\s+(?:mới\s+)?(?:ban hành\s+|ra\s+)?(?:vào\s+|trong\s+)?năm\s+(20\d\d)\b",
    re.I,
)
_NAMED_DOC = re.compile(
    r"\b(nghị định|thông tư|nghị quyết|quyết định|luật|bộ luật)\s+(?:số\s+)?(\d{1,4})(?:/(\d{4}))?"
    r"(?:/([A-ZĐa-zđ\-]+))?",
    re.I,
)
_NAMED_LAW = re.compile(r"\b(luật|bộ luật)\s+([^\W\d]+(?:\s+[^\W\d]+){0,5}?)\s+(?:năm\s+)?((?:19|20)\d\d)\b", re.I)
# An amending document named by its year ("luật phòng chống ma túy vừa được sửa năm 2025", "nghị định sửa đổi năm
# 2024 về quản lý tài sản công"): named as "<type> sửa đổi năm <year>"
_AMENDMENT = re.compile(
    r"\b(luật|bộ luật|nghị định|thông tư|nghị quyết)\b(?:\s+[^\W\d_]+){0,6}?\s+(?:vừa\s+|mới\s+)?(?:được\s+)?"
    r"sửa(?:\s+đổi)?(?:,?\s+bổ sung)?\s+(?:vào\s+|từ\s+)?năm\s+((?:19|20)\d\d)\b",
    re.I,
)
_AMENDMENT_NAME = re.compile(r"^(.+) sửa đổi năm (\d{4})$")
# A law named without its year or number ("theo Luật Công chứng", "luật bảo hiểm xã hội quy định"): the
# words after "luật" up to the first word that cannot be part of a law's name. "pháp luật", "điều luật",
# "luật sư", "dự luật" name no law.
_LAW_WORDS = re.compile(r"(?<!pháp )(?<!điều )(?<!dự )(?<!kỷ )(?<!kỉ )(?<!văn bản )\b(?:bộ )?luật\s+(?!sư\b|pháp\b|lệ\b|chuyên ngành\b|khác\b|liên quan\b|chung\b|riêng\b)((?:[^\W\d_]+ ?){1,6})", re.I)
_NOT_IN_A_LAW_NAME = frozenset(
    "quy định thì là có không mới vừa năm tuổi vào số nói về ở này hiện hành nay cho của nào gì thế sao được bị đã đang "
    "sẽ hay hoặc với để khi nếu mà cũ sửa đổi bổ sung ghi tại theo trong như chưa vẫn còn phải cũng rồi nhé ạ "
    "vậy đó kia đây các những một nêu cấm bắt buộc yêu cầu ra trên dưới thuộc áp dụng cần làm nộp xin đi muốn "
    "lấy bao mấy ai đâu giấy tờ hồ sơ thủ tục mức phí tiền thời hạn điều khoản".split()
)


# A fee waived ("miễn lệ phí", "không phải nộp phí"): the answer to "bao nhiêu tiền" for the cases it lists.
EXEMPTION = re.compile(r"miễn (?:lệ )?phí|không (?:phải )?(?:nộp|thu) (?:lệ )?phí", re.I)


def _money(text: str) -> bool:
    return bool(re.search(r"\d[\d.,]*\s*(?:đồng|triệu|nghìn|ngàn|usd|%)", text, re.I) or EXEMPTION.search(text))


EXEMPTION_HEAD_CHARS = 80  # an exemption clause says so in its opening ("1. Miễn lệ phí … trong những trường hợp sau:")


def exempts(unit: str, title: str = "") -> bool:
    """The clause (or its article) *is* an exemption — "1. Miễn lệ phí đăng ký hộ tịch trong những
    trường hợp sau: …", "Điều 12. Không thu lệ phí …" — not a clause that mentions one in passing
    ("… chịu lệ phí Tòa án, trừ trường hợp được miễn …")."""
    return bool(EXEMPTION.search(title) or EXEMPTION.search(unit[:EXEMPTION_HEAD_CHARS]))


_NUMBER_WORDS = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|lăm|trăm)"


# A sum the law states against a base amount: "20 lần mức chuẩn trợ giúp xã hội", "80% mức lương cơ sở",
# "05 tháng lương cơ sở", "mười lần mức lương cơ sở" (not a rate of another fee: "bằng 90% mức thu")
_BASE_SUM = re.compile(
    rf"(?:\d[\d.,]*\s*%?|\b{_NUMBER_WORDS}(?:\s+{_NUMBER_WORDS})*)\s*(?:lần\s+|tháng\s+)?"
    r"(?:(?:mức\s+)?(?:tiền\s+)?(?:lương cơ sở|lương tối thiểu)|mức chuẩn\b)",
    re.I,
)


def _duration(text: str) -> bool:
    return bool(
        re.search(
            r"\d+\s*(?:\([^)]*\)\s*)?(?:ngày|tháng|năm|giờ|tuần|tuổi)|ngay trong ngày|ngay sau khi|trong ngày|"
            rf"\b{_NUMBER_WORDS}(?:\s+{_NUMBER_WORDS})*\s+(?:ngày|tháng|năm|giờ|tuần|tuổi)\b",
            text,
            re.I,
        )
    )


# A measure asked ("cách nhà ở tối thiểu bao nhiêu mét", "mấy ký"): the words that ask it, and a figure of
# that measure in a text ("2,5 mét", "500 m2"). A number in other units does not state it.
_NUMBER = r"\d[\d.,]*\s*"
_MEASURES = {
    "area": ("diện tích", re.compile(rf"{_NUMBER}(?:m2|m²|mét vuông|ha|héc[\s-]?ta|hecta|km2)(?!\w)", re.I)),
    "length": ("khoảng cách, kích thước", re.compile(
        rf"{_NUMBER}(?:m|mét|km|ki[\s-]?lô[\s-]?mét|cm|xen[\s-]?ti[\s-]?mét|centimét|mm|mi[\s-]?li[\s-]?mét|milimét)(?![\w²])", re.I)),
    "weight": ("khối lượng", re.compile(rf"{_NUMBER}(?:kg|ki[\s-]?lô[\s-]?gam|kilôgam|tấn|gam|g)(?!\w)", re.I)),
    "volume": ("thể tích", re.compile(rf"{_NUMBER}(?:lít|ml|mi[\s-]?li[\s-]?lít|m3|m³|mét khối)(?!\w)", re.I)),
    "speed": ("tốc độ", re.compile(rf"{_NUMBER}(?:km/h|km/giờ|km\s+một\s+giờ|ki[\s-]?lô[\s-]?mét/giờ)(?!\w)", re.I)),
    "coefficient": ("hệ số", re.compile(r"\bhệ số\s+(?:là\s+|bằng\s+)?\d+(?:,\d+)?(?![\d/])", re.I)),
    # a day or month of the year ("tháng 6", "ngày 28 tháng 3", "tháng tư"), not a period ("06 tháng")
    "date": ("ngày, tháng", re.compile(
        r"\b(?:ngày\s+\d{1,2}\s+)?tháng\s+(?:\d{1,2}|giêng|chạp|một|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười(?:\s+một|\s+hai)?)"
        r"(?!\w)(?!\s*(?:tuổi|lần))", re.I)),
}
# A month or a day of the year asked ("là tháng mấy", "vào tháng nào", "là ngày nào trong năm", "ngày mấy tháng mấy"),
# not a period ("mấy tháng") nor a day of the week or one counted from an event ("tiếp dân vào ngày nào", answered by
# "ít nhất 01 ngày trong 01 tuần"; "bầu cử vào ngày nào", by "ngày chủ nhật")
_DATE_ASKED = re.compile(
    r"\btháng\s+(?:mấy|nào)\b|\bngày\s+(?:nào|mấy)\s+(?:trong\s+năm|hằng\s+năm|hàng\s+năm|tháng)\b", re.I)
_MEASURE_ASKED = re.compile(
    r"(?:bao nhiêu|mấy|bn)\s+(km/h|km/giờ|cây số/giờ|cây số một giờ|km một giờ|"
    r"mét vuông|m2|m²|héc ta|ha|hecta|sào|mét khối|m3|mét|m|km|cây số|ki lô mét|centimét|cm|"
    r"phân|tấc|milimét|mm|kg|ký|ki lô|kí|cân|tấn|gam|lít)(?!\w)",
    re.I,
)
# The measure of a unit or a measure's name ("mét vuông", "cân nặng"); any other is a length ("mét", "chiều cao")
_MEASURE_OF = {
    **dict.fromkeys(("mét vuông", "m2", "m²", "héc ta", "ha", "hecta", "sào", "diện tích"), "area"),
    **dict.fromkeys(("mét khối", "m3", "lít", "dung tích", "thể tích"), "volume"),
    **dict.fromkeys(("kg", "ký", "ki lô", "kí", "cân", "tấn", "gam", "cân nặng", "trọng lượng", "khối lượng"), "weight"),
    "hệ số": "coefficient",
    **dict.fromkeys(("km/h", "km/giờ", "cây số/giờ", "cây số một giờ", "km một giờ", "tốc độ", "vận tốc"), "speed"),
}


# The measure named before the asking word: "chiều cao, cân nặng tối thiểu bao nhiêu", "diện tích tối đa là mấy"
_MEASURE_NAMED = re.compile(
    r"\b(chiều cao|chiều dài|chiều rộng|cân nặng|trọng lượng|khối lượng|diện tích|dung tích|thể tích|hệ số|tốc độ|vận tốc)\b(?:,?\s+[^\W\d_]+){0,4}?"
    r"\s+(?:là\s+)?(?:bao nhiêu|mấy|bn)\b(?!\s+(?:tiền|đồng|phần trăm|%|năm|tháng|ngày|lần|tuổi))",
    re.I,
)


def measure_asked(question: str) -> str | None:
    """The measure a question asks for ("area", "length", "weight", "volume"), from the unit after its
    "bao nhiêu" / "mấy", the measure named before it, or a day or month asked ("date"); None when it asks no measure."""
    if _DATE_ASKED.search(question):
        return "date"
    m = _MEASURE_ASKED.search(question) or _MEASURE_NAMED.search(question)
    return _MEASURE_OF.get(m.group(1).lower(), "length") if m else None


def has_figure(kind: str, text: str) -> bool:
    """The text states a figure of this kind (an exemption is not an amount)."""
    if kind == "money":
        return bool(re.search(r"\d[\d.,]*\s*(?:đồng|triệu|nghìn|ngàn|tỷ|usd)", text, re.I) or _BASE_SUM.search(text))
    if kind == "number":  # a quantity, not a reference ("Điều 5", "khoản 2", "số 23/2015")
        if re.search(rf"\b{_NUMBER_WORDS}\s+(?:lần|người|bản|năm|tháng|ngày)\b", text, re.I):
            return True
        return bool(re.search(r"(?<![\w/.])(?<!điều )(?<!khoản )(?<!điểm )(?<!số )(?<!mẫu )\d+(?:[.,]\d+)?(?![\d/])", text, re.I))
    if kind == "percent":
        return bool(re.search(r"\d[\d.,]*\s*%|phần trăm", text, re.I))
    if kind == "duration":
        return _duration(text)
    if kind in _MEASURES:
        return bool(_MEASURES[kind][1].search(text))
    return bool(re.search(r"\d", text))


@dataclass(frozen=True)
class QuestionProfile:
    text: str
    intents: tuple[str, ...]  # in the order of INTENTS (first = the main one)
    wants_figure: bool
    figure_kind: str | None  # "money", "duration", "percent", "number" or a measure ("area" …) when a figure is wanted
    words: tuple[str, ...]  # subject syllables (content words)
    pairs: tuple[tuple[str, str], ...]  # adjacent subject syllable pairs
    years: tuple[int, ...]
    named_documents: tuple[str, ...]  # "nghị định 123", "thông tư 04/2020/tt-btp", "luật đất đai 2024"
    # subject syllables of the question's own wording (``words`` adds the glossary's legal wording, which
    # is ours: "nghỉ việc" → "chấm dứt hợp đồng lao động" must not make a question look governed)
    own_words: tuple[str, ...] = ()

    @property
    def main_intent(self) -> str | None:
        return self.intents[0] if self.intents else None

    def as_dict(self) -> dict:
        return {
            "intents": list(self.intents),
            "wants_figure": self.wants_figure,
            "figure_kind": self.figure_kind,
            "subject": " ".join(self.words),
        }


# What follows "bao nhiêu" when a period or a count is asked, not a sum ("mất bao nhiêu ngày", "mấy lần")
_PERIOD_UNITS = "ngày|tháng|năm|giờ|tiếng|tuần|lâu|lần"


_COST = re.compile(r"\b(?:mất|hết|tốn)\s+(?=bao|mấy|bn\b)", re.I)
# Money asked for ("bao nhiêu tiền", "tiền phạt là bao nhiêu"), not money as the subject ("tiền giả", "hỗ trợ
# tiền", "mấy ngày phải nộp tiền phạt", which asks a period)
_ASKS_MONEY = re.compile(
    r"(?:bao nhiêu|mấy|bn)\s+tiền|tiền\s+(?:[^\W\d_]+\s+){0,3}?(?:là\s+)?(?:bao nhiêu|mấy|bn)\b"
    rf"(?!\s+(?:{_PERIOD_UNITS}|tuổi))",
    re.I,
)


# A sum asked of a payment that is no fee or fine: an allowance, a wage, a fee for a service, a price, a gift.
_MONEY_ASKED = re.compile(
    r"(?:tiền|trợ cấp|phụ cấp|lương|thù lao|bồi dưỡng|quà|hỗ trợ|chi phí|kinh phí|giá|phạt tiền)"
    r"(?:\s+[^\W\d_]+){0,8}?\s+(?:là\s+)?(?:bao nhiêu|mấy|bn|mức nào)\b"
    rf"(?!\s+(?:{_PERIOD_UNITS}|tuổi|người|buổi|bản|trang|%|phần trăm))",
    re.I,
)


# A sum to pay asked with no money word: "mỗi năm phải đóng bao nhiêu?", "nộp bao nhiêu một lần" (not "nộp
# mấy bộ hồ sơ", "đóng bao nhiêu năm")
_PAY_ASKED = re.compile(r"\b(?:đóng|nộp)\s+(?:[^\W\d_]+\s+){0,2}?(?:bao nhiêu|bn)(?=\s*(?:[?,.;]|$)|\s+(?:tiền|một|mỗi|cho)\b)", re.I)


# A sum collected asked with no money word: "người trông xe được thu tối đa bao nhiêu một lượt", "doanh thu bao
# nhiêu" (not "thu hồi trong mấy ngày")
_COLLECT_ASKED = re.compile(
    rf"\bthu\s+(?:[^\W\d_]+\s+){{0,2}}?(?:bao nhiêu|bn)\b(?!\s+(?:{_PERIOD_UNITS}|tuổi|người|%|phần trăm))", re.I)
_FINE_ASKED = re.compile(r"\bphạt\b[^,.;?]{0,20}?(?:bao nhiêu|mấy|bn|mức nào)", re.I)
_RATE_ASKED = re.compile(r"\b(?:hệ số|tỷ lệ|tỉ lệ|số lượng|số)\s+(?:là\s+)?(?:bao nhiêu|mấy|bn)\b", re.I)  # "theo hệ số bao nhiêu"


_ASKS_COST = re.compile(rf"\b(?:hết|tốn|mất)\s+(?:bao nhiêu|bn)\b(?!\s+(?:{_PERIOD_UNITS}))", re.I)  # "hết bao nhiêu"


_SENTENCE_END = re.compile(r"(?<=[.!])\s+(?=[^\W\d_])")


def asking_sentences(text: str) -> str:
    """The sentences that ask (end in "?"), without the statements that tell the situation: in "Tôi bán tạp
    hóa, có để mấy bình gas bán kèm. Nhà ở kết hợp buôn bán phải bảo đảm điều kiện gì?" the "mấy" asks
    nothing. The whole text when no sentence ends in "?"."""
    asking = [s for s in _SENTENCE_END.split(text) if "?" in s]
    return " ".join(asking) if asking else text


def asks_cash(question: str) -> bool:
    """The question asks a sum of money ("bao nhiêu tiền", "hết bao nhiêu"), not a rate or a yes/no."""
    return bool(_ASKS_MONEY.search(question) or _ASKS_COST.search(question))


def profile(question: str, subject: str | None = None) -> QuestionProfile:
    """What the question asks for (intents, figure) and about what (subject words).

    ``subject``: the text to take subject words from when it differs from the question (the
    question plus the glossary's legal wording).
    """
    text = nfc(question).strip()
    low = text.lower()
    intents = tuple(name for name, (_l, q, _t) in INTENTS.items() if re.search(q, low))
    asking = asking_sentences(low)
    wants = bool(_WANTS_FIGURE.search(asking) or _DATE_ASKED.search(asking))
    if wants and _YES_NO.search(low):
        # "… ngủ lại mấy hôm thì có phải báo không?": the number describes the situation, the
        # question is yes/no; "… thời hiệu là bao lâu?" still asks for the figure.
        # "… lương tối thiểu vùng III bây giờ là bao nhiêu, vậy có thấp hơn không?" asks the figure
        # first and a yes/no on it; "… phạt mức nào?" asks it last.
        last = re.split(r"\bthì\b|,", low)[-1]
        wants = bool(re.search(r"bao nhiêu|\bmấy\b|bao lâu|\bmức nào\b", last) or _ASKED_BEFORE.search(low))
    kind = None
    if wants:
        kind = next((_FIGURE_KIND[i] for i in intents if i in _FIGURE_KIND), "number")
        if kind == "number" and (_ASKS_MONEY.search(low) or _MONEY_ASKED.search(low) or _PAY_ASKED.search(low)
                                 or _COLLECT_ASKED.search(low)) \
                and not _RATE_ASKED.search(low):
            kind = "money"  # "tặng quà tiền mặt bao nhiêu", "trợ cấp ngày công ít nhất bao nhiêu", "giá khởi điểm là bao nhiêu"
        if re.search(r"phần trăm|(?:bao nhiêu|mấy|bn)\s*%", low):  # "tổn thương 61%, … bao nhiêu tiền" asks money
            kind = "percent"
        kind = measure_asked(asking) or kind  # "cách nhà ở tối thiểu bao nhiêu mét", "loại bình mấy ký"
        # an age or a period asked for ("từ mấy tuổi", "bao lâu"); an age that only tells the
        # situation ("cho cháu 3 tuổi thì lệ phí … bao nhiêu") leaves the asked kind alone
        if re.search(r"bao lâu|mấy ngày|bao nhiêu ngày|mấy tháng|mấy năm|bao nhiêu năm|bao nhiêu tháng|mấy tiếng|"
                     r"mấy tuổi|bao nhiêu tuổi|tuổi nào|độ tuổi|tuổi (?:tối thiểu|tối đa)", low):
            kind = "duration" if not _ASKS_MONEY.search(low) else kind
        # the asked figure decides the main intent: "mấy ngày phải ra quyết định xử phạt" asks a deadline
        lead = {"duration": ("deadline",), "money": ("fee", "sanction")}.get(kind, ())
        if kind == "money" and _FINE_ASKED.search(asking):
            lead = ("sanction", "fee")  # "bị phạt bao nhiêu tiền" asks a fine, not a fee
        first = [i for i in lead if i in intents]
        intents = tuple(first + [i for i in intents if i not in first])
    subject_text = nfc(subject) if subject else text
    # "mất bao lâu", "mất mấy ngày", "hết bao nhiêu tiền": "mất"/"hết" here is the cost, not a loss
    subject_text = _COST.sub(" ", subject_text)
    syl = syllables(subject_text)
    keep = [s for s in syl if s not in _FILLER and not s.isdigit() and len(s) > 1]
    own = [s for s in syllables(_COST.sub(" ", text)) if s not in _FILLER and not s.isdigit() and len(s) > 1]
    keep_set = set(keep)
    pairs = tuple(dict.fromkeys((a, b) for a, b in zip(syl, syl[1:]) if a in keep_set and b in keep_set))
    years = tuple(int(y) for y in _YEAR.findall(text))
    named = [m.group(0).lower() for m in _NAMED_DOC.finditer(text) if m.group(2) and (m.group(3) or len(m.group(2)) >= 2)]
    named += [m.group(0).lower() for m in _NAMED_LAW.finditer(text)]
    named += [f"{m.group(1).lower()} sửa đổi năm {m.group(2)}" for m in _AMENDMENT.finditer(text)
              if not any(m.group(0).lower() in x or x in m.group(0).lower() for x in named)]
    named += [f"luật {n}" for n in _law_names(text) if not any(n in x for x in named)]
    return QuestionProfile(
        text, intents, wants, kind, tuple(dict.fromkeys(keep)), pairs, years, tuple(named), tuple(dict.fromkeys(own))
    )


def _law_names(text: str) -> list[str]:
    """Names of laws the text mentions without a year or number, two words or more ("công chứng",
    "bảo hiểm xã hội"); "luật quy định", "theo luật thì" name none."""
    out = []
    for m in _LAW_WORDS.finditer(text):
        words = []
        for w in m.group(1).lower().split():
            if w in _NOT_IN_A_LAW_NAME:
                break
            words.append(w)
        if len(words) >= 2:
            out.append(" ".join(words))
    return out


# -- the article table --------------------------------------------------------------------------


@dataclass
class ArticleEntry:
    doc_key: str
    article: str
    title: str
    text: str  # units' text in order, cut at MAX_ARTICLE_CHARS
    units: list[tuple[str, str]] = field(default_factory=list)  # (clause/point label, text) in order
    chapter: str = ""  # "Chương III. ĐĂNG KÝ HỘ TỊCH TẠI ỦY BAN NHÂN DÂN CẤP HUYỆN" (+ section)


class ArticleTable:
    """Every article's title and text, every document's title, and syllable document frequencies."""

    def __init__(self, articles: dict[tuple[str, str], ArticleEntry], documents: dict[str, dict], df: dict[str, int]):
        self.articles = articles
        self.documents = documents  # doc key → {"title", "number", "year", "type"}
        self.df = df
        self.n = max(len(articles), 1)
        self.latest_year = max((d.get("year") or 0 for d in documents.values()), default=0)
        self._doc_words = {k: set(syllables(f"{d.get('type', '')} {d.get('title', '')}")) for k, d in documents.items()}
        self._syllables: dict[tuple[str, str], list[str]] = {}
        self._pieces: dict[tuple[str, str], list[tuple[set[str], str]]] = {}
        self._idf: dict[str, float] = {}
        self._weights: dict[tuple[str, ...], tuple[list[tuple[str, str, float]], float]] = {}
        self.title_words = {k: [w for w in syllables(d.get("title") or "") if len(w) > 1] for k, d in documents.items()}
        self._headings: dict[str, set[str]] | None = None
        self._heading_text: dict[str, str] | None = None
        self._folded_names: tuple[str, ...] | None = None

    @classmethod
    def build(cls, units: Iterable[LegalUnit]) -> "ArticleTable":
        articles: dict[tuple[str, str], ArticleEntry] = {}
        documents: dict[str, dict] = {}
        for u in units:
            d = u.document
            if d.key not in documents:
                year = int(d.issued_date[:4]) if d.issued_date and d.issued_date[:4].isdigit() else 0
                documents[d.key] = {"title": d.title, "number": d.doc_number, "year": year, "type": d.doc_type}
            key = (d.key, u.article)
            entry = articles.get(key)
            if entry is None:
                place = " ".join(x for x in (u.chapter or "", u.section or "") if x)
                entry = articles[key] = ArticleEntry(d.key, u.article, u.article_title, "", chapter=place)
            if len(entry.text) < MAX_ARTICLE_CHARS:
                entry.text = (entry.text + "\n" + u.text).strip()[:MAX_ARTICLE_CHARS]
            label = ".".join(x for x in (u.clause or "", u.point or "") if x)
            entry.units.append((label, u.text[:1500]))
        df: Counter[str] = Counter()
        for e in articles.values():
            df.update(set(syllables(f"{e.title}\n{e.text}")))
        return cls(articles, documents, dict(df))

    def to_json(self) -> dict:
        return {
            "version": TABLE_VERSION,
            "articles": [[e.doc_key, e.article, e.title, e.text, e.units, e.chapter] for e in self.articles.values()],
            "documents": self.documents,
            "df": self.df,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ArticleTable":
        if data.get("version") != TABLE_VERSION:
            raise ValueError("stale article table")
        articles = {
            (d, a): ArticleEntry(d, a, t, x, [tuple(u) for u in us], c) for d, a, t, x, us, c in data["articles"]
        }
        return cls(articles, data["documents"], data["df"])

    def save(self, path: Path) -> None:
        write_json_gz(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> "ArticleTable":
        return cls.from_json(read_json_gz(path))

    def article_syllables(self, key: tuple[str, str]) -> list[str]:
        """Syllables of an article's title and text (memoised: the same articles come back often)."""
        found = self._syllables.get(key)
        if found is None:
            entry = self.articles.get(key)
            found = syllables(f"{entry.title}\n{entry.text}") if entry else []
            if len(self._syllables) > 4000:
                self._syllables.clear()
            self._syllables[key] = found
        return found

    def article_pieces(self, key: tuple[str, str]) -> list[tuple[set[str], str]]:
        """(syllables, text) of each sentence-like piece of an article (memoised)."""
        found = self._pieces.get(key)
        if found is None:
            entry = self.articles.get(key)
            found = [(set(syllables(m.group(0))), m.group(0)) for m in LEAD_PIECE.finditer(entry.text)] if entry else []
            if len(self._pieces) > 4000:
                self._pieces.clear()
            self._pieces[key] = found
        return found

    def idf(self, word: str) -> float:
        found = self._idf.get(word)
        if found is None:
            found = self._idf[word] = math.log(1 + self.n / (1 + self.df.get(word, 0)))
        return found

    def subject_weights(self, words: tuple[str, ...]) -> tuple[list[tuple[str, str, float]], float]:
        """(word, word without diacritics, idf) of the words the corpus uses, and their idf sum
        (memoised: one question's words are weighed against every candidate article)."""
        found = self._weights.get(words)
        if found is None:
            bare = [(w, strip_diacritics(w)) for w in words]
            weighted = [(w, b, self.idf(w)) for w, b in bare if self.df.get(w) or self.df.get(b)]
            found = (weighted, sum(x for _w, _b, x in weighted))
            if len(self._weights) > 2000:
                self._weights.clear()
            self._weights[words] = found
        return found

    def doc_words(self, doc_key: str) -> set[str]:
        return self._doc_words.get(doc_key, set())

    def doc_headings(self, doc_key: str) -> set[str]:
        """Syllables of what a document says it governs: its title, every article title, chapter and
        section name, and the text of its scope articles (Phạm vi điều chỉnh, Đối tượng áp dụng) —
        a subject named there is governed by the document; one found only in an article's body is
        mentioned in passing (built once for all documents, on first use)."""
        if self._headings is None:
            self._headings = {doc: set(syllables(" ".join(lines))) for doc, lines in self._heading_lines().items()}
            for k, words in self._doc_words.items():
                self._headings.setdefault(k, set()).update(words)
        return self._headings.get(doc_key, set())

    def doc_heading_text(self, doc_key: str) -> str:
        """The document's title, article, chapter and section titles (not its scope articles, whose
        lists name in passing what a fee circular charges for: "văn phòng công chứng") as one text in
        ``topics.canonical`` form, one heading per line, so a phrase ("sổ đỏ", "hộ kinh doanh") is
        found only where it is written whole."""
        if self._heading_text is None:
            lines = self._heading_lines(scope=False)
            self._heading_text = {doc: "\n".join(canonical(x) for x in ls) for doc, ls in lines.items()}
        return self._heading_text.get(doc_key, "")

    def folded_names(self) -> tuple[str, ...]:
        """Every document's ``topics.folded_name`` (built once: a law-topic row asks whether its law is indexed)."""
        if self._folded_names is None:
            self._folded_names = tuple(folded_name(d) for d in self.documents.values())
        return self._folded_names

    def _heading_lines(self, scope: bool = True) -> dict[str, list[str]]:
        lines: dict[str, list[str]] = {k: [f"{d.get('type', '')} {d.get('title', '')}"] for k, d in self.documents.items()}
        places: dict[str, dict[str, None]] = {}
        for (doc, _a), e in self.articles.items():
            own = lines.setdefault(doc, [])
            own.append(e.title)
            places.setdefault(doc, {})[e.chapter] = None
            if scope and _SCOPE_TITLES.match(e.title.strip()):
                own.append(e.text)
        for doc, chapters in places.items():
            lines[doc].extend(c for c in chapters if c)
        return lines


# -- features -----------------------------------------------------------------------------------

FEATURES = (
    "fused",  # retrieval score / best retrieval score
    "rank",  # 1 / (1 + retrieval rank)
    "dense",  # dense similarity of the article's best unit (0 when unknown)
    "cover",  # rarity-weighted share of the subject words in the article (title + text)
    "pairs",  # share of the subject's word pairs in the article
    "title_cover",  # rarity-weighted share of the subject words in the article title
    "doc_cover",  # rarity-weighted share of the subject words in the document title
    "doc_share",  # the document's share of the candidate pool's retrieval score
    "intent_title",  # the article title announces what is asked (deadline, fee, authority, …)
    "intent_text",  # the article text states it (an amount, a duration, an authority, …)
    "figure",  # a figure is asked: subject coverage of the best piece stating one of that kind (-1: none)
    "generic",  # boilerplate article (scope, entry into force, transition)
    "narrow",  # the article (its chapter, title, opening) is about a special case the question does not name
    "anchor",  # retrieval's first article, weighted by how much of the question's wording it repeats
)
# Special cases an article may be about (foreign element, disciplinary complaints, the armed forces …):
# an article of such a chapter answers an ordinary question worse than the general one.
SPECIAL_CASES = (
    "nước ngoài", "cơ quan đại diện", "kỷ luật", "quân đội", "công an nhân dân", "lực lượng vũ trang",
    "người nước ngoài", "biên giới", "cấp huyện", "cấp tỉnh", "trung ương", "lưu động",
)

_AUTHORITY_TEXT = re.compile(
    r"ủy ban nhân dân|uỷ ban nhân dân|cơ quan|thẩm quyền|phòng tư pháp|sở tư pháp|chủ tịch|công an|tòa án|"
    r"bộ trưởng|thủ trưởng|nơi cư trú|tổ chức thu",
    re.I,
)
_DOSSIER_TEXT = re.compile(r"giấy tờ|hồ sơ|tờ khai|bản sao|bản chính|xuất trình|\bnộp\b|gồm", re.I)
# A form named by its number or code ("Mẫu số 01", "mẫu TK1-TS", "Mẫu CT01"), not "theo mẫu quy định".
_FORM_TEXT = re.compile(
    r"\bmẫu\s+(?:số\s+)?(?:[A-ZĐ]{1,6}[/-])*[A-ZĐ]{0,6}[-/]?\d+[\w./-]*|\bbiểu mẫu\s+(?:số\s+)?\d+", re.I
)
_TEXT_SIGNAL = {
    "form": lambda t: bool(_FORM_TEXT.search(t)),
    "fee": _money,
    "sanction": lambda t: _money(t) or bool(re.search(r"phạt|cảnh cáo", t, re.I)),
    "deadline": _duration,
    "authority": lambda t: bool(_AUTHORITY_TEXT.search(t)),
    "dossier": lambda t: bool(_DOSSIER_TEXT.search(t)),
    "procedure": lambda t: bool(re.search(r"\bnộp\b|tiếp nhận|kiểm tra|cấp|ghi vào sổ|thực hiện", t, re.I)),
    "condition": lambda t: bool(re.search(r"điều kiện|tiêu chuẩn|trường hợp|khi |nếu|từ đủ|tuổi", t, re.I)),
    "prohibition": lambda t: bool(re.search(r"nghiêm cấm|cấm|không được", t, re.I)),
    "definition": lambda t: bool(re.search(r"\blà\b", t)),
    "rights": lambda t: bool(re.search(r"quyền|nghĩa vụ|trách nhiệm", t, re.I)),
}


def narrowing(prof: QuestionProfile, entry: ArticleEntry | None) -> float:
    """Share of special-case markers of the article's chapter, title and opening the question lacks (0–1)."""
    if entry is None:
        return 0.0
    place = f"{entry.chapter} {entry.title} {entry.text[:300]}".lower()
    asked = prof.text.lower()
    found = [m for m in SPECIAL_CASES if m in place]
    if not found:
        return 0.0
    return sum(m not in asked for m in found) / len(found)


def signal_of(intent: str):
    """The text test for an intent: does a piece of text state that kind of answer?"""
    return _TEXT_SIGNAL[intent]


def coverage(words: Sequence[str], have: set[str], table: ArticleTable) -> float:
    """Rarity-weighted share of ``words`` in ``have``; words the corpus never uses ("gãy chip",
    "lộ lọt") are left out: no article can contain them, so they tell articles apart by nothing."""
    weighted, total = table.subject_weights(tuple(words))
    if not total:
        return 0.0
    return sum(idf for w, bare, idf in weighted if w in have or bare in have) / total


@dataclass
class Candidate:
    """One candidate article with its retrieval evidence (filled by the retriever)."""

    key: tuple[str, str]
    fused: float
    rank: int
    dense: float | None = None
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    asked: dict = field(default_factory=dict)  # the question's profile, for explanations
    guard: dict | None = None  # set when the guard (``guard_order``) moved the article, and why
    anchor: float = 0.0  # added to ``score`` in the stage's order only (``retrieval_lean``), never to the score
    place: int = 0  # its place in the stage's order without the lean: the order the verdict (``judge``) reads


def article_features(
    prof: QuestionProfile, cand: Candidate, entry: ArticleEntry | None, table: ArticleTable, doc_share: float, top_fused: float
) -> dict[str, float]:
    title = entry.title if entry else ""
    text = entry.text if entry else ""
    art_syl = table.article_syllables(cand.key)
    have = set(art_syl)
    have_pairs = set(zip(art_syl, art_syl[1:]))
    title_words = set(syllables(title))
    f = {
        "fused": cand.fused / top_fused if top_fused > 0 else 0.0,
        "rank": 1.0 / (1 + cand.rank),
        "dense": cand.dense or 0.0,
        "cover": coverage(prof.words, have, table),
        "pairs": (sum(p in have_pairs for p in prof.pairs) / len(prof.pairs)) if prof.pairs else 0.0,
        "title_cover": coverage(prof.words, title_words, table),
        "doc_cover": coverage(prof.words, table.doc_words(cand.key[0]), table),
        "doc_share": doc_share,
        "intent_title": 0.0,
        "intent_text": 0.0,
        "figure": 0.0,
        "generic": 1.0 if _GENERIC_TITLES.match(title.strip()) and prof.main_intent != "definition" else 0.0,
        "narrow": narrowing(prof, entry),
        "anchor": 0.0,
    }
    if cand.rank == 0:  # exam-style questions repeat the statute's words: trust retrieval's first there
        f["anchor"] = f["pairs"] * f["cover"]
    if prof.intents:
        low_title = title.lower()
        hits = [i for i in prof.intents if re.search(INTENTS[i][2], low_title)]
        f["intent_title"] = 1.0 if prof.main_intent in hits else (0.5 if hits else 0.0)
        f["intent_text"] = 1.0 if _TEXT_SIGNAL[prof.intents[0]](text) else 0.0
    if prof.wants_figure and prof.figure_kind:
        f["figure"] = figure_fit(prof, entry, table) if has_figure(prof.figure_kind, text) else -1.0
    return f


def figure_fit(prof: QuestionProfile, entry: ArticleEntry | None, table: ArticleTable) -> float:
    """How well the article states the asked figure *about the asked subject*: the best
    rarity-weighted subject coverage of a piece (with the previous piece and the article title as
    its context) that states a figure of the asked kind; 0 when no piece states one."""
    if entry is None or not prof.figure_kind:
        return 0.0
    title = set(syllables(entry.title))
    best = 0.0
    pieces = table.article_pieces((entry.doc_key, entry.article))
    for i, (words, piece) in enumerate(pieces):
        piece = re.sub(r"^\s*(?:\d+|[a-zđ])[.)]\s*", "", piece)  # an enumerator is no figure
        if len(piece) < 8 or not has_figure(prof.figure_kind, piece):
            continue
        context = title | words | (pieces[i - 1][0] if i else set())
        fit = coverage(prof.words, context, table)
        if prof.pairs:  # "đăng ký tạm trú" must be said together, not "đăng ký" here and "tạm" there
            text = f"{entry.title} {pieces[i - 1][1] if i else ''} {piece}"
            syl = syllables(text)
            fit = (fit + sum(p in set(zip(syl, syl[1:])) for p in prof.pairs) / len(prof.pairs)) / 2
        best = max(best, fit)
    return best


@dataclass(frozen=True)
class Weights:
    weights: dict[str, float]
    # abstention: answer when the top article's score ≥ min_score and its subject coverage ≥ min_cover
    min_score: float = -1e9
    min_cover: float = 0.0
    provenance: str = ""
    # a figure is asked: the best piece stating one must cover this share of the top article's coverage
    min_figure: float = 0.0
    # below this dense similarity the question is off-topic (issue 5: off-domain 0.76–0.83, answerable ≥ 0.87)
    min_similarity: float = 0.85
    # a figure is asked: the best piece stating one must cover at least this share of the subject
    min_figure_fit: float = 0.0
    # the closest articles are not about the question's subject (``aboutness`` below ``min_about``) and the
    # score is below ``min_score_about`` (a higher floor than ``min_score``): abstain (off by default)
    min_about: float = 0.0
    min_score_about: float = -1e9
    # the guard (``guard_order``): retrieval's first ``keep_top`` articles stay in the top ``GUARD_SLOTS``;
    # when the question repeats the statute's wording (``exam_wording`` ≥ ``exam_pairs``) retrieval's top
    # ``GUARD_SLOTS`` stay the top ``GUARD_SLOTS`` (the stage only reorders them); 0 / None: off
    keep_top: int = 0
    exam_pairs: float | None = None
    # the anchor (``retrieval_lean``): from ``anchor_from`` of ``exam_wording`` up, the stage's order adds up to
    # ``anchor_weight`` × the retrieval score feature (``fused``) to each article's score; None: off
    anchor_from: float | None = None
    anchor_weight: float = 0.0

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def contributions(self, features: dict[str, float]) -> dict[str, float]:
        return {k: round(self.weights.get(k, 0.0) * v, 4) for k, v in features.items() if self.weights.get(k, 0.0) * v}


DEFAULT_WEIGHTS = Weights(
    {
        "fused": 1.0, "rank": 0.3, "dense": 0.0, "cover": 0.6, "pairs": 0.4, "title_cover": 0.5,
        "doc_cover": 0.3, "doc_share": 0.4, "intent_title": 0.4, "intent_text": 0.15, "figure": 0.3,
        "generic": -0.5, "narrow": -0.3, "anchor": 0.0,
    },
    provenance="hand-set defaults (no fitted weights file)",
)


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    if not path.is_file():
        return DEFAULT_WEIGHTS
    data = json.loads(path.read_text(encoding="utf-8"))
    return Weights(
        {k: float(v) for k, v in data["weights"].items()},
        float(data.get("min_score", -1e9)),
        float(data.get("min_cover", 0.0)),
        str(data.get("provenance", "")),
        float(data.get("min_figure", 0.0)),
        float(data.get("min_similarity", 0.85)),
        float(data.get("min_figure_fit", 0.0)),
        float(data.get("min_about", 0.0)),
        float(data.get("min_score_about", -1e9)),
        int(data.get("guard", {}).get("keep_top", 0)),
        data.get("guard", {}).get("exam_pairs"),
        data.get("guard", {}).get("anchor_from"),
        float(data.get("guard", {}).get("anchor_weight", 0.0)),
    )


def rerank(
    prof: QuestionProfile, candidates: list[Candidate], table: ArticleTable, weights: Weights
) -> list[Candidate]:
    """Score every candidate article and sort, best first (ties keep the retrieval order)."""
    if not candidates:
        return candidates
    mass: Counter[str] = Counter()
    for c in candidates:
        mass[c.key[0]] += max(c.fused, 0.0)
    total = sum(mass.values()) or 1.0
    top = max(c.fused for c in candidates) or 1.0
    wording = exam_wording(prof, candidates, table)
    lean = retrieval_lean(wording, weights)
    for c in candidates:
        c.features = article_features(prof, c, table.articles.get(c.key), table, mass[c.key[0]] / total, top)
        c.score = weights.score(c.features)
        c.anchor = lean * c.features["fused"]
        c.asked = prof.as_dict()
        c.guard = None
    # the stage's own order: what the abstention floors were fitted on and what the verdict reads
    plain = guard_order(prof, sorted(candidates, key=lambda c: (-c.score, c.rank)), table, weights, wording)
    for i, c in enumerate(plain):
        c.place = i
    if not lean:
        return plain
    for c in candidates:
        c.guard = None
    leaned = sorted(candidates, key=lambda c: (-(c.score + c.anchor), c.rank))
    return guard_order(prof, leaned, table, weights, wording)


def retrieval_lean(wording: float, weights: Weights) -> float:
    """How much the stage's order leans on retrieval's score for a question whose wording retrieval's first
    article repeats (``exam_wording``): 0 below ``weights.anchor_from``, rising linearly to
    ``weights.anchor_weight`` for a question that copies the statute.

    The stage's reorderings of statute-worded questions were a coin toss out of sample (dev's odd rows,
    weights refitted without the held fold: R@1 0.811 → 0.804 and MRR 0.863 → 0.861 against retrieval's
    order, while clerks' questions gained); the lean brings them back to retrieval's order unless the stage
    prefers another article by a wide margin. It moves the order shown only: ``Candidate.score`` is unchanged
    and ``judge`` reads the stage's order without the lean (``Candidate.place``), so abstention is untouched."""
    start = weights.anchor_from
    if start is None or not weights.anchor_weight or start >= 1:
        return 0.0
    return weights.anchor_weight * min(max((wording - start) / (1 - start), 0.0), 1.0)


GUARD_SLOTS = 5  # the articles a reader sees first (and R@5 counts)


def exam_wording(prof: QuestionProfile, ranked: Sequence[Candidate], table: ArticleTable) -> float:
    """Share of the question's adjacent syllable pairs (its own wording, question words included) that
    retrieval's first article repeats: exam-style questions copy the statute ("Trách nhiệm của lực lượng
    chuyên trách bảo vệ an ninh mạng là gì?", dev median 0.7), clerks' questions do not (tune median 0.33)."""
    first = next((c for c in ranked if c.rank == 0), None)
    return repeated_wording(prof, first.key, table) if first is not None else 0.0


def repeated_wording(prof: QuestionProfile, key: tuple[str, str], table: ArticleTable) -> float:
    """Share of the question's adjacent syllable pairs that the article ``key`` repeats."""
    words = syllables(prof.text)
    pairs = list(zip(words, words[1:]))
    if not pairs:
        return 0.0
    art = table.article_syllables(key)
    have = set(zip(art, art[1:]))
    return sum(p in have for p in pairs) / len(pairs)


def guard_order(
    prof: QuestionProfile, ranked: list[Candidate], table: ArticleTable, weights: Weights,
    wording: float | None = None,
) -> list[Candidate]:
    """Keep what retrieval had right in the first ``GUARD_SLOTS`` of the stage's order.

    - The question repeats the statute's wording (``exam_wording`` ≥ ``weights.exam_pairs``): retrieval
      finds the article by its words, so its top ``GUARD_SLOTS`` stay the top ``GUARD_SLOTS`` (in the
      stage's order); articles the stage would have promoted into them come right after.
    - Retrieval's first ``weights.keep_top`` articles are never pushed out of the top ``GUARD_SLOTS``:
      one that fell below is put back at the last slots, in retrieval order.

    Every article whose place the guard changed carries the reason in ``Candidate.guard`` (``why``).
    ``wording``: the question's ``exam_wording`` when the caller has it.
    """
    if len(ranked) <= GUARD_SLOTS:
        return ranked
    out = list(ranked)
    rules: list[str] = []
    details: dict = {}
    if weights.exam_pairs is not None:
        wording = exam_wording(prof, out, table) if wording is None else wording
        if wording >= weights.exam_pairs:
            out = [c for c in out if c.rank < GUARD_SLOTS] + [c for c in out if c.rank >= GUARD_SLOTS]
            rules.append("exam_wording")
            details.update(exam_wording=round(wording, 4), min_exam_wording=weights.exam_pairs)
    fallen = sorted((c for c in out[GUARD_SLOTS:] if c.rank < weights.keep_top), key=lambda c: c.rank)
    if fallen:
        head = out[:GUARD_SLOTS]
        cut = GUARD_SLOTS - len(fallen)
        out = head[:cut] + fallen + head[cut:] + [c for c in out[GUARD_SLOTS:] if c not in fallen]
        rules.append("keep_top")
        details.update(keep_top=weights.keep_top)
    if not rules:
        return out
    stage_rank = {c.key: i for i, c in enumerate(ranked)}
    for i, c in enumerate(out):
        before = stage_rank[c.key]
        if i == before or min(i, before) >= GUARD_SLOTS:  # below the first places: shifted along, not moved
            continue
        if i < GUARD_SLOTS <= before:
            reason = (f"bước tìm kiếm xếp điều này thứ {c.rank + 1}: được giữ trong {GUARD_SLOTS} kết quả đầu "
                      f"(bước đánh giá mức liên quan xếp thứ {before + 1})")
        elif before < GUARD_SLOTS <= i:
            reason = f"nhường chỗ trong {GUARD_SLOTS} kết quả đầu cho một điều bước tìm kiếm xếp cao hơn"
        else:
            reason = f"đổi chỗ trong {GUARD_SLOTS} kết quả đầu vì một điều khác được giữ hoặc nhường chỗ"
        c.guard = {"rules": list(rules), "relevance_rank": before + 1, "rank": i + 1, **details, "reason": reason}
    return out


def why(cand: Candidate, weights: Weights) -> dict:
    """Why an article ranks where it does: what was asked, which features put it there, and whether
    the guard (``guard_order``) moved it (``guard``: null when it did not)."""
    contrib = weights.contributions(cand.features)
    return {
        "asked": cand.asked,
        "score": round(cand.score, 4),
        "retrieval_rank": cand.rank + 1,
        "features": {k: round(v, 4) for k, v in cand.features.items()},
        "contributions": dict(sorted(contrib.items(), key=lambda kv: -abs(kv[1]))),
        # added to the score in the order only, for a question in the statute's wording (``retrieval_lean``)
        "retrieval_anchor": round(cand.anchor, 4),
        "guard": cand.guard,
    }


# -- answering or abstaining --------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    answer: bool
    reason: str = ""  # Vietnamese, shown to the user when abstaining
    code: str = ""  # machine-readable: named_document_missing, later_than_index, figure_missing, …
    details: dict = field(default_factory=dict)


# "… được quy định tại Phụ lục II ban hành kèm theo Nghị định này", "Biểu mức thu … ban hành kèm theo Thông tư này"
_ANNEX_REF = re.compile(
    r"\b((?:Phụ lục|Biểu)(?:\s+(?:số\s+)?[IVXLC\d]+\b)?)([^.;\n]{0,60}?)\s*\bban hành kèm theo\s+"
    r"(?:Nghị định|Thông tư|Quyết định|Nghị quyết|Luật|Thông tư liên tịch)\s+này",
    re.I,
)
# the referring sentence is about amounts ("mức thu", "mức hưởng", "trợ cấp"), not about a form ("theo mẫu …")
_AMOUNT_REFERRED = re.compile(r"\b(?:mức|phí|tiền|giá|trợ cấp|phụ cấp)\b", re.I)


def absent_annex(closest: Sequence[Candidate], table: ArticleTable) -> tuple[tuple[str, str], str] | None:
    """The first close article that refers its amounts to an annex of its document ("mức hưởng … quy định tại
    Phụ lục II ban hành kèm theo Nghị định này") which the index does not hold: (its key, the annex's name)."""
    for c in closest:
        entry = table.articles.get(c.key)
        name = _absent_annex_of(c.key, entry.text, table) if entry else ""
        if name:
            return c.key, name
    return None


def _absent_annex_of(key: tuple[str, str], text: str, table: ArticleTable) -> str:
    """The annex of its own document that ``text`` refers to and the index lacks ("Phụ lục II"), or ""."""
    m = next((m for m in _ANNEX_REF.finditer(text) if _amount_sentence(text, m.start())), None)
    if not m:
        return ""
    name = " ".join(m.group(1).split())
    if name.lower() == "biểu":  # "Biểu mức thu phí, lệ phí"
        name = " ".join(f"{name} {m.group(2)}".split())
    held = table.articles.get((key[0], ""))  # the document's text outside its articles: its annexes
    if held and re.search(rf"{re.escape(name)}(?![IVXLC\d])", f"{held.title}\n{held.text}", re.I):
        return ""
    return name


def _annex_reason(table: ArticleTable, key: tuple[str, str], annex: str, what: str) -> str:
    """Where the asked figure is: "<article> dẫn chiếu <what> tới Phụ lục V ban hành kèm theo văn bản, …"."""
    return (f"{_label(table.articles.get(key), table, key)} dẫn chiếu {what} tới {annex} ban hành kèm theo văn bản, "
            f"mà kho chưa có phụ lục này")


def _amount_sentence(text: str, at: int) -> bool:
    """The sentence around ``at`` speaks of amounts and names no form."""
    start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at), text.rfind(";", 0, at)) + 1
    sentence = text[start:at]
    return bool(_AMOUNT_REFERRED.search(sentence)) and not re.search(r"\bmẫu\b", sentence, re.I)


def later_years(prof: QuestionProfile, table: ArticleTable) -> list[int]:
    """Years the question names that are later than every indexed document."""
    return [y for y in prof.years if table.latest_year and y > table.latest_year]


def _article_text(table: ArticleTable, key: tuple[str, str]) -> str:
    entry = table.articles.get(key)
    return f"{entry.title}\n{entry.text}" if entry else ""


def _label(entry: ArticleEntry | None, table: ArticleTable, key: tuple[str, str]) -> str:
    d = table.documents.get(key[0], {})
    name = document_label(d.get("type") or "", d.get("title") or "", d.get("number") or "") or key[0]
    title = f" ({entry.title})" if entry and entry.title else ""
    return f"{name} Điều {key[1]}{title}"


def judge(
    prof: QuestionProfile,
    ranked: list[Candidate],
    table: ArticleTable,
    weights: Weights,
    missing_documents: Sequence[str] = (),
    depth: int = 3,
    min_dense: float = 0.0,
    topics: Sequence[LawTopic] | None = None,
    typed_plain: str | None = None,
) -> Judgement:
    """Answer or abstain, with the reason stated in terms of what the corpus has and lacks.
    ``typed_plain``: the question as typed, when it had no diacritics (``prof`` reads it restored)."""
    if not ranked:
        return Judgement(False, "Không tìm thấy đoạn văn bản nào liên quan trong các văn bản đã nạp.", "no_candidates")
    if any(c.anchor for c in ranked):  # the lean reorders what is shown; the verdict reads the stage's own order
        ranked = sorted(ranked, key=lambda c: c.place)
    top = ranked[0]
    closest = _label(table.articles.get(top.key), table, top.key)
    if missing_documents:
        names = ", ".join(missing_documents)
        return Judgement(
            False,
            f"Câu hỏi dựa vào văn bản chưa có trong kho ({names}); văn bản gần nhất đã nạp là {closest}.",
            "named_document_missing",
            {"documents": list(missing_documents)},
        )
    reform = bool(_REFORM.search(prof.text) or _DISTRICT_NOW.search(prof.text))
    # a close article that governs the reorganisation itself answers; the reform question is otherwise later than us
    reorganised = None
    if reform:
        reorganised = next((c.key for c in ranked[:depth] if _REORGANISED.search(_article_text(table, c.key))), None)
    if reform and reorganised is None:
        return Judgement(
            False,
            f"Câu hỏi về quy định sau cải cách chính quyền địa phương năm 2025 (hai cấp, sáp nhập), mà các văn bản "
            f"đã nạp ban hành trước đó (mới nhất năm {table.latest_year}); văn bản gần nhất là {closest}.",
            "later_than_index",
            {"reform": True, "latest_indexed_year": table.latest_year},
        )
    of_year = _TYPE_YEAR.search(prof.text)
    if of_year:  # a document of that type and year must be among the closest
        kind, year = (of_year.group(2), of_year.group(1)) if of_year.group(1) else (of_year.group(3), of_year.group(4))
        kind = kind.lower()
        have = [table.documents.get(c.key[0], {}) for c in ranked[:5]]
        if not any(kind in (d.get("type") or "").lower() and str(d.get("year")) == year for d in have):
            return Judgement(
                False,
                f"Câu hỏi dựa vào {kind} ban hành năm {year}, mà các điều gần nhất không thuộc {kind} nào năm đó đã "
                f"nạp; gần nhất là {closest}.",
                "named_document_missing",
                {"document_type": kind, "year": int(year)},
            )
    wanted_type = _TYPE_ONLY.search(prof.text)
    if wanted_type:
        kind = wanted_type.group(1).lower()
        types = {(table.documents.get(c.key[0], {}).get("type") or "").lower() for c in ranked[:5]}
        if not any(kind in t for t in types):
            return Judgement(
                False,
                f"Câu hỏi hỏi theo {kind} nhưng các điều gần nhất không thuộc {kind} nào đã nạp; gần nhất là {closest}.",
                "named_document_missing",
                {"document_type": kind},
            )
    # a provincial resolution named, a figure asked by a provincial rule ("mức … theo quyết định của UBND tỉnh";
    # a complaint about a provincial decision is answered by national law), or a fee of one's own province
    # that the closest article does not state
    local = (
        _LOCAL_RESOLUTION.search(prof.text)
        or (prof.wants_figure and _LOCAL_RULE.search(prof.text))
        or (prof.main_intent == "fee" and prof.figure_kind == "money" and _LOCAL_PLACE.search(prof.text)
            and top.features.get("figure", 0.0) <= 0)
    )
    if local and not any(_PROVINCIAL_NUMBER.search(d.get("number") or "") for d in table.documents.values()):
        return Judgement(
            False,
            f"Câu hỏi cần văn bản của tỉnh (mức thu ở địa phương do Hội đồng nhân dân cấp tỉnh quyết định), "
            f"mà kho chưa có văn bản nào của tỉnh; văn bản gần nhất đã nạp là {closest}.",
            "named_document_missing",
            {"document_type": "văn bản của tỉnh"},
        )
    later = later_years(prof, table)
    if later:
        return Judgement(
            False,
            f"Câu hỏi về quy định năm {later[0]}, sau văn bản mới nhất đã nạp (năm {table.latest_year}); "
            f"văn bản gần nhất là {closest}.",
            "later_than_index",
            {"year": later[0], "latest_indexed_year": table.latest_year},
        )
    # a fee schedule names many subjects in its title ("… phí thẩm định điều kiện hoạt động Văn phòng công chứng")
    # and governs only their fees: for any other question its headings do not govern a missing law's topic
    governing = [c.key[0] for c in ranked[:depth]
                 if prof.main_intent == "fee" or not _FEE_SCHEDULE.search(table.documents.get(c.key[0], {}).get("title") or "")]
    # the first topic said that is what the question is about, not only its setting
    topic, weight, governed = None, 0.0, 0.0
    for said in missing_law_topics(prof.text, prof.intents, table.folded_names(), table.doc_heading_text,
                                   governing, topics, typed_plain):
        weight, governed = topic_weights(prof, said.phrase, ranked[:depth], table)
        if weight >= TOPIC_SHARE * governed:
            topic = said
            break
    if topic:
        return Judgement(
            False,
            f"Câu hỏi về «{topic.phrase}», thuộc phạm vi {topic.law}, mà văn bản này chưa có trong kho; các điều "
            f"gần nhất đã nạp (như {closest}) không quy định về nó.",
            "law_not_indexed",
            {**topic.as_dict(), "topic_weight": round(weight, 2), "governed_weight": round(governed, 2),
             "topic_share": TOPIC_SHARE},
        )
    if prof.main_intent == "form" and not any(_FORM_TEXT.search(_article_text(table, c.key)) for c in ranked[:depth]):
        return Judgement(
            False,
            f"Các điều gần nhất ({closest}) chỉ dẫn chiếu biểu mẫu mà không nêu mẫu nào; biểu mẫu thường nằm trong "
            f"phụ lục của thông tư hướng dẫn chưa nạp.",
            "form_missing",
        )
    stated = None
    if prof.figure_kind == "money" and prof.main_intent in ("fee", "sanction"):
        source = amount_source(prof, ranked[:depth], table)
        stated = source[0] if source else source
        if source and source[1]:  # the clause naming the subject refers its amount to an annex the index lacks
            return Judgement(
                False,
                f"{_annex_reason(table, source[0], source[1], 'mức tiền được hỏi')}.",
                "figure_missing",
                {"figure_kind": prof.figure_kind, "annex": source[1]},
            )
    if prof.wants_figure and prof.figure_kind:
        # no close article states a figure of the asked kind, or the best piece stating one covers
        # little of the subject, or much less of it than the top article does (the amounts are
        # about other things); an exemption of what was asked ("miễn lệ phí … người khuyết tật") answers
        best_fit = max(c.features.get("figure", 0) for c in ranked[:depth])
        if not (stated and best_fit <= 0) and (
            best_fit <= 0
            or best_fit < weights.min_figure * top.features.get("cover", 0.0)
            or best_fit < weights.min_figure_fit
        ):
            what = {"money": "mức tiền", "duration": "thời hạn", "percent": "tỷ lệ",
                    **{k: name for k, (name, _) in _MEASURES.items()}}.get(prof.figure_kind, "con số")
            annex = absent_annex(ranked[:depth], table)
            where = (_annex_reason(table, *annex, what) if annex else
                     "có thể con số nằm trong văn bản chưa nạp (ví dụ nghị quyết của HĐND tỉnh hoặc văn bản hướng dẫn)")
            return Judgement(
                False,
                f"Các điều gần nhất ({closest}) không nêu {what} được hỏi; {where}.",
                "figure_missing",
                {"figure_kind": prof.figure_kind, **({"annex": annex[1]} if annex else {})},
            )
    if stated is False:
        subject = _asked_subject(prof)
        if prof.main_intent == "sanction":
            repeat = [c.key for c in ranked[:depth] if _REPEAT_ONLY.search(_article_text(table, c.key))]
            crime = (f" {_label(table.articles.get(repeat[0]), table, repeat[0])} chỉ xử lý người đã bị xử phạt vi "
                     f"phạm hành chính về hành vi đó mà còn vi phạm." if repeat else "")
            reason = (f"Các điều gần nhất ({closest}) không nêu mức phạt cho «{subject}».{crime} Mức phạt vi phạm "
                      f"hành chính thường nằm trong nghị định xử phạt của lĩnh vực đó, chưa có trong kho.")
        else:
            reason = (f"Các điều gần nhất ({closest}) nêu mức tiền của việc khác, không nêu mức tiền của «{subject}»; "
                      f"có thể mức thu nằm trong văn bản chưa nạp (ví dụ nghị quyết của HĐND tỉnh về phí, lệ phí).")
        return Judgement(
            False, reason, "figure_missing",
            {"figure_kind": prof.figure_kind, "subject_pairs": [" ".join(p) for p in _own_pairs(prof)]},
        )
    dense = max((c.dense or 0.0) for c in ranked[:depth])
    if dense and dense < min_dense:
        return Judgement(
            False,
            f"Câu hỏi nằm ngoài các văn bản đã nạp (độ tương đồng cao nhất {dense:.2f}); gần nhất là {closest}.",
            "off_topic",
            {"similarity": round(dense, 4), "min_similarity": min_dense},
        )
    cover = top.features.get("cover", 0.0)
    if cover < weights.min_cover:
        return Judgement(
            False,
            f"Điều gần nhất ({closest}) không nói về nội dung được hỏi (độ phủ chủ đề {cover:.2f}).",
            "subject_not_covered",
            {"cover": round(cover, 4), "min_cover": weights.min_cover},
        )
    if top.score < weights.min_score:
        return Judgement(
            False,
            f"Không có điều nào đủ liên quan để trả lời (điểm {top.score:.2f} < {weights.min_score:.2f}); "
            f"gần nhất là {closest}.",
            "low_score",
            {"score": round(top.score, 4), "min_score": weights.min_score},
        )
    about = aboutness(prof, ranked, table, depth)
    if about.value < weights.min_about and top.score < weights.min_score_about and not stated_verbatim(
            prof, about, ranked[:depth], table):
        return Judgement(
            False,
            not_governed_reason(prof, about, ranked, table, depth, closest),
            "subject_not_governed",
            {**about.as_dict(), "score": round(top.score, 4), "min_about": weights.min_about,
             "min_score_about": weights.min_score_about},
        )
    details = {"score": round(top.score, 4), "cover": round(cover, 4), "about": round(about.value, 4)}
    if stated:  # the article stating the asked amount (or exemption) about the question's subject
        details["amount_in"] = list(stated)
    if reform and reorganised:  # quoted first: what the reorganisation changes, not the old model's rule
        details["reorganised_in"] = list(reorganised)
    return Judgement(True, details=details)


# Words of a fee or a fine question that say what is asked, not of what: "lệ phí đăng ký" is every fee.
_MONEY_WORDS = frozenset(syllables("lệ phí mức thu tiền nộp đóng đăng ký cấp xin xác nhận giấy tờ hồ sơ bị phạt xử bao nhiêu hết mất tốn làm thủ tục"))


# A special case ("nước ngoài", "biên giới") narrows what the amount is for; it does not name it.
def _phrase_pairs(phrases: Sequence[str]) -> frozenset[tuple[str, str]]:
    """The adjacent word pairs of the phrases ("vi phạm hành chính" → ("vi", "phạm"), ("phạm", "hành") …)."""
    return frozenset(pair for m in phrases for pair in zip(m.split(), m.split()[1:]))


_SPECIAL_PAIRS = _phrase_pairs(SPECIAL_CASES)


# The procedure of any fine, not what it is for: "xã có lập biên bản xử phạt không" names no violation, and
# every article on fines says "vi phạm hành chính".
_SANCTION_PAIRS = _phrase_pairs(("vi phạm hành chính", "lập biên bản", "biên bản vi phạm"))


_ADMINISTRATIVE_FINE = re.compile(r"\bphạt\s+(?:vi phạm\s+)?hành chính", re.I)
_FINES = re.compile(r"\bphạt\b", re.I)
_FINED_BEFORE = re.compile(r"\bđã\s+(?:từng\s+)?bị\s+(?:xử\s+)?phạt", re.I)
# A crime's clause whose sole condition is an earlier administrative sanction ("Người nào tổ chức việc lấy vợ, lấy
# chồng cho những người chưa đến tuổi kết hôn, đã bị xử phạt vi phạm hành chính về hành vi này mà còn vi phạm, thì
# bị phạt tiền từ 10.000.000 đồng …"): its sum is for the repeat, not the fine for a first act ("… thì bị phạt
# hoặc đã bị … xử phạt" is another condition's alternative, not this)
_REPEAT_ONLY = re.compile(
    r"(?<!hoặc )đã bị (?:[^,;.]{0,40}?)xử phạt vi phạm hành chính về [^.;]{0,120}?mà còn vi phạm", re.I)
# The question asks what an official may fine ("thẩm quyền phạt", "chủ tịch xã được phạt tiền đến mức nào")
_POWER_ASKED = re.compile(r"thẩm quyền|\bđược\s+(?:xử\s+)?phạt|\bai\s+(?:được\s+)?(?:xử\s+)?phạt|\bphạt\s+được", re.I)
# A fee schedule's title ("Quy định mức thu, chế độ thu, nộp … phí công chứng", "Về lệ phí trước bạ", "Phí và lệ phí")
_FEE_SCHEDULE = re.compile(r"\bmức thu\b|^\s*(?:quy định\s+|về\s+)?(?:lệ\s+)?phí\b", re.I)
# What the general sanctions law itself is about, asked ("mức phạt tiền cao nhất", "phạt tại chỗ", "nộp phạt nhiều lần")
_FRAMEWORK_ASKED = re.compile(
    r"cao nhất|tối đa|thấp nhất|tối thiểu|\bkhung\b|\blĩnh vực\b|tại chỗ|biên bản|trả góp|nhiều lần|\bhoãn\b|\bgiảm\b|"
    r"\bmiễn\b|thời hiệu", re.I)
# The general sanctions law and its implementing decrees ("Xử lý vi phạm hành chính"), not a sector's sanctioning
# decree ("xử phạt vi phạm hành chính trong lĩnh vực …")
_GENERAL_SANCTIONS = re.compile(r"xử lý vi phạm hành chính", re.I)
# A question repeating this share of its word pairs from an article asks that article (the lean's start, ``anchor_from``:
# exam-style questions copy the statute, dev median 0.7; clerks' questions do not, tune median 0.33)
STATUTE_WORDING = 0.5
# The question tells a repeat or asks the crime ("tái phạm", "lần thứ hai", "đi tù", "truy cứu trách nhiệm hình sự")
_REPEAT_OR_CRIME = re.compile(
    r"\b(?:tội|hình sự|(?:đi|ngồi|phạt)\s+tù|cải tạo không giam giữ|truy cứu|khởi tố|án tích|tái phạm|lần\s+(?:thứ\s+)?(?:hai|2|ba|3)\b"
    r"|(?:vẫn|còn)\s+(?:tiếp tục|tái|vi phạm))", re.I)


def crime_article(title: str) -> bool:
    """An article of the Criminal Code's special part: its title names a crime ("Tội tổ chức tảo hôn")."""
    return title.lower().startswith("tội ")


def _own_pairs(prof: QuestionProfile) -> list[tuple[str, str]]:
    """The question's subject word pairs that name what the amount is for ("kết hôn", "thường trú",
    "chứng thực"), not the fee or fine itself ("lệ phí", "đăng ký", "vi phạm hành chính")."""
    return [p for p in prof.pairs if p[0] not in _MONEY_WORDS and p[1] not in _MONEY_WORDS
            and p not in _SPECIAL_PAIRS and p not in _SANCTION_PAIRS]


def _asked_subject(prof: QuestionProfile) -> str:
    """What the asked amount is for, as words: the subject run of the asking sentence ("… suốt 3 ngày. Dựng rạp
    cưới trên lòng đường mà không xin phép thì bị phạt bao nhiêu tiền?" is "dựng rạp cưới trên lòng đường", not
    the situation's "hàng xóm"), else of the whole question."""
    pairs = _own_pairs(prof)
    asking = syllables(asking_sentences(prof.text.lower()))
    said = set(zip(asking, asking[1:]))
    return _pairs_phrase([p for p in pairs if p in said]) or _pairs_phrase(pairs)


def _pairs_phrase(pairs: Sequence[tuple[str, str]]) -> str:
    """The first run the pairs chain into, as words ("xác nhận", "nhận tình", "tình trạng" → "xác
    nhận tình trạng"; the question names what the amount is for first)."""
    runs: list[list[str]] = []
    for a, b in pairs:
        if runs and runs[-1][-1] == a:
            runs[-1].append(b)
        else:
            runs.append([a, b])
    return " ".join(runs[0]) if runs else ""


def amount_about_subject(
    prof: QuestionProfile, closest: Sequence[Candidate], table: ArticleTable
) -> tuple[str, str] | None | bool:
    """The closest article that states an amount — or an exemption ("1. Miễn lệ phí …: b) Đăng ký
    khai sinh, khai tử đúng hạn, …, kết hôn …") — in a clause that, with the article title, names what the
    question's amount is for: one of its subject pairs (an amount before an exemption, then the most pairs, in
    the shortest clause), and every
    special case it names ("có yếu tố nước ngoài" is not exempted by "kết hôn của công dân … ở trong nước"). False when none
    does: "Lệ phí đăng ký thường trú bao nhiêu?" is not answered by "Lệ phí đăng ký nuôi con nuôi trong
    nước: 400.000 đồng". None when the question names no such pair."""
    source = amount_source(prof, closest, table)
    if source and source[1]:
        return False  # the amount is in an annex the index lacks: no article states it
    return source[0] if source else source


def amount_source(
    prof: QuestionProfile, closest: Sequence[Candidate], table: ArticleTable
) -> tuple[tuple[str, str], str | None] | None | bool:
    """``amount_about_subject`` with where the amount is: (the article's key, None) when its clause states it,
    (the key, the annex's name) when the clause naming the subject best refers its amounts to an annex the index
    lacks ("mức hưởng trợ cấp ưu đãi hằng tháng đối với thương binh loại B được quy định tại Phụ lục III ban
    hành kèm theo Nghị định này")."""
    pairs = set(_own_pairs(prof))
    if not pairs:
        return None
    special = [m for m in SPECIAL_CASES if m in prof.text.lower()]  # "kết hôn có yếu tố nước ngoài"
    cash = asks_cash(prof.text)
    # a fine asked is stated by an article that fines ("Phạt tiền từ …"), not by a benefit of the same subject
    # ("mức hưởng trợ cấp thất nghiệp … không quá 05 lần mức lương cơ sở" for not paying unemployment insurance)
    fine = prof.main_intent == "sanction"
    # a fine asked with no repeat told and no crime asked ("… thì bị phạt bao nhiêu tiền?"), or said to be
    # administrative, is not stated by a crime's article ("Tội tổ chức tảo hôn": "phạt tiền từ 10.000.000 đồng"),
    # which punishes what an administrative fine did not stop or what did harm
    first_act = fine and not _FINED_BEFORE.search(prof.text) and not _REPEAT_OR_CRIME.search(prof.text)
    said_administrative = bool(_ADMINISTRATIVE_FINE.search(prof.text)) and not _FINED_BEFORE.search(prof.text)
    # what an official may fine at most ("Điều 46. Thẩm quyền của Thanh tra": "Phạt tiền đến 50% mức tiền phạt tối
    # đa …") is no fine for an act, unless the official's power is asked ("chủ tịch xã chỉ được phạt đến mức nào")
    power = bool(_POWER_ASKED.search(prof.text))
    # the general sanctions law (its ranges, each sector's ceiling, fines on the spot) states no act's fine: asked
    # of an act ("Mức phạt tiền cho hành vi này là bao nhiêu?") it is no source, asked of itself ("mức phạt tiền
    # cao nhất trong lĩnh vực hôn nhân", "phạt tại chỗ … đến mức bao nhiêu") it is
    framework = first_act and not power and not _FRAMEWORK_ASKED.search(asking_sentences(prof.text.lower()))
    found: list[tuple[bool, int, int, int, tuple[str, str], str]] = []
    for rank, c in enumerate(closest):
        entry = table.articles.get(c.key)
        # a question that copies the article's own words asks it ("Điều khiển tàu bay vào hoặc ra khỏi Việt Nam mà vi
        # phạm quy định về hàng không … có thể bị phạt tiền tối đa bao nhiêu?" is Điều 283's crime)
        copied = fine and repeated_wording(prof, c.key, table) >= STATUTE_WORDING
        act = first_act and not copied
        if (said_administrative or act) and entry and crime_article(entry.title):
            continue
        if fine and entry and not _FINES.search(f"{entry.title}\n{entry.text}"):
            continue
        if fine and not power and not copied and entry and entry.title.lower().startswith("thẩm quyền"):
            continue
        if framework and not copied and _GENERAL_SANCTIONS.search(table.documents.get(c.key[0], {}).get("title") or ""):
            continue
        for _label, unit in entry.units if entry else ():
            if act and _REPEAT_ONLY.search(unit):
                continue
            # "bao nhiêu tiền" is answered by a sum in đồng, not by a rate ("mức thu lệ phí bằng 90%")
            sum_in_dong = has_figure("money", unit)
            amount = sum_in_dong or (not cash and _money(unit) and not EXEMPTION.search(unit))
            annex = "" if amount else _absent_annex_of(c.key, unit, table)
            if not (amount or annex or exempts(unit, entry.title)) or any(m not in unit.lower() for m in special):
                continue
            syl = syllables(f"{entry.title}\n{unit}")
            said = len(pairs & set(zip(syl, syl[1:])))
            if said:  # an amount (stated or in an annex) before an exemption, most of the subject said, the shortest clause, rank
                found.append((not (sum_in_dong or annex), -said, len(syl), rank, c.key, annex))
    if not found:
        return False
    best = min(found)
    return best[4], best[5] or None


# A missing law's topic decides abstention when its words weigh at least this share of the rest of the
# question's subject that a closest document governs (rarity-weighted; ``topic_weights``): "rút bảo hiểm xã
# hội một lần" is the question; in "mẹ tôi không có lương hưu, có được trợ cấp xã hội hằng tháng không"
# the pension is the setting of a question the social-assistance decree governs. Set by hand on the tune
# half and dev (false fires on answerable questions vs unanswerable ones turned away); not fitted.
TOPIC_SHARE = 0.5


# The parts of a question that say what is asked: its last clause ("…, giờ đăng ký khai tử ở đâu?") and what the
# asker wants done ("muốn mở một quầy thuốc … thì"); the clauses before tell the situation.
_CLAUSE_BREAK = re.compile(r",|;|\bthì\b|\bmà\b|\bnhưng\b|\bgiờ\b|\bvậy\b|\bnay\b", re.I)
_GOAL = re.compile(r"\b(?:muốn|định|cần)\b([^,;?]*?)\bthì\b", re.I)


def asked_part(text: str) -> str:
    """The question's last clause and its goal clauses ("muốn … thì"), without the situation told before."""
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c.strip(" ?.!")]
    return " ".join([clauses[-1] if clauses else text, *(m.group(1) for m in _GOAL.finditer(text))])


def topic_weights(
    prof: QuestionProfile, phrase: str, closest: Sequence[Candidate], table: ArticleTable
) -> tuple[float, float]:
    """(weight of the topic phrase, weight of the rest of the subject that a closest document governs),
    rarity-weighted: the topic is the question when the first is at least ``TOPIC_SHARE`` of the second.

    A topic told as the situation ("Chồng tôi có hộ kinh doanh, còn tôi … nghỉ thai sản mấy tháng?") weighs
    against the rest words a closest document names anywhere in its headings. A topic that is what is asked
    ("… muốn mở một quầy thuốc ở chợ xã thì cần chứng chỉ gì", "… còn tôi phải nộp thuế thu nhập cá nhân mấy
    phần trăm") weighs against the rest words a closest *article title* names: the words of a long situation
    ("vợ chồng", "công nhân", "chợ") are in the headings of some large law without it governing the ask."""
    said = set(syllables(phrase))
    topic = sum(table.idf(w) for w in said)  # a syllable no article has ("vneid") weighs most
    rest = [w for w in dict.fromkeys(prof.own_words) if table.df.get(w) and w not in said]
    if canonical(phrase) in canonical(asked_part(prof.text)):
        def governs(c: Candidate) -> set[str]:
            entry = table.articles.get(c.key)
            return set(syllables(entry.title)) if entry else set()
    else:
        def governs(c: Candidate) -> set[str]:
            return table.doc_headings(c.key[0])
    governed = max((sum(table.idf(w) for w in rest if w in governs(c)) for c in closest), default=0.0)
    return topic, governed


# Words of an article title that say what kind of rule it is, not what it is about ("Điều kiện …", "Hồ sơ,
# trình tự, thủ tục, thẩm quyền cấp …"): the rest of the title names the article's subject.
_RULE_WORDS = frozenset(
    syllables(
        "điều kiện hồ sơ thủ tục thẩm quyền trình tự đăng ký cấp giấy thời hạn quy định trường hợp việc các của "
        "và về đối với người cơ quan tổ chức thực hiện"
    )
)


@dataclass(frozen=True)
class Aboutness:
    """Is the closest law *about* the question's subject, or does it only mention it?"""

    value: float  # mean of ``governed`` and ``named`` (0–1)
    governed: float  # rarity-weighted share of the question's own subject words in the top document's headings
    named: float  # best of the top articles: rarity-weighted share of its title's subject words the question names
    missing: tuple[str, ...]  # the question's own subject words the top document's headings lack, rarest first

    def as_dict(self) -> dict:
        return {"about": round(self.value, 4), "governed": round(self.governed, 4), "named": round(self.named, 4),
                "not_governed": list(self.missing)}


def aboutness(prof: QuestionProfile, ranked: Sequence[Candidate], table: ArticleTable, depth: int = 3) -> Aboutness:
    """Whether the closest articles govern what was asked rather than mention it in passing.

    ``governed``: the question's own subject words (the glossary's wording left out) that the top
    article's document names in its headings — its title, its article and chapter titles, its scope
    articles (``ArticleTable.doc_headings``) — weighted by rarity. A question about "quán karaoke" or "hộ
    kinh doanh" whose closest document is about social-assistance facilities or tourism scores low,
    even when one of its articles says "karaoke" in a list.
    ``named``: the share of an article title's own subject words (rule words such as "điều kiện",
    "hồ sơ", "thủ tục" left out) that the question names, best of the top ``depth``: "Điều kiện đăng ký
    hoạt động trợ giúp xã hội" is about something the karaoke question never says.
    """
    if not ranked:
        return Aboutness(0.0, 0.0, 0.0, ())
    known = [w for w in dict.fromkeys(prof.own_words) if table.df.get(w)]
    heads = table.doc_headings(ranked[0].key[0])
    total = sum(table.idf(w) for w in known)
    governed = sum(table.idf(w) for w in known if w in heads) / total if total else 1.0
    asked = set(prof.words) | set(syllables(prof.text))
    named = 0.0
    for c in ranked[:depth]:
        entry = table.articles.get(c.key)
        own = [w for w in set(syllables(entry.title if entry else ""))
               if w not in _RULE_WORDS and w not in _FILLER and len(w) > 1 and table.df.get(w)]
        weight = sum(table.idf(w) for w in own)
        named = max(named, sum(table.idf(w) for w in own if w in asked) / weight if weight else 1.0)
    missing = tuple(sorted((w for w in known if w not in heads), key=lambda w: -table.idf(w)))
    return Aboutness((governed + named) / 2, governed, named, missing)


def subject_phrase(text: str, words: Iterable[str], table: ArticleTable) -> str:
    """The subject as the question words it: the run of consecutive question syllables among
    ``words`` that weighs most (rarity), a lone syllable with the content syllable after it
    ("nhãn" → "nhãn hiệu"); "mở quán karaoke" of "Mở quán karaoke ở xã thì …"."""
    wanted = set(words)
    tokens = syllables(text)
    runs: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token in wanted and (not runs or tokens[i - 1] not in wanted or i == 0):
            runs.append([token])
        elif token in wanted:
            runs[-1].append(token)
        if token in wanted and (i + 1 == len(tokens) or tokens[i + 1] not in wanted) and len(runs[-1]) == 1:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt and nxt not in _FILLER and len(nxt) > 1:
                runs[-1].append(nxt)
    if not runs:
        return ""
    return " ".join(max(runs, key=lambda r: sum(table.idf(w) for w in r if w in wanted)))


def mentioned_in(table: ArticleTable, word: str, limit: int = 50) -> tuple[str, str] | None:
    """An article whose text says ``word`` when few do (at most ``limit``): where a subject no
    document governs is mentioned in passing (a scan of the article texts, on abstention only)."""
    if not word or not 0 < table.df.get(word, 0) <= limit:
        return None
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)
    return next((key for key, e in table.articles.items() if pattern.search(f"{e.title}\n{e.text}")), None)


def stated_verbatim(prof: QuestionProfile, about: Aboutness, close: Sequence[Candidate], table: ArticleTable) -> bool:
    """The subject no heading names is said word for word, in three syllables or more, by a close article's text
    ("hộ thiếu đói dịp Tết âm lịch" of 20/2021/NĐ-CP Điều 12): that article governs it, it is no passing mention.
    The subject's run may lose one word at either end ("thiếu đói dịp Tết âm lịch, mỗi người"); a run with a
    number names a thing ("mẫu số 1a"), not a subject."""
    tokens = subject_phrase(prof.text, about.missing, table).split()
    if any(any(ch.isdigit() for ch in t) for t in tokens):
        return False
    spans = {" ".join(span) for span in (tokens, tokens[:-1], tokens[1:]) if len(span) >= 3}
    texts = [nfc(table.articles[c.key].text).lower() for c in close if c.key in table.articles]
    return any(re.search(rf"(?<!\w){re.escape(span)}(?!\w)", t) for span in spans for t in texts)


def not_governed_reason(
    prof: QuestionProfile, about: Aboutness, ranked: Sequence[Candidate], table: ArticleTable, depth: int, closest: str
) -> str:
    """Why the closest articles do not answer: the subject is only mentioned in passing, and no
    indexed document (or none close to the question) names it in its headings."""
    key = about.missing[0] if about.missing else ""
    phrase = subject_phrase(prof.text, about.missing, table) or key
    if not phrase:
        return f"Các điều gần nhất ({closest}) không quy định về nội dung được hỏi."
    near = next((c.key for c in ranked[:depth] if key in set(table.article_syllables(c.key))), None)
    where = near or mentioned_in(table, key)
    if where:
        doc = table.documents.get(where[0], {})
        said = f"chỉ được nhắc qua trong {doc.get('type', '')} {doc.get('number') or where[0]} Điều {where[1]}".replace("  ", " ")
    else:
        said = "không có trong các điều gần nhất"
    if any(key in table.doc_headings(k) for k in table.documents):  # some document names the word in a heading
        return f"Chủ đề «{phrase}» {said}; điều gần nhất ({closest}) không quy định về nó."
    return (f"Chủ đề «{phrase}» {said}; không có văn bản nào đã nạp quy định về nó (không tên văn bản, tên "
            f"điều hay phạm vi điều chỉnh nào nói tới nó). Điều gần nhất là {closest}.")


_SIGNAL_BONUS = 0.25  # per signal (intent, asked figure), in units of subject-word share
# A criminal article's later clauses state the same offence's graver cases ("2. Phạm tội thuộc một trong các
# trường hợp sau đây …", "4. Người phạm tội còn bị phạt tiền …", "Người chuẩn bị phạm tội này …"): they carry the
# offence of clause 1, which they do not repeat.
_SAME_OFFENCE = re.compile(r"^\s*(?:\d+[a-zđ]?\.\s*)?(?:người\s+(?:chuẩn bị\s+)?)?phạm tội\b", re.I)
# words a graver clause shares with the question that name no case: the offence ("phạm tội") and how an
# amount is bounded ("… trị giá 50.000.000 đồng trở lên" is no answer to "từ bao nhiêu tiền trở lên")
_OFFENCE_WORDS = frozenset(syllables("phạm tội trở lên xuống dưới trên tối đa thiểu không quá ít nhất trị giá"))
_MOST = re.compile(r"\b(?:tối đa|cao nhất|nặng nhất)\b", re.I)  # "bị phạt tù tối đa bao nhiêu năm"
# The threshold of the crime asked ("số tiền bị chiếm đoạt từ bao nhiêu thì mới đủ truy cứu tội lừa đảo"): clause 1,
# the offence itself, states it; the graver clauses state larger sums of the same offence
_CRIME_THRESHOLD = re.compile(
    r"(?:từ|trên)\s+(?:bao nhiêu|mấy|bn)\b[^?.;]{0,80}?(?:truy cứu|hình sự|phạm tội|\btội\b|đi tù|phạt tù)"
    r"|(?:truy cứu|hình sự)[^?.;]{0,40}?(?:từ|trên)\s+(?:bao nhiêu|mấy|bn)\b", re.I)


# An exception to a rule, to the end of its sentence: "…, trừ trường hợp đã có thời gian từ đủ 12 tháng trở lên …".
# The amounts it states are its case's condition, not the rule's.
EXCEPTION_TAIL = re.compile(r"\btrừ\s+(?:các\s+|những\s+)?trường hợp\b[^.;\n]*", re.I)


# A figure asked as what something is ("Thời hạn bị xã quản lý là bao lâu?") and a clause stating it so ("Thời hạn
# quản lý người sử dụng trái phép chất ma túy là 01 năm …"), not a deadline for an act ("Trong thời hạn 03 ngày làm
# việc …, Chủ tịch … có trách nhiệm ra quyết định …")
_ASKED_AS_IS = re.compile(r"\blà\s+(?:bao nhiêu|mấy|bao lâu|bn)\b", re.I)
_STATED_AS_IS = re.compile(r"\blà\s+(?:đủ\s+|từ\s+|không quá\s+)?\d", re.I)


def outside_exceptions(text: str) -> str:
    """The text without its exceptions' tails ("trừ trường hợp …" to the end of the sentence)."""
    return EXCEPTION_TAIL.sub(" ", text)


def answer_unit_order(prof: QuestionProfile, units: Sequence[LegalUnit]) -> list[int]:
    """Indices of an article's units, the one that states the asked fact first.

    A unit states it when it shares the most subject words with the question, with a bonus for the
    intent's signal (an amount, a duration, an authority …): the signal alone must not lift a clause
    about something else ("trừ trường hợp …" in khoản 1) over the clause that restates the question
    (khoản 2); a later clause of a criminal article counts the offence of clause 1 as its own, so the
    graver case the question names ("… mà còn vi phạm và làm chết người") picks its clause; ties keep the
    article order.
    """
    words = set(prof.words)
    as_is = bool(_ASKED_AS_IS.search(prof.text))
    offence = set(syllables(units[0].text)) if units else set()
    graver = {i for i in range(1, len(units)) if _SAME_OFFENCE.match(units[i].text)}  # carry clause 1's offence

    def key(i: int) -> tuple:
        u = units[i]
        text = u.text
        signal = 0
        # an asked figure that only an exception states ("…, trừ trường hợp đã có thời gian từ đủ 12 tháng …")
        # is not the rule's: the clause stating it ("Thời gian tập sự từ 03 tháng đến 12 tháng") has the signal
        stated = outside_exceptions(text) if prof.wants_figure else text
        if prof.intents:
            signal = int(_TEXT_SIGNAL[prof.intents[0]](stated))
        if prof.wants_figure and prof.figure_kind:
            signal += int(has_figure(prof.figure_kind, stated))
            signal += int(as_is and bool(_STATED_AS_IS.search(stated)))
        have = set(syllables(text))
        if i in graver:
            have = (have - _OFFENCE_WORDS) | offence
        share = len(words & have) / max(len(words), 1)
        return (-(share + _SIGNAL_BONUS * signal), i)

    order = sorted(range(len(units)), key=key)
    if order and order[0] == 0 and prof.wants_figure and _MOST.search(prof.text):
        order = _gravest_first(prof.figure_kind, units, graver, order)
    elif order and order[0] in graver and 0 not in graver and _CRIME_THRESHOLD.search(prof.text):
        order = [0] + [i for i in order if i != 0]
    return order


def _gravest_first(kind: str | None, units: Sequence[LegalUnit], graver: set[int], order: list[int]) -> list[int]:
    """The highest penalty of an offence asked, no graver case named ("cho thuê địa điểm chứa chấp việc sử dụng
    trái phép chất ma túy có thể bị phạt tối đa bao nhiêu năm tù?"): the clause stating the largest figure of
    the asked kind among the offence's clauses (clause 1 and the ``graver`` ones) comes first."""
    if not graver:
        return order
    offence = [0, *sorted(graver)]
    top = {i: max((f.value for f in stated_figures(units[i].text)
                            if f.kind == kind and not f.is_age), default=None) for i in offence}
    stated = {i: v for i, v in top.items() if v is not None}
    if not stated:
        return order
    gravest = max(stated, key=lambda i: (stated[i], -i))
    return [gravest] + [i for i in order if i != gravest]


# -- missing documents --------------------------------------------------------------------------


def missing_named_documents(prof: QuestionProfile, table: ArticleTable) -> list[str]:
    """Documents the question names ("Nghị định 123", "Luật Đất đai 2024") that the index lacks."""
    out = []
    numbers = {}
    for key, d in table.documents.items():
        number = (d.get("number") or "").lower()
        if number:
            numbers.setdefault(number.split("/")[0], []).append((number, d))
    titles = {strip_diacritics(f"{d.get('type', '')} {d.get('title', '')}".lower()) for d in table.documents.values()}
    for name in prof.named_documents:
        amended = _AMENDMENT_NAME.match(name)
        if amended:  # an amending document of that year: the index must hold one
            year = int(amended.group(2))
            if not any(d.get("year") == year and "sua doi" in strip_diacritics((d.get("title") or "").lower())
                       for d in table.documents.values()):
                out.append(name)
            continue
        m = _NAMED_DOC.match(name)
        if m and m.group(2):
            num, year = m.group(2), m.group(3)
            found = [n for n, d in numbers.get(num, []) + numbers.get(num.zfill(2), [])
                     if (not year or f"/{year}" in n) and _type_matches(m.group(1), d)]
            if not found:
                out.append(name)
            continue
        m = _NAMED_LAW.match(name)
        if m:
            wanted = strip_diacritics(f"{m.group(1)} {m.group(2)}".lower())
            year = int(m.group(3))
            same = [d for d in table.documents.values()
                    if wanted in strip_diacritics(f"{d.get('type', '')} {d.get('title', '')}".lower())]
            if not same and wanted not in titles:
                out.append(name)
            elif same and all(d.get("year") and abs(d["year"] - year) > 1 for d in same):
                out.append(name)
            continue
        if name.startswith("luật ") and not _law_indexed(name[5:], table):
            out.append(name)
    return out


def _law_indexed(name: str, table: ArticleTable) -> bool:
    """A law (or code) of the index is the one named: every word of the name is in its title, or every
    word of its title is in the name ("luật căn cước công dân" → Luật Căn cước; "luật hôn nhân gia
    đình" → Luật Hôn nhân và gia đình); "luật bảo hiểm xã hội" is not Luật Bảo hiểm y tế."""
    wanted = set(strip_diacritics(name).split())
    for d in table.documents.values():
        kind = (d.get("type") or "").lower()
        if "luật" not in kind and "pháp lệnh" not in kind:
            continue
        title = re.sub(r"\([^)]*\)", " ", (d.get("title") or "").lower())
        title = re.sub(r"^\s*(?:bộ\s+)?lu[aâậ]t\s+", "", title)
        words = set(strip_diacritics(title).replace(",", " ").split())
        if words and (wanted <= words or words <= wanted):
            return True
    return False


def _type_matches(kind: str, doc: dict) -> bool:
    kind = kind.lower()
    dtype = (doc.get("type") or "").lower()
    number = (doc.get("number") or "").lower()
    marks = {"nghị định": "nđ-cp", "thông tư": "tt", "nghị quyết": "nq", "quyết định": "qđ", "luật": "qh", "bộ luật": "qh"}
    mark = marks.get(kind)
    return kind in dtype or (mark is not None and mark in number)


# -- cache ----------------------------------------------------------------------------------------


def load_or_build_table(store, cache_dir: Path | None, fingerprint: str) -> ArticleTable:
    """The article table for exactly this index content (cached beside it)."""
    path = cache_dir / f"articles-{TABLE_VERSION}-{fingerprint}.json.gz" if cache_dir else None
    return load_or_build(
        path, ArticleTable.load, lambda: ArticleTable.build(store.iter_units()), ArticleTable.save,
        "articles-*.json.gz", "article table",
    )
