"""The bot under load, in a process of its own: `paperboy run` (the App) plus a lag monitor.

Settings come from the environment exactly as for `paperboy run`. The benchmark talks
to it over stdin/stdout, one line each way: `reset` forgets the lag samples, `stats`
answers one JSON line (loop lag since the last reset, then memory after a collection).
End of input, like SIGTERM, stops the App gracefully.

    python -m bench.load_bot   # run from the repository root
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys

from bench.load_stats import LagMonitor, memory
from paperboy.app import App
from paperboy.config import load_settings


async def serve_control(app: App, monitor: LagMonitor) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while raw := await reader.readline():
        line = raw.decode().strip()
        if line == "reset":
            monitor.reset()
            answer: dict[str, object] = {"ok": True}
        elif line == "stats":
            answer = {**monitor.summary(), **memory(), "pid": os.getpid()}
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
    app = App(settings)
    monitor = LagMonitor()
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
