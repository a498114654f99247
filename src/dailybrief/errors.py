"""The one exception tree. Library code raises these with context; every front end (CLI, web
app, scheduler, worker) shows `exc.message`, the one line a user sees, and nothing else.

    DailybriefError
    ├── ConfigError      an invalid dailybrief.toml value (names the key and the file)
    ├── InputError       an unreadable import file, a malformed date or option, a bad report.json
    ├── StoreError       the database cannot be opened or written
    ├── CollectError     a source cannot be fetched, parsed or managed (names the source or URL)
    │   └── FetchError   one request produced no usable response (carries url and status)
    ├── WriterError      the writer backend cannot be used or failed (names the setting or endpoint)
    ├── RenderError      one output format could not be written (names the file or template)
    ├── PublishError     a channel is misconfigured or refused a delivery (names the channel and key)
    ├── QueueError       the broker or Redis cannot be reached (names the setting and address)
    ├── LockHeld         another process is building or publishing the same date (names it)
    ├── ReviewError      a review action is not allowed in the report's current state
    ├── AuthError        a wrong user name or password (the web app's login)
    └── EvalError        an evaluation set is unusable (names the file and what is missing)

Add a subclass here (not in a stage module) when a new kind of failure needs its own handling;
otherwise raise the closest class above with a clear message.
"""

from __future__ import annotations

from pydantic import ValidationError


class DailybriefError(Exception):
    """Base class of every error dailybrief reports to the user."""

    @property
    def message(self) -> str:
        """The one line shown to the user (the first line of the message, stripped)."""
        text = str(self).strip()
        return text.splitlines()[0] if text else type(self).__name__


class ConfigError(DailybriefError):
    pass


class InputError(DailybriefError):
    pass


class StoreError(DailybriefError):
    pass


class CollectError(DailybriefError):
    pass


class FetchError(CollectError):
    """A request that produced no usable response (status, network error, policy)."""

    def __init__(self, message: str, url: str = "", status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class QueueError(DailybriefError):
    pass


class WriterError(DailybriefError):
    pass


class RenderError(DailybriefError):
    pass


class PublishError(DailybriefError):
    pass


class ReviewError(DailybriefError):
    pass


class AuthError(DailybriefError):
    pass


class EvalError(DailybriefError):
    pass


class LockHeld(DailybriefError):
    """Another process holds the database lock of a date (the daily job skips it)."""


def invalid_value(exc: ValidationError) -> str:
    """The first problem pydantic found, as "where: what" ("sections.0.id: Field required"),
    with how many more there are. Every front end shows bad settings, options and files this way."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    what = "unknown key" if first["type"] == "extra_forbidden" else first["msg"].removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {what}{more}"
