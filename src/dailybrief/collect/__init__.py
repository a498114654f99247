"""Collection: fetch sources of every kind concurrently and store what they carry.

    http.py      the shared async HTTP client (limits, retries, conditional GET, safety, robots)
    safety.py    which URLs may be fetched
    charset.py   bytes to text, Chinese charsets included
    base.py      the Source interface and the registry of kinds
    feeds.py, page.py, reddit.py, hackernews.py, arxiv.py, github.py, youtube.py   the kinds
    fulltext.py  article text for teaser entries, fetched once and cached
    runner.py    one collect run over many sources → CollectSummary
    commands.py  what the CLI's `collect`, `run` and `sources ...` commands call
"""

from .base import REGISTRY, FetchOutcome, Source, SourceContext, register, source_for
from .http import FetchError, HttpClient, Response, make_client
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
    "make_client",
    "register",
    "source_for",
]
