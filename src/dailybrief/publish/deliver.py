"""The publish loop: every configured channel is checked, built and sent on its own.

For each channel: `check()` (all channels are checked before the first part is sent), then
`build()`, then `send()` of each part whose `deliveries` row is not `sent` yet. A part that fails
with `RetryLater` is retried with backoff; a part that still fails is recorded as failed and (for
an `ordered` channel) its later parts as skipped, so the next run resumes at the failed part and
keeps the order.
One channel's failure never stops the others. A dry run writes each channel's parts to
`out/D/publish/NAME/` and records nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ChannelSpec, Settings
from ..errors import PublishError
from ..store import Store
from ..store.deliveries import record_delivery, sent_parts
from .base import Edition, Part, Publisher, RetryLater, Sent
from .redact import RedactingFilter, Redactor
from .registry import make_publisher

log = logging.getLogger("dailybrief.publish")
log.addHandler(logging.NullHandler())  # a library: no output unless the front end configures logging


@dataclass
class ChannelResult:
    """What happened on one channel in one publish call."""

    channel: str
    type: str
    parts: int = 0
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    skipped: int = 0
    error: str = ""  # one line: the channel failed its check or build, or a part failed
    notes: list[str] = field(default_factory=list)
    dump_dir: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed


@dataclass
class PublishResult:
    date: str
    dry_run: bool
    channels: list[ChannelResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.channels)


def select_channels(settings: Settings, names: Sequence[str] = ()) -> list[ChannelSpec]:
    """The enabled channels, or exactly those named (an unknown name is an error)."""
    configured = {c.name: c for c in settings.publish.channels}
    for name in names:
        if name not in configured:
            known = ", ".join(configured) or "none configured"
            raise PublishError(f"--channel: no channel named {name!r} in [[publish.channels]] (known: {known})")
    if names:
        return [configured[n] for n in dict.fromkeys(names)]
    return [c for c in settings.publish.channels if c.enabled]


@dataclass
class _Job:
    result: ChannelResult
    publisher: Publisher | None = None


def publish_edition(
    store: Store | None,
    settings: Settings,
    editions: Callable[[str], Edition],
    channels: Sequence[ChannelSpec],
    *,
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PublishResult:
    """Publish to `channels`; `editions(language)` returns the edition a channel sends."""
    redactor = Redactor()
    jobs = [_check(spec, settings, env, redactor) for spec in channels]
    date = editions(settings.report.language).date
    result = PublishResult(date=date, dry_run=dry_run, channels=[job.result for job in jobs])
    guard = RedactingFilter(redactor)
    # Logger filters do not see records propagated from child loggers: guard the handlers.
    handlers = {*logging.getLogger().handlers, *logging.getLogger("dailybrief").handlers}
    for handler in handlers:
        handler.addFilter(guard)
    try:
        for job, spec in zip(jobs, channels):
            if job.publisher is None:
                continue
            try:
                _run_channel(job, spec, settings, editions, store, dry_run, redactor, sleep)
            finally:
                job.publisher.close()
    finally:
        for handler in handlers:
            handler.removeFilter(guard)
    return result


def checked_publisher(
    spec: ChannelSpec, settings: Settings, env: Mapping[str, str] | None, redactor: Redactor,
) -> Publisher:
    """The channel's publisher after `check()`; every secret it read is added to `redactor`."""
    publisher = make_publisher(spec, settings, env)
    try:
        publisher.check()
    finally:
        for secret in publisher.secrets:
            redactor.add(secret)
    return publisher


def _check(spec: ChannelSpec, settings: Settings, env: Mapping[str, str] | None, redactor: Redactor) -> _Job:
    job = _Job(ChannelResult(channel=spec.name, type=spec.type))
    try:
        job.publisher = checked_publisher(spec, settings, env, redactor)
    except PublishError as exc:
        job.result.error = redactor.scrub(str(exc)) or ""
        log.error("%s", job.result.error)
    return job


