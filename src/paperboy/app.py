"""The composition root: the one place that builds things and wires them together.

`open_core` builds the store, the library (store + search index) and the bot;
the CLI's one-shot commands use just that. `App` adds the chat adapters and
runs them on one event loop until they stop or the process is told to.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TextIO

from paperboy.adapters.console import ConsoleAdapter
from paperboy.config import Settings
from paperboy.core.bot import Bot, BotOptions
from paperboy.core.library import Library
from paperboy.sources.sample import load_sample_papers
from paperboy.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def index_path(store_path: Path) -> Path:
    """The saved search index lives beside the SQLite file."""
    return store_path.with_name(store_path.name + ".index")


@dataclass(frozen=True, slots=True)
class Core:
    settings: Settings
    store: Store
    library: Library
    bot: Bot
    clock: Clock


@asynccontextmanager
async def open_core(
    settings: Settings, *, clock: Clock = utc_now, command_prefix: str = ""
) -> AsyncIterator[Core]:
    """Open the store, load or build the index, seed the sample into an empty store."""
    store_path = settings.store_path
    store = await Store.open(store_path)
    try:
        library = Library(store.papers, index_path=index_path(store_path))
        await library.open()
        if settings.sources.load_sample and await store.papers.count() == 0:
            counts = await library.add_papers(load_sample_papers(), at=clock())
            log.info("store was empty: loaded %d sample papers", counts.inserted)
        bot = Bot(
            library=library,
            reading_lists=store.reading_lists,
            posts=store.posts,
            clock=clock,
            options=BotOptions(
                page_size=settings.search.page_size,
                max_query_chars=settings.search.max_query_chars,
                save_emoji=settings.chat.save_emoji,
                command_prefix=command_prefix,
            ),
        )
        try:
            yield Core(settings, store, library, bot, clock)
        finally:
            await library.save_index()
    finally:
        await store.aclose()


class Adapter(Protocol):
    """A chat platform connection. `run` returns when the adapter stops by itself
    (the console at end of input); `aclose` disconnects cleanly."""

    name: str

    async def run(self) -> None: ...

    async def aclose(self) -> None: ...


class App:
    """Everything `paperboy run` starts, on one event loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._stdin = stdin
        self._stdout = stdout
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    def choose_adapters(self) -> tuple[list[str], str]:
        """Which adapters to run, and why, in one line."""
        secrets = self.settings.secrets
        names = []
        if secrets.slack_bot_token:
            names.append("slack")
        if secrets.discord_token:
            names.append("discord")
        if names:
            return names, "chat tokens are set"
        return ["console"], "no SLACK_BOT_TOKEN or DISCORD_TOKEN is set"

    async def run(self) -> None:
        names, why = self.choose_adapters()
        async with open_core(self.settings, clock=self.clock) as core:
            adapters = self._build_adapters(core, names)
            count = await core.store.papers.count()
            log.info(
                "paperboy running %s (%s); store %s with %d papers",
                " + ".join(names),
                why,
                self.settings.store_path,
                count,
            )
            await self._run_until_stopped(adapters)

    def _build_adapters(self, core: Core, names: list[str]) -> list[Adapter]:
        adapters: list[Adapter] = []
        for name in names:
            if name == "console":
                adapters.append(ConsoleAdapter(core.bot, stdin=self._stdin, stdout=self._stdout))
            else:
                raise NotImplementedError(f"the {name} adapter is not available in this build")
        return adapters

    async def _run_until_stopped(self, adapters: list[Adapter]) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop)
        tasks = {asyncio.create_task(a.run(), name=f"adapter-{a.name}"): a for a in adapters}
        stopper = asyncio.create_task(self._stop.wait(), name="stop")
        try:
            done, _ = await asyncio.wait({*tasks, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not stopper and task.exception() is not None:
                    log.error("adapter %s stopped: %s", tasks[task].name, task.exception())
        finally:
            stopper.cancel()
            for adapter in adapters:
                try:
                    await adapter.aclose()
                except Exception:
                    log.exception("closing the %s adapter failed", adapter.name)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, stopper, return_exceptions=True)
            for sig in (signal.SIGINT, signal.SIGTERM):
                with suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
