"""`stories`, `stories split`, `stories merge`: the editor's view of a date's stories and corrections."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..app import parse_date
from ..app import stories as stories_app
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
    say(f"{len(build.stories)} stories, {listing.item_count} items "
        f"(build {build.id}, {build.created}, {build.method}, {build.embedder})")


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


def _correct(kind: str, refs: list[str], date_: Optional[str], note: str) -> None:
    done = stories_app.correct(workspace(), kind, refs, parse_date(date_) if date_ else None, note)
    say(f"override {done.override.id}: {kind} {len(done.urls)} item(s); later builds apply it")
    for story in done.affected:
        say(f"  {story.id}: {len(story.item_urls)} item(s) {story.title}")


@group.command("split")
def split(
    urls: Annotated[list[str], typer.Argument(help="Item URLs to take out of their stories (they form one story).")],
    date_: Annotated[Optional[str], typer.Option("--date", help="Rebuild this date's stories and show the result.")] = None,
    note: Annotated[str, typer.Option(help="Why (kept with the override).")] = "",
) -> None:
    """Take items out of their stories into a story of their own; stored, later builds respect it."""
    _correct("split", urls, date_, note)


@group.command("merge")
def merge(
    refs: Annotated[list[str], typer.Argument(help="Story ids (with --date) or item URLs; their stories become one.")],
    date_: Annotated[Optional[str], typer.Option("--date", help="Report date the story ids belong to.")] = None,
    note: Annotated[str, typer.Option(help="Why (kept with the override).")] = "",
) -> None:
    """Merge the stories holding these items (or story ids) into one; stored, later builds respect it."""
    _correct("merge", refs, date_, note)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="stories")
