"""Web app accounts and sessions as the CLI and the web app use them."""

from __future__ import annotations

from ..store import Store
from ..store import users as us
from ..store.users import Session, User


def create_user(store: Store, name: str, password: str, role: str = "editor") -> User:
    return us.add_user(store, name, password, role)


def users(store: Store) -> list[User]:
    return us.list_users(store)


def log_in(store: Store, name: str, password: str, hours: float) -> Session:
    """A new session for the user, or AuthError."""
    return us.start_session(store, us.authenticate(store, name, password), hours)


def session(store: Store, token: str) -> Session | None:
    return us.session_for(store, token) if token else None


def log_out(store: Store, token: str) -> None:
    us.end_session(store, token)


def login_name() -> str:
    """Who runs a command, for the records of corrections and approvals ("" when unknown)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
