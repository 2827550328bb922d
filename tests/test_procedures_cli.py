"""Procedure cards through the `tthc` CLI on a real index (slice corpus + shared procedures)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PROCEDURE_SOURCES
from ui.cli import main

CONTRACT = {
    "code",
    "name",
    "field",
    "agency",
    "dossier",
    "steps",
    "processing_time",
    "fees",
    "legal_basis",
    "source",
}


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, *args):
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return json.loads(out)


def test_ingest_recognises_procedure_sources_and_is_idempotent(procedure_index, capsys):
    report = run_json(
        capsys, "--index", str(procedure_index), "ingest", *map(str, PROCEDURE_SOURCES), "--json"
    )
    files = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert report["unchanged"] == 4 and report["added"] == report["failed"] == 0
    assert files["cantho_sotuphap_quytrinh.jsonl"]["units"] == 53
    assert files["dichvucong_raw_pages.jsonl"]["units"] == 22
    assert files["secondary_summaries_qd2228.jsonl"]["units"] == 31
    assert all(f["kind"] == "procedures" for f in files.values())


@pytest.mark.parametrize(
    "query, name",
    [
        ("làm lại giấy khai sinh bị mất cần gì", "Đăng ký lại khai sinh"),
        ("đăng ký tạm trú khi thuê nhà trọ", "Đăng ký tạm trú"),
        ("chứng thực chữ ký trên giấy ủy quyền", "chứng thực chữ ký"),
        ("lam lai giay khai sinh bi mat", "Đăng ký lại khai sinh"),  # typed without diacritics
    ],
)
def test_procedures_search_contract(procedure_index, capsys, query, name):
    hits = run_json(capsys, "--index", str(procedure_index), "procedures", query, "--json")
    assert name.lower() in hits[0]["name"].lower()
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert set(hits[0]) >= CONTRACT


def test_filters_restrict_results(procedure_index, capsys):
    hits = run_json(
        capsys, "--index", str(procedure_index), "procedures", "cấp lại", "--field", "Căn cước", "--json"
    )
    assert hits and {h["field"] for h in hits} == {"Căn cước"}
    hits = run_json(
        capsys, "--index", str(procedure_index), "procedures", "hộ chiếu", "--level", "cấp xã", "--json"
    )
    assert hits and {h["level"] for h in hits} == {"cấp xã"}


def test_one_card_with_legal_basis_resolved_to_the_index(procedure_index, capsys):
    card = run_json(
        capsys,
        "--index",
        str(procedure_index),
        "procedure",
        "stp-quy_trinh_cap_ho_tich_cap_xa-03-Dang-ky-lai-khai-sinh",
        "--json",
    )
    assert set(card) >= CONTRACT and card["name"] == "Đăng ký lại khai sinh"
    law = next(b for b in card["legal_basis"] if b["text"].startswith("Luật Hộ tịch"))
    assert law["resolved"]["doc"] == "60/2014/QH13" and law["resolved"]["status"]
    unresolved = next(b for b in card["legal_basis"] if b["doc_number"] == "87/2020/NĐ-CP")
    assert unresolved["resolved"] is None  # not in this index: shown as such, not guessed
    assert card["processing_time"]["durations"][0] == {
        "value": 5.0,
        "unit": "ngày làm việc",
        "text": "05 ngày làm việc",
    }
    code, out, _ = run(capsys, "--index", str(procedure_index), "procedure", "1.004222")
    assert code == 0 and out.startswith("Đăng ký thường trú") and "Công an cấp xã" in out


def test_secondary_cards_say_so(procedure_index, capsys):
    card = run_json(capsys, "--index", str(procedure_index), "procedure", "1.011441", "--json")
    assert card["secondary"] is True
    code, out, _ = run(capsys, "--index", str(procedure_index), "procedure", "1.011441")
    assert "Tóm tắt thứ cấp" in out


@pytest.mark.parametrize(
    "code_arg, needle", [("QT 03/CX-HCTP", "ứng với 2 thủ tục"), ("9.999999", "Không có thủ tục")]
)
def test_ambiguous_or_unknown_codes_get_one_line_errors(procedure_index, capsys, code_arg, needle):
    code, out, err = run(capsys, "--index", str(procedure_index), "procedure", code_arg)
    assert code == 1 and needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_ask_puts_the_matching_card_on_top(procedure_index, capsys):
    data = run_json(
        capsys, "--index", str(procedure_index), "ask", "làm lại giấy khai sinh bị mất cần gì", "--json"
    )
    card = data["procedure"]
    assert card["name"] == "Đăng ký lại khai sinh" and card["code"] == "QT 03/CX-HCTP"
    assert card["source"] and any(b["resolved"] for b in card["legal_basis"])
    code, out, _ = run(capsys, "--index", str(procedure_index), "ask", "làm lại giấy khai sinh bị mất cần gì")
    assert out.startswith("Thủ tục liên quan") and "Đăng ký lại khai sinh" in out.splitlines()[1]
    unrelated = run_json(
        capsys, "--index", str(procedure_index), "ask", "Giá vé máy bay đi Paris hôm nay bao nhiêu?", "--json"
    )
    assert unrelated["procedure"] is None
    # a fine asked carries out no procedure: no card reads as its subject
    fine = run_json(capsys, "--index", str(procedure_index), "ask",
                    "Làm lại giấy khai sinh bị mất mà khai man thì bị phạt bao nhiêu tiền?", "--json")
    assert fine["procedure"] is None


def test_a_question_turned_away_for_a_missing_laws_topic_keeps_only_a_card_that_names_it(procedure_index, capsys):
    # "sổ bảo hiểm xã hội" is Luật Bảo hiểm xã hội's (not indexed); the lost-paper words ("mất", "cấp lại") found a
    # card for some other lost paper, which would read as the answer's subject
    lost = run_json(capsys, "--index", str(procedure_index), "ask",
                    "Tôi nghỉ việc về quê thì làm mất sổ bảo hiểm xã hội, xin cấp lại sổ ở đâu?", "--json")
    assert lost["abstained"] and lost["judgement"]["code"] == "law_not_indexed"
    assert lost["procedure"] is None
    # a card that names the topic stays: the passport loss report for "mất hộ chiếu"
    passport = run_json(capsys, "--index", str(procedure_index), "ask",
                        "Bị mất hộ chiếu khi đi chơi thì phải trình báo mất hộ chiếu ở đâu?", "--json")
    assert passport["judgement"]["code"] == "law_not_indexed" and "hộ chiếu" in passport["procedure"]["name"]
