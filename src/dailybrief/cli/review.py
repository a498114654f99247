"""`review list | status | approve | reject`: the review workflow from the command line."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..app import review
from ..app.accounts import login_name
from ..errors import InputError
from ._shared import say, workspace

group = typer.Typer(help="Review reports before publishing: list, status, approve, reject.", no_args_is_help=True)

Lang = Annotated[Optional[str], typer.Option("--lang", help="zh or en [default: report.language].")]
By = Annotated[Optional[str], typer.Option("--by", help="Who [default: the login name].")]


def _lang(lang: Optional[str]) -> str:
    language = lang or workspace().settings.report.language
    if language not in ("zh", "en"):
        raise InputError(f"--lang: expected zh or en, got {language!r}")
    return language


def _print(s: review.ReviewStatus) -> None:
    approved = f" by {s.approved_by} at {s.approved_at}" if s.approved_by else ""
    need = "approval needed before publish" if s.required and not s.approved else "publish allowed"
    reason = f" ({s.reason})" if s.reason else ""
    say(f"{s.date} {s.language} {s.state}{approved}{reason}; version {s.version}; "
        f"{s.findings} verifier findings, {len(s.flags)} flagged edits; {need}")


@group.command("list")
def list_(lang: Annotated[Optional[str], typer.Option("--lang", help="Only this language.")] = None) -> None:
    """Every stored report with its review state, newest first."""
    ws = workspace()
    with ws.store() as store:
        for s in review.reviews(store, ws.settings, language=lang):
            _print(s)


@group.command("status")
def status(day: Annotated[str, typer.Argument(help="Report date, YYYY-MM-DD.")], lang: Lang = None) -> None:
    """The review state of one report, its versions and history."""
    ws = workspace()
    with ws.store() as store:
        s = review.status(store, ws.settings, review.parse_day(day), _lang(lang))
        versions = review.history(store, s.date, s.language)
    _print(s)
    for v in versions:
        say(f"  version {v.version} {v.created} {v.author or 'build'} {v.note} {len(v.flags)} flagged")
    for e in s.events:
        say(f"  {e['at']} {e['actor'] or '?'} -> {e['state']} {e['reason']}")


@group.command("approve")
def approve(day: Annotated[str, typer.Argument(help="Report date, YYYY-MM-DD.")], lang: Lang = None,
            by: By = None) -> None:
    """Approve a report for publishing (records who and when)."""
    ws = workspace()
    with ws.store() as store:
        _print(review.approve(store, ws.settings, review.parse_day(day), _lang(lang), by or login_name()))


@group.command("reject")
def reject(day: Annotated[str, typer.Argument(help="Report date, YYYY-MM-DD.")],
           reason: Annotated[str, typer.Option("--reason", help="Why it goes back to draft.")],
           lang: Lang = None, by: By = None) -> None:
    """Send a report back to draft with a reason."""
    ws = workspace()
    with ws.store() as store:
        _print(review.reject(store, ws.settings, review.parse_day(day), _lang(lang), by or login_name(), reason))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="review")
