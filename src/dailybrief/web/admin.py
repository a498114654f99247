"""Operator pages: sources with their health (add, test, remove) and the builds."""

from __future__ import annotations

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..app import Workspace
from ..app import sources as source_cases
from ..app.builds import builds
from ..app.publish import runs  # the daily job's runs table (schedule/)
from ..errors import DailybriefError
from .context import web_of

router = APIRouter()


def _sources_page(
    request: Request,
    status: int = 200,
    error: str = "",
    done: str = "",
    tested=None,
    form: dict[str, str] | None = None,
) -> Response:
    web = web_of(request)
    v = web.visitor(request)
    ws = Workspace(web.home)
    sources, paused = source_cases.list_all(ws), source_cases.paused(ws)
    return web.render(
        request,
        v,
        "sources.html",
        status,
        sources=sources,
        paused=paused,
        error=error,
        done=done,
        tested=tested,
        kinds=source_cases.kinds(),
        form=form or {},
    )


@router.get("/sources")
def sources_page(request: Request, done: str = "") -> Response:
    return _sources_page(request, done=done)


@router.post("/sources/add")
def sources_add(
    request: Request,
    csrf: str = Form(""),
    name: str = Form(""),
    url: str = Form(""),
    kind: str = Form("rss"),
    weight: str = Form("1.0"),
    lang: str = Form(""),
) -> Response:
    web = web_of(request)
    web.form_visitor(request, csrf, "admin")
    form = {"name": name, "url": url, "kind": kind, "weight": weight, "lang": lang}
    try:
        value = float(weight)
    except ValueError:
        return _sources_page(request, 400, error=f"weight: expected a number, got {weight!r}", form=form)
    try:
        spec = source_cases.add(Workspace(web.home), name, url, kind, value, lang.strip())
    except DailybriefError as exc:
        return _sources_page(request, 400, error=str(exc), form=form)
    return RedirectResponse(f"/sources?done=added {spec.name}", 303)


@router.post("/sources/test")
def sources_test(request: Request, csrf: str = Form(""), name: str = Form("")) -> Response:
    web = web_of(request)
    web.form_visitor(request, csrf, "admin")
    try:
        tested = source_cases.try_source(Workspace(web.home), name)
    except DailybriefError as exc:
        return _sources_page(request, 400, error=str(exc))
    return _sources_page(request, tested=tested)


@router.post("/sources/pause")
def sources_pause(
    request: Request, csrf: str = Form(""), name: str = Form(""), action: str = Form("pause")
) -> Response:
    web = web_of(request)
    v = web.form_visitor(request, csrf, "admin")
    try:
        if action == "resume":
            source_cases.resume(Workspace(web.home), name)
        else:
            source_cases.pause(Workspace(web.home), name, v.user.name)
    except DailybriefError as exc:
        return _sources_page(request, 400, error=str(exc))
    return RedirectResponse(f"/sources?done={'resumed' if action == 'resume' else 'paused'} {name}", 303)


@router.post("/sources/remove")
def sources_remove(request: Request, csrf: str = Form(""), name: str = Form("")) -> Response:
    web = web_of(request)
    web.form_visitor(request, csrf, "admin")
    try:
        source_cases.remove(Workspace(web.home), name)
    except DailybriefError as exc:
        return _sources_page(request, 400, error=str(exc))
    return RedirectResponse(f"/sources?done=removed {name}", 303)


@router.get("/builds")
def builds_page(request: Request) -> Response:
    web = web_of(request)
    v = web.visitor(request)
    return web.render(request, v, "builds.html", builds=builds(web.store), runs=runs(Workspace(web.home), limit=30))
