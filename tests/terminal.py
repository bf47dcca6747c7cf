"""paperboy on a pseudo-terminal, for tests of what a person at a terminal sees:
line editing, history, and output that arrives while they type."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# Keys as a terminal sends them.
LEFT = "\x1b[D"
UP = "\x1b[A"
ENTER = "\r"


class PtySession:
    """A process whose stdin, stdout and stderr are one pseudo-terminal; everything
    it writes is kept in `screen` (raw, escape sequences and all)."""

    def __init__(self, process: asyncio.subprocess.Process, master: int) -> None:
        self.process = process
        self._master = master
        self.screen = ""
        self._changed = asyncio.Event()
        self._closed = False
        asyncio.get_running_loop().add_reader(master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except OSError:  # EIO: every process holding the terminal has closed it
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self._master)
            self._closed = True
        self.screen += data.decode("utf-8", "replace")
        self._changed.set()

    def type(self, keys: str) -> None:
        os.write(self._master, keys.encode())

    async def expect(self, text: str, *, after: int = 0, seconds: float = 30) -> int:
        """Wait until `text` appears in the output past offset `after`; its end offset."""
        async with asyncio.timeout(seconds):
            while (found := self.screen.find(text, after)) < 0:
                if self._closed:
                    raise AssertionError(f"the process ended before printing {text!r}")
                self._changed.clear()
                await self._changed.wait()
        return found + len(text)

    async def finish(self, seconds: float = 30) -> int:
        """Wait for the process to exit (its output read to the end); its exit code."""
        async with asyncio.timeout(seconds):
            while not self._closed:
                self._changed.clear()
                await self._changed.wait()
            return await self.process.wait()


@asynccontextmanager
async def paperboy_on_a_terminal(env: dict[str, str], *args: str) -> AsyncIterator[PtySession]:
    """`python -m paperboy ARGS` on a fresh pseudo-terminal; killed if still running."""
    master, slave = os.openpty()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "paperboy",
            *args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm"},
            start_new_session=True,  # the terminal's own session, as a login would be
        )
    finally:
        os.close(slave)
    session = PtySession(process, master)
    try:
        yield session
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        asyncio.get_running_loop().remove_reader(master)
        os.close(master)
