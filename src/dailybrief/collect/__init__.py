"""Collection: fetch sources of every kind concurrently and store what they carry.

    http.py      the shared async HTTP client (limits, retries, conditional GET, safety, robots)
    safety.py    which URLs may be fetched
    charset.py   bytes to text, Chinese charsets included
    base.py      the Source interface
    kinds.py     the registry of source kinds (built-ins and `dailybrief.sources` plugins)
    feeds.py, page.py, reddit.py, hackernews.py, arxiv.py, github.py, youtube.py   the kinds
    fulltext.py  article text for teaser entries, fetched once and cached
    runner.py    one collect run over many sources → CollectSummary
    commands.py  what `app.collect` and `app.sources` call
"""

from .base import REGISTRY, FetchOutcome, Source, SourceContext, register
from .http import FetchError, HttpClient, Response, make_client
from .kinds import known_kinds, source_for
from .runner import CollectSummary, SourceReport, collect_async, collect_sources

__all__ = [
    "REGISTRY",
    "CollectSummary",
    "FetchError",
    "FetchOutcome",
    "HttpClient",
    "Response",
    "Source",
    "SourceContext",
    "SourceReport",
    "collect_async",
    "collect_sources",
    "known_kinds",
    "make_client",
    "register",
    "source_for",
]
