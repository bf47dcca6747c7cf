"""Measuring for the load benchmark: event-loop lag, process memory, percentiles, tables."""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import os
import resource
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

log = logging.getLogger("bench.lag")

STALL_LOG_MS = 100.0  # stalls this long are logged, to find their cause in the bot's log


class LagMonitor:
    """How late the loop wakes a task that sleeps `interval` seconds, over and over.

    The overshoot is the time some other callback held the loop: a search run on the
    loop, a big JSON parse, a synchronous file write. `max_ms` is the largest stall
    since the last `reset`."""

    def __init__(self, interval: float = 0.01, *, log_stalls: bool = False) -> None:
        self.interval = interval
        self.log_stalls = log_stalls
        self._samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="lag-monitor")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def reset(self) -> None:
        self._samples = []

    def summary(self) -> dict[str, float]:
        samples = sorted(self._samples)
        return {
            "lag_samples": len(samples),
            "lag_p50_ms": percentile(samples, 50),
            "lag_p99_ms": percentile(samples, 99),
            "lag_max_ms": samples[-1] if samples else 0.0,
            "lag_over_100ms": sum(1 for s in samples if s > 100),
        }

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.interval)
            late = max(0.0, loop.time() - before - self.interval) * 1000
            self._samples.append(late)
            if self.log_stalls and late >= STALL_LOG_MS:
                log.warning("the event loop stalled for %.0f ms", late)


def memory() -> dict[str, float]:
    """This process's resident memory (MB) and live objects, after a full collection."""
    gc.collect()
    return {"rss_mb": rss_mb(), "gc_objects": len(gc.get_objects())}


def rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak is the best the standard library offers
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return float(sorted_values[rank - 1])


@dataclass
class Latencies:
    """Seconds from an action to what the user waits for, plus what never came."""

    seconds: list[float] = field(default_factory=list)
    lost: int = 0

    def add(self, value: float | None) -> None:
        if value is None:
            self.lost += 1
        else:
            self.seconds.append(value)

    def within(self, limit: float) -> int:
        return sum(1 for s in self.seconds if s <= limit)

    def ms(self, p: float) -> float:
        return percentile(sorted(self.seconds), p) * 1000

    @property
    def count(self) -> int:
        return len(self.seconds) + self.lost


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table with right-aligned numbers."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)
    ]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
