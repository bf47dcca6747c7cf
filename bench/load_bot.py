"""The bot under load, in a process of its own: `paperboy run` (the App) plus a lag monitor.

Settings come from the environment exactly as for `paperboy run`. The benchmark talks
to it over stdin/stdout, one line each way: `reset` forgets the lag samples, `stats`
answers one JSON line (loop lag since the last reset, then memory after a collection).
End of input, like SIGTERM, stops the App gracefully.

    python -m bench.load_bot   # run from the repository root
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import sys
import tracemalloc
from collections import Counter

from bench.load_stats import LagMonitor, memory
from paperboy.app import App
from paperboy.config import load_settings


class Tracer:
    """tracemalloc snapshots on request: the allocation sites that grew in between."""

    def __init__(self) -> None:
        self._last: tracemalloc.Snapshot | None = None

    def diff(self, top: int = 12) -> list[str]:
        if not tracemalloc.is_tracing():
            tracemalloc.start(12)
        gc.collect()
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        last, self._last = self._last, snapshot
        if last is None:
            return []
        stats = snapshot.compare_to(last, "traceback")
        return [
            f"{stat.size_diff / 1024:+.0f} KiB {stat.count_diff:+d} blocks\n    "
            + "\n    ".join(stat.traceback.format()[-12:])
            for stat in stats[:top]
        ]


async def serve_control(app: App, monitor: LagMonitor) -> None:
    loop = asyncio.get_running_loop()
    tracer = Tracer()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while raw := await reader.readline():
        line = raw.decode().strip()
        if line == "reset":
            monitor.reset()
            answer: dict[str, object] = {"ok": True}
        elif line == "stats":
            answer = {**monitor.summary(), **memory(), "pid": os.getpid()}
        elif line == "types":  # live objects per type, to find what a leak is made of
            answer = dict(Counter(type(o).__qualname__ for o in gc.get_objects()).most_common())
        elif line == "trace":  # where memory grew since the last `trace` (tracemalloc)
            answer = {"grew": tracer.diff()}
        else:
            continue
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    app.stop()


async def main() -> None:
    settings = load_settings()
    logging.basicConfig(
        level=getattr(logging, settings.log.level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if os.environ.get("PYTHONASYNCIODEBUG"):  # name the callbacks that hold the loop
        asyncio.get_running_loop().slow_callback_duration = 0.05
    app = App(settings)
    monitor = LagMonitor(log_stalls=True)
    monitor.start()
    control = asyncio.create_task(serve_control(app, monitor), name="control")
    try:
        await app.run()
    finally:
        control.cancel()
        await asyncio.gather(control, return_exceptions=True)
        await monitor.aclose()


if __name__ == "__main__":
    asyncio.run(main())
