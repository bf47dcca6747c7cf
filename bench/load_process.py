"""Starting and stopping the bot process (bench/load_bot.py) and asking it for figures."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# An answer is one JSON line; `types` (live objects per type) is larger than
# asyncio's default 64 KiB line limit once numba's classes are loaded.
_LINE_LIMIT = 16 * 2**20


class BotProcess:
    """`python -m bench.load_bot` with `env`, its log in `log_path`."""

    def __init__(self, env: dict[str, str], *, log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self._proc: asyncio.subprocess.Process | None = None
        self._log: Any = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    async def start(self) -> None:
        self._log = self.log_path.open("ab")
        path = os.pathsep.join(filter(None, [str(REPO), self.env.get("PYTHONPATH")]))
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.load_bot",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            env={**self.env, "PYTHONPATH": path},
            cwd=REPO,
            limit=_LINE_LIMIT,
        )

    async def ask(self, line: str, *, seconds: float = 30.0) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(line.encode() + b"\n")
        await proc.stdin.drain()
        answer = await asyncio.wait_for(proc.stdout.readline(), seconds)
        if not answer:
            raise RuntimeError(f"the bot process ended; see {self.log_path}")
        result: dict[str, Any] = json.loads(answer)
        return result

    async def reset(self) -> None:
        await self.ask("reset")

    async def stats(self) -> dict[str, Any]:
        return await self.ask("stats")

    async def stop(self, *, seconds: float = 30.0) -> tuple[int | None, float]:
        """SIGTERM, then wait; the exit code and the seconds it took (killed after `seconds`)."""
        proc = self._proc
        if proc is None:
            return None, 0.0
        started = time.perf_counter()
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), seconds)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._log is not None:
            self._log.close()
        return proc.returncode, time.perf_counter() - started
