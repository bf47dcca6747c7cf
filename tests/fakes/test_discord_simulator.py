"""The Discord simulator serves the real discord.py client (a tiny in-test bot, not the product)."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
import pytest
from discord import app_commands

from tests.fakes.discord import DiscordSimulator
from tests.fakes.discord_client import discord_urls, running_client
from tests.fakes.discord_waiting import ClientTaskEnded

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


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
        papers = app_commands.Group(name="papers", description="Research papers")

        @papers.command(name="search", description="Search paper abstracts")
        @app_commands.describe(
            query="words to look for", days="only papers this recent", slow="defer first"
        )
        async def search(
            interaction: discord.Interaction,
            query: str,
            days: app_commands.Range[int, 1, 30] = 7,
            slow: bool = False,
        ) -> None:
            embed = discord.Embed(title=f"Results for {query}", description=f"last {days} days")
            if slow:
                await interaction.response.defer(thinking=True)
                await interaction.followup.send(embed=embed)
                return
            await interaction.response.send_message(embed=embed, view=PageView())

        self.tree.add_command(papers)

    async def setup_hook(self) -> None:
        await self.tree.sync()

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
    assert client.get_guild(sim.guild.id) is not None
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
