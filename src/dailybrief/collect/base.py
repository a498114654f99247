"""The `Source` interface and the registry of source kinds.

A source kind is a `Source` subclass registered under its `kind` name with `@register`; the
built-in kinds (rss, page, reddit, hackernews, arxiv, github, youtube) register themselves
exactly as a user's own kind would. A source is built from a `SourceSpec` and fetched with a
`SourceContext`, which carries the shared HTTP client, the source's stored ETag and
Last-Modified, and the list that collects the source's fetch records. `fetch` returns raw
`Item`s; the runner normalises, enriches (full text) and stores them.
"""

from __future__ import annotations

import asyncio
import functools
import re
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

from ..config import SourceSpec
from ..models import Item
from ..process.normalise import clean_text, normalise
from ..tuning import HELPER_BACKLOG
from .http import FetchRecord, HttpClient, Response

T = TypeVar("T")


@dataclass
class SourceContext:
    """What a source needs to fetch: the client, its conditional-GET state and a fetch log."""

    http: HttpClient
    etag: str | None = None
    last_modified: str | None = None
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    log: list[FetchRecord] = field(default_factory=list)
    # Worker processes for CPU-heavy steps (parsing and normalising a fetched body), so they
    # run on another core while the event loop keeps fetching; None runs them inline.
    pool: Executor | Offload | None = None
    # True when the runner will store the items as they are (no full-text step needs `Item`s):
    # a kind may then return store rows (`FetchOutcome.rows`) instead of items.
    rows: bool = False

    async def compute(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker process when the run has a pool, else right here. `fn` and
        its arguments must pickle (a module-level function, bytes, specs, datetimes)."""
        if self.pool is None:
            return fn(*args)
        if isinstance(self.pool, Offload):
            return await self.pool.run(fn, *args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)
        except BrokenExecutor:  # a worker died: do the work here, as without a pool
            return fn(*args)

    async def get(self, url: str, *, conditional: bool = False, **kwargs: object) -> Response:
        """GET through the shared client, logging the fetch; `conditional` sends the stored
        validators (use it for the source's own URL only)."""
        if conditional:
            kwargs.setdefault("etag", self.etag)
            kwargs.setdefault("last_modified", self.last_modified)
        return await self.http.get(url, log=self.log, **kwargs)  # type: ignore[arg-type]

    async def get_listing(self, url: str, **kwargs: object) -> tuple[Response, FetchOutcome]:
        """Conditional GET of the source's own listing and the outcome it starts: the validators
        to store, and `not_modified` when the server answered 304 (then there is nothing to parse)."""
        response = await self.get(url, conditional=True, **kwargs)
        outcome = FetchOutcome(
            etag=response.etag, last_modified=response.last_modified, not_modified=response.not_modified
        )
        return response, outcome


class Offload:
    """CPU-heavy calls sent to worker processes, with a helper worker for the end of a run.

    The `workers` pool takes every job while the collector is still fetching (its own core is
    busy with HTTP then). Once the collector has no request left (`idle()`), waiting jobs also
    go to the `helper` pool, a worker forked beside them that sat idle until then: the backlog
    left when the last response arrives is worked off on the collector's core too instead of
    on the workers' alone. At most `depth` jobs per pool are handed over at a time; the rest
    wait here. A broken pool (a worker died) makes jobs run in this process, as without a
    pool. Results do not depend on where a job ran.
    """

    def __init__(
        self,
        workers: Executor,
        helper: Executor | None = None,
        idle: Callable[[], bool] = lambda: False,
        depth: int = 4,
    ):
        self.executors = [workers] + ([helper] if helper is not None else [])
        self.idle = idle
        self.depth = depth
        self._jobs: deque[tuple[Callable[..., Any], tuple[Any, ...], asyncio.Future[Any]]] = deque()
        self._running = [0] * len(self.executors)
        self._broken = [False] * len(self.executors)
        self._inline_soon = False

    def shutdown(self, wait: bool = True) -> None:
        for executor in self.executors:
            executor.shutdown(wait=wait)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.append((fn, args, future))
        self._pump()
        return await future

    def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        for index, executor in enumerate(self.executors):
            if index and not (self._broken[0] or self.idle() or len(self._jobs) > HELPER_BACKLOG):
                break  # the helper: once fetching is over, for a backlog, or for dead workers
            while self._jobs and self._running[index] < self.depth and not self._broken[index]:
                fn, args, future = self._jobs.popleft()
                try:
                    done = loop.run_in_executor(executor, fn, *args)
                except BrokenExecutor:
                    self._broken[index] = True
                    self._jobs.appendleft((fn, args, future))
                    break
                self._running[index] += 1
                done.add_done_callback(functools.partial(self._finished, index=index, job=(fn, args, future)))
        if self._jobs and all(self._broken) and not self._inline_soon:
            self._inline_soon = True
            loop.call_soon(self._inline)

    def _finished(self, result: asyncio.Future[Any], index: int, job: tuple[Any, ...]) -> None:
        self._running[index] -= 1
        fn, args, future = job
        if result.cancelled():
            future.cancel()
        elif isinstance(result.exception(), BrokenExecutor):
            self._broken[index] = True
            self._jobs.appendleft(job)  # a worker died: another pool, or this process, does it
        elif not future.done():
            error = result.exception()
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result.result())
        self._pump()

    def _inline(self) -> None:
        """Every pool is broken: run the waiting jobs here, one per event-loop turn."""
        self._inline_soon = False
        if not self._jobs:
            return
        fn, args, future = self._jobs.popleft()
        if not future.done():
            try:
                future.set_result(fn(*args))
            except Exception as exc:  # noqa: BLE001 - handed to the awaiting source
                future.set_exception(exc)
        self._pump()


@dataclass
class FetchOutcome:
    """What one fetch of a source produced: raw items, or `not_modified` after a 304."""

    items: list = field(default_factory=list)  # list[Item], not yet normalised (see prepared)
    not_modified: bool = False
    # True when `items` already went through `prepare` (a kind that parses in a worker process
    # normalises there too); `dropped` then counts the entries it skipped.
    prepared: bool = False
    dropped: int = 0
    # Store rows (`store.items.item_rows`) of prepared items, in place of `items`; only when
    # the context allowed it (`SourceContext.rows`). Cheap to send back from a worker process.
    rows: list[tuple] | None = None
    etag: str | None = None
    last_modified: str | None = None
    warnings: list[str] = field(default_factory=list)


class Source(ABC):
    """One configured source of one kind.

    Subclasses set `kind`, and `fulltext = True` when their entries link to article pages whose
    text is worth fetching when the entry carries only a teaser.
    """

    kind: ClassVar[str]
    fulltext: ClassVar[bool] = False
    always_fulltext: ClassVar[bool] = False  # fetch `article_text` even for long entries
    description: ClassVar[str] = ""

    def __init__(self, spec: SourceSpec):
        self.spec = spec

    @property
    def name(self) -> str:
        return self.spec.name

    def item(self, **fields: Any) -> Item:
        """An item of this source: its name, kind and language from the spec, the rest from `fields`."""
        return Item(source=self.spec.name, source_kind=self.spec.source_kind, lang=self.spec.lang, **fields)

    @abstractmethod
    async def fetch(self, ctx: SourceContext) -> FetchOutcome:
        """Fetch the source once; raise `CollectError` (or `FetchError`) when it fails."""

    async def article_text(self, url: str, ctx: SourceContext) -> tuple[str, int | None] | None:
        """The full text behind an item URL, as (text, HTTP status); None means: use the
        standard article extractor. The YouTube kind returns a transcript here."""
        return None

    def keep(self, *texts: str) -> bool:
        """The keyword filter: True when no keywords are set or one occurs in `texts`."""
        if not self.spec.keywords:
            return True
        haystack = " ".join(texts)
        return any(_keyword_pattern(word).search(haystack) for word in self.spec.keywords)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _keyword_pattern(word: str) -> re.Pattern[str]:
    if word not in _PATTERNS:
        escaped = re.escape(word)
        # Whole words for Latin script ("AI" must not match "said"); plain substring for CJK.
        if re.fullmatch(r"[\w .+-]+", word, re.ASCII):
            escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
            _PATTERNS[word] = re.compile(escaped, re.I if not word.isupper() else 0)
        else:
            _PATTERNS[word] = re.compile(escaped, re.I)
    return _PATTERNS[word]


REGISTRY: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    """Class decorator: make `cls` the source class for `cls.kind` (look kinds up through
    `collect.kinds`, which also loads the built-ins and plugins)."""
    REGISTRY[cls.kind] = cls
    return cls


def plain_text(value: str) -> str:
    """Plain text from an HTML fragment, safe to store.

    `clean_text` unescapes entities after stripping tags, so an escaped `&lt;script&gt;` would
    come back as markup-looking text; strip again until nothing tag-like is left, and defuse
    `javascript:` so no stored text carries a script URL.
    """
    text = clean_text(value)
    for _ in range(3):
        if not _TAGLIKE.search(text):
            break
        text = clean_text(text)
    return _JS_URL.sub(lambda m: f"{m.group(1)}script :", text)


def defuse(item: Item) -> Item:
    """Strip again any markup that `normalise` produced by unescaping entities (an escaped
    `&lt;script&gt;` in a feed) and defuse `javascript:`; most items pass through untouched."""
    if not needs_cleaning(f"{item.title}\n{item.content}\n{item.summary}"):
        return item
    fields = {"title": item.title, "content": item.content, "summary": item.summary}
    dirty = {key: value for key, value in fields.items() if needs_cleaning(value)}
    if not dirty:
        return item
    return item.model_copy(update={key: plain_text(value) for key, value in dirty.items()})


def prepare(items: Sequence[Item]) -> tuple[list[Item], int]:
    """Normalised items, one per canonical URL (the last wins), and how many were dropped."""
    kept: dict[str, Item] = {}
    dropped = 0
    for item in items:
        try:
            clean = defuse(normalise(item))
        except ValueError:
            dropped += 1
            continue
        kept[clean.url] = clean
    return list(kept.values()), dropped


def prepared(outcome: FetchOutcome) -> tuple[list[Item], int]:
    """The normalised items of an outcome and how many entries were dropped."""
    if outcome.prepared:
        return list(outcome.items), outcome.dropped
    return prepare(outcome.items)


def needs_cleaning(text: str) -> bool:
    """True when text still looks like markup or carries a script URL."""
    if "<" in text and _TAGLIKE_I.search(text):
        return True
    # A script URL needs "script"; in ASCII text only ASCII letters can match it, so a plain
    # substring test on the lower-cased text rules most texts out without the slow regex.
    if text.isascii() and "script" not in text.lower():
        return False
    return bool(_JS_URL.search(text))


_TAGLIKE = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>")
_TAGLIKE_I = re.compile(_TAGLIKE.pattern, re.I)  # as the original combined check: ſ, K match too
_JS_URL = re.compile(r"(?i)(java|vb)\s*script\s*:")
_SUSPECT = re.compile(rf"{_TAGLIKE.pattern}|{_JS_URL.pattern[4:]}", re.I)  # the reference check
