"""The web app's shell: the app factory that mounts the page modules, the error pages, and
`run_server` for `dailybrief serve`. The `Web` object the pages share lives in `web/context.py`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from ..config import Settings
from ..errors import DailybriefError, InputError, ReviewError
from ..store import Store
from . import admin, newsroom, pages
from .context import HERE, Denied, LoginNeeded, NotFound, Web
from .security import secure_headers, visitor


def create_app(home: Path, settings: Settings, store: Store | None = None) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web = Web(home, settings, store or Store.open(home, settings.store.url or None))
    app.state.web = web
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        return secure_headers(
            FileResponse(
                HERE / "static" / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
            )
        )

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

    for kind, status in ((NotFound, 404), (Denied, 403), (ReviewError, 409), (InputError, 400), (DailybriefError, 400)):
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
