"""The pacer with a fake clock: sliding windows, several windows at once, and held waits."""

from __future__ import annotations

import pytest

from dailybrief.publish.pacer import Pacer, pacer_for


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_twenty_a_minute_then_waits_for_the_window() -> None:
    clock = Clock()
    pacer = Pacer([(20, 60.0)], clock, clock.sleep)
    for _ in range(20):
        assert pacer.wait() == 0
        clock.now += 1
    assert pacer.wait() == pytest.approx(40.0)  # the first send leaves the window at 1060


def test_both_windows_are_kept() -> None:
    clock = Clock()
    pacer = Pacer([(5, 1.0), (100, 60.0)], clock, clock.sleep)
    times = []
    for _ in range(105):
        pacer.wait()
        times.append(clock.now)
    for i in range(len(times)):
        assert sum(1 for t in times if times[i] - 1.0 < t <= times[i]) <= 5
        assert sum(1 for t in times if times[i] - 60.0 < t <= times[i]) <= 100
    assert times[-1] - times[0] >= 60.0


def test_hold_delays_the_next_send() -> None:
    clock = Clock()
    pacer = Pacer([(100, 1.0)], clock, clock.sleep)
    pacer.wait()
    pacer.hold(7.5)
    assert pacer.wait() == pytest.approx(7.5)


def test_one_pacer_per_webhook() -> None:
    a = pacer_for("https://example.org/hook/A", [(20, 60.0)])
    assert pacer_for("https://example.org/hook/A", [(20, 60.0)]) is a
    assert pacer_for("https://example.org/hook/B", [(20, 60.0)]) is not a


def test_invalid_limits_rejected() -> None:
    with pytest.raises(ValueError):
        Pacer([(0, 60.0)])
