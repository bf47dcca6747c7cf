"""The `top` command: what this channel's people saved most from the bot's posts lately."""

from __future__ import annotations

from datetime import timedelta

from paperboy.core.models import ChannelRef
from paperboy.core.ports import Clock, PaperLookup, PostLog
from paperboy.core.replies import Card, ListKind, Notice, PaperList, Reply

# One page: a top list is short by nature, and Discord shows at most 10 cards a message.
TOP_PAPERS = 10


class TeamTop:
    def __init__(
        self,
        *,
        papers: PaperLookup,
        posts: PostLog,
        clock: Clock,
        save_emoji: str,
    ) -> None:
        self.papers = papers
        self.posts = posts
        self.clock = clock
        self.save_emoji = save_emoji

    async def top(self, channel: ChannelRef, days: int, *, ephemeral: bool = True) -> Reply:
        """The most saved papers as cards with their save counts, or a sentence when
        nobody saved one from the bot's posts here in the last `days` days."""
        since = self.clock() - timedelta(days=days)
        counts = await self.posts.most_saved(channel, since=since, limit=TOP_PAPERS)
        span = "the last day" if days == 1 else f"the last {days} days"
        found = await self.papers.get_many([paper_id for paper_id, _ in counts])
        cards = tuple(
            Card(found[paper_id], saves=saves) for paper_id, saves in counts if paper_id in found
        )
        if not cards:
            return Notice(
                f"Nobody here saved a paper from my posts in {span}. React with "
                f"{self.save_emoji or 'the save emoji'} to a paper I post (or press Save) "
                "to save it.",
                ephemeral=ephemeral,
            )
        title = f"Most saved here in {span}"
        return PaperList(ListKind.TOP, title, cards, ephemeral=ephemeral)
