"""Start-up: /papers is synced with every subcommand and option; the client asks for little."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import discord
import pytest

from paperboy.adapters.discord import DiscordOptions
from paperboy.config import ConfigError
from paperboy.core.commands import COMMAND_NAMES
from paperboy.core.ports import Unreachable
from tests.adapters.discord.conftest import World, open_world
from tests.simulators.discord.simulator import DiscordSimulator


def options_of(sync_command: dict[str, object]) -> dict[str, dict[str, dict[str, object]]]:
    """{subcommand: {option: definition}} of a synced /papers group."""
    subcommands = sync_command["options"]
    assert isinstance(subcommands, list)
    return {
        sub["name"]: {option["name"]: option for option in sub.get("options", [])}
        for sub in subcommands
    }


async def test_start_up_syncs_papers_with_every_subcommand_and_typed_option(
    world: World,
) -> None:
    sync = await world.sim.wait_for_command_sync()
    assert [command["name"] for command in sync.body] == ["papers"]
    papers = options_of(sync.command("papers"))
    assert sorted(papers) == sorted(COMMAND_NAMES)
    assert papers["search"]["query"]["type"] == 3
    assert papers["search"]["query"]["required"] is True
    assert all(papers[name]["paper"]["autocomplete"] for name in ("similar", "show", "save"))
    assert all(papers[name]["paper"]["autocomplete"] for name in ("unsave", "read"))
    days = papers["trending"]["days"]
    assert (days["type"], days["min_value"], days["max_value"]) == (4, 1, 365)
    assert not days.get("required")
    subscribe = papers["subscribe"]
    assert sorted(subscribe) == [
        "min_upvotes",
        "papers",
        "rank",
        "time",
        "timezone",
        "topics",
        "weekdays_only",
    ]
    assert subscribe["timezone"]["autocomplete"] is True
    assert [c["value"] for c in subscribe["rank"]["choices"]] == ["votes", "team"]
    foryou = papers["foryou"]
    assert sorted(foryou) == ["days", "everything", "time", "timezone", "weekly"]
    assert foryou["timezone"]["autocomplete"] is True
    assert [c["value"] for c in foryou["weekly"]["choices"]][-1] == "off"
    assert sorted(papers["follow"]) == ["author", "here", "words"]
    assert not any(option.get("required") for option in papers["follow"].values())
    assert papers["follow"]["here"]["type"] == 5
    assert papers["following"] == {}
    number = papers["unfollow"]["number"]
    assert (number["type"], number["min_value"], number["required"]) == (4, 1, True)
    assert (subscribe["papers"]["min_value"], subscribe["papers"]["max_value"]) == (1, 10)
    assert subscribe["weekdays_only"]["type"] == 5
    assert not any(option.get("required") for option in subscribe.values())
    assert [c["value"] for c in papers["help"]["command"]["choices"]] == list(COMMAND_NAMES)
    assert papers["saved"] == {}
    assert papers["export"] == {}
    assert all(sub["description"] for sub in sync.command("papers")["options"])


async def test_the_client_identifies_with_guilds_and_reactions_intents_only(
    world: World,
) -> None:
    identify = world.sim.identifies[-1]
    assert identify.intents == discord.Intents(guilds=True, guild_reactions=True).value
    assert world.sim.unhandled == []


async def test_configured_guilds_get_the_commands_instantly_and_the_log_says_so(
    sim: DiscordSimulator,
    tmp_path: Path,
    clock: Callable[[], datetime],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="paperboy")
    _opened, stack = await open_world(
        sim, tmp_path, clock, PAPERBOY_DISCORD_SYNC_GUILDS=str(sim.guild.id)
    )
    async with stack:
        sync = await sim.wait_for_command_sync(guild_id=sim.guild.id)
        assert sync.command("papers")
        assert [s.guild_id for s in sim.command_syncs] == [sim.guild.id]
    assert f"synced 1 command (/papers with 23 subcommands) to guild {sim.guild.id}" in caplog.text


async def test_a_bad_token_stops_start_with_one_line_naming_discord_token(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    with pytest.raises(ConfigError) as refused:
        await open_world(sim, tmp_path, clock, DISCORD_TOKEN="not-the-token")
    assert str(refused.value).startswith("DISCORD_TOKEN: Discord refused it")
    assert isinstance(refused.value.__context__, discord.LoginFailure)


async def test_a_gateway_that_cannot_be_reached_stops_start_with_one_line_naming_it(
    sim: DiscordSimulator,
    tmp_path: Path,
    clock: Callable[[], datetime],
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed = "ws://127.0.0.1:9/"
    with pytest.raises(Unreachable) as unreachable:
        await open_world(sim, tmp_path, clock, PAPERBOY_DISCORD_GATEWAY_URL=closed)
    message = str(unreachable.value)
    assert message.startswith(f"cannot reach the Discord gateway at {closed} (")
    assert message.endswith("); check the network and discord.gateway_url")
    assert "\n" not in message
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
    assert sim.identifies == []


async def test_discord_answering_503_at_start_is_a_runtime_failure_not_a_bad_setting(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    sim.fail("GET", "/users/@me", status=503, code=0, message="Service Unavailable")
    with pytest.raises(Unreachable) as unreachable:
        await open_world(sim, tmp_path, clock)
    assert str(unreachable.value) == (
        f"Discord answered HTTP 503 at {sim.api_url}; try again later"
    )


async def test_a_gateway_that_never_answers_stops_start_after_the_ready_timeout(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accepts the connection, never answers the handshake
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    patient = DiscordOptions(guild_ready_timeout=0.05, identify_wait=0.0, ready_timeout=0.5)
    async with server:
        with pytest.raises(Unreachable) as unreachable:
            await open_world(
                sim,
                tmp_path,
                clock,
                options=patient,
                PAPERBOY_DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/",
            )
        server.close()
    assert str(unreachable.value) == (
        "Discord was not ready after 0.5 s; check the network, discord.api_url and "
        "discord.gateway_url"
    )
