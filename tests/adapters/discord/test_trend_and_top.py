"""`/papers trend` answers with the chart attached and shown in an embed; `/papers top`."""

from __future__ import annotations

import io
import re
from datetime import time

from PIL import Image

from paperboy.core.replies import ImageReply
from paperboy.core.trend_charts import TrendCharts
from tests.adapters.discord.conftest import World
from tests.adapters.discord.test_reactions import post_paper, saved_ids
from tests.adapters.discord.test_startup import options_of

PAPER = "2308.10462"


async def test_trend_attaches_the_chart_to_a_public_answer_with_alt_text(world: World) -> None:
    interaction = await world.command("trend", topics="fine-tuning, agents", weeks=52)
    first = await world.sim.interaction_response(interaction)
    reply = await world.answer(interaction)

    core = world.core
    charts = TrendCharts(papers=core.store.papers, topics=core.library, clock=core.clock)
    expected = await charts.trend(("fine-tuning", "agents"), 52)
    assert isinstance(expected, ImageReply), expected
    assert first.callback_type == 5  # deferred while the chart is drawn
    assert not reply.ephemeral  # asked in the channel, answered in the channel
    (attachment,) = reply.attachments
    assert attachment.filename == "trend-fine-tuning-agents.png"
    assert attachment.description == expected.alt_text
    assert "fine-tuning weekly: " in attachment.description
    with Image.open(io.BytesIO(attachment.data)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 750))
    (embed,) = reply.embeds
    assert embed["image"]["url"] == "attachment://trend-fine-tuning-agents.png"
    assert embed["title"] == "Papers per week: fine-tuning, agents"
    assert embed["description"] == expected.summary


async def test_trend_of_topics_ending_in_a_number_keeps_the_number(world: World) -> None:
    reply = await world.answer(await world.command("trend", topics="quokka 4"))

    (embed,) = reply.embeds
    assert embed["title"] == "Papers per week: quokka 4"
    assert re.match(r"quokka 4: \d+ papers? in the last 26 weeks, peak week", embed["description"])


async def test_trend_of_an_unknown_topic_is_a_sentence_not_a_chart(world: World) -> None:
    reply = await world.answer(await world.command("trend", topics="quokka, wombat"))

    assert reply.content == "No papers about “quokka” or “wombat” are dated in the last 26 weeks."
    assert reply.attachments == []


async def test_top_lists_what_members_saved_from_the_bots_posts(world: World) -> None:
    message = await post_paper(world, PAPER)
    for member in ("alice", "bob"):
        await world.sim.add_reaction(
            message.channel_id, message.id, "🔖", user_id=world.member_id(member)
        )
    await world.sim.wait_for(
        lambda: True if len(world.sim.dm_messages(world.member_id("bob"))) else None,
        what="bob's confirmation",
    )
    await world.sim.wait_for(
        lambda: True if len(world.sim.dm_messages(world.member_id("alice"))) else None,
        what="alice's confirmation",
    )
    assert await saved_ids(world, "bob") == [PAPER]

    reply = await world.answer(await world.command("top", days=30))

    assert reply.ephemeral
    assert reply.content == "Most saved here in the last 30 days"
    (embed,) = reply.embeds
    assert embed["footer"]["text"].startswith("saved by 2 · ")
    assert embed["url"].endswith(PAPER)


async def test_trend_and_top_are_typed_subcommands(world: World) -> None:
    sync = await world.sim.wait_for_command_sync()
    papers = options_of(sync.command("papers"))

    assert papers["trend"]["topics"]["type"] == 3
    assert papers["trend"]["topics"]["required"] is True
    weeks = papers["trend"]["weeks"]
    assert (weeks["type"], weeks["min_value"], weeks["max_value"]) == (4, 1, 156)
    assert not weeks.get("required")
    days = papers["top"]["days"]
    assert (days["type"], days["min_value"], days["max_value"]) == (4, 1, 365)
    assert not days.get("required")


async def test_top_weekly_subscribes_the_channel_and_off_stops_it(world: World) -> None:
    reply = await world.answer(
        await world.command("top", weekly="friday", time="16:00", timezone="Europe/Berlin")
    )

    assert reply.content is not None
    assert reply.content.startswith(
        "This channel gets the papers saved most here in the past week every Friday at "
        "16:00 Europe/Berlin."
    )
    assert not reply.ephemeral
    weekly = await world.core.store.weekly_top.get(world.channel_ref("papers"))
    assert weekly is not None
    assert (weekly.weekday, weekly.time, weekly.timezone) == (4, time(16, 0), "Europe/Berlin")

    stopped = await world.answer(await world.command("top", weekly="off"))

    assert stopped.content == "This channel will no longer get a weekly list."
    assert await world.core.store.weekly_top.get(world.channel_ref("papers")) is None
