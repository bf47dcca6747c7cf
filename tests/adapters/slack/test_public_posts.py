"""Who may make the bot post a digest in a Slack channel (`digest`), and how often:
through the real AsyncApp in Socket Mode, against the Slack simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.adapters.slack.conftest import (
    HUMAN,
    Workspace,
    running_workspace,
    slack_settings,
)
from tests.conftest import NOW
from tests.simulators.slack import SlackSimulator


class Clock:
    """The bot's wall clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def admins_only(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[Workspace]:
    settings = slack_settings(slack, tmp_path, digest_managers="admins")
    async with running_workspace(slack, settings) as running:
        yield running


async def test_with_admins_only_a_members_preview_is_refused_and_nothing_is_posted(
    admins_only: Workspace,
) -> None:
    message = await admins_only.answer("digest")

    assert message.visible_to == HUMAN
    assert message.text.endswith("Only people who can manage this channel can post its digest.")
    assert admins_only.slack.messages() == []
    assert [c.body["user"] for c in admins_only.slack.calls("users.info")] == [HUMAN]


async def test_with_admins_only_an_admin_posts_a_preview(admins_only: Workspace) -> None:
    admins_only.slack.add_user("U0ADMIN", name="grace", is_admin=True)

    message = await admins_only.answer("digest", user_id="U0ADMIN")

    assert message.text == "Posted a preview digest of 3 papers."
    header, *papers = admins_only.slack.messages()
    assert header.text.startswith("Preview · Trending papers")
    assert len(papers) == 3


async def test_a_second_preview_is_refused_until_the_cooldown_has_passed(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    clock = Clock()
    async with running_workspace(slack, slack_settings(slack, tmp_path), clock=clock) as workspace:
        first = await workspace.answer("digest")
        posted = len(slack.messages())
        clock.now += timedelta(minutes=2)
        second = await workspace.answer("digest")
        after_second = len(slack.messages())
        clock.now += timedelta(minutes=3)
        third = await workspace.answer("digest")

    assert first.text == "Posted a preview digest of 3 papers."
    assert posted == 4  # a header and three papers
    assert second.visible_to == HUMAN
    assert second.text.endswith("A preview was posted here 2 min ago; try again in 3 min.")
    assert after_second == posted
    assert third.text == "Posted a preview digest of 3 papers."
    assert len(slack.messages()) == 2 * posted
