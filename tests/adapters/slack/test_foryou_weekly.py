"""`foryou weekly` on Slack: a direct message of the person's top papers of the week,
exactly once across a restart; `foryou stop`; hostile specs change nothing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from paperboy.core.models import Paper, UserRef
from tests.adapters.slack.conftest import (
    FEATURED,
    HUMAN,
    TEAM,
    paper_ids,
    running_workspace,
    section_texts,
    slack_settings,
)
from tests.adapters.slack.test_foryou import LORA_SAVES, UNRELATED
from tests.conftest import NOW
from tests.simulators.slack import SlackSimulator

PERSON = UserRef("slack", TEAM, HUMAN)
THURSDAY = NOW.date()  # NOW is Thursday 20 March 2025, 09:00 UTC
# Two papers of this week like the person's LoRA saves, with fewer upvotes than any other.
LIKE_THE_SAVES = (
    Paper(
        "2503.00011",
        "Low-Rank Adapters for Parameter-Efficient Fine-Tuning of Large Language Models",
        "We fine-tune large language models with LoRA, low-rank adaptation matrices, and "
        "generate adapter weights in context for parameter-efficient fine-tuning.",
        ("Ada Lovelace",),
        published=date(2025, 3, 17),
        featured=date(2025, 3, 18),
        upvotes=2,
    ),
    Paper(
        "2503.00012",
        "Singular-Value Adaptation for Fine-Tuning Language Models",
        "Knowledge-aware singular-value adaptation fine-tunes large language models with "
        "low-rank updates of their representations.",
        ("Grace Hopper",),
        published=date(2025, 3, 17),
        featured=date(2025, 3, 19),
        upvotes=1,
    ),
)
WEEK = {paper.id for paper in (*FEATURED, *LIKE_THE_SAVES)}


@dataclass
class Wall:
    """A clock the test moves."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def direct_messages(slack: SlackSimulator) -> list[list[str]]:
    """The papers of each message in the person's direct messages with the bot."""
    return [paper_ids(m) for m in slack.messages(slack.direct_channel_id(HUMAN))]


async def test_a_weekly_dm_arrives_once_across_a_restart_papers_like_the_saves_first(
    slack: SlackSimulator, tmp_path: Path
) -> None:
    # Paced so that the run can be cut between two of its messages.
    settings = slack_settings(slack, tmp_path, channel_pace_seconds=0.3)
    wall = Wall(NOW)
    dm = slack.direct_channel_id(HUMAN)
    async with running_workspace(slack, settings, clock=wall) as workspace:
        await workspace.core.library.add_papers(list(LIKE_THE_SAVES), at=NOW)
        for paper_id in LORA_SAVES:
            await workspace.answer(f"save {paper_id}")
        answer = await workspace.answer("foryou weekly thursday 10:00 UTC")
        assert answer.visible_to == HUMAN
        assert answer.text.startswith(
            "You get your top papers of the week by direct message every Thursday at 10:00 UTC."
            " Next: Thu 20 Mar 10:00 UTC."
        )
        assert slack.messages(dm) == []
        # 10:00 passes; the run is cut (the process dies) after its header and one paper.
        wall.now = NOW + timedelta(hours=1, minutes=30)
        run = asyncio.create_task(workspace.digests.catch_up())
        await slack.wait_until(lambda: len(slack.messages(dm)) >= 2 or None)
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
    cut_short = len(slack.messages(dm))
    assert 2 <= cut_short < 6, cut_short

    # The restart catches up the rest of that week's message, and only the rest.
    async with running_workspace(slack, settings, clock=wall) as workspace:
        await workspace.digests.catch_up()
        await workspace.digests.catch_up()
        await workspace.digests.run_foryou_for_day(PERSON, THURSDAY)

    header, *papers = slack.messages(dm)
    assert header.text.startswith("Your top papers of the week, Thursday 20 Mar: 5 chosen")
    sent = direct_messages(slack)[1:]
    assert all(len(ids) == 1 for ids in sent)
    sent_ids = [ids[0] for ids in sent]
    assert sorted(sent_ids) == sorted(WEEK)  # every paper of the week once, none repeated
    assert set(sent_ids[:2]) == {paper.id for paper in LIKE_THE_SAVES}  # the fewest upvotes
    assert sent_ids.index(UNRELATED) >= 2
    assert "you saved" in section_texts(papers[0])  # which save it is like
    assert all(m.via == "chat.postMessage" for m in papers)


async def test_foryou_stop_stops_the_weekly_message(slack: SlackSimulator, tmp_path: Path) -> None:
    wall = Wall(NOW)
    settings = slack_settings(slack, tmp_path)
    async with running_workspace(slack, settings, clock=wall) as workspace:
        for paper_id in LORA_SAVES:
            await workspace.answer(f"save {paper_id}")
        await workspace.answer("foryou weekly thursday 10:00")
        stopped = await workspace.answer("foryou stop")
        again = await workspace.answer("foryou stop")
        wall.now = NOW + timedelta(hours=1, minutes=30)
        await workspace.digests.catch_up()
        await workspace.digests.run_foryou_for_day(PERSON, THURSDAY)
        assert await workspace.core.store.weekly_foryou.get(PERSON) is None

    assert stopped.text == "You will no longer get a weekly message of papers for you."
    assert again.text.startswith("You get no weekly message;")
    assert slack.messages(slack.direct_channel_id(HUMAN)) == []


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        ("someday 25:99 Mars/Base", "I did not understand `someday 25:99 Mars/Base`"),
        ("friday 25:99", "`25:99` is not a time of day"),
        ("friday 16:00 Mars/Base", "I don't know the timezone"),
        ("friday 16:00 UTC tomorrow", "I did not understand `tomorrow`"),
    ],
)
async def test_a_hostile_weekly_spec_gets_a_short_answer_and_changes_nothing(
    slack: SlackSimulator, tmp_path: Path, spec: str, answer: str
) -> None:
    async with running_workspace(slack, slack_settings(slack, tmp_path)) as workspace:
        said = await workspace.answer(f"foryou weekly {spec}")
        assert await workspace.core.store.weekly_foryou.active() == []
    assert answer in said.text
    assert len(said.text) < 200
    assert said.visible_to == HUMAN
    assert slack.messages(slack.direct_channel_id(HUMAN)) == []
