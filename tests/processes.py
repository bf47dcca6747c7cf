"""paperboy as a separate process, for tests that talk to it, signal it or kill it."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta

from tests.simulators.sources.fixtures import sample_day
from tests.simulators.sources.servers import PaperSourceSimulator


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


async def digest_just_missed(sources: PaperSourceSimulator) -> tuple[datetime, time]:
    """(now, the minute two minutes ago): a digest time that passed while the bot was down,
    so the bot posts it as it starts, with today's sample papers in the feed. Just after
    midnight UTC it first waits, so that the digest falls on today, not yesterday."""
    now = datetime.now(UTC)
    if now.hour == 0 and now.minute < 3:
        await asyncio.sleep(180 - now.minute * 60 - now.second)
        now = datetime.now(UTC)
    sources.huggingface.set_day(now.date(), sample_day(now.date()))
    return now, (now - timedelta(minutes=2)).time().replace(second=0, microsecond=0)


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


async def read_log_until(
    process: asyncio.subprocess.Process, marker: str, seconds: float = 60
) -> str:
    """The process's log (stderr) up to and including the first line containing `marker`."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(seconds):
        while True:
            line = (await process.stderr.readline()).decode()
            if not line:
                raise AssertionError(
                    f"the process ended before logging {marker!r}:\n{''.join(lines)}"
                )
            lines.append(line)
            if marker in line:
                return "".join(lines)


# `python -c RESTRICTED AS_A_USER MAX_FILE_BYTES ARGS...` execs `python -m paperboy ARGS`
# after: AS_A_USER "1": dropping (when root) the capabilities that let root ignore file
# permissions, from the bounding set, so that paperboy meets them as any user does;
# MAX_FILE_BYTES > 0: no file it writes may grow beyond that (a full disk, for big files).
RESTRICTED = """
import ctypes, os, resource, signal, sys
as_a_user, max_file_bytes, args = sys.argv[1] == "1", int(sys.argv[2]), sys.argv[3:]
if as_a_user and os.geteuid() == 0:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop root's file capabilities")
if max_file_bytes:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
os.execv(sys.executable, [sys.executable, "-m", "paperboy", *args])
"""


def paperboy_command(*args: str, as_a_user: bool = False, max_file_bytes: int = 0) -> list[str]:
    """The command line that runs `paperboy ARGS`, restricted as asked (see RESTRICTED)."""
    if not as_a_user and not max_file_bytes:
        return [sys.executable, "-m", "paperboy", *args]
    return [sys.executable, "-c", RESTRICTED, "1" if as_a_user else "0", str(max_file_bytes), *args]


def the_one_line(
    result: subprocess.CompletedProcess[str], *, progress: tuple[str, ...] = ("INFO",)
) -> str:
    """What a failed command said on stderr: one line, after nothing but log records
    at the `progress` levels (what `paperboy run` logs as it starts); no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    record = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (" + "|".join(progress) + ") ")
    lines = [line for line in result.stderr.splitlines() if not record.match(line)]
    assert len(lines) == 1, result.stderr
    return lines[0]
