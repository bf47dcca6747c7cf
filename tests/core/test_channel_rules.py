"""Who may change or post a channel's digest, and what a "More" button carries: the
refusals word for word, and a page reference that survives its round trip (a search for
words with a "|" in them included) while a forged one is refused."""

from __future__ import annotations

import pytest

from paperboy.core import commands as c
from paperboy.core.channel_rules import (
    digest_change_refused,
    digest_post_refused,
    needs_manager_check,
)
from paperboy.core.models import ChannelRef, Context, UserRef
from paperboy.core.replies import ListKind, Notice, PageRef

USER, CHANNEL = UserRef("slack", "T1", "ada"), ChannelRef("slack", "T1", "C1")


def context(*, post: bool, manage: bool) -> Context:
    return Context(USER, CHANNEL, can_post=post, can_manage_channel=manage)


def test_only_a_manager_may_change_a_digest() -> None:
    assert digest_change_refused(context(post=True, manage=True)) is None
    assert digest_change_refused(context(post=True, manage=False)) == Notice(
        "Only people who can manage this channel can change its digest.", error=True
    )


def test_only_a_manager_who_may_post_here_may_have_a_digest_posted_now() -> None:
    assert digest_post_refused(context(post=True, manage=True)) is None
    assert digest_post_refused(context(post=True, manage=False)) == Notice(
        "Only people who can manage this channel can post its digest.", error=True
    )
    assert digest_post_refused(context(post=False, manage=True)) == Notice(
        "You may not post messages in this channel, so I will not post a digest here for you.",
        error=True,
    )


@pytest.mark.parametrize(
    "ref",
    [
        PageRef(ListKind.SEARCH, "lora | adapters", 5),
        PageRef(ListKind.SAVED, "", 10),
        PageRef(ListKind.SIMILAR, "2308.10462", 0),
    ],
)
def test_a_page_reference_comes_back_as_it_went(ref: PageRef) -> None:
    assert PageRef.decode(ref.encode()) == ref


@pytest.mark.parametrize("forged", ["", "search", "nonsense|5|x", "search|five|x", "|5|x"])
def test_a_forged_page_reference_is_refused(forged: str) -> None:
    assert PageRef.decode(forged) is None


@pytest.mark.parametrize(
    ("typed", "needed"),
    [
        ("subscribe 09:30 UTC", True),
        ("subscribe top weekly friday", True),
        ("unsubscribe", True),
        ("digest", True),
        ("follow here author LeCun", True),
        ("follow author LeCun", False),  # a follow by direct message is the person's own
        ("search lora", False),
        ("frobnicate", False),
    ],
)
def test_only_commands_that_change_or_post_to_the_channel_ask_who_manages_it(
    typed: str, needed: bool
) -> None:
    assert needs_manager_check(c.parse_command(typed)) is needed
