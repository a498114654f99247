"""What every page handler shares: one `Web` object per app (home, settings, store, templates,
caches, who is asking), the errors that become error pages, and `page_response`, which adds the
CSRF cookie and the security headers to a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..app.archive import PageCache
from ..config import Settings
from ..errors import DailybriefError
from ..store import Store
from .security import CSRF_COOKIE, LoginLimiter, Visitor, csrf_ok, secure_headers, visitor

HERE = Path(__file__).parent


class NotFound(DailybriefError):
    """An unknown date, story or version: a 404 page saying which."""


class Denied(DailybriefError):
    """Logged in without the role a page or action needs, or a form without its CSRF token."""


class LoginNeeded(Exception):
    """Not logged in where the page needs it: redirect to the login page."""


@dataclass
class Web:
    home: Path
    settings: Settings
    store: Store
    pages: PageCache = field(default_factory=PageCache)
    limiter: LoginLimiter | None = None

    def __post_init__(self) -> None:
        self.limiter = self.limiter or LoginLimiter(self.settings.web.login_attempts)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @property
    def template_dir(self) -> Path:
        return self.home / "templates"

    @property
    def cache_dir(self) -> Path:
        return self.home / "web-cache"

    def visitor(self, request: Request, role: str = "viewer", public: bool = False) -> Visitor:
        """Who asks; LoginNeeded or Denied when they may not see this page."""
        v = visitor(request, self.store)
        if v.user is None:
            if public and self.settings.web.public:
                return v
            raise LoginNeeded()
        if not v.can(role):
            raise Denied(f"this needs the {role} role (you are {v.user.role})")
        return v

    def form_visitor(self, request: Request, csrf: str, role: str = "editor") -> Visitor:
        """The visitor behind a form post: logged in, with `role`, and the form's CSRF token."""
        v = self.visitor(request, role)
        if not csrf_ok(v, csrf):
            raise Denied("the form has no valid CSRF token: reload the page and try again")
        return v

    def render(self, request: Request, v: Visitor, template: str, status: int = 200, **values: object) -> Response:
        html = self.env.get_template(template).render(
            request=request, v=v, settings=self.settings, path=request.url.path, **values
        )
        return page_response(HTMLResponse(html, status), v, self.settings)


def page_response(
    response: Response,
    v: Visitor,
    settings: Settings,
    scripts: list[str] | None = None,
    styles: list[str] | None = None,
) -> Response:
    """`response` with the CSRF cookie (when new) and the security headers allowing `scripts` and `styles`."""
    if v.new_csrf_cookie:
        response.set_cookie(
            CSRF_COOKIE, v.csrf, httponly=True, samesite="strict", secure=settings.web.secure_cookies, path="/"
        )
    return secure_headers(response, scripts or [], styles or [])


def web_of(request: Request) -> Web:
    """The app's `Web` object, from inside a page handler."""
    return request.app.state.web
