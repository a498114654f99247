"""Reader pages: log in and out, the archive by date, a report (the same page `render` writes),
its other formats, and search."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from ..app import accounts, archive
from ..app.search import run_search
from ..errors import AuthError, InputError
from ..store.search import Filters
from .context import NotFound, Web, page_response, web_of
from .security import SESSION_COOKIE, csrf_ok, visitor

router = APIRouter()
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_day(day: str, language: str | None = None) -> None:
    if not _DATE.fullmatch(day):
        raise NotFound(f"{day}: not a date (YYYY-MM-DD)")
    if language is not None and language not in ("zh", "en"):
        raise NotFound(f"{language}: no such language (zh or en)")


def _safe_next(target: str) -> str:
    parts = urlsplit(target)
    return target if target.startswith("/") and not target.startswith("//") and not parts.netloc else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    web = web_of(request)
    v = visitor(request, web.store)
    return web.render(request, v, "login.html", next=_safe_next(next), error="", name="")


@router.post("/login")
def login(
    request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form(""), next: str = Form("/")
) -> Response:
    web = web_of(request)
    v = visitor(request, web.store)
    key = request.client.host if request.client else "?"
    wait = web.limiter.blocked(key)
    if wait:
        return web.render(
            request,
            v,
            "login.html",
            429,
            next=_safe_next(next),
            name=name,
            error=f"too many failed logins: try again in {wait} s",
        )
    if not csrf_ok(v, csrf):
        return web.render(
            request,
            v,
            "login.html",
            403,
            next=_safe_next(next),
            name=name,
            error="the form has expired: reload the page and log in again",
        )
    try:
        session = accounts.log_in(web.store, name.strip(), password, web.settings.web.session_hours)
    except AuthError as exc:
        web.limiter.failed(key)
        return web.render(request, v, "login.html", 401, next=_safe_next(next), name=name, error=str(exc))
    web.limiter.succeeded(key)
    response = RedirectResponse(_safe_next(next), 303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        httponly=True,
        samesite="lax",
        path="/",
        secure=web.settings.web.secure_cookies,
        max_age=int(web.settings.web.session_hours * 3600),
    )
    return page_response(response, v, web.settings)


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    web = web_of(request)
    v = web.form_visitor(request, csrf, "viewer")
    accounts.log_out(web.store, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return page_response(response, v, web.settings)


@router.get("/")
def archive_page(request: Request) -> Response:
    web = web_of(request)
    v = web.visitor(request, public=True)
    entries = archive.archive(web.store)
    months: dict[str, list[archive.Entry]] = {}
    for entry in entries:
        months.setdefault(entry.date[:7], []).append(entry)
    return web.render(request, v, "archive.html", months=months, count=len(entries))


@router.get("/report/{day}")
def report_default(request: Request, day: str) -> Response:
    web = web_of(request)
    web.visitor(request, public=True)
    check_day(day)
    return RedirectResponse(f"/report/{day}/{web.settings.report.language}", 307)


def _bar(web: Web, day: str, language: str, v) -> str:
    return web.env.get_template("webbar.html").render(day=day, language=language, v=v, formats=archive.FORMATS)


@router.get("/report/{day}/{language}")
def report_page(request: Request, day: str, language: str) -> Response:
    web = web_of(request)
    v = web.visitor(request, public=True)
    check_day(day, language)
    try:
        page = web.pages.page(web.store, day, language, web.template_dir)
    except InputError as exc:
        raise NotFound(str(exc)) from None
    head = '<link rel="stylesheet" href="/static/web.css">\n</head>'
    html = page.html.replace("</head>", head, 1)
    html = re.sub(r"<body([^>]*)>", lambda m: f"<body{m.group(1)}>\n{_bar(web, day, language, v)}", html, count=1)
    return page_response(HTMLResponse(html), v, web.settings, page.script_hashes, page.style_hashes)


@router.get("/report/{day}/{language}/{fmt}")
def report_format(request: Request, day: str, language: str, fmt: str) -> Response:
    web = web_of(request)
    v = web.visitor(request, public=True)
    check_day(day, language)
    if fmt not in archive.FORMATS:
        raise NotFound(f"{fmt}: no such format (known: {', '.join(archive.FORMATS)})")
    try:
        path = archive.format_file(web.store, day, language, fmt, web.cache_dir, web.template_dir)
    except InputError as exc:
        raise NotFound(str(exc)) from None
    types = {
        "pdf": "application/pdf",
        "md": "text/markdown; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
        "json": "application/json",
        "wechat": "text/plain; charset=utf-8",
    }
    response = FileResponse(
        path,
        media_type=types[fmt],
        filename=f"dailybrief-{day}-{language}.{fmt}"
        if fmt != "wechat"
        else f"dailybrief-{day}-{language}.wechat.html",
    )
    return page_response(response, v, web.settings)


@router.get("/search")
def search_page(
    request: Request,
    q: str = "",
    since: str = "",
    until: str = "",
    section: str = "",
    source: str = "",
    kind: str = "",
    partial: int = 0,
) -> Response:
    web = web_of(request)
    v = web.visitor(request, public=True)
    errors = {
        name: "expected a date as YYYY-MM-DD"
        for name, value in (("since", since), ("until", until))
        if value and not _DATE.fullmatch(value)
    }
    if kind not in ("", "report", "item"):
        errors["kind"] = "expected report or item"
    results = None
    if q.strip() and not errors:
        results = run_search(web.store, web.settings, q.strip(), Filters(since, until, section, source, kind))
    values = {
        "q": q,
        "since": since,
        "until": until,
        "section": section,
        "source": source,
        "kind": kind,
        "results": results,
        "errors": errors,
        "section_titles": {s.id: s.title for s in web.settings.sections},
    }
    name = "search_results.html" if partial else "search.html"
    return web.render(request, v, name, 400 if errors else 200, **values)
