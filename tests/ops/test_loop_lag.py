"""Event-loop lag: how much later than asked the loop woke a sleeping task."""

from __future__ import annotations

from paperboy.ops.loop_lag import LoopLag
from paperboy.ops.metrics import PrometheusMetrics


class StalledLoop:
    """A monotonic clock and a sleep that wakes `stall` seconds late (a loop busy elsewhere)."""

    def __init__(self, stall: float) -> None:
        self.now = 100.0
        self.stall = stall

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + self.stall


async def test_a_late_wake_up_is_measured_as_lag_and_exported() -> None:
    metrics = PrometheusMetrics()
    loop = StalledLoop(stall=0.25)
    lag = LoopLag(metrics.loop_lag, interval=1.0, now=loop.clock, sleep=loop.sleep)

    assert await lag.measure_once() == 0.25

    text = metrics.exposition().decode()
    assert "paperboy_event_loop_lag_seconds_count 1.0" in text
    assert 'paperboy_event_loop_lag_seconds_bucket{le="0.1"} 0.0' in text
    assert 'paperboy_event_loop_lag_seconds_bucket{le="0.25"} 1.0' in text


async def test_an_idle_loop_has_no_lag() -> None:
    seen: list[float] = []
    loop = StalledLoop(stall=0.0)
    lag = LoopLag(seen.append, interval=0.5, now=loop.clock, sleep=loop.sleep)
    await lag.measure_once()
    assert seen == [0.0]


async def test_the_probe_runs_until_closed() -> None:
    seen: list[float] = []
    loop = StalledLoop(stall=0.0)
    lag = LoopLag(seen.append, interval=0.5, now=loop.clock, sleep=loop.sleep)
    lag.start()
    await lag.aclose()  # cancels the task, and can be repeated
    await lag.aclose()
