"""The Discord simulator serves the real discord.py client (a tiny in-test bot, not the product)."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
import pytest
from discord import app_commands

from tests.simulators.discord.client import discord_urls, running_client
from tests.simulators.discord.simulator import DiscordSimulator
from tests.simulators.discord.waiting import ClientTaskEnded

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from contextlib import AbstractAsyncContextManager


class PageView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="More", custom_id="papers:more:2", style=discord.ButtonStyle.secondary)
    async def more(
        self, interaction: discord.Interaction, button: discord.ui.Button[PageView]
    ) -> None:
        await interaction.response.edit_message(content="page 2", view=self)


class TinyClient(discord.Client):
    """Just enough of a bot to drive every simulator feature: one /papers group, one subcommand."""

    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_reactions = True
        super().__init__(
            intents=intents,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.tree = app_commands.CommandTree(self)
        self.reactions: asyncio.Queue[tuple[str, discord.RawReactionActionEvent]] = asyncio.Queue()
        self.clicks: asyncio.Queue[str] = asyncio.Queue()
        self.answered: list[discord.Interaction] = []
        papers = app_commands.Group(name="papers", description="Research papers")

        @papers.command(name="search", description="Search paper abstracts")
        @app_commands.describe(
            query="words to look for",
            days="only papers this recent",
            slow="defer first",
            as_file="answer privately with a BibTeX file",
        )
        async def search(
            interaction: discord.Interaction,
            query: str,
            days: app_commands.Range[int, 1, 30] = 7,
            slow: bool = False,
            as_file: bool = False,
        ) -> None:
            embed = discord.Embed(title=f"Results for {query}", description=f"last {days} days")
            self.answered.append(interaction)
            if as_file:
                bibtex = io.BytesIO(f"@article{{{query}}}".encode())
                file = discord.File(bibtex, filename="results.bib")
                await interaction.response.send_message(file=file, ephemeral=True)
                return
            if slow:
                await interaction.response.defer(thinking=True)
                await interaction.followup.send(embed=embed)
                return
            await interaction.response.send_message(embed=embed, view=PageView())

        @search.autocomplete("query")
        async def suggest(
            interaction: discord.Interaction, typed: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f"{typed} models", value=f"{typed} models")]

        self.tree.add_command(papers)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No pause: discord.py waits 5 s before every IDENTIFY after the first one."""

    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        self.reactions.put_nowait(("add", event))

    async def on_raw_reaction_remove(self, event: discord.RawReactionActionEvent) -> None:
        self.reactions.put_nowait(("remove", event))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            self.clicks.put_nowait(
                str(interaction.data.get("custom_id") if interaction.data else "")
            )


@pytest.fixture
async def sim() -> AsyncIterator[DiscordSimulator]:
    async with DiscordSimulator() as simulator:
        with discord_urls(simulator):
            yield simulator


@pytest.fixture
async def client(sim: DiscordSimulator) -> AsyncIterator[TinyClient]:
    tiny = TinyClient()
    async with running_client(tiny, sim):
        yield tiny


