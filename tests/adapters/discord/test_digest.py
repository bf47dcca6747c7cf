"""Digests on Discord: subscribe, the real DigestService posting through the adapter, refusals."""

from __future__ import annotations

from datetime import time

import pytest

from paperboy.core.ports import PostFailed
from paperboy.core.replies import Notice
from tests.adapters.discord.conftest import World
from tests.simulators.discord.simulator import SentMessage


def channel_posts(world: World, channel: str) -> list[SentMessage]:
    """Messages the bot posted into the channel itself (not interaction answers)."""
    messages = world.sim.messages(world.channel_id(channel), ephemeral=False)
    return [message for message in messages if message.source == "channel"]


async def test_subscribe_sets_the_channels_digest_from_typed_options(world: World) -> None:
    reply = await world.answer(
        await world.command(
            "subscribe",
            time="08:15",
            timezone="Europe/Berlin",
            topics="retrieval/agents",
            papers=3,
            min_upvotes=5,
            weekdays_only=True,
        )
    )
    assert not reply.ephemeral
    assert reply.content is not None
    assert reply.content.startswith("This channel gets a daily digest weekdays at 08:15")
    subscription = world.jobs.scheduled[world.channel_ref("papers")]
    assert (subscription.time, subscription.timezone) == (time(8, 15), "Europe/Berlin")
    # Typed topics are taken as typed: an option has no word position to misread.
    assert (subscription.topics, subscription.max_papers) == ("retrieval/agents", 3)
    assert (subscription.min_upvotes, subscription.weekdays_only) == (5, True)
    assert subscription.created_by == str(world.member_id("alice"))


async def test_topics_typed_in_their_option_stay_topics(world: World) -> None:
    """An option has no word position: topics that read like a timezone, a time or an
    option are still the topics (built as text, "CET" became the timezone)."""
    reply = await world.answer(
        await world.command("subscribe", time="09:30", topics="CET agents papers:9 10:00")
    )
    assert reply.content is not None
    assert reply.content.startswith("This channel gets a daily digest every day at 09:30 UTC,")
    stored = await world.core.store.subscriptions.get(world.channel_ref("papers"))
    assert stored is not None
    assert (stored.timezone, stored.topics, stored.max_papers) == (
        "UTC",
        "CET agents papers:9 10:00",
        5,
    )


async def test_subscribe_without_manage_channel_is_refused(world: World) -> None:
    reply = await world.answer(await world.command("subscribe", user="bob"))
    assert reply.ephemeral
    assert reply.content == "Only people who can manage this channel can change its digest."
    assert world.jobs.scheduled == {}
    assert await world.core.store.subscriptions.get(world.channel_ref("papers")) is None


async def test_a_bad_time_or_timezone_option_gets_a_hint(world: World) -> None:
    time = await world.answer(await world.command("subscribe", time="9am"))
    assert time.ephemeral
    assert time.content is not None
    # The same answer as `subscribe 9am` typed as text gets (one set of checks).
    assert time.content.startswith("`9am` is not a time of day: use 24-hour HH:MM")
    zone = await world.answer(await world.command("subscribe", timezone="Berlin"))
    assert zone.ephemeral
    assert zone.content is not None
    assert "Europe/Berlin" in zone.content
    assert world.jobs.scheduled == {}


async def test_timezones_autocomplete_from_iana_names(world: World) -> None:
    interaction = await world.sim.send_autocomplete(
        "papers", "subscribe", focused="timezone", options={"timezone": "berl"}
    )
    choices = (await world.sim.interaction_response(interaction)).choices
    assert choices[0] == {"name": "Europe/Berlin", "value": "Europe/Berlin"}


@pytest.mark.parametrize(
    ("typed", "zone"), [("CET", "CET"), ("UTC+2", "UTC+02:00"), ("+05:30", "UTC+05:30")]
)
async def test_zone_names_and_utc_offsets_are_accepted_as_the_timezone_option(
    world: World, typed: str, zone: str
) -> None:
    reply = await world.answer(
        await world.command("subscribe", time="09:30", timezone=typed, topics="agents")
    )
    assert reply.content is not None
    assert reply.content.startswith(f"This channel gets a daily digest every day at 09:30 {zone},")
    stored = await world.core.store.subscriptions.get(world.channel_ref("papers"))
    assert stored is not None
    assert (stored.timezone, stored.topics) == (zone, "agents")


async def test_timezones_autocomplete_offsets_and_abbreviations(world: World) -> None:
    for typed, first in (("+05:30", "UTC+05:30"), ("cet", "CET"), ("PST", "America/Los_Angeles")):
        interaction = await world.sim.send_autocomplete(
            "papers", "subscribe", focused="timezone", options={"timezone": typed}
        )
        choices = (await world.sim.interaction_response(interaction)).choices
        assert choices[0] == {"name": first, "value": first}


