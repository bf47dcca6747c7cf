"""`paperboy run` as a separate process, for tests that signal or kill it."""

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
