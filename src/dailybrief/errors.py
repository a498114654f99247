"""Domain exceptions. Library code raises these with context; only the CLI turns them into
one-line messages for the user.

    DailybriefError
    ├── ConfigError      an invalid dailybrief.toml value (names the key and the file)
    ├── InputError       an unreadable import file, a malformed date, a bad report.json
    ├── StoreError       the database cannot be opened or written
    ├── RenderError      one output format could not be written (names the file)
    ├── CollectError     a source cannot be fetched, parsed or managed (names the source or URL)
    └── PublishError     a channel is misconfigured or refused a delivery (names the channel and key)
"""


class DailybriefError(Exception):
    """Base class of every error dailybrief reports to the user."""


class ConfigError(DailybriefError):
    pass


class InputError(DailybriefError):
    pass


class StoreError(DailybriefError):
    pass


class RenderError(DailybriefError):
    pass


class CollectError(DailybriefError):
    pass


class PublishError(DailybriefError):
    pass
