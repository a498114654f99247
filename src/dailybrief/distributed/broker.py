"""The broker and the actors: one queue per stage, `NAMESPACE.collect`, `.extract`, `.embed` and
`.build`, so a worker can be started for some stages only (`dailybrief worker --queues`).

Dramatiq acknowledges a message only after its task returned (a worker that dies mid-task leaves
it to be delivered again), retries a failed task with exponential backoff up to `max_retries`
and then moves it to the queue's dead-letter queue (`NAME.XQ`), and interrupts a task that runs
past its time limit (which then counts as a failed try). Both ends, the process that enqueues
and the workers, declare the same actors; only a worker process installs the handler that runs
the tasks (`set_handler`).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker

from ..config import QueueSettings
from ..errors import QueueError

STAGES = ("collect", "extract", "embed", "build")

# pika logs every connection step at INFO (the enqueuing side opens several per run): noise in
# the scheduler's and the worker's logs. Its warnings and errors still show.
logging.getLogger("pika").setLevel(logging.WARNING)
Handler = Callable[[str, dict[str, Any]], None]  # (stage, payload)

_handler: Handler | None = None


def set_handler(handler: Handler | None) -> None:
    """Install what runs the tasks in this process (a worker); the enqueuing side needs none."""
    global _handler
    _handler = handler


def _runner(stage: str) -> Callable[[dict[str, Any]], None]:
    def run(payload: dict[str, Any]) -> None:
        if _handler is None:  # a message taken by a process that is not a worker: try elsewhere
            raise RuntimeError(f"{stage} task received by a process without a worker handler")
        _handler(stage, payload)

    run.__name__ = f"run_{stage}"
    return run


def safe_url(url: str) -> str:
    """`url` with its password hidden, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _check(setting: str, url: str) -> None:
    """Connect once to `url` or raise QueueError naming the setting and the address."""
    scheme = urlsplit(url).scheme
    try:
        if scheme in ("amqp", "amqps"):
            import pika

            parts = urlsplit(url)
            # A plain TCP connect first: pika reports a refused connection only in its logs.
            socket.create_connection((parts.hostname or "localhost", parts.port or 5672), timeout=5).close()
            params = pika.URLParameters(url)
            params.connection_attempts = 1
            params.socket_timeout = 5
            params.blocked_connection_timeout = 5
            pika.BlockingConnection(params).close()
        elif scheme in ("redis", "rediss", "unix"):
            import redis

            redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
        else:
            raise QueueError(f"[queue] {setting} = {safe_url(url)!r}: expected an amqp:// or redis:// URL")
    except QueueError:
        raise
    except Exception as exc:  # noqa: BLE001 - pika and redis raise many kinds; one line each
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc).strip() or type(exc).__name__
        raise QueueError(f"[queue] {setting} = {safe_url(url)}: cannot connect ({reason.splitlines()[0]})") from None


def check_services(settings: QueueSettings) -> None:
    """The broker and Redis answer, or QueueError naming which setting points where."""
    _check("broker", settings.broker)
    if settings.redis != settings.broker:
        _check("redis", settings.redis)
    if urlsplit(settings.redis).scheme not in ("redis", "rediss", "unix"):
        raise QueueError(f"[queue] redis = {safe_url(settings.redis)!r}: expected a redis:// URL")


@dataclass
class Queues:
    """A connected broker with the four actors declared on it."""

    settings: QueueSettings
    broker: dramatiq.Broker
    actors: dict[str, dramatiq.Actor]

    def queue_name(self, stage: str) -> str:
        return f"{self.settings.namespace}.{stage}"

    def send(self, stage: str, payload: dict[str, Any], delay: float | None = None) -> None:
        """Enqueue one task; `delay` in seconds."""
        if delay:
            self.actors[stage].send_with_options(args=(payload,), delay=int(delay * 1000))
        else:
            self.actors[stage].send(payload)

    def close(self) -> None:
        self.broker.close()


def _make_broker(url: str) -> dramatiq.Broker:
    if urlsplit(url).scheme in ("amqp", "amqps"):
        return RabbitmqBroker(url=url)
    # A Redis broker gives the messages of a worker that stopped sending heartbeats to the others
    # after `heartbeat_timeout` ms (RabbitMQ does it when the connection drops).
    return RedisBroker(url=url, heartbeat_timeout=30_000)


def connect(settings: QueueSettings, check: bool = True) -> Queues:
    """The broker of `settings` with the actors declared (QueueError when it cannot be reached)."""
    if check:
        check_services(settings)
    broker = _make_broker(settings.broker)
    ms = 1000
    actors = {}
    for stage in STAGES:
        limit = settings.build_time_limit if stage == "build" else settings.time_limit
        declare = dramatiq.actor(
            actor_name=f"{settings.namespace}.{stage}",
            queue_name=f"{settings.namespace}.{stage}",
            broker=broker,
            max_retries=settings.max_retries,
            min_backoff=int(settings.min_backoff * ms),
            max_backoff=int(settings.max_backoff * ms),
            time_limit=int(limit * ms),
        )
        actors[stage] = declare(_runner(stage))
    return Queues(settings, broker, actors)
