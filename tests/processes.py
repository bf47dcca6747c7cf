"""paperboy as a separate process, for tests that talk to it, signal it or kill it."""

from __future__ import annotations

import asyncio
import sys


async def start_paperboy_run(env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m paperboy run` with `env`; its log (stderr) readable, nothing on stdin."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "paperboy",
        "run",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def start_paperboy(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    """`python -m paperboy ARGS` with `env`, talked to through pipes (stdin, stdout, stderr)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "paperboy",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def read_until(process: asyncio.subprocess.Process, marker: str, seconds: float = 20) -> str:
    """The first stdout line containing `marker` (earlier lines are dropped)."""
    assert process.stdout is not None
    async with asyncio.timeout(seconds):
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise AssertionError(f"the process ended before printing {marker!r}")
            if marker in line:
                return line
