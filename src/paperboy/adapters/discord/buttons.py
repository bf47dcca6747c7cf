"""Buttons under paper messages, laid out within Discord's 5 rows of 5.

A card's actions are the core's (`Card.actions`): one button each under a paper post;
a list gets one row (or two) per action, numbered like its cards, and **More** in the
last row. Save shows the configured save emoji. Actions that do not fit are left out, last first.
Every button carries its meaning in its custom id (custom_ids.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from paperboy.adapters.discord.custom_ids import Action, custom_id
from paperboy.core.replies import Card, CardAction, Confirm, Question, list_actions

MAX_ROWS = 5
ROW_WIDTH = 5


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    custom_id: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary
    emoji: str | None = None


def paper_buttons(card: Card, save_emoji: str | None) -> tuple[tuple[Button, ...], ...]:
    """The card's actions for one paper (none whose custom id would not fit)."""
    found = (_button(action, card, action.label, save_emoji) for action in card.actions)
    buttons = [b for b in found if b is not None]
    return (tuple(buttons),) if buttons else ()


_STYLES = {
    CardAction.SAVE: discord.ButtonStyle.primary,
    CardAction.SIMILAR: discord.ButtonStyle.secondary,
    CardAction.READ: discord.ButtonStyle.success,
    CardAction.UNSAVE: discord.ButtonStyle.danger,
    CardAction.MARK: discord.ButtonStyle.secondary,
}


def _button(action: CardAction, card: Card, label: str, save_emoji: str | None) -> Button | None:
    found = custom_id(Action(action.value), card.paper.id)
    if found is None:
        return None
    # A button takes a Unicode emoji, not a name: a configured ":bookmark:" shows none.
    emoji = (
        save_emoji
        if action is CardAction.SAVE and save_emoji and not save_emoji.isascii()
        else None
    )
    return Button(label, found, _STYLES[action], emoji)


def list_buttons(
    cards: Sequence[Card], more_id: str | None, save_emoji: str | None
) -> tuple[tuple[Button, ...], ...]:
    """A row (or two) per action, numbered like the cards; groups that do not fit in
    the 5 rows are left out, last first. "More" gets the last row."""
    seen: set[str] = set()
    rows: list[tuple[Button, ...]] = []
    reserved = 1 if more_id else 0
    for action in list_actions(cards):
        group = []
        for number, card in enumerate(cards, start=1):
            if action not in card.actions:
                continue
            button = _button(action, card, f"{action.label} {number}", save_emoji)
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


_CONFIRMS = {Confirm.FORGET_ME: Action.FORGET_ME}


def question_buttons(question: Question) -> tuple[tuple[Button, ...], ...]:
    """The question's one button, in the danger style (it deletes); none if its custom
    id would not fit."""
    found = custom_id(_CONFIRMS[question.confirm], question.asked_for)
    if found is None:
        return ()
    return ((Button(question.confirm.label, found, discord.ButtonStyle.danger),),)
