"""Several `paperboy run` processes on one store: replicas, for tests/cli/test_replicas.py
and bench/replicas.py. Each one's log is read as it comes (a busy replica would stall on a
full pipe otherwise) and kept, to wait on a line or read after a failure."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from contextlib import suppress
from types import TracebackType

from tests.processes import start_paperboy_run

STOP_SECONDS = 30  # a replica's graceful stop (drains its running digests) and then some


class Replica:
    """One running `paperboy run`: its process and the log it has written so far."""

    def __init__(self, number: int, process: asyncio.subprocess.Process) -> None:
        self.number = number
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read(), name=f"replica {number} log")

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def log(self) -> str:
        return "".join(self.lines)

    async def _read(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        while line := await stream.readline():
            async with self._changed:
                self.lines.append(line.decode(errors="replace"))
                self._changed.notify_all()
        async with self._changed:
            self._changed.notify_all()  # ended: a wait for a line that never came fails

    async def wait_logged(self, marker: str, *, seconds: float) -> str:
        """The first log line containing `marker`; AssertionError after `seconds`
        or when the replica ends without logging it."""

        def found() -> str | None:
            return next((line for line in self.lines if marker in line), None)

        try:
            async with asyncio.timeout(seconds), self._changed:
                while (line := found()) is None:
                    if self._reader.done():
                        raise AssertionError(f"replica {self.number} ended before {marker!r}")
                    await self._changed.wait()
                return line
        except TimeoutError:
            raise AssertionError(
                f"replica {self.number} did not log {marker!r} within {seconds:g}s:\n{self.log}"
            ) from None

    async def kill(self) -> None:
        """SIGKILL: gone at once, nothing cleaned up (a crash, an OOM kill, a lost host)."""
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        """SIGTERM and wait for the exit (SIGKILL after STOP_SECONDS); the exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(STOP_SECONDS):
                code = await self.process.wait()
        except TimeoutError:
            await self.kill()
            code = -signal.SIGKILL
        with suppress(asyncio.CancelledError):
            await self._reader
        return code


class Replicas:
    """`count` replicas started side by side with one environment (one store URL);
    `async with` stops those still running at the end."""

    def __init__(self, env: dict[str, str], *, count: int) -> None:
        self.env = env
        self.count = count
        self.running: list[Replica] = []
        self._numbers = 0

    async def start(self) -> Sequence[Replica]:
        """Start `count` more; returns them (they may still be starting)."""
        started = []
        for _ in range(self.count):
            self._numbers += 1
            started.append(Replica(self._numbers, await start_paperboy_run(self.env)))
        self.running.extend(started)
        return started

    async def stop(self) -> dict[int, int]:
        """Stop every running replica at once; replica number → exit code."""
        replicas, self.running = self.running, []
        codes = await asyncio.gather(*(replica.stop() for replica in replicas))
        return {replica.number: code for replica, code in zip(replicas, codes, strict=True)}

    async def __aenter__(self) -> Replicas:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
