"""The application layer: one typed function per use case, called by every front end.

The CLI (`dailybrief.cli`), the web app, the scheduler and queue workers do exactly what these
functions do and nothing more: parse their own input, call one function here, present the typed
result. Failures are `dailybrief.errors.DailybriefError` subclasses whose `.message` is the one
line to show.

    context    Workspace (home folder, settings, store) and input parsing shared by all use cases
    items      import a JSON Lines file; list the items of a date
    build      build a date's report (and the bundled demo day)
    reports    verify or re-render a stored report.json
    collect    collect every source; `run` = collect then build
    sources    add, list, remove, test, import/export OPML
    stories    list a date's stories
    corrections  split, merge, move, drop, pin a story; list and undo corrections; the story browser
    review     review states, edits verified on save, versions and diffs, the publish gate
    archive    stored reports by date, the report page and its formats (web app)
    search     full-text search over reports and items (web app)
    accounts   web app users and sessions
    builds     what each stored build did (web app)
    evaluate   clustering quality on a labelled file

Add a use case as a function in the module of its area (or a new `app/<area>.py`), taking a
`Workspace` first and returning a dataclass or pydantic model; never print from here.
"""

from .context import Workspace, parse_date

__all__ = ["Workspace", "parse_date"]
