"""The reading list on Discord: Save button, `saved`, Mark read / Unsave, `export`, per guild."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import bibtexparser

from tests.adapters.discord.conftest import World, open_world
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.simulator import (
    DiscordSimulator,
    SimChannel,
    SimGuild,
    SimUser,
    default_guild,
)

QUERY = "retrieval augmented generation"


async def save_first_two(world: World) -> list[str]:
    """Search, press Save on the first two results; their ids."""
    listed = await world.answer(await world.command("search", query=QUERY))
    assert listed.message is not None
    saves = [cid for cid in listed.message.custom_ids() if cid.startswith("pb:save:")][:2]
    for custom_id in saves:
        pressed = await world.sim.click_button(listed.message.id, custom_id)
        answer = await world.answer(pressed)
        assert answer.ephemeral
        assert answer.content is not None
        assert answer.content.startswith("Saved “")
    return [cid.removeprefix("pb:save:") for cid in saves]


async def test_the_save_button_saves_and_saved_lists_the_papers_unread(world: World) -> None:
    saved = await save_first_two(world)
    listed = await world.answer(await world.command("saved"))
    assert listed.ephemeral
    assert listed.content is not None
    assert listed.content.startswith("Your reading list: 2 papers")
    assert sorted(str(e["url"]).rsplit("/", 1)[-1] for e in listed.embeds) == sorted(saved)
    assert all(e["footer"]["text"].startswith("Unread · ") for e in listed.embeds)
    assert listed.message is not None
    ids = listed.message.custom_ids()
    assert {f"pb:read:{paper}" for paper in saved} <= set(ids)
    assert {f"pb:unsave:{paper}" for paper in saved} <= set(ids)


async def test_mark_read_and_unsave_buttons_change_the_list(world: World) -> None:
    first, second = await save_first_two(world)
    listed = await world.answer(await world.command("saved"))
    assert listed.message is not None
    read = await world.answer(await world.sim.click_button(listed.message.id, f"pb:read:{first}"))
    assert read.content is not None
    assert read.content.startswith("Marked “")
    gone = await world.answer(
        await world.sim.click_button(listed.message.id, f"pb:unsave:{second}")
    )
    assert gone.content is not None
    assert gone.content.startswith("Removed “")
    again = await world.answer(await world.command("saved"))
    assert [str(e["url"]).rsplit("/", 1)[-1] for e in again.embeds] == [first]
    assert again.embeds[0]["footer"]["text"].startswith("Read · ")
    assert again.message is not None
    assert f"pb:read:{first}" not in again.message.custom_ids()


async def test_export_sends_the_reading_list_as_a_private_bibtex_attachment(world: World) -> None:
    saved = await save_first_two(world)
    interaction = await world.command("export")
    assert (await world.sim.interaction_response(interaction)).callback_type == 5
    reply = await world.answer(interaction)
    assert reply.ephemeral
    (attachment,) = reply.attachments
    assert attachment.filename == "reading-list.bib"
    library = bibtexparser.parse_string(attachment.text())
    assert library.failed_blocks == []
    assert len(library.entries) == 2
    titles = {str(entry.fields_dict["title"].value) for entry in library.entries}
    papers = await world.core.store.papers.get_many(saved)
    assert all(any(papers[p].title[:20] in title for title in titles) for p in saved)
    assert world.sim.messages(world.channel_id("papers"), ephemeral=False) == []


async def test_unsave_autocompletes_from_the_users_own_list(world: World) -> None:
    saved = await save_first_two(world)
    interaction = await world.sim.send_autocomplete(
        "papers",
        "unsave",
        focused="paper",
        options={"paper": ""},
        channel_id=world.channel_id("papers"),
        user_id=world.member_id("alice"),
    )
    choices = (await world.sim.interaction_response(interaction)).choices
    assert sorted(choice["value"] for choice in choices) == sorted(saved)
    bobs = await world.sim.send_autocomplete(
        "papers",
        "unsave",
        focused="paper",
        options={"paper": ""},
        channel_id=world.channel_id("papers"),
        user_id=world.member_id("bob"),
    )
    assert (await world.sim.interaction_response(bobs)).choices == []


async def test_saved_paper_autocomplete_matches_any_part_of_a_title_in_any_case(
    world: World,
) -> None:
    saved = await save_first_two(world)
    titles = dict(await world.core.store.reading_lists.titles(world.user_ref("alice")))
    wanted = saved[1]
    fragment = titles[wanted].split()[1].upper()  # a word from inside the title, shouted
    assert fragment.casefold() not in titles[saved[0]].casefold()
    interaction = await world.sim.send_autocomplete(
        "papers",
        "read",
        focused="paper",
        options={"paper": fragment},
        channel_id=world.channel_id("papers"),
        user_id=world.member_id("alice"),
    )
    choices = (await world.sim.interaction_response(interaction)).choices
    assert [choice["value"] for choice in choices] == [wanted]


async def test_paper_options_autocomplete_from_the_store(world: World) -> None:
    interaction = await world.sim.send_autocomplete(
        "papers", "show", focused="paper", options={"paper": "2308.104"}
    )
    (choice,) = (await world.sim.interaction_response(interaction)).choices
    assert choice["value"] == "2308.10462"
    assert choice["name"].startswith("2308.10462 · Exploring Parameter-Efficient")


async def test_reading_lists_never_cross_guilds(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    first = default_guild()
    alice = first.member("alice")
    second = SimGuild(
        id=1_300_000_000_000_000_001,
        name="Other Lab",
        channels=(SimChannel(id=1_300_000_000_000_000_101, name="papers"),),
        members=(alice, SimUser(id=1_300_000_000_000_000_301, username="carol")),
        owner_id=alice.id,
        bot_role_id=1_300_000_000_000_000_201,
    )
    async with DiscordSimulator(guilds=[first, second]) as sim:
        with discord_urls(sim):
            world, stack = await open_world(sim, tmp_path, clock)
            async with stack:
                saved = await save_first_two(world)
                elsewhere = await world.answer(
                    await sim.send_slash_command(
                        "papers", "saved", user_id=alice.id, channel_id=second.channels[0].id
                    )
                )
                assert elsewhere.content is not None
                assert elsewhere.content.startswith("Your reading list is empty")
                here = await world.answer(await world.command("saved"))
                assert len(here.embeds) == len(saved)