async def test_subscribing_where_the_bot_cannot_post_adds_a_private_hint(world: World) -> None:
    interaction = await world.command("subscribe", channel="read-only")
    subscribed, hint = await world.sim.interaction_replies(interaction, 2)
    assert subscribed.content is not None
    assert subscribed.content.startswith("This channel gets")
    assert hint.ephemeral
    assert hint.content is not None
    assert hint.content.startswith("Note: I lack Send Messages in this channel")


async def test_the_digest_service_posts_a_header_then_one_message_per_paper(
    world: World,
) -> None:
    papers_channel = world.channel_ref("papers")
    await world.answer(await world.command("subscribe", time="09:00", timezone="UTC"))
    await world.digests.run_for_day(papers_channel, world.core.clock().date())
    header, *posts = channel_posts(world, "papers")
    assert header.content is not None
    assert header.content.startswith("Trending papers — Thu 20 Mar · 3 papers")
    assert [str(p.embeds[0]["url"]).rsplit("/", 1)[-1] for p in posts] == [
        "2503.01001",
        "2503.02001",
        "2503.03001",
    ]
    first = posts[0].embeds[0]
    assert first["url"] == "https://huggingface.co/papers/2503.01001"
    assert first["thumbnail"]["url"] == "https://cdn.example.org/thumbs/2503.01001.png"
    assert "▲ 42" in first["footer"]["text"]
    assert posts[0].custom_ids() == [
        "pb:save:2503.01001",
        "pb:similar:2503.01001",
        "pb:mark:2503.01001",
    ]

    bob = world.member_id("bob")
    await world.sim.add_reaction(posts[1].channel_id, posts[1].id, "🔖", user_id=bob)
    await world.sim.wait_for_dm(bob)
    saved = await world.core.store.reading_lists.list(world.user_ref("bob"), limit=5)
    assert [item.paper.id for item in saved] == ["2503.02001"]


async def test_a_digest_preview_posts_here_and_answers_privately(world: World) -> None:
    answer = await world.answer(await world.command("digest"))
    assert answer.ephemeral
    assert answer.content == "Posted a preview digest of 3 papers."
    header, *posts = channel_posts(world, "papers")
    assert header.content is not None
    assert header.content.startswith("Preview · Trending papers")
    assert len(posts) == 3


async def test_posting_in_a_read_only_channel_fails_permanently_with_a_clear_log_line(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(PostFailed) as failed:
        await world.poster.post(world.channel_ref("read-only"), Notice("x", ephemeral=False))
    assert failed.value.permanent
    assert "cannot post in #read-only in Paper Lab" in caplog.text
    assert "Send Messages" in caplog.text
    preview = await world.answer(await world.command("digest", channel="read-only"))
    assert preview.ephemeral
    assert preview.content is not None
    assert preview.content.startswith("I could not post here: no permission to post in #read-only")


async def test_a_vanished_channel_fails_permanently(world: World) -> None:
    gone = world.channel_ref("general")
    world.sim.fail(
        "POST",
        f"/channels/{gone.channel}/messages",
        status=404,
        code=10003,
        message="Unknown Channel",
    )
    with pytest.raises(PostFailed) as failed:
        await world.poster.post(gone, Notice("x", ephemeral=False))
    assert failed.value.permanent


async def test_a_discord_outage_is_a_transient_failure(world: World) -> None:
    channel = world.channel_ref("general")
    world.sim.fail(
        "POST",
        f"/channels/{channel.channel}/messages",
        status=503,
        code=0,
        message="Service Unavailable",
        times=5,
    )
    with pytest.raises(PostFailed) as failed:
        await world.poster.post(channel, Notice("x", ephemeral=False))
    assert not failed.value.permanent


async def test_without_embed_links_papers_are_posted_as_plain_text(world: World) -> None:
    no_embeds = world.channel_ref("no-embeds")
    await world.answer(await world.command("subscribe", channel="no-embeds"))
    await world.digests.run_for_day(no_embeds, world.core.clock().date())
    _header, first, *rest = channel_posts(world, "no-embeds")
    assert first.embeds == []
    assert first.content is not None
    assert first.content.startswith(
        "**Sparse Mixtures for Retrieval Agents** <https://huggingface.co/papers/2503.01001>"
    )
    assert len(rest) == 2


async def test_a_digest_message_whose_answer_was_lost_is_not_posted_twice_by_the_retry(
    world: World,
) -> None:
    """Discord created the message but the connection dropped before its answer: the
    digest's retry sends the same nonce, and Discord hands back that message."""
    papers_channel = world.channel_ref("papers")
    await world.answer(await world.command("subscribe", time="09:00", timezone="UTC"))
    world.sim.lose_answer("POST", f"/channels/{papers_channel.channel}/messages")  # the header
    await world.digests.run_for_day(papers_channel, world.core.clock().date())
    header, *posts = channel_posts(world, "papers")
    assert header.content is not None
    assert header.content.startswith("Trending papers")
    assert [str(p.embeds[0]["url"]).rsplit("/", 1)[-1] for p in posts] == [
        "2503.01001",
        "2503.02001",
        "2503.03001",
    ]
    creates = [r for r in world.sim.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(creates) == 5  # the header twice (the retry), then the three papers
