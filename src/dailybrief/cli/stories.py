"""`stories` and its corrections (split, merge, move, drop, pin; list and undo them): the editor's
view of a date's stories."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..app import corrections, parse_date
from ..app import stories as stories_app
from ..app.accounts import login_name
from ..errors import InputError
from ._shared import say, workspace

group = typer.Typer(
    help="List the stories of a date with their items; split or merge them (builds respect it).",
    invoke_without_command=True,
)


def print_listing(listing: stories_app.StoryListing, log: bool = False) -> None:
    build = listing.build
    for n, story in enumerate(build.stories, 1):
        say(f"{n:>3}. {story.id} [{story.status}] {story.title}")
        for url in story.item_urls:
            say(f"       {url}  {listing.titles.get(url, '')[:70]}")
            for copy in listing.copies.get(url, []):
                source = f" ({listing.sources[copy]})" if listing.sources.get(copy) else ""
                say(f"         copy: {copy}{source}")
    if log:
        for m in build.merges:
            score = f"{m.score:.3f}" if m.score is not None else "-"
            say(f"merge {m.kind:<9} {score:>6} {m.item_url} -> {m.into_url or m.story}: {m.reason}")
    say(
        f"{len(build.stories)} stories, {listing.item_count} items "
        f"(build {build.id}, {build.created}, {build.method}, {build.embedder})"
    )


@group.callback()
def stories(
    ctx: typer.Context,
    date_: Annotated[Optional[str], typer.Option("--date", help="Report date, YYYY-MM-DD.")] = None,
    rebuild: Annotated[bool, typer.Option(help="Cluster again instead of showing the last build.")] = False,
    log: Annotated[bool, typer.Option("--log", help="Also print the merge log (reason and score).")] = False,
) -> None:
    """Stories of the last build for --date (clustering the day first if it has none)."""
    if ctx.invoked_subcommand is not None:
        return
    if not date_:
        raise InputError("--date: required, e.g. dailybrief stories --date 2026-04-17")
    print_listing(stories_app.list_stories(workspace(), parse_date(date_), rebuild), log)


def _correct(kind: str, refs: list[str], date_: Optional[str], note: str, target: str = "") -> None:
    ws = workspace()
    day = parse_date(date_) if date_ else None
    with ws.store() as store:
        done = corrections.correct(store, ws.settings, kind, refs, day=day, author=login_name(), note=note,
                                   target=target)
    c = done.correction
    say(f"correction {c.id}: {kind} {len(c.urls)} item(s); later builds apply it (undo: dailybrief stories undo {c.id})")
    for story_id, title, count in done.stories:
        say(f"  {story_id}: {count} item(s) {title}")


Refs = Annotated[list[str], typer.Argument(help="Story ids (with --date) or item URLs.")]
Date = Annotated[Optional[str], typer.Option("--date", help="Report date the story ids belong to.")]
Note = Annotated[str, typer.Option(help="Why (kept with the correction).")]


@group.command("split")
def split(
    urls: Annotated[list[str], typer.Argument(help="Item URLs to take out of their stories (they form one story).")],
    date_: Annotated[Optional[str], typer.Option("--date", help="Rebuild this date's stories and show the result.")] = None,
    note: Note = "",
) -> None:
    """Take items out of their stories into a story of their own; stored, later builds respect it."""
    _correct("split", urls, date_, note)


@group.command("merge")
def merge(
    refs: Annotated[list[str], typer.Argument(help="Story ids (with --date) or item URLs; their stories become one.")],
    date_: Date = None,
    note: Note = "",
) -> None:
    """Merge the stories holding these items (or story ids) into one; stored, later builds respect it."""
    _correct("merge", refs, date_, note)


@group.command("move")
def move(refs: Refs, section: Annotated[str, typer.Option("--section", help="Section id to move the story to.")],
         date_: Date = None, note: Note = "") -> None:
    """Put the story holding these items in another section; later builds respect it."""
    _correct("move", refs, date_, note, target=section)


@group.command("drop")
def drop(refs: Refs, date_: Date = None, note: Note = "") -> None:
    """Leave the story holding these items out of later reports."""
    _correct("drop", refs, date_, note)


@group.command("pin")
def pin(refs: Refs, date_: Date = None, note: Note = "") -> None:
    """Keep the story holding these items in later reports, first in its section."""
    _correct("pin", refs, date_, note)


@group.command("corrections")
def list_corrections(
    date_: Annotated[Optional[str], typer.Option("--date", help="Only corrections made on this report date.")] = None,
) -> None:
    """List story corrections (who, when, what; undone ones marked)."""
    with workspace().store() as store:
        found = corrections.list_corrections(store, parse_date(date_) if date_ else None)
    for c in found:
        target = f" -> {c.target}" if c.target else ""
        undone = f"  [undone {c.undone} by {c.undone_by or '?'}]" if c.undone else ""
        say(f"{c.id:>4} {c.created} {c.author or '?'} {c.kind}{target} {c.date or '-'} {len(c.urls)} item(s) {c.note}{undone}")
        for url in c.urls:
            say(f"       {url}")
    say(f"{len(found)} corrections")


@group.command("undo")
def undo(correction_id: Annotated[int, typer.Argument(help="Correction id (see `stories corrections`).")]) -> None:
    """Undo a correction: later builds no longer apply it (it stays listed as undone)."""
    ws = workspace()
    with ws.store() as store:
        c = corrections.undo(store, ws.settings, correction_id, login_name())
    say(f"correction {c.id} ({c.kind}) undone; later builds no longer apply it")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="stories")
