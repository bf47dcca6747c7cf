"""A running bot's search follows the store: papers another process stores (`paperboy
ingest --jsonl`) become searchable in it within seconds, without a restart, and stay
searchable after it stops (issue 15)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from tests.processes import read_until, start_paperboy

ZEPPELIN = {
    "id": "2501.00001",
    "title": "Zeppelin logistics over the Arctic",
    "abstract": "Airships carry cargo to remote stations.",
    "authors": ["Ada Airship"],
}
# The promise: searchable in every running bot within 10 s.
WITHIN_SECONDS = 10


async def _ingest(env: dict[str, str], tmp_path: Path, paper: dict[str, object]) -> None:
    """`paperboy ingest --jsonl` with one paper, in a process of its own, to the end."""
    jsonl = tmp_path / "ours.jsonl"
    jsonl.write_text(json.dumps(paper) + "\n", encoding="utf-8")
    process = await start_paperboy(env, "ingest", "--jsonl", str(jsonl))
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert "1 new" in out.decode(), out.decode()


async def _search_until_shown(bot: asyncio.subprocess.Process, query: str, title: str) -> None:
    """Ask the bot's console `search QUERY` again and again until an answer lists `title`
    (each answer read to its end first), for at most WITHIN_SECONDS."""
    assert bot.stdin is not None
    assert bot.stdout is not None
    async with asyncio.timeout(WITHIN_SECONDS):
        while True:
            bot.stdin.write(f"search {query}\n".encode())
            await bot.stdin.drain()
            while True:
                line = (await bot.stdout.readline()).decode()
                assert line, "the bot ended"
                if title in line:
                    return
                if "No papers match" in line:
                    break
            await asyncio.sleep(0.2)  # and ask again


async def _quit(bot: asyncio.subprocess.Process) -> None:
    assert bot.stdin is not None
    bot.stdin.write(b"quit\n")
    await bot.stdin.drain()
    _, err = await asyncio.wait_for(bot.communicate(), timeout=30)
    assert bot.returncode == 0, err.decode()


async def test_a_paper_another_process_ingests_is_searchable_in_the_running_bot(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    bot = await start_paperboy(cli_env, "run")
    try:
        await read_until(bot, "this is the console")
        await _ingest(cli_env, tmp_path, ZEPPELIN)
        ingested = time.monotonic()
        await _search_until_shown(bot, "zeppelin airships", "Zeppelin logistics")
        assert time.monotonic() - ingested < WITHIN_SECONDS
        # The author filter knows the new paper too.
        await _search_until_shown(bot, 'author:"ada airship"', "Zeppelin logistics")
        await _quit(bot)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def test_a_paper_ingested_while_the_bot_runs_is_searchable_after_the_bot_stops(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """The bug: the bot saved its index, without the paper, as valid for the store as it
    now was, so the paper stayed out of every later search (while `show` found it)."""
    bot = await start_paperboy(cli_env, "run")
    try:
        await read_until(bot, "this is the console")
        await _ingest(cli_env, tmp_path, ZEPPELIN)
        await _quit(bot)  # saves its index
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()

    search = await start_paperboy(cli_env, "search", "--json", "zeppelin airships")
    out, err = await asyncio.wait_for(search.communicate(), timeout=60)
    assert search.returncode == 0, err.decode()
    found = [json.loads(line)["id"] for line in out.decode().splitlines() if line.strip()]
    assert found == [ZEPPELIN["id"]]


BY_ADA = {
    "id": "2501.00002",
    "title": "Dirigible routing under polar winds",
    "abstract": "Routing airships through strong winds.",
    "authors": ["Ada Airship", "Grace Balloon"],
}
BY_SOMEONE_ELSE = {
    "id": "2501.00003",
    "title": "Hot-air balloons for weather sensing",
    "abstract": "Balloons carry sensors aloft.",
    "authors": ["Ida Other"],
}


async def test_a_follow_message_comes_for_a_matching_paper_another_process_ingests(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """The running bot hears of another process's papers through the store's change log,
    and sends them to the follows they match, once: one message for the paper by the
    followed author, none for the paper by someone else."""
    bot = await start_paperboy(cli_env, "run")
    try:
        await read_until(bot, "this is the console")
        assert bot.stdin is not None
        bot.stdin.write(b'follow author:"A. Airship"\n')
        await bot.stdin.drain()
        await read_until(bot, "Following author")

        await _ingest(cli_env, tmp_path, BY_SOMEONE_ELSE)
        await _ingest(cli_env, tmp_path, BY_ADA)
        message = await read_until(bot, "for what you follow", seconds=WITHIN_SECONDS)
        assert message.strip().endswith("1 new paper for what you follow:"), message
        assert bot.stdout is not None
        listed = (await asyncio.wait_for(bot.stdout.readline(), timeout=10)).decode()
        assert "Dirigible routing" in listed
        assert "(2501.00002), by A. Airship" in listed

        assert bot.stdin is not None
        bot.stdin.write(b"quit\n")
        await bot.stdin.drain()
        rest, err = await asyncio.wait_for(bot.communicate(), timeout=30)
        assert bot.returncode == 0, err.decode()
        # Nothing else was sent: not the other paper, not this one again.
        assert "for what you follow" not in rest.decode()
        assert "2501.00003" not in rest.decode()
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
