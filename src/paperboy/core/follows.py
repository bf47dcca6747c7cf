"""`follow`, `following`, `unfollow`: the authors and words a person follows.

A follow sends the person (by direct message), or a channel (set there by someone
who manages it), the new papers that match it after each ingest; see
`core/follow_alerts.py`. What "match" means lives here, pure:

- an author follow matches a paper with an author of the same family name whose
  given names agree, accent-, case- and initial-insensitively: "Yann LeCun" is
  "Y. LeCun" and "Yann Lecún"; a family name alone ("LeCun") matches any of them;
- a words follow matches a paper whose BM25 score for the words reaches
  `WORDS_THRESHOLD` of the best score any stored paper has for them (calibrated on
  the bundled sample papers by `bench/follow_threshold.py`). Relative, because a
  raw BM25 score depends on how rare the words are: "survey" scores low in every
  paper of a store full of surveys.
"""

from __future__ import annotations

from paperboy.core import rich
from paperboy.core.channel_rules import follow_here_refused
from paperboy.core.models import Context, Follow, UserRef
from paperboy.core.ports import Clock, FollowRepository, TopicIndex
from paperboy.core.replies import Notice, Reply
from paperboy.search.filters import name_words

# Enough for every author and topic a person reads; a bound on the work after each ingest.
MAX_FOLLOWS = 20
# A share of the best BM25 score in the store for the follow's words.
# `bench/follow_threshold.py` shows it on the bundled sample: every paper about the
# words (they are all in its title) scores at least 0.76 of the best, and 97% of the
# papers that mention one only in their abstract score below 0.75.
WORDS_THRESHOLD = 0.75


def same_author(followed: str, author: str) -> bool:
    """Whether `author` (as a paper names them) is the person `followed` names."""
    wanted, named = name_words(followed), name_words(author)
    if not wanted or not named or wanted[-1] != named[-1]:
        return False
    for want, name in zip(wanted[:-1], named[:-1], strict=False):
        if len(want) == 1 or len(name) == 1:
            if want[0] != name[0]:
                return False
        elif want != name:
            return False
    return True


def describe(follow: Follow) -> rich.Rich:
    """ "author *Yann LeCun*" or "words *graph neural networks*", and where it posts."""
    where = " (posts in a channel)" if follow.channel else ""
    return rich.text(follow.kind, " ", rich.emphasis(follow.query), where)


class FollowCommands:
    def __init__(self, *, follows: FollowRepository, topics: TopicIndex, clock: Clock) -> None:
        self.follows = follows
        self.topics = topics
        self.clock = clock

    async def follow(self, context: Context, kind: str, query: str, *, here: bool) -> Reply:
        if here and (refused := follow_here_refused(context)) is not None:
            return refused
        if kind == "words" and not self.topics.query_terms(query):
            return Notice(
                rich.text(
                    "None of those words can be searched (too common, or too short). Try ",
                    rich.code("follow graph neural networks"),
                    ".",
                ),
                error=True,
            )
        owner = context.user
        if len(await self.follows.of(owner)) >= MAX_FOLLOWS:
            return Notice(
                rich.text(
                    f"You follow {MAX_FOLLOWS} authors and topics already, the most I keep. ",
                    rich.code("following"),
                    " lists them; ",
                    rich.code("unfollow 1"),
                    " stops one.",
                ),
                error=True,
            )
        channel = context.channel.channel if here else ""
        follow = Follow(0, owner, kind, query, channel)
        if not await self.follows.add(owner, kind, query, channel=channel, at=self.clock()):
            return Notice(rich.text("You already follow ", describe(follow), "."))
        where = "in this channel" if here else "to you by direct message"
        return Notice(
            rich.text(
                "Following ",
                describe(follow),
                f": new papers that match come {where} after each ingest. ",
                rich.code("following"),
                " lists your follows.",
            ),
            ephemeral=not here,
        )

    async def following(self, user: UserRef) -> Reply:
        found = await self.follows.of(user)
        if not found:
            return Notice(
                rich.text(
                    "You follow nothing yet. Try ",
                    rich.code('follow author:"Yann LeCun"'),
                    " or ",
                    rich.code("follow graph neural networks"),
                    ".",
                )
            )
        lines = [rich.text(f"{n}. ", describe(f)) for n, f in enumerate(found, start=1)]
        return Notice(
            rich.text(
                "Your follows:\n",
                rich.join("\n", lines),
                "\n",
                rich.code("unfollow 1"),
                " stops the first.",
            )
        )

    async def unfollow(self, user: UserRef, number: int) -> Reply:
        found = await self.follows.of(user)
        if not 1 <= number <= len(found):
            if not found:
                return Notice("You follow nothing, so there is nothing to unfollow.", error=True)
            return Notice(
                rich.text(
                    f"You have {len(found)} follows, numbered 1 to {len(found)}; ",
                    rich.code("following"),
                    " lists them.",
                ),
                error=True,
            )
        follow = found[number - 1]
        await self.follows.remove(follow.id)
        return Notice(rich.text("You no longer follow ", describe(follow), "."))
