"""/papers search, More, Similar: embeds of the right papers, paging on, slow work deferred."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from paperboy.core.models import Paper
from tests.adapters.discord.conftest import World, open_world
from tests.simulators.discord.records import InteractionReply
from tests.simulators.discord.simulator import DiscordSimulator

QUERY = "parameter efficient fine-tuning"


def paper_ids(reply: InteractionReply) -> list[str]:
    """The arXiv ids the reply's embeds link to, in order."""
    return [str(embed["url"]).rsplit("/", 1)[-1] for embed in reply.embeds]


async def expected_search(world: World, query: str, *, offset: int = 0) -> list[Paper]:
    hits = await world.core.library.search(query, limit=5, offset=offset)
    papers = await world.core.store.papers.get_many([hit.paper_id for hit in hits])
    return [papers[hit.paper_id] for hit in hits]


async def test_a_search_is_answered_privately_with_one_embed_per_matching_paper(
    world: World,
) -> None:
    interaction = await world.command("search", query=QUERY)
    deferred = await world.sim.interaction_response(interaction)
    assert (deferred.callback_type, deferred.ephemeral) == (5, True)
    reply = await world.answer(interaction)
    expected = await expected_search(world, QUERY)
    assert paper_ids(reply) == [paper.id for paper in expected]
    assert paper_ids(reply)[0] == "2308.10462"  # "Exploring Parameter-Efficient Fine-Tuning …"
    first = reply.embeds[0]
    assert first["title"].startswith("1\\. Exploring Parameter")
    assert "**" in first["description"]  # matched words in bold
    assert expected[0].authors[0] in first["footer"]["text"]
    assert reply.content is not None
    assert "parameter efficient fine-tuning" in reply.content
    assert reply.ephemeral
    message = reply.message
    assert message is not None
    assert f"pb:save:{expected[0].id}" in message.custom_ids()
    assert f"pb:similar:{expected[4].id}" in message.custom_ids()
    assert message.custom_ids()[-1].startswith("pb:more:")
    assert world.sim.violations == []


async def test_more_pages_on_to_the_next_five_papers(world: World) -> None:
    first = await world.answer(await world.command("search", query=QUERY))
    assert first.message is not None
    more = first.message.custom_ids()[-1]
    click = await world.sim.click_button(first.message.id, more, user_id=world.member_id("alice"))
    page = await world.answer(click)
    expected = await expected_search(world, QUERY, offset=5)
    assert paper_ids(page) == [paper.id for paper in expected]
    assert page.content is not None
    assert "(6–10)" in page.content
    assert set(paper_ids(page)).isdisjoint(paper_ids(first))


async def test_the_similar_button_lists_papers_like_that_one(world: World) -> None:
    listed = await world.answer(await world.command("search", query=QUERY))
    assert listed.message is not None
    paper_id = paper_ids(listed)[0]
    click = await world.sim.click_button(listed.message.id, f"pb:similar:{paper_id}")
    similar = await world.answer(click)
    hits = await world.core.library.similar(paper_id, limit=5)
    assert paper_ids(similar) == [hit.paper_id for hit in hits]
    assert paper_id not in paper_ids(similar)
    assert similar.content is not None
    assert similar.content.startswith("Papers like")


async def test_a_long_query_still_pages_on_through_a_stored_reference(world: World) -> None:
    query = "parameter efficient fine-tuning of large language models " * 3
    first = await world.answer(await world.command("search", query=query.strip()))
    assert first.message is not None
    more = first.message.custom_ids()[-1]
    assert more.startswith("pb:page:")
    assert len(more) <= 100
    page = await world.answer(await world.sim.click_button(first.message.id, more))
    expected = await expected_search(world, query.strip(), offset=5)
    assert paper_ids(page) == [paper.id for paper in expected]


async def test_bad_input_gets_a_helpful_private_answer(world: World) -> None:
    not_an_id = await world.answer(await world.command("similar", paper="the best paper"))
    assert not_an_id.ephemeral
    assert not_an_id.content is not None
    assert "is not a paper id" in not_an_id.content
    assert "2403.12345" in not_an_id.content
    unknown = await world.answer(await world.command("show", paper="2401.99999"))
    assert unknown.ephemeral
    assert unknown.content == ("I don't have 2401.99999. `add 2401.99999` fetches it from arXiv.")
    common = await world.answer(await world.command("search", query="the of and"))
    assert common.ephemeral
    assert common.content is not None
    assert "very common" in common.content
    bad_filter = await world.answer(await world.command("search", query="lora since:someday"))
    assert bad_filter.ephemeral
    assert bad_filter.content is not None
    assert bad_filter.content.startswith("`since:` takes a date like 2025-03-01")
    assert world.sim.violations == []


class SlowArxiv:
    """An arXiv that takes longer than Discord's answer window to answer."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        await asyncio.sleep(self.delay)
        return Paper(id=paper_id, title="A Slowly Fetched Paper", abstract="It took a while.")


async def test_slow_work_is_deferred_in_time_and_the_followup_arrives_later(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    async with DiscordSimulator(interaction_deadline=0.3) as sim:
        from tests.simulators.discord.client import discord_urls

        with discord_urls(sim):
            world, stack = await open_world(sim, tmp_path, clock, fetcher=SlowArxiv(0.6))
            async with stack:
                interaction = await world.command("add", paper="2409.00001")
                deferred, followup = await sim.interaction_replies(interaction, 2)
                assert deferred.callback_type == 5
                assert followup.content is not None
                assert followup.content.startswith("Added “A Slowly Fetched Paper” (2409.00001)")
                assert followup.message is deferred.message
                assert sim.violations == []
                assert await world.core.store.papers.get("2409.00001") is not None


async def test_where_the_bot_may_not_embed_results_come_as_plain_lines(world: World) -> None:
    reply = await world.answer(await world.command("search", query=QUERY, channel="no-embeds"))
    assert reply.embeds == []
    assert reply.content is not None
    lines = reply.content.splitlines()
    assert lines[0].startswith("Papers for “parameter efficient fine-tuning” (1–5)")
    assert lines[1].startswith("1\\. **Exploring Parameter-Efficient Fine-Tuning")
    # The sample papers were featured on Daily Papers: titles link to their page there.
    assert lines[1].endswith("<https://huggingface.co/papers/2308.10462>")
    assert reply.message is not None
    assert reply.message.custom_ids()[0] == "pb:save:2308.10462"
