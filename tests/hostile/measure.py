"""Run `python -m dailybrief ...`; at exit write its peak memory (KB) and CPU time (s) to
$HOSTILE_PEAK_FILE.

The peak is VmHWM of this process (the high-water mark of its own memory, which exec resets)
and the largest of its waited-for children; wait4's ru_maxrss would instead start from the
test process's size, which the forked child inherits.
"""

from __future__ import annotations

import atexit
import os
import resource
import runpy
import sys


def _peak_kb() -> int:
    own = 0
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                own = int(line.split()[1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children)


def _cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _write() -> None:
    target = os.environ.get("HOSTILE_PEAK_FILE")
    if target:
        with open(target, "w", encoding="ascii") as fh:
            fh.write(f"{_peak_kb()} {_cpu_seconds():.3f}")


if __name__ == "__main__":
    atexit.register(_write)
    sys.argv = ["dailybrief", *sys.argv[1:]]
    runpy.run_module("dailybrief", run_name="__main__", alter_sys=True)
