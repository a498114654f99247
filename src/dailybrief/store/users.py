"""Editor accounts and login sessions for `dailybrief serve`.

Passwords are hashed with argon2id (argon2-cffi); a session is a random token of which only the
SHA-256 is stored, with its own CSRF token and an expiry. Roles: viewer (reads), editor
(corrects stories, edits and approves reports), admin (also manages sources and users).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, String, Table, delete, select

from ..errors import AuthError, InputError
from . import Store, now_iso
from .schema import metadata

ROLES = ("viewer", "editor", "admin")
_NAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH = _HASHER.hash("not a password")

users = Table(
    "users",
    metadata,
    Column("name", String, primary_key=True),
    Column("password_hash", String, nullable=False),
    Column("role", String, nullable=False),
    Column("created", String, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String, primary_key=True),
    Column("user", String, nullable=False, index=True),
    Column("csrf", String, nullable=False),
    Column("created", String, nullable=False),
    Column("expires", String, nullable=False),
)


@dataclass
class User:
    name: str
    role: str

    def can(self, role: str) -> bool:
        """True when this user's role is `role` or above."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass
class Session:
    token: str  # only known when the session is created
    user: User
    csrf: str
    expires: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(store: Store, name: str, password: str, role: str = "editor") -> User:
    if not _NAME.fullmatch(name):
        raise InputError(f"{name!r}: a user name is 1-64 letters, digits or _.@-")
    if role not in ROLES:
        raise InputError(f"--role: expected one of {', '.join(ROLES)}, got {role!r}")
    if len(password) < 8:
        raise InputError("password: at least 8 characters")
    with store.engine.begin() as conn:
        if conn.execute(select(users.c.name).where(users.c.name == name)).first():
            raise InputError(f"user {name!r} exists already")
        conn.execute(users.insert().values(name=name, password_hash=_HASHER.hash(password), role=role,
                                           created=now_iso()))
    return User(name, role)


def list_users(store: Store) -> list[User]:
    with store.engine.connect() as conn:
        return [User(r.name, r.role) for r in conn.execute(select(users).order_by(users.c.name))]


def authenticate(store: Store, name: str, password: str) -> User:
    """The user if the password is right; AuthError otherwise (same message for both causes)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        row = None
    if row is None:
        raise AuthError("wrong user name or password")
    return User(row.name, row.role)


def start_session(store: Store, user: User, hours: float) -> Session:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = (now + timedelta(hours=hours)).isoformat(timespec="seconds")
    with store.engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires < now.isoformat(timespec="seconds")))
        conn.execute(sessions.insert().values(token_hash=_digest(token), user=user.name, csrf=csrf,
                                              created=now_iso(), expires=expires))
    return Session(token, user, csrf, expires)


def session_for(store: Store, token: str) -> Session | None:
    """The live session behind a cookie token, or None (unknown or expired)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    query = (select(sessions.c.csrf, sessions.c.expires, users.c.name, users.c.role)
             .join(users, users.c.name == sessions.c.user)
             .where((sessions.c.token_hash == _digest(token)) & (sessions.c.expires > now)))
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return Session("", User(row.name, row.role), row.csrf, row.expires) if row else None


def end_session(store: Store, token: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.token_hash == _digest(token)))
