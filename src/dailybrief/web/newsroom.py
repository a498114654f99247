"""Editor pages: the story browser with its corrections, and the review of a report (edit,
verify, submit, approve, reject, versions and diffs)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..app import review
from ..app.archive import archive, stored_report
from ..app.corrections import correct, day_stories, undo
from ..errors import InputError, ReviewError
from .context import NotFound, web_of
from .pages import check_day

router = APIRouter()


@router.get("/stories")
def stories_index(request: Request) -> Response:
    web = web_of(request)
    web.visitor(request)
    entries = archive(web.store, limit=1)
    day = entries[0].date if entries else date.today().isoformat()
    return RedirectResponse(f"/stories/{day}", 303)


@router.get("/stories/{day}")
def stories_page(request: Request, day: str, done: str = "", error: str = "") -> Response:
    web = web_of(request)
    v = web.visitor(request)
    check_day(day)
    view = day_stories(web.store, web.settings, date.fromisoformat(day), web.settings.report.language)
    if not view.stories:
        raise NotFound(f"{day}: no stories (no items stored for this date)")
    return web.render(request, v, "stories.html", view=view, done=done, error=error, sections=web.settings.sections)


@router.post("/stories/{day}/correct")
def stories_correct(
    request: Request,
    day: str,
    kind: str = Form(...),
    csrf: str = Form(""),
    refs: list[str] = Form([]),
    target: str = Form(""),
    note: str = Form(""),
) -> Response:
    web = web_of(request)
    v = web.form_visitor(request, csrf)
    check_day(day)
    try:
        result = correct(
            web.store,
            web.settings,
            kind,
            refs,
            day=date.fromisoformat(day),
            author=v.user.name,
            note=note.strip(),
            target=target,
        )
    except InputError as exc:
        return _back(day, error=str(exc))
    anchor = f"#{result.stories[0][0]}" if result.stories else ""
    return _back(day, done=f"correction {result.correction.id}: {kind} saved", anchor=anchor)


@router.post("/stories/{day}/undo/{correction_id}")
def stories_undo(request: Request, day: str, correction_id: int, csrf: str = Form("")) -> Response:
    web = web_of(request)
    v = web.form_visitor(request, csrf)
    check_day(day)
    try:
        undone = undo(web.store, web.settings, correction_id, v.user.name)
    except InputError as exc:
        return _back(day, error=str(exc))
    return _back(day, done=f"correction {undone.id} undone")


def _back(day: str, done: str = "", error: str = "", anchor: str = "") -> Response:
    query = urlencode({k: val for k, val in (("done", done), ("error", error)) if val})
    return RedirectResponse(f"/stories/{day}{'?' + query if query else ''}{anchor}", 303)


@router.get("/review")
def review_list(request: Request) -> Response:
    web = web_of(request)
    v = web.visitor(request)
    return web.render(request, v, "review_list.html", reviews=review.reviews(web.store, web.settings))


def _status(web, day: str, language: str) -> review.ReviewStatus:
    check_day(day, language)
    try:
        return review.status(web.store, web.settings, day, language)
    except InputError as exc:
        raise NotFound(str(exc)) from None


def _review_page(
    request: Request,
    day: str,
    language: str,
    status: int = 200,
    error: str = "",
    field_errors: dict[str, str] | None = None,
    drafts: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    web = web_of(request)
    v = web.visitor(request)
    current = _status(web, day, language)
    report, _ = stored_report(web.store, day, language)
    flagged = {f["where"] for f in current.flags}
    return web.render(
        request,
        v,
        "review.html",
        status,
        s=current,
        report=report,
        error=error,
        done=done,
        field_errors=field_errors or {},
        drafts=drafts or {},
        flagged=flagged,
        versions=review.history(web.store, day, language),
    )


@router.get("/review/{day}/{language}")
def review_page(request: Request, day: str, language: str, done: str = "") -> Response:
    return _review_page(request, day, language, done=done)


@router.post("/review/{day}/{language}/edit")
async def review_edit(request: Request, day: str, language: str) -> Response:
    form = await request.form()
    fields = {k: str(val) for k, val in form.items()}
    return await run_in_threadpool(_save_edit, request, day, language, fields)


def _save_edit(request: Request, day: str, language: str, fields: dict[str, str]) -> Response:
    web = web_of(request)
    v = web.form_visitor(request, fields.get("csrf", ""))
    _status(web, day, language)
    report, _ = stored_report(web.store, day, language)
    try:
        expected = int(fields.get("version", ""))
    except ValueError:
        return _review_page(request, day, language, 400, error="the form has no version: reload the page")
    edits = [
        review.Edit(name, text)
        for name, text in fields.items()
        if name in _field_names(report) and text.replace("\r\n", "\n").strip() != _text(report, name)
    ]
    drafts = {e.field: e.text for e in edits}
    if not edits:
        return _review_page(request, day, language, 400, error="nothing changed", drafts=drafts)
    try:
        review.edit(web.store, web.settings, day, language, v.user.name, expected, edits)
    except ReviewError as exc:
        return _review_page(request, day, language, 409, error=str(exc), drafts=drafts)
    except InputError as exc:
        name = str(exc).split(":", 1)[0]
        return _review_page(
            request,
            day,
            language,
            400,
            field_errors={name: str(exc).split(": ", 1)[-1]},
            drafts=drafts,
            error="not saved: see the marked field",
        )
    return RedirectResponse(f"/review/{day}/{language}?done=saved", 303)


def _field_names(report) -> set[str]:
    names = {"summary"}
    for i, section in enumerate(report.sections):
        names.add(f"title:{i}")
        names |= {f"para:{i}:{j}" for j in range(len(section.paragraphs))}
    return names


def _text(report, name: str) -> str:
    parts = name.split(":")
    if parts[0] == "summary":
        return report.summary
    section = report.sections[int(parts[1])]
    return section.title if parts[0] == "title" else section.paragraphs[int(parts[2])].text


@router.post("/review/{day}/{language}/state")
def review_state(
    request: Request,
    day: str,
    language: str,
    action: str = Form(...),
    csrf: str = Form(""),
    version: int = Form(0),
    reason: str = Form(""),
) -> Response:
    web = web_of(request)
    v = web.form_visitor(request, csrf)
    _status(web, day, language)
    actions = {"submit": review.submit, "approve": review.approve}
    try:
        if action == "reject":
            review.reject(web.store, web.settings, day, language, v.user.name, reason, expected=version)
        elif action in actions:
            actions[action](web.store, web.settings, day, language, v.user.name, expected=version)
        else:
            raise InputError(f"action: expected submit, approve or reject, got {action!r}")
    except ReviewError as exc:
        return _review_page(request, day, language, 409, error=str(exc))
    except InputError as exc:
        return _review_page(request, day, language, 400, field_errors={"reason": str(exc)}, error="not done")
    return RedirectResponse(f"/review/{day}/{language}?done={action}", 303)


@router.get("/review/{day}/{language}/diff")
def review_diff(request: Request, day: str, language: str, a: int = 1, b: int = 0) -> Response:
    web = web_of(request)
    v = web.visitor(request)
    current = _status(web, day, language)
    b = b or current.version
    try:
        lines = review.diff(web.store, day, language, a, b)
    except InputError as exc:
        raise NotFound(str(exc)) from None
    return web.render(request, v, "diff.html", s=current, a=a, b=b, lines=lines)
