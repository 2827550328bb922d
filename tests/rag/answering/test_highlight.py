"""Which sentences of a passage get highlighted."""

from rag.answering.highlight import highlight_spans, reference_text
from rag.text.sentences import sentence_spans

CLAUSE = (
    "1. Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm đăng ký khai sinh cho con; "
    "trường hợp cha, mẹ không thể đăng ký khai sinh cho con thì ông hoặc bà hoặc người thân thích khác "
    "có trách nhiệm đăng ký khai sinh cho trẻ em.\n"
    "2. Công chức tư pháp - hộ tịch thực hiện việc đăng ký khai sinh lưu động."
)


def spans_text(text, spans):
    return [text[a:b] for a, b in spans]


def test_sentences_keep_item_numbers_and_split_on_lines():
    parts = spans_text(CLAUSE, sentence_spans(CLAUSE))
    assert parts[0].startswith("1. Trong thời hạn 60 ngày")
    assert parts[-1].startswith("2. Công chức")
    assert len(parts) == 3


def test_question_about_deadline_highlights_the_deadline_sentence():
    ref = reference_text("Thời hạn đăng ký khai sinh cho con là bao lâu?", [])
    got = spans_text(CLAUSE, highlight_spans(CLAUSE, ref))
    assert got and got[0].startswith("1. Trong thời hạn 60 ngày")
    assert not any(g.startswith("2.") for g in got)


def test_answer_words_outside_quotes_guide_the_highlight():
    answer = ["Việc đăng ký khai sinh lưu động do công chức tư pháp - hộ tịch thực hiện [1]: «" + CLAUSE + "»"]
    got = spans_text(CLAUSE, highlight_spans(CLAUSE, reference_text("Ai đi đăng ký lưu động?", answer)))
    assert got[0].startswith("2. Công chức tư pháp")


def test_nothing_in_common_highlights_nothing():
    assert highlight_spans(CLAUSE, "xem phim tối nay") == []
    assert highlight_spans("", "khai sinh") == []
