"""The console is a channel like any other: its digest arrives at its time, and a
reaction on a digest paper saves it."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from paperboy.adapters.console import CHANNEL
from paperboy.core.models import Subscription
from paperboy.store import Store
from tests.processes import digest_just_missed, read_until, start_paperboy
from tests.simulators.sources.fixtures import sample_day
from tests.simulators.sources.servers import PaperSourceSimulator


async def test_the_console_gets_its_digest_at_its_time_and_a_reaction_saves_a_paper(
    sources: PaperSourceSimulator, cli_env: dict[str, str]
) -> None:
    now, due = await digest_just_missed(sources)
    today = now.date()
    async with await Store.open(Path(cli_env["PAPERBOY_STORE_PATH"])) as store:
        await store.subscriptions.put(Subscription(CHANNEL, due, "UTC", max_papers=3), at=now)
    env = {
        **cli_env,
        "PAPERBOY_SOURCES_HUGGINGFACE_URL": sources.huggingface_url,
        "PAPERBOY_SOURCES_CATCH_UP_DAYS": "1",
        "PAPERBOY_CHAT_CHANNEL_PACE_SECONDS": "0",
    }
    process = await start_paperboy(env, "run")
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        await read_until(process, "Trending papers")
        titles = [(await read_until(process, "[")).strip() for _ in range(3)]
        process.stdin.write(b"react 2\nsaved\nquit\n")
        await process.stdin.drain()
        async with asyncio.timeout(20):
            rest = (await process.stdout.read()).decode()
            await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    top = sorted(sample_day(today), key=lambda i: (-i["paper"]["upvotes"], i["paper"]["id"]))
    expected = [" ".join(i["paper"]["title"].split()) for i in top[:3]]  # as stored
    assert [re.sub(r"^\[\d\] ", "", t) for t in titles] == expected
    second = expected[1]
    assert f"Saved “{second[:40]}" in rest
    assert "Your reading list: 1 paper" in rest
    assert "Trending papers" not in rest  # once, not again
    assert process.returncode == 0
