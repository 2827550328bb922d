"""Normalisation: legacy encodings, running heads, split syllables, broken lines."""

from __future__ import annotations

from ingest.normalise import (
    decode_legacy,
    fix_legacy_text,
    is_syllable,
    join_broken_lines,
    join_split_syllables,
    looks_vietnamese,
    remove_page_furniture,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from tests.ingest.fixtures import to_tcvn3

NATIONAL = "Cộng hoà xã hội chủ nghĩa Việt Nam"
SENTENCE = (
    "Điều 5. Lệ phí đăng ký khai sinh được miễn cho người thuộc gia đình có công với cách mạng; "
    "người thuộc hộ nghèo; người khuyết tật. Ủy ban nhân dân cấp xã thực hiện việc đăng ký."
)


def test_tcvn3_classic_sample_and_generated_text():
    # The national motto as it looks when a .VnTime file is read as Latin-1.
    assert tcvn3_to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == NATIONAL
    text, encoding = decode_legacy(to_tcvn3(SENTENCE))
    assert encoding == "tcvn3"
    assert text.lower() == SENTENCE.lower()  # TCVN3 capitals with a tone live in another font


def test_vni_sample():
    assert vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert vni_to_unicode("Ñieàu 5. Leä phí ñöôïc mieãn") == "Điều 5. Lệ phí được miễn"
    fixed, encoding = fix_legacy_text(
        "Ñieàu 5. Leä phí ñaêng kyù khai sinh ñöôïc mieãn cho ngöôøi thuoäc gia ñình coù coâng vôùi caùch "
        "maïng; ngöôøi thuoäc hoä ngheøo; ngöôøi khuyeát taät. UÛy ban nhaân daân caáp xaõ thöïc hieän."
    )
    assert encoding == "vni" and fixed.startswith("Điều 5. Lệ phí đăng ký khai sinh được miễn")


def test_unicode_text_is_left_alone_and_garbage_is_refused():
    assert fix_legacy_text(SENTENCE) == (SENTENCE, None)
    assert decode_legacy(bytes(range(0x80, 0x100)) * 3) is None
    assert decode_legacy(b"\xd0i\xean\xd2u 1. Ph\xb9m vi\nN\xe9i dung") is None  # too little to trust


def test_syllables():
    assert all(is_syllable(w) for w in ["Việt", "nghiêng", "khuya", "người", "quốc", "chuẩn", "gì"])
    assert not any(is_syllable(w) for w in ["ng", "éiờnều", "ch", "Phạmm", "hoàá"])
    assert looks_vietnamese(SENTENCE) and not looks_vietnamese("Le phi dang ky khai sinh duoc mien cho " * 3)


def test_split_syllables_rejoined_without_gluing_words():
    broken = "Luật này áp d ụng đối với công dân Vi ệt Nam; ng ười gốc Việt Nam ch ưa xác định qu ốc t ịch, thông tin c ơ bản"
    assert join_split_syllables(broken) == (
        "Luật này áp dụng đối với công dân Việt Nam; người gốc Việt Nam chưa xác định quốc tịch, thông tin cơ bản"
    )
    intact = "trong khi ấy, ông ấy ở đó; điểm a khoản 2 Điều 5; Cơ sở dữ liệu"
    assert join_split_syllables(intact) == intact


def test_running_heads_and_page_numbers_removed():
    pages = [
        [f"{30 + i} CÔNG BÁO/Số 35 + 36/Ngày 08-01-2024" if i % 2 == 0 else f"CÔNG BÁO/Số 35 + 36/Ngày 08-01-2024 {30 + i}",
         f"Điều {i + 7}. Điều thứ {i}", "Văn bản này được ký số.", f"{i}. Một khoản thứ {i}", str(i + 1)]
        for i in range(4)
    ]
    cleaned = remove_page_furniture(pages)
    flat = [ln for page in cleaned for ln in page]
    assert not any("CÔNG BÁO" in ln for ln in flat)
    assert cleaned[0] == ["Điều 7. Điều thứ 0", "Văn bản này được ký số.", "0. Một khoản thứ 0"]


def test_broken_lines_join_but_never_across_blocks():
    lines = [
        "1. Thời hạn giải quyết là 05 ngày",
        "làm việc kể từ ngày nhận đủ hồ sơ",
        "Điều 3 của Nghị định này.",  # a cross-reference, not a heading
        "a) Tờ khai;",
        "b) Bản sao",
        "giấy tờ.",
        "Điều 6. Hiệu lực",
    ]
    assert join_broken_lines(lines) == [
        "1. Thời hạn giải quyết là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ Điều 3 của Nghị định này.",
        "a) Tờ khai;",
        "b) Bản sao giấy tờ.",
        "Điều 6. Hiệu lực",
    ]


def test_pypdf_split_text_of_real_pdf_is_repaired(shared_data):
    """pypdf splits syllables in the Công báo PDF ("Vi ệt"); the repaired text matches pdfium's."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    pdf = shared_data / "pdf" / "congbao_luat-can-cuoc-26-2023-QH15.pdf"
    raw = PdfReader(str(pdf)).pages[1].extract_text()
    reference = pdfium.PdfDocument(str(pdf))[1].get_textpage().get_text_bounded()
    repaired = join_split_syllables(raw)

    def words(text: str) -> list[str]:
        return text.split()

    ref_words = set(words(reference))
    broken_share = sum(w not in ref_words for w in words(raw)) / len(words(raw))
    repaired_share = sum(w not in ref_words for w in words(repaired)) / len(words(repaired))
    assert broken_share > 0.1 and repaired_share < 0.03