def text_channel(client: TinyClient, sim: DiscordSimulator, name: str) -> discord.TextChannel:
    channel = client.get_channel(sim.guild.channel(name).id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_start_up_syncs_the_papers_group_and_identifies_without_privileged_intents(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    sync = await sim.wait_for_command_sync()
    (search,) = sync.command("papers")["options"]
    assert (search["name"], search["type"]) == ("search", 1)
    options = {option["name"]: option for option in search["options"]}
    assert options["query"]["type"] == 3
    assert options["query"]["required"] is True
    assert (
        options["days"]["type"],
        options["days"]["min_value"],
        options["days"]["max_value"],
    ) == (4, 1, 30)
    assert sim.identifies[-1].intents == discord.Intents(guilds=True, guild_reactions=True).value
    guild = client.get_guild(sim.guild.id)
    assert guild is not None
    me = guild.me
    assert text_channel(client, sim, "papers").permissions_for(me).embed_links
    assert not text_channel(client, sim, "read-only").permissions_for(me).send_messages
    assert not text_channel(client, sim, "no-embeds").permissions_for(me).embed_links
    assert sim.unhandled == []


async def test_a_slash_command_gets_an_embed_reply_with_a_button(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    interaction = await sim.send_slash_command(
        "papers", "search", options={"query": "diffusion", "days": 3}
    )
    reply = await sim.interaction_response(interaction)
    assert (reply.kind, reply.callback_type) == ("callback", 4)
    assert reply.embeds[0]["title"] == "Results for diffusion"
    assert reply.embeds[0]["description"] == "last 3 days"
    assert reply.message is not None
    assert reply.message.custom_ids() == ["papers:more:2"]
    assert sim.messages(interaction.channel_id) == [reply.message]


async def test_slow_work_is_deferred_and_the_followup_fills_the_thinking_message(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    interaction = await sim.send_slash_command(
        "papers", "search", options={"query": "x", "slow": True}
    )
    deferred, followup = await sim.interaction_replies(interaction, 2)
    assert deferred.callback_type == 5
    assert followup.kind == "followup"
    assert followup.embeds[0]["title"] == "Results for x"
    assert followup.message is deferred.message
    assert followup.message is not None
    assert not followup.message.loading


async def test_an_ephemeral_answer_can_carry_a_file(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    interaction = await sim.send_slash_command(
        "papers", "search", options={"query": "smith2024", "as_file": True}
    )
    reply = await sim.interaction_response(interaction)
    assert reply.ephemeral
    assert [(a.filename, a.text()) for a in reply.attachments] == [
        ("results.bib", "@article{smith2024}")
    ]
    assert sim.messages(interaction.channel_id, ephemeral=False) == []


async def test_input_the_discord_client_would_refuse_cannot_be_sent(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    with pytest.raises(ValueError, match="days"):
        await sim.send_slash_command("papers", "search", options={"query": "x", "days": 99})
    with pytest.raises(ValueError, match="query"):
        await sim.send_slash_command("papers", "search", options={"days": 2})
    with pytest.raises(LookupError):
        await sim.send_slash_command("papers", "saved")


async def test_a_button_click_reaches_the_client_and_updates_the_message(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    interaction = await sim.send_slash_command("papers", "search", options={"query": "graphs"})
    posted = (await sim.interaction_response(interaction)).message
    assert posted is not None
    click = await sim.click_button(posted.id, "papers:more:2", user_id=sim.guild.member("bob").id)
    update = await sim.interaction_response(click)
    assert await sim.guard(client.clicks.get(), what="the click") == "papers:more:2"
    assert update.callback_type == 7
    assert posted.content == "page 2"


async def test_raw_reaction_add_and_remove_reach_the_client(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    channel = text_channel(client, sim, "papers")
    posted = await channel.send("2401.00001 A paper")
    alice = sim.guild.member("alice")
    await sim.add_reaction(channel.id, posted.id, "🔖", user_id=alice.id)
    kind, added = await sim.guard(client.reactions.get(), what="reaction add")
    assert (kind, added.user_id, added.message_id, str(added.emoji)) == (
        "add",
        alice.id,
        posted.id,
        "🔖",
    )
    assert added.member is not None
    assert added.member.id == alice.id
    assert added.message_author_id == sim.bot.id
    await sim.remove_reaction(channel.id, posted.id, "🔖", user_id=alice.id)
    kind, removed = await sim.guard(client.reactions.get(), what="reaction remove")
    assert (kind, removed.user_id, removed.guild_id) == ("remove", alice.id, sim.guild.id)


async def test_a_message_with_an_attachment_is_stored_with_its_bytes(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    channel = text_channel(client, sim, "papers")
    bibtex = b"@article{smith2024, title={Diffusion}}\n"
    sent = await channel.send(
        "your list", file=discord.File(io.BytesIO(bibtex), filename="saved.bib")
    )
    stored = await sim.wait_for_message(channel.id)
    assert stored.attachments[0].filename == "saved.bib"
    assert stored.attachments[0].data == bibtex
    assert await sent.attachments[0].read() == bibtex
    assert "MESSAGE_CREATE" not in [d.event for d in sim.dispatches]  # no guild_messages intent


async def test_a_rate_limited_post_is_retried_and_arrives_once(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    channel = text_channel(client, sim, "general")
    path = f"/channels/{channel.id}/messages"
    sim.rate_limit("POST", path, retry_after=0.05)
    await channel.send("digest header")
    assert [r.status for r in sim.requests_to("POST", path)] == [429, 200]
    assert [m.content for m in sim.messages(channel.id)] == ["digest header"]
    assert sim.pending_faults() == []


async def test_an_op_7_reconnect_resumes_and_replays_events_sent_meanwhile(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    channel = text_channel(client, sim, "papers")
    posted = await channel.send("a paper")
    session = sim.identifies[-1].session_id
    await sim.send_reconnect()
    await sim.add_reaction(channel.id, posted.id)  # sent while the client reconnects
    resume = await sim.wait_resumed()
    assert resume.session_id == session
    assert resume.replayed >= 1
    await sim.remove_reaction(channel.id, posted.id)
    first = await sim.guard(client.reactions.get(), what="replayed add")
    second = await sim.guard(client.reactions.get(), what="remove after resume")
    assert [first[0], second[0]] == ["add", "remove"]  # the add arrived once, before the remove
    assert len(sim.identifies) == 1


async def test_limits_and_permissions_are_refused_like_discord(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    papers = text_channel(client, sim, "papers")
    with pytest.raises(discord.HTTPException) as too_long:
        await papers.send(embed=discord.Embed(title="t" * 257))
    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    assert [(v.path, v.code) for v in sim.violations] == [
        ("embeds.0.title", "BASE_TYPE_MAX_LENGTH")
    ]
    with pytest.raises(discord.Forbidden) as read_only:
        await text_channel(client, sim, "read-only").send("hello")
    assert read_only.value.code == 50013
    sim.deny_channel(papers.id, code=50001)
    with pytest.raises(discord.Forbidden) as hidden:
        await papers.send("hello")
    assert hidden.value.code == 50001
    assert sim.messages(papers.id) == []


async def test_dms_arrive_and_can_be_refused_with_50007(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    alice, bob = sim.guild.member("alice"), sim.guild.member("bob")
    await (await client.create_dm(discord.Object(alice.id))).send("saved 2401.00001")
    assert (await sim.wait_for_dm(alice.id)).content == "saved 2401.00001"
    sim.refuse_dms(bob.id)
    with pytest.raises(discord.Forbidden) as refused:
        await (await client.create_dm(discord.Object(bob.id))).send("saved")
    assert refused.value.code == 50007


async def test_a_malformed_dispatch_fails_the_test_fast_instead_of_hanging(
    sim: DiscordSimulator,
) -> None:
    loop = asyncio.get_running_loop()
    dispatched_at: list[float] = []

    async def dispatch_malformed_then_wait() -> None:
        async with running_client(TinyClient(), sim):
            await sim.dispatch_malformed()
            dispatched_at.append(loop.time())
            await sim.wait_for_message(sim.guild.channels[0].id, timeout=30)

    with pytest.raises(ClientTaskEnded) as ended:
        await dispatch_malformed_then_wait()
    assert isinstance(ended.value.__cause__, KeyError)
    assert loop.time() - dispatched_at[0] < 1.0


async def test_autocomplete_is_answered_with_choices(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    interaction = await sim.send_autocomplete(
        "papers", "search", focused="query", options={"query": "diffusion"}
    )
    reply = await sim.interaction_response(interaction)
    assert reply.callback_type == 8
    assert reply.choices == [{"name": "diffusion models", "value": "diffusion models"}]


async def test_the_original_response_can_be_fetched_edited_and_deleted(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    interaction = await sim.send_slash_command("papers", "search", options={"query": "x"})
    await sim.interaction_response(interaction)
    answered = client.answered[-1]
    original = await answered.original_response()
    assert original.id == interaction.original_message_id
    await answered.edit_original_response(content="edited", embed=None)
    await answered.delete_original_response()
    kinds = [reply.kind for reply in await sim.interaction_replies(interaction, 3)]
    assert kinds == ["callback", "edit_original", "delete_original"]
    stored = sim.find_message(original.id)
    assert stored is not None
    assert (stored.content, stored.embeds, stored.deleted) == ("edited", [], True)


async def test_an_answer_after_the_interaction_window_is_refused_and_recorded() -> None:
    async with DiscordSimulator(interaction_deadline=0.0) as sim:
        with discord_urls(sim):
            async with running_client(TinyClient(), sim):
                await sim.send_slash_command("papers", "search", options={"query": "late"})
                late = await sim.wait_for(lambda: sim.violations or None, what="a violation")
    assert [v.code for v in late] == ["INTERACTION_TIMEOUT"]


async def test_an_invalidated_session_makes_the_client_identify_again_and_keep_working(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    channel = text_channel(client, sim, "papers")
    posted = await channel.send("a paper")
    first = sim.identifies[-1]
    second = await sim.invalidate_session()
    assert second.session_id != first.session_id
    await sim.add_reaction(channel.id, posted.id)
    kind, event = await sim.guard(client.reactions.get(), what="reaction on the new session")
    assert (kind, event.message_id) == ("add", posted.id)


async def test_a_wrong_token_fails_the_client_at_login(sim: DiscordSimulator) -> None:
    with pytest.raises(ClientTaskEnded) as ended:
        await enter_and_leave(running_client(TinyClient(), sim, token="not-the-token"))
    assert isinstance(ended.value.__cause__, discord.LoginFailure)


async def enter_and_leave(context: AbstractAsyncContextManager[object]) -> None:
    async with context:
        pass


async def test_a_route_the_simulator_does_not_serve_answers_404_and_is_recorded(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    alice = sim.guild.member("alice")
    with pytest.raises(discord.NotFound):
        await client.fetch_user(alice.id)
    assert [(r.method, r.path) for r in sim.unhandled] == [("GET", f"/users/{alice.id}")]


async def test_the_bots_own_reaction_is_echoed_to_it_as_on_discord(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    posted = await text_channel(client, sim, "papers").send("a paper")
    await posted.add_reaction("🔖")
    kind, event = await sim.guard(client.reactions.get(), what="the bot's own reaction")
    assert (kind, event.user_id, str(event.emoji)) == ("add", sim.bot.id, "🔖")
    stored = sim.find_message(posted.id)
    assert stored is not None
    assert stored.bot_reactions == ["🔖"]


async def test_pings_tell_whether_a_message_would_notify_anyone(
    sim: DiscordSimulator, client: TinyClient
) -> None:
    channel = text_channel(client, sim, "papers")
    await channel.send("@everyone look at <@1100000000000000302>")
    await channel.send("@everyone", allowed_mentions=discord.AllowedMentions(everyone=True))
    inert, loud = sim.messages(channel.id)
    assert not inert.pings().anyone
    assert loud.pings().everyone
