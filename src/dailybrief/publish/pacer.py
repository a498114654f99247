"""Pace the messages sent to one webhook so a service's rate limit is never reached.

A :class:`Pacer` holds sliding windows such as "5 per second and 100 per minute" and makes
:meth:`Pacer.wait` sleep until one more send fits every window. A service that still answers
"too fast" tells us how long to wait (Slack's Retry-After, Telegram's retry_after): that goes
into :meth:`Pacer.hold`, which delays every later send through the same pacer.

Pacers are shared per webhook: two channels that point at the same bot (the same URL) use one
pacer, because the service counts per bot, not per channel. They are looked up by a hash of the
URL, so the URL (which carries the bot's token) is not kept as a key.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class Pacer:
    """Sliding-window rate limiter; ``limits`` are (count, seconds) pairs."""

    def __init__(
        self,
        limits: Sequence[tuple[int, float]],
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if not limits or any(count < 1 or seconds <= 0 for count, seconds in limits):
            raise ValueError(f"invalid rate limits {limits!r}")
        self.limits = tuple(limits)
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._hold_until = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until one more send is allowed, record it, and return the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                delay = self._delay(self._clock())
                if delay <= 0:
                    break
                self._sleep(delay)
                waited += delay
            self._sent.append(self._clock())
        return waited

    def done(self) -> None:
        """The last send got its answer: count it from now. The service counts a request when it
        arrives, which is after it left; counting from the answer keeps the windows on the safe
        side even when the first request also had to open the connection."""
        with self._lock:
            if self._sent:
                self._sent[-1] = max(self._sent[-1], self._clock())

    def hold(self, seconds: float) -> None:
        """No send through this pacer before ``seconds`` from now (a service's retry-after)."""
        with self._lock:
            self._hold_until = max(self._hold_until, self._clock() + max(0.0, seconds))

    def _delay(self, now: float) -> float:
        longest = max(seconds for _, seconds in self.limits)
        while self._sent and self._sent[0] <= now - longest:
            self._sent.popleft()
        delay = self._hold_until - now
        for count, seconds in self.limits:
            recent = [t for t in self._sent if t > now - seconds]
            if len(recent) >= count:
                # The oldest send inside the window must leave it first.
                delay = max(delay, recent[-count] + seconds - now)
        return delay


_PACERS: dict[str, Pacer] = {}
_REGISTRY_LOCK = threading.Lock()


def pacer_for(webhook: str, limits: Sequence[tuple[int, float]]) -> Pacer:
    """The process-wide pacer of one webhook (created with ``limits`` on first use)."""
    key = hashlib.sha256(webhook.encode("utf-8")).hexdigest()
    with _REGISTRY_LOCK:
        pacer = _PACERS.get(key)
        if pacer is None or pacer.limits != tuple(limits):
            pacer = _PACERS[key] = Pacer(limits)
        return pacer
