"""SIGTERM to `paperboy run` on Slack in the middle of a digest: the running digest is
given time to finish (no half-posted digest), the Socket Mode connection is closed
cleanly, the process exits promptly with 0, and a restart repeats nothing. The real
process, the real slack-bolt, the loopback Slack simulator."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from paperboy.app import DRAIN_SECONDS
from paperboy.core.models import ChannelRef, Subscription
from paperboy.store import Store
from tests.processes import digest_just_missed, read_log_until, start_paperboy_run
from tests.simulators.slack import Message, SlackSimulator
from tests.simulators.sources.servers import PaperSourceSimulator

CHANNEL = "C0GENERAL"
PACE = "0.4"  # seconds between a digest's messages: six messages take about two seconds


@pytest.fixture
async def slack() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator() as simulator:
        yield simulator


async def terminate(process: asyncio.subprocess.Process) -> tuple[int, float, str]:
    """SIGTERM; the exit code, the seconds it took and what the process logged."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(DRAIN_SECONDS + 10):
        code = await process.wait()
    assert process.stderr is not None
    return code, time.monotonic() - started, (await process.stderr.read()).decode()


def paper_posts(slack: SlackSimulator) -> list[str]:
    """The paper id on each Save button posted in the channel, in order."""
    return [
        element["value"]
        for message in slack.messages(CHANNEL)
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == "paperboy_save"
    ]


def headers(slack: SlackSimulator) -> list[Message]:
    return [m for m in slack.messages(CHANNEL) if m.text.startswith("Trending papers")]


async def test_sigterm_mid_digest_finishes_it_disconnects_exits_0_and_a_restart_repeats_nothing(
    slack: SlackSimulator,
    sources: PaperSourceSimulator,
    cli_env: dict[str, str],
) -> None:
    now, due = await digest_just_missed(sources)
    async with await Store.open(Path(cli_env["PAPERBOY_STORE_PATH"])) as store:
        channel = ChannelRef("slack", slack.identity.team_id, CHANNEL)
        await store.subscriptions.put(Subscription(channel, due, "UTC"), at=now)
    env = {
        **cli_env,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_APP_TOKEN": slack.app_token,
        "PAPERBOY_SLACK_API_URL": slack.api_url,
        "PAPERBOY_CHAT_CHANNEL_PACE_SECONDS": PACE,
        "PAPERBOY_SOURCES_HUGGINGFACE_URL": sources.huggingface_url,
    }

    first = await start_paperboy_run(env)
    try:
        await slack.wait_until(lambda: len(slack.messages(CHANNEL)) >= 3 or None, timeout=30)
        at_signal = len(slack.messages(CHANNEL))
    finally:
        code, seconds, log = await terminate(first)
    assert at_signal < 6, "the digest was over before SIGTERM"

    assert code == 0, log
    assert seconds < DRAIN_SECONDS, log
    assert "Traceback" not in log
    assert "stopping" in log
    assert len(headers(slack)) == 1
    assert len(paper_posts(slack)) == 5  # finished during the drain, not cut half-way
    assert slack.socket_connections == 1  # closed by the bot, and not reopened
    with pytest.raises(AssertionError):
        await slack.wait_for_connection(timeout=0.1)  # no connection is open any more

    second = await start_paperboy_run(env)
    try:
        await slack.wait_for_connection(timeout=30)
        # Anything it wrongly thought due would have been posted by now.
        await read_log_until(second, "digest catch-up done")
    finally:
        code, _, log = await terminate(second)
    assert code == 0, log
    assert len(headers(slack)) == 1
    posted = paper_posts(slack)
    assert len(posted) == len(set(posted)) == 5
