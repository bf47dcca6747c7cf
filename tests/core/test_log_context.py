"""The fields every log line of a command carries (what an operator filters on)."""

from __future__ import annotations

import asyncio

from paperboy.core.log_context import current, handling
from paperboy.core.models import ChannelRef

SLACK = ChannelRef("slack", "T1", "C1")
DISCORD = ChannelRef("discord", "G1", "42")


async def test_log_lines_name_the_command_and_channel_of_their_own_task_only() -> None:
    assert current() == {}
    seen: dict[str, dict[str, str]] = {}
    inside = asyncio.Event()

    async def command(channel: ChannelRef, name: str) -> None:
        with handling(channel, name):
            await inside.wait()  # both tasks inside at once
            seen[name] = current()
        seen[f"after {name}"] = current()

    tasks = [
        asyncio.create_task(command(SLACK, "search")),
        asyncio.create_task(command(DISCORD, "digest")),
    ]
    await asyncio.sleep(0)
    inside.set()
    await asyncio.gather(*tasks)
    assert seen == {
        "search": {"platform": "slack", "team": "T1", "channel": "C1", "command": "search"},
        "digest": {"platform": "discord", "team": "G1", "channel": "42", "command": "digest"},
        "after search": {},
        "after digest": {},
    }
    assert current() == {}


def test_a_nested_command_restores_the_outer_one() -> None:
    with handling(SLACK, "search"):
        with handling(DISCORD, "digest"):
            assert current()["command"] == "digest"
        assert current() == {
            "platform": "slack",
            "team": "T1",
            "channel": "C1",
            "command": "search",
        }
