"""Users, roles and document access tags.

Roles: ``clerk`` (cán bộ), ``leader`` (lãnh đạo), ``admin`` (quản trị viên). Each role may read
documents whose access tags are all in its allowed set (``Settings.role_access``; ``"*"`` means
every tag); documents without tags are public. The rule is enforced as a Qdrant filter inside
every unit query (``UnitStore.restricted``), so a document a role may not read is never a
candidate, not even when the question names it by number.

Local accounts live in a JSON file (``Settings.accounts_file``) with argon2id password hashes
(salted, per-user); agencies with single sign-on use ``st.login`` (OIDC) instead (see
``ui/auth.py``) and map identities to roles in the same file (accounts without a password).
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from rag.errors import ConfigError, InputError

ROLES = ("clerk", "leader", "admin")
ROLE_LABELS = {"clerk": "Cán bộ", "leader": "Lãnh đạo", "admin": "Quản trị viên"}
ALL_TAGS = "*"
_NAME = re.compile(r"^[\w.@+\-]{1,64}$")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    display_name: str = ""

    @property
    def label(self) -> str:
        return f"{self.display_name or self.name} · {ROLE_LABELS.get(self.role, self.role)}"


def allowed_tags(role: str, role_access: Mapping[str, Iterable[str]]) -> tuple[str, ...] | None:
    """Tags a role may read; ``None`` means every document. Unknown roles read public ones only."""
    tags = tuple(role_access.get(role, ()))
    if ALL_TAGS in tags:
        return None
    return tags


def folder_tags(path: Path, folder_access: Mapping[str, str]) -> tuple[str, ...]:
    """Access tags a file gets from the folders it sits in: {"noi-bo": "noi-bo"} tags .../noi-bo/x.pdf."""
    parts = {p.lower() for p in Path(path).parts[:-1]}
    if not folder_access:
        return ()
    return tuple(sorted({tag for folder, tag in folder_access.items() if folder.lower() in parts}))


# -- passwords ---------------------------------------------------------------------------------


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ImportError as exc:  # pragma: no cover - a runtime dependency
        raise ConfigError("Thiếu thư viện argon2-cffi: pip install argon2-cffi / argon2-cffi missing") from exc
    return PasswordHasher()


def hash_password(password: str) -> str:
    """argon2id hash with a random salt, in the standard encoded form."""
    if len(password) < 8:
        raise InputError("Mật khẩu phải có ít nhất 8 ký tự. / Password must be at least 8 characters.")
    return _hasher().hash(password)


def check_password(encoded: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False


# -- accounts file -----------------------------------------------------------------------------


class AccountStore:
    """``{"users": {"name": {"role", "display_name", "password"}}}`` in a JSON file (mode 0600)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.is_file()

    def _load(self) -> dict[str, dict]:
        if not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            users = data["users"] if isinstance(data, dict) else None
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(f"Tệp tài khoản {self.path} không đọc được / unreadable accounts file") from exc
        if not isinstance(users, dict) or not all(isinstance(u, dict) for u in users.values()):
            raise ConfigError(f"Tệp tài khoản {self.path} sai cấu trúc / malformed accounts file")
        return users

    def _save(self, users: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"users": users}, out, ensure_ascii=False, indent=2)
        os.replace(tmp, self.path)

    def users(self) -> list[User]:
        return [User(n, u.get("role", "clerk"), u.get("display_name", "")) for n, u in sorted(self._load().items())]

    def get(self, name: str) -> User | None:
        u = self._load().get(name)
        return User(name, u.get("role", "clerk"), u.get("display_name", "")) if u else None

    def add(self, name: str, role: str, password: str | None, display_name: str = "") -> User:
        """Create or replace an account; ``password=None`` for single-sign-on identities."""
        if not _NAME.match(name):
            raise InputError(f"Tên đăng nhập không hợp lệ: {name!r} / invalid user name")
        if role not in ROLES:
            raise InputError(f"Vai trò phải là một trong {', '.join(ROLES)} / role must be one of {ROLES}")
        users = self._load()
        users[name] = {"role": role, "display_name": display_name}
        if password is not None:
            users[name]["password"] = hash_password(password)
        self._save(users)
        return User(name, role, display_name)

    def remove(self, name: str) -> bool:
        users = self._load()
        if users.pop(name, None) is None:
            return False
        self._save(users)
        return True

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password matches; None otherwise (same cost for unknown names)."""
        entry = self._load().get(name.strip())
        encoded = (entry or {}).get("password")
        if not encoded:
            check_password(_dummy_hash(), password)  # do not reveal which names exist by timing
            return None
        if not check_password(encoded, password):
            return None
        return User(name.strip(), entry.get("role", "clerk"), entry.get("display_name", ""))


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not-a-real-password")
