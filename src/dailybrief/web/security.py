"""What every request of the web app goes through: the session cookie, CSRF tokens on every
form, the login rate limit, roles, and the security headers (a Content-Security-Policy with no
inline scripts but those whose hash it names)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from ..app import accounts
from ..store import Store
from ..store.users import Session, User

SESSION_COOKIE = "db_session"
CSRF_COOKIE = "db_csrf"  # double-submit token for forms shown before logging in
WINDOW = 300.0  # seconds over which failed logins are counted

BASE_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def csp(scripts: list[str] = (), styles: list[str] = ()) -> str:  # type: ignore[assignment]
    """The policy, allowing in addition the inline scripts and styles with these sha256 hashes."""
    policy = dict(BASE_CSP)
    if scripts:
        policy["script-src"] += "".join(f" 'sha256-{h}'" for h in scripts)
    if styles:
        policy["style-src"] += "".join(f" 'sha256-{h}'" for h in styles)
    return "; ".join(f"{k} {v}" for k, v in policy.items())


def secure_headers(response: Response, scripts: list[str] = (), styles: list[str] = ()) -> Response:  # type: ignore[assignment]
    response.headers.update(HEADERS)
    response.headers["Content-Security-Policy"] = csp(scripts, styles)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@dataclass
class Visitor:
    """Who is asking: their session (None when logged out) and the CSRF token their forms carry."""

    session: Session | None
    csrf: str
    new_csrf_cookie: bool = False

    @property
    def user(self) -> User | None:
        return self.session.user if self.session else None

    def can(self, role: str) -> bool:
        return self.user is not None and self.user.can(role)


def visitor(request: Request, store: Store) -> Visitor:
    session = accounts.session(store, request.cookies.get(SESSION_COOKIE, ""))
    if session is not None:
        return Visitor(session, session.csrf)
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) < 32:
        return Visitor(None, secrets.token_urlsafe(32), True)
    return Visitor(None, token)


def csrf_ok(visitor: Visitor, sent: str) -> bool:
    return bool(sent) and not visitor.new_csrf_cookie and secrets.compare_digest(sent, visitor.csrf)


class LoginLimiter:
    """At most `attempts` failed logins per client address in `WINDOW` seconds."""

    def __init__(self, attempts: int):
        self.attempts = attempts
        self.failures: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self.failures[key]
        while seen and now - seen[0] > WINDOW:
            seen.popleft()
        return seen

    def blocked(self, key: str) -> int:
        """Seconds until `key` may try again (0: now)."""
        now = time.monotonic()
        with self.lock:
            seen = self._recent(key, now)
            return int(WINDOW - (now - seen[0])) + 1 if len(seen) >= self.attempts else 0

    def failed(self, key: str) -> None:
        with self.lock:
            self._recent(key, time.monotonic()).append(time.monotonic())

    def succeeded(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)
