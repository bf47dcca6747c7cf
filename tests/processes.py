"""paperboy as a separate process, for tests that talk to it, signal it or kill it."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from tests.fakes.paper_fixtures import sample_day
from tests.fakes.paper_sources import PaperSourceSimulator


async def start_paperboy_run(env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m paperboy run` with `env`; its log (stderr) readable, nothing on stdin."""
    return await _start(env, ("run",), talk=False)


async def start_paperboy(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    """`python -m paperboy ARGS` with `env`, talked to through pipes (stdin, stdout, stderr)."""
    return await _start(env, args, talk=True)


async def _start(
    env: dict[str, str], args: tuple[str, ...], *, talk: bool
) -> asyncio.subprocess.Process:
    io = asyncio.subprocess.PIPE if talk else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "paperboy",
        *args,
        stdin=io,
        stdout=io,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def digest_just_missed(sources: PaperSourceSimulator) -> tuple[datetime, str]:
    """(now, "HH:MM" two minutes ago): a digest time that passed while the bot was down,
    so the bot posts it as it starts, with today's sample papers in the feed. Just after
    midnight UTC it first waits, so that the digest falls on today, not yesterday."""
    now = datetime.now(UTC)
    if now.hour == 0 and now.minute < 3:
        await asyncio.sleep(180 - now.minute * 60 - now.second)
        now = datetime.now(UTC)
    sources.huggingface.set_day(now.date(), sample_day(now.date()))
    return now, (now - timedelta(minutes=2)).strftime("%H:%M")


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
