"""Access control: accounts with argon2 hashes, roles → tags, and tags enforced inside Qdrant."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from rag.governance.access import AccountStore, User, allowed_tags, folder_tags
from rag.config import load_settings
from rag.engine import Engine
from rag.errors import InputError
from ui.cli import main

ROLE_ACCESS = {"clerk": [], "leader": ["noi-bo"], "admin": ["*"]}


def test_accounts_file_stores_salted_argon2_hashes_only(tmp_path):
    accounts = AccountStore(tmp_path / "accounts.json")
    accounts.add("lan", "clerk", "mật-khẩu-dài-1", display_name="Trần Thị Lan")
    accounts.add("hung", "leader", "mật-khẩu-dài-1")
    raw = (tmp_path / "accounts.json").read_text(encoding="utf-8")
    assert "mật-khẩu-dài-1" not in raw
    users = json.loads(raw)["users"]
    assert users["lan"]["password"].startswith("$argon2id$")
    assert users["lan"]["password"] != users["hung"]["password"]  # same password, different salts
    assert stat.S_IMODE((tmp_path / "accounts.json").stat().st_mode) == 0o600
    assert accounts.authenticate("lan", "mật-khẩu-dài-1") == User("lan", "clerk", "Trần Thị Lan")
    assert accounts.authenticate("lan", "sai-mật-khẩu") is None
    assert accounts.authenticate("không-có", "mật-khẩu-dài-1") is None


def test_sso_identities_have_no_password_and_cannot_log_in_locally(tmp_path):
    accounts = AccountStore(tmp_path / "accounts.json")
    accounts.add("lan@tanlap.gov.vn", "leader", None)
    assert accounts.get("lan@tanlap.gov.vn").role == "leader"
    assert accounts.authenticate("lan@tanlap.gov.vn", "") is None


@pytest.mark.parametrize(
    "name, role, password", [("lan", "chủ tịch", "12345678"), ("có dấu cách", "clerk", "12345678"), ("lan", "clerk", "ngắn")]
)
def test_bad_accounts_are_refused(tmp_path, name, role, password):
    with pytest.raises(InputError):
        AccountStore(tmp_path / "a.json").add(name, role, password)


@pytest.mark.parametrize(
    "content",
    ['{"users": ["lan"]}', '{"users": {"lan": "clerk"}}', '["lan"]', '{"nobody": {}}', "{not json"],
)
def test_a_malformed_accounts_file_is_a_config_error_even_under_python_O(tmp_path, content):
    """Validation is code, not ``assert`` (which ``python -O`` strips): a malformed file never signs anyone in."""
    from rag.errors import ConfigError

    path = tmp_path / "accounts.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="accounts file"):
        AccountStore(path).authenticate("lan", "mật-khẩu-dài-1")


def test_roles_and_tags():
    assert allowed_tags("clerk", ROLE_ACCESS) == ()
    assert allowed_tags("leader", ROLE_ACCESS) == ("noi-bo",)
    assert allowed_tags("admin", ROLE_ACCESS) is None
    assert allowed_tags("unknown", ROLE_ACCESS) == ()
    assert folder_tags(Path("/docs/Noi-Bo/2026/qd.pdf"), {"noi-bo": "noi-bo"}) == ("noi-bo",)
    assert folder_tags(Path("/docs/cong-khai/noi-bo.pdf"), {"noi-bo": "noi-bo"}) == ()


def test_cli_user_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TTHC_ACCOUNTS_FILE", str(tmp_path / "accounts.json"))
    monkeypatch.setattr("sys.stdin", io.StringIO("mật-khẩu-đủ-dài\n"))
    assert main(["user", "add", "lan", "--role", "leader", "--password-stdin"]) == 0
    assert main(["user", "list"]) == 0
    assert "lan\tleader" in capsys.readouterr().out
    assert AccountStore(tmp_path / "accounts.json").authenticate("lan", "mật-khẩu-đủ-dài")
    assert main(["user", "remove", "lan"]) == 0
    assert main(["user", "remove", "lan"]) == 1


# -- enforcement inside retrieval ------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(secure_index):
    eng = Engine(load_settings(index_dir=secure_index, audit_enabled=False))
    yield eng
    eng.close()


def _docs(passages) -> set[str]:
    return {p.unit.document.doc_number or p.unit.document.key for p in passages}


INTERNAL_QUESTIONS = [
    "Mã mở kho lưu trữ hồ sơ mật là gì?",
    "Điều 2 Quyết định 99/2026/QĐ-UBND quy định gì?",  # by citation number
    "Lịch kiểm tra đột xuất kho lưu trữ hồ sơ mật ORCHID-93",
]


def test_documents_are_tagged_at_ingestion(engine):
    records = {r.key: r for r in engine.store.document_records()}
    assert records["99-2026-QĐ-UBND"].access == ("noi-bo",)  # header `access: noi-bo`
    folder_doc = [r for r in records.values() if r.source.endswith("noi-bo/77-KH-UBND.md")]
    assert folder_doc and folder_doc[0].access == ("noi-bo",)  # folder mapping
    assert records["55-2026-QĐ-UBND"].access == ()


@pytest.mark.parametrize("question", INTERNAL_QUESTIONS)
def test_clerk_never_gets_internal_documents(engine, question):
    clerk, leader = User("lan", "clerk"), User("hung", "leader")
    for passages in (engine.search(question, top_k=20, user=clerk),):
        assert passages and all(not p.unit.document.access for p in passages), _docs(passages)
    answer = engine.ask(question, user=clerk)
    shown = answer.text + " ".join(c.unit.text for c in answer.citations) + " ".join(p.unit.text for p in answer.related)
    assert "KIWI-4471" not in shown and "ORCHID-93" not in shown
    # The same question finds them for a leader: the restriction, not the ranking, hid them.
    assert any(p.unit.document.access == ("noi-bo",) for p in engine.search(question, top_k=20, user=leader))


def test_restricted_store_hides_internal_units_and_records(engine):
    clerk_store = engine.store.restricted(())
    assert clerk_store.units_of("99-2026-QĐ-UBND") == []
    assert clerk_store.document_record("99-2026-QĐ-UBND") is None
    assert "99-2026-QĐ-UBND" not in {r.key for r in clerk_store.document_records()}
    assert len(engine.store.restricted(("noi-bo",)).units_of("99-2026-QĐ-UBND")) == 2
    assert len(engine.store.units_of("99-2026-QĐ-UBND")) == 2


@pytest.mark.parametrize("backend", ["memory", "qdrant"])
def test_clerk_restriction_holds_on_both_search_paths(engine, backend):
    """In-process search arrays (the embedded default) and Qdrant queries both apply the access
    rule before top-k: a clerk's results contain no internal unit, a leader's do."""
    from rag.search.retrieval import Retriever

    settings = engine.settings.model_copy(update={"search_backend": backend})
    full = Retriever(engine.store, engine.embedder, settings)
    clerk = Retriever(engine.store.restricted(allowed_tags("clerk", ROLE_ACCESS)), engine.embedder, settings)
    clerk.shared = full
    if backend == "memory":  # the clerk's view searches the shared arrays, masked
        assert clerk.unit_index() is full.unit_index() is not None
    else:
        assert clerk.unit_index() is None
    for question in INTERNAL_QUESTIONS:
        passages = clerk.search(question, top_k=50)
        assert passages and all(not p.unit.document.access for p in passages), _docs(passages)
        assert any(p.unit.document.access for p in full.search(question, top_k=50))
