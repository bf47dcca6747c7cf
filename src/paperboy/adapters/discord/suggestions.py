"""Autocomplete choices: papers from the store, the user's saved papers, timezones.

Discord waits 3 s for choices and shows at most 25, each named in 1–100 characters.
A failure gives no choices (and a log line), never an error for the user.
"""

from __future__ import annotations

import logging

from discord import app_commands

from paperboy.core.bot import Bot
from paperboy.core.models import UserRef
from paperboy.core.text import clean_text, shorten
from paperboy.core.zones import zone_suggestions

log = logging.getLogger(__name__)

MAX_CHOICES = 25
CHOICE_CHARS = 100

Choices = list[app_commands.Choice[str]]


def paper_choice(paper_id: str, title: str) -> app_commands.Choice[str]:
    name = shorten(f"{paper_id} · {clean_text(title)}", CHOICE_CHARS)
    return app_commands.Choice(name=name, value=paper_id)


class Suggestions:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def papers(self, typed: str) -> Choices:
        """Papers whose id or title starts with what was typed."""
        try:
            found = await self.bot.suggest_papers(typed, limit=MAX_CHOICES)
        except Exception:
            log.exception("paper suggestions for %r failed", typed)
            return []
        return [paper_choice(p.id, p.title) for p in found if len(p.id) <= CHOICE_CHARS]

    async def saved(self, user: UserRef, typed: str) -> Choices:
        """The user's saved papers whose id or title contains what was typed, newest first."""
        try:
            matches = await self.bot.saved_matching(user, typed)
        except Exception:
            log.exception("saved-paper suggestions failed")
            return []
        fitting = [
            (paper_id, title) for paper_id, title in matches if len(paper_id) <= CHOICE_CHARS
        ]
        return [paper_choice(paper_id, title) for paper_id, title in fitting[:MAX_CHOICES]]

    def timezones(self, typed: str) -> Choices:
        """Timezones for what was typed: names, abbreviations and UTC offsets."""
        names = zone_suggestions(typed[:CHOICE_CHARS], limit=MAX_CHOICES)
        return [app_commands.Choice(name=name, value=name) for name in names]
