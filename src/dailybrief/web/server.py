"""The web app's shell: one `Web` object per app (home, settings, store, templates, caches), the
app factory with error pages and security headers, and `run_server` for `dailybrief serve`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from ..app.archive import PageCache
from ..config import Settings
from ..errors import DailybriefError, InputError, ReviewError
from ..store import Store
from .security import (
    CSRF_COOKIE,
    LoginLimiter,
    Visitor,
    csrf_ok,
    secure_headers,
    visitor,
)

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
            loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
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


def page_response(response: Response, v: Visitor, settings: Settings, scripts: list[str] = (),  # type: ignore[assignment]
                  styles: list[str] = ()) -> Response:  # type: ignore[assignment]
    if v.new_csrf_cookie:
        response.set_cookie(CSRF_COOKIE, v.csrf, httponly=True, samesite="strict",
                            secure=settings.web.secure_cookies, path="/")
    return secure_headers(response, scripts, styles)


def create_app(home: Path, settings: Settings, store: Store | None = None) -> FastAPI:
    from . import admin, newsroom, pages

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web = Web(home, settings, store or Store.open(home, settings.store.url or None))
    app.state.web = web
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        return secure_headers(FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                                           headers={"Cache-Control": "max-age=86400"}))

    for module in (pages, newsroom, admin):
        app.include_router(module.router)
    _error_pages(app, web)
    return app


def _error(request: Request, web: Web, status: int, message: str) -> Response:
    v = visitor(request, web.store)
    return web.render(request, v, "error.html", status, code=status, message=message)


def _error_pages(app: FastAPI, web: Web) -> None:
    @app.exception_handler(LoginNeeded)
    async def _login(request: Request, _exc: LoginNeeded) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"/login?next={target}", 303)
        return secure_headers(response)

    for kind, status in ((NotFound, 404), (Denied, 403), (ReviewError, 409), (InputError, 400),
                         (DailybriefError, 400)):
        app.add_exception_handler(kind, _handler(web, status))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        return _error(request, web, exc.status_code, message)


def _handler(web: Web, status: int):
    async def handle(request: Request, exc: Exception) -> Response:
        return _error(request, web, status, str(exc))

    return handle


def run_server(home: Path, settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    uvicorn.run(create_app(home, settings), host=host, port=port, log_level="warning", server_header=False)
