"""The `/papers` app-command group: one subcommand per core command, typed and described.

Each subcommand builds the core's command from its typed options with the core's
builders (`core/commands.py`, `core/digest_spec.py`), which check them as the text
grammar checks its words and answer alike, and hands it to the interaction
handlers. No command text is built here. Paper options autocomplete from the
store, `unsave` and `read` from the user's own list, `timezone` from the zone names
and UTC offsets.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from paperboy.adapters.discord.handlers import Interactions, context_of
from paperboy.adapters.discord.suggestions import Choices, Suggestions
from paperboy.core import commands as c
from paperboy.core.digest_spec import MAX_MIN_UPVOTES, MAX_PAPERS, digest_spec
from paperboy.core.trends import DEFAULT_WEEKS, MAX_TOPICS, MAX_WEEKS
from paperboy.core.weekly_spec import DAY_NAMES, weekly_spec

Interaction = discord.Interaction[Any]

_PAPER = "An arXiv id such as 2403.12345 (start typing to pick one)"
_SAVED = "A paper on your reading list (start typing to pick one)"


class PapersGroup(app_commands.Group):
    """`/papers …`, in guild channels only."""

    def __init__(self, handlers: Interactions, suggestions: Suggestions) -> None:
        super().__init__(
            name="papers",
            description="Search research papers, keep a reading list, get a daily digest",
            guild_only=True,
        )
        self.handlers = handlers
        self.suggestions = suggestions

    # -- finding papers ---------------------------------------------------------------------

    @app_commands.command(name="search", description="Find papers by title and abstract")
    @app_commands.describe(
        query='Words to find; filters: since:7d until:2025-03-01 author:"Name" votes:>=10'
    )
    async def search(self, interaction: Interaction, query: str) -> None:
        await self.handlers.run(interaction, c.search_command(query), defer=True)

    @app_commands.command(name="similar", description="Papers most like one paper")
    @app_commands.describe(paper=_PAPER)
    async def similar(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.paper_command("similar", paper), defer=True)

    @app_commands.command(name="show", description="Post one paper here with its whole abstract")
    @app_commands.describe(paper=_PAPER)
    async def show(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.paper_command("show", paper))

    @app_commands.command(name="trending", description="The most-upvoted papers of the last days")
    @app_commands.describe(days=f"How many days back, 1 to {c.MAX_DAYS} (default 1: today)")
    async def trending(
        self, interaction: Interaction, days: app_commands.Range[int, 1, c.MAX_DAYS] = 1
    ) -> None:
        await self.handlers.run(interaction, c.trending_command(days))

    @app_commands.command(name="trend", description="A chart of papers per week on some topics")
    @app_commands.describe(
        topics=f"Up to {MAX_TOPICS} topics, separated by commas, e.g. diffusion, agents",
        weeks=f"How many weeks back, 1 to {MAX_WEEKS} (default {DEFAULT_WEEKS})",
    )
    async def trend(
        self,
        interaction: Interaction,
        topics: str,
        weeks: app_commands.Range[int, 1, MAX_WEEKS] = DEFAULT_WEEKS,
    ) -> None:
        await self.handlers.run(
            interaction, c.trend_command(topics, weeks), defer=True, public=True
        )

    @app_commands.command(name="top", description="The papers this channel saved most lately")
    @app_commands.describe(
        days=f"How many days back, 1 to {c.MAX_DAYS} (default {c.TOP_DAYS})",
        weekly="Post the past week's list here every week on this day (off: stop)",
        time="With weekly: when, as HH:MM (24-hour)",
        timezone="With weekly: in which timezone, e.g. Europe/Berlin",
    )
    @app_commands.choices(
        weekly=[app_commands.Choice(name=day.capitalize(), value=day) for day in DAY_NAMES]
        + [app_commands.Choice(name="off", value="off")]
    )
    async def top(
        self,
        interaction: Interaction,
        days: app_commands.Range[int, 1, c.MAX_DAYS] = c.TOP_DAYS,
        weekly: str | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        if weekly is None:
            await self.handlers.run(interaction, c.top_command(days), defer=True)
            return
        if weekly == "off":
            await self.handlers.run(interaction, c.Unsubscribe("top"))
            return
        spec = weekly_spec(day=weekly, time=time, zone=timezone)
        command = spec if isinstance(spec, c.ParseError) else c.SubscribeWeekly(spec)
        await self.handlers.run(interaction, command, check_permissions=True)

    @app_commands.command(name="add", description="Fetch a paper from arXiv and keep it")
    @app_commands.describe(paper="An arXiv id or link, e.g. 2403.12345 or arxiv.org/abs/2403.12345")
    async def add(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.add_command(paper), defer=True)

    # -- the reading list -------------------------------------------------------------------

    @app_commands.command(name="save", description="Put a paper on your reading list")
    @app_commands.describe(paper=_PAPER)
    async def save(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.paper_command("save", paper))

    @app_commands.command(name="saved", description="Your reading list, newest first")
    async def saved(self, interaction: Interaction) -> None:
        await self.handlers.run(interaction, c.Saved())

    @app_commands.command(name="unsave", description="Take a paper off your reading list")
    @app_commands.describe(paper=_SAVED)
    async def unsave(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.paper_command("unsave", paper))

    @app_commands.command(name="read", description="Mark a saved paper as read")
    @app_commands.describe(paper=_SAVED)
    async def read(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.paper_command("read", paper))

    @app_commands.command(name="export", description="Your reading list as a BibTeX file")
    async def export(self, interaction: Interaction) -> None:
        await self.handlers.run(interaction, c.Export(), defer=True)

    # -- for you ------------------------------------------------------------------------------

    @app_commands.command(name="foryou", description="Papers ranked for you by what you saved")
    @app_commands.describe(
        days=f"From the papers of the last 1 to {c.MAX_DAYS} days (default {c.FORYOU_DAYS})",
        everything="From every paper I have (days is then ignored)",
        weekly="Send me the week's top papers by DM every week on this day (off: stop)",
        time="With weekly: when, as HH:MM (24-hour)",
        timezone="With weekly: in which timezone, e.g. Europe/Berlin",
    )
    @app_commands.choices(
        weekly=[app_commands.Choice(name=day.capitalize(), value=day) for day in DAY_NAMES]
        + [app_commands.Choice(name="off", value="off")]
    )
    async def foryou(
        self,
        interaction: Interaction,
        days: app_commands.Range[int, 1, c.MAX_DAYS] = c.FORYOU_DAYS,
        everything: bool = False,
        weekly: str | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        if weekly == "off":
            await self.handlers.run(interaction, c.ForYouStop())
            return
        if weekly is not None:
            spec = weekly_spec(day=weekly, time=time, zone=timezone)
            weekly_command = spec if isinstance(spec, c.ParseError) else c.ForYouWeekly(spec)
            await self.handlers.run(interaction, weekly_command, defer=True)  # it opens a DM
            return
        command = c.foryou_command(None if everything else days)
        await self.handlers.run(interaction, command, defer=True)

    @app_commands.command(name="mark", description="Mark a paper not for you (foryou learns)")
    @app_commands.describe(paper=_PAPER)
    async def mark(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.paper_command("mark", paper))

    @app_commands.command(name="unmark", description="Take the not-for-you mark off a paper")
    @app_commands.describe(paper=_PAPER)
    async def unmark(self, interaction: Interaction, paper: str) -> None:
        await self.handlers.run(interaction, c.paper_command("unmark", paper))

    # -- follows ------------------------------------------------------------------------------

    @app_commands.command(name="follow", description="New papers by an author or about words")
    @app_commands.describe(
        author="An author's name, e.g. Yann LeCun (Y. LeCun and Yann Lecún match too)",
        words="Words the papers are about, e.g. graph neural networks",
        here="Post them in this channel instead of a DM (people who manage it)",
    )
    async def follow(
        self,
        interaction: Interaction,
        author: str | None = None,
        words: str | None = None,
        here: bool = False,
    ) -> None:
        command = c.follow_command(author=author, words=words, here=here)
        # With here, a hint when the bot could not post in this channel.
        await self.handlers.run(interaction, command, check_permissions=here)

    @app_commands.command(name="following", description="Your follows, numbered")
    async def following(self, interaction: Interaction) -> None:
        await self.handlers.run(interaction, c.Following())

    @app_commands.command(name="unfollow", description="Stop one of your follows")
    @app_commands.describe(number="Its number in /papers following")
    async def unfollow(
        self, interaction: Interaction, number: app_commands.Range[int, 1, 999]
    ) -> None:
        await self.handlers.run(interaction, c.unfollow_command(number))

    # -- forgetting the person -----------------------------------------------------------------

    forget = app_commands.Group(name="forget", description="Delete what I keep about you")

    @forget.command(name="me", description="Delete everything I keep about you in this server")
    @app_commands.describe(
        confirm="Delete it now (without it, I tell you first what would go and ask)"
    )
    async def forget_me(self, interaction: Interaction, confirm: bool = False) -> None:
        await self.handlers.run(interaction, c.ForgetMe(confirmed=confirm))

    # -- the channel's digest ---------------------------------------------------------------

    @app_commands.command(name="subscribe", description="A daily digest of papers in this channel")
    @app_commands.describe(
        time="When, as HH:MM (24-hour)",
        timezone="In which timezone, e.g. Europe/Berlin, CET or UTC+2",
        topics="Only papers about these words",
        papers=f"At most this many papers a day (1 to {MAX_PAPERS})",
        min_upvotes="Only papers with at least this many upvotes",
        weekdays_only="Skip Saturdays and Sundays",
        rank="The order: by upvotes (the default), or by what people here save",
    )
    @app_commands.choices(
        rank=[
            app_commands.Choice(name="upvotes", value="votes"),
            app_commands.Choice(name="what people here save", value="team"),
        ]
    )
    async def subscribe(
        self,
        interaction: Interaction,
        time: str | None = None,
        timezone: str | None = None,
        topics: str | None = None,
        papers: app_commands.Range[int, 1, MAX_PAPERS] | None = None,
        min_upvotes: app_commands.Range[int, 0, MAX_MIN_UPVOTES] | None = None,
        weekdays_only: bool | None = None,
        rank: str | None = None,
    ) -> None:
        spec = digest_spec(
            time=time,
            zone=timezone,
            topics=topics,
            papers=papers,
            min_upvotes=min_upvotes,
            weekdays=bool(weekdays_only),
            rank=rank,
        )
        command = spec if isinstance(spec, c.ParseError) else c.Subscribe(spec)
        await self.handlers.run(interaction, command, check_permissions=True)

    @app_commands.command(name="unsubscribe", description="Stop this channel's daily digest")
    async def unsubscribe(self, interaction: Interaction) -> None:
        await self.handlers.run(interaction, c.Unsubscribe())

    @app_commands.command(name="digest", description="Post a digest here now (a preview)")
    async def digest(self, interaction: Interaction) -> None:
        await self.handlers.run(interaction, c.DigestNow(), defer=True)

    @app_commands.command(name="help", description="What paperboy can do, with examples")
    @app_commands.describe(command="Explain just this command")
    @app_commands.choices(
        command=[app_commands.Choice(name=name, value=name) for name in c.COMMAND_NAMES]
    )
    async def help(self, interaction: Interaction, command: str | None = None) -> None:
        await self.handlers.run(interaction, c.help_command(command or ""))

    # -- autocomplete -----------------------------------------------------------------------

    @similar.autocomplete("paper")
    @show.autocomplete("paper")
    @save.autocomplete("paper")
    @mark.autocomplete("paper")
    @unmark.autocomplete("paper")
    async def _any_paper(self, interaction: Interaction, typed: str) -> Choices:
        return await self.suggestions.papers(typed)

    @unsave.autocomplete("paper")
    @read.autocomplete("paper")
    async def _saved_paper(self, interaction: Interaction, typed: str) -> Choices:
        context = context_of(interaction)
        return [] if context is None else await self.suggestions.saved(context.user, typed)

    @subscribe.autocomplete("timezone")
    @top.autocomplete("timezone")
    @foryou.autocomplete("timezone")
    async def _timezone(self, interaction: Interaction, typed: str) -> Choices:
        return self.suggestions.timezones(typed)
