"""The custom ids of paperboy's buttons: what a press means, carried by the button itself.

Buttons are persistent: everything needed to act on a press is in its custom id
(`pb:save:<paper id>`, `pb:more:<encoded PageRef>`), so a button on a message posted
before a restart still works. Discord allows 100 characters; a page reference that
does not fit is stored and the button carries its key instead (`pb:page:<key>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PREFIX = "pb"
MAX_CUSTOM_ID = 100


class Action(StrEnum):
    SAVE = "save"
    SIMILAR = "similar"
    READ = "read"
    UNSAVE = "unsave"
    MARK = "mark"  # not for me
    MORE = "more"  # argument: an encoded PageRef
    PAGE = "page"  # argument: the key of a stored PageRef
    FORGET_ME = "forget"  # argument: the user id the question was asked for


@dataclass(frozen=True, slots=True)
class Pressed:
    """A press on one of our buttons: what to do, and to which paper or page."""

    action: Action
    argument: str


def custom_id(action: Action, argument: str) -> str | None:
    """The custom id for `action` on `argument`, or None when it would not fit."""
    text = f"{PREFIX}:{action.value}:{argument}"
    return text if argument and len(text) <= MAX_CUSTOM_ID else None


def parse_custom_id(text: str) -> Pressed | None:
    """The press a custom id stands for; None for anything that is not ours."""
    prefix, _, rest = text.partition(":")
    name, _, argument = rest.partition(":")
    if prefix != PREFIX or not argument:
        return None
    try:
        return Pressed(Action(name), argument)
    except ValueError:
        return None
