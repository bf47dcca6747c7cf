"""Buttons under paper messages, laid out within Discord's 5 rows of 5.

A paper post gets **Save** and **Similar**; a list gets one row (or two) per action,
numbered like its cards — Save/Similar, or for a reading list Mark read/Unsave/Similar —
and **More** in the last row. Actions that do not fit are left out, last first.
Every button carries its meaning in its custom id (custom_ids.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from paperboy.adapters.discord.custom_ids import Action, custom_id
from paperboy.core.replies import Card, ListKind

MAX_ROWS = 5
ROW_WIDTH = 5


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    custom_id: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary
    emoji: str | None = None


def paper_buttons(card: Card) -> tuple[tuple[Button, ...], ...]:
    """Save and Similar for one paper (none whose custom id would not fit)."""
    buttons = [
        b
        for b in (
            _button(Action.SAVE, card, "Save", discord.ButtonStyle.primary, "🔖"),
            _button(Action.SIMILAR, card, "Similar"),
        )
        if b is not None
    ]
    return (tuple(buttons),) if buttons else ()


_GROUPS = {
    ListKind.SAVED: (Action.READ, Action.UNSAVE, Action.SIMILAR),
}
_DEFAULT_GROUPS = (Action.SAVE, Action.SIMILAR)
_LABELS = {
    Action.SAVE: ("Save", discord.ButtonStyle.primary, "🔖"),
    Action.SIMILAR: ("Similar", discord.ButtonStyle.secondary, None),
    Action.READ: ("Mark read", discord.ButtonStyle.success, None),
    Action.UNSAVE: ("Unsave", discord.ButtonStyle.danger, None),
}


def _button(
    action: Action,
    card: Card,
    label: str,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    emoji: str | None = None,
) -> Button | None:
    found = custom_id(action, card.paper.id)
    return None if found is None else Button(label, found, style, emoji)


def list_buttons(
    kind: ListKind, cards: Sequence[Card], more_id: str | None
) -> tuple[tuple[Button, ...], ...]:
    """A row (or two) per action, numbered like the cards; groups that do not fit in
    the 5 rows are left out, last first. "More" gets the last row."""
    seen: set[str] = set()
    rows: list[tuple[Button, ...]] = []
    reserved = 1 if more_id else 0
    for action in _GROUPS.get(kind, _DEFAULT_GROUPS):
        label, style, emoji = _LABELS[action]
        group = []
        for number, card in enumerate(cards, start=1):
            if action is Action.READ and (card.saved is None or not card.saved.unread):
                continue
            button = _button(action, card, f"{label} {number}", style, emoji)
            if button is not None and button.custom_id not in seen:
                seen.add(button.custom_id)
                group.append(button)
        chunks = [tuple(group[i : i + ROW_WIDTH]) for i in range(0, len(group), ROW_WIDTH)]
        if len(rows) + len(chunks) + reserved > MAX_ROWS:
            break
        rows += chunks
    if more_id:
        rows.append((Button("More", more_id, discord.ButtonStyle.secondary, "➡️"),))
    return tuple(rows)
