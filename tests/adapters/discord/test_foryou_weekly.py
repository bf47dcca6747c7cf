"""`foryou weekly` and `rank:team` on Discord: the weekly DM arrives once, across a
restart of the adapter; `weekly:off` stops it; a team-ranked digest says how it is ordered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.adapters.discord.conftest import World
from tests.adapters.discord.test_foryou import LORA_SAVES
from tests.adapters.slack.test_foryou_weekly import Wall
from tests.conftest import NOW


@pytest.fixture
def clock() -> Wall:
    return Wall(NOW)  # a Thursday, 09:00 UTC


async def test_a_weekly_foryou_dm_arrives_once_and_weekly_off_stops_it(
    world: World, clock: Wall
) -> None:
    bob = world.member_id("bob")
    for paper_id in LORA_SAVES:
        await world.answer(await world.command("save", paper=paper_id, user="bob"))

    asked = await world.answer(
        await world.command("foryou", weekly="thursday", time="10:00", timezone="UTC", user="bob")
    )
    assert str(asked.content).startswith(
        "You get your top papers of the week by direct message every Thursday at 10:00 UTC."
    )
    assert asked.ephemeral
    clock.now = NOW + timedelta(hours=1, minutes=30)
    await world.digests.catch_up()
    await world.restart_adapter()
    await world.digests.catch_up()

    header, *papers = world.sim.dm_messages(bob)
    assert str(header.content).startswith("Your top papers of the week, Thursday 20 Mar: 3 chosen")
    shown = [embed["url"].rstrip("/").rsplit("/", 1)[-1] for m in papers for embed in m.embeds]
    assert sorted(shown) == sorted(
        p.id
        for p in await world.core.store.papers.dated(
            since=NOW.date() - timedelta(days=6), until=NOW.date()
        )
    )

    stopped = await world.answer(await world.command("foryou", weekly="off", user="bob"))
    assert str(stopped.content) == "You will no longer get a weekly message of papers for you."
    assert await world.core.store.weekly_foryou.active() == []


async def test_a_bad_weekly_time_on_discord_gets_a_short_answer(world: World) -> None:
    answer = await world.answer(
        await world.command("foryou", weekly="friday", time="25:99", timezone="Mars/Base")
    )
    assert "`25:99` is not a time of day" in str(answer.content)
    assert await world.core.store.weekly_foryou.active() == []


async def test_subscribe_rank_team_on_discord_says_it_falls_back_to_upvotes(world: World) -> None:
    answer = await world.answer(await world.command("subscribe", time="10:00", rank="team"))
    assert "ordered by what people here save" in str(answer.content)
    assert "It is ordered by upvotes until people here have saved 3 papers" in str(answer.content)
    assert await world.core.store.digest_ranks.get(world.channel_ref("papers")) == "team"