def _run_channel(
    job: _Job, spec: ChannelSpec, settings: Settings, editions: Callable[[str], Edition],
    store: Store | None, dry_run: bool, redactor: Redactor, sleep: Callable[[float], None],
) -> None:
    publisher, result = job.publisher, job.result
    assert publisher is not None
    try:
        edition = editions(spec.language or settings.report.language)
        parts = publisher.build(edition)
        for part in parts:
            if redactor.leaks(part.body):
                raise PublishError(f"channel {spec.name}: part {part.index} contains a secret; nothing sent")
    except Exception as exc:  # noqa: BLE001 - one channel's failure never stops the others
        result.error = one_line(spec.name, exc, redactor)
        log.error("%s", result.error)
        return
    result.parts = len(parts)
    if dry_run:
        result.dump_dir = dump_parts(edition.out_dir / "publish" / spec.name, parts)
        return
    assert store is not None, "sending needs the deliveries table"
    _send_parts(publisher, parts, edition.date, store, settings, result, redactor, sleep)


def _send_parts(
    publisher: Publisher, parts: list[Part], date: str, store: Store, settings: Settings,
    result: ChannelResult, redactor: Redactor, sleep: Callable[[float], None],
) -> None:
    done = sent_parts(store, date, publisher.name)
    blocked = ""
    for part in parts:
        common: dict[str, Any] = {"label": part.label, "digest": part.digest}
        if part.index in done:
            result.already_sent += 1
            continue
        if blocked:
            result.skipped += 1
            record_delivery(store, date, publisher.name, part.index, part.total, "skipped", error=blocked, **common)
            continue
        sent, error, attempts = send_with_retries(publisher, part, settings, redactor, sleep)
        if sent is not None:
            note = redactor.scrub(sent.note) or None
            result.sent += 1
            if note:
                result.notes.append(note)
                log.warning("%s", note)
            record_delivery(store, date, publisher.name, part.index, part.total, "sent",
                            remote_id=redactor.scrub(sent.remote_id), note=note, attempts=attempts, **common)
        else:
            result.failed += 1
            result.error = error
            if publisher.ordered:
                blocked = f"not sent: part {part.index} failed"
            log.error("%s", error)
            record_delivery(store, date, publisher.name, part.index, part.total, "failed",
                            error=error, attempts=attempts, **common)


def send_with_retries(
    publisher: Publisher, part: Part, settings: Settings, redactor: Redactor,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Sent | None, str, int]:
    """Send one part, retrying `RetryLater` and connection errors; (sent, error, attempts)."""
    wait = settings.publish.backoff
    attempts = 0
    while True:
        attempts += 1
        try:
            return publisher.send(part), "", attempts
        except (RetryLater, ConnectionError, TimeoutError) as exc:
            error = one_line(publisher.name, exc, redactor)
            if attempts > settings.publish.retries:
                return None, error, attempts
            delay = exc.retry_after if isinstance(exc, RetryLater) and exc.retry_after is not None else wait
            log.warning("%s (part %d, try %d; again in %.1f s)", error, part.index, attempts, delay)
            sleep(delay)
            wait *= 2
        except Exception as exc:  # noqa: BLE001 - a final refusal or a bug in one channel: record it, go on
            return None, one_line(publisher.name, exc, redactor), attempts


def one_line(channel: str, exc: BaseException, redactor: Redactor) -> str:
    text = str(exc) if isinstance(exc, PublishError) else f"channel {channel}: {type(exc).__name__}: {exc}"
    return (redactor.scrub(" ".join(text.split())) or "").strip()


def dump_parts(folder: Path, parts: list[Part]) -> Path:
    """Write each part's exact bytes and a manifest.json describing them; replace older dumps."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*"):
        old.unlink()
    manifest = []
    for part in parts:
        name = f"part-{part.index:02d}{part.suffix}"
        (folder / name).write_bytes(part.body)
        manifest.append({
            "file": name, "index": part.index, "total": part.total, "label": part.label,
            "content_type": part.content_type, "bytes": len(part.body), "sha256_16": part.digest,
            "target": part.target,
        })
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    return folder
