"""Slack answering 429 to a burst in the middle of a digest: every message still arrives,
once, in order (slack_sdk retries after Retry-After; past its budget, the digest does)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from paperboy.app import build_digests, digest_options
from paperboy.core.models import Context, UserRef
from paperboy.digest.service import DigestService
from paperboy.scheduler import DigestJobs, Scheduler
from tests.adapters.slack.conftest import FEATURED, HUMAN, TEAM, Workspace, paper_ids
from tests.conftest import NOW
from tests.specs import spec

BURST = 5  # past slack_sdk's own three retries, so the digest's retry is needed too


async def test_a_429_burst_during_a_digest_delays_it_but_every_message_arrives_once_in_order(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    digests = build_digests(
        workspace.core,
        workspace.publisher,
        DigestJobs(Scheduler(), grace=timedelta(hours=3)),
        options=replace(digest_options(workspace.core.settings), retry_seconds=0.0),
    )
    member = Context(
        UserRef("slack", TEAM, HUMAN), workspace.channel(), can_post=True, can_manage_channel=True
    )
    await digests.subscribe(member, spec(""))

    async def burst_after_the_header() -> None:
        await slack.wait_for_call("chat.postMessage")
        slack.rate_limit_next("chat.postMessage", times=BURST, retry_after=0)

    burst = asyncio.create_task(burst_after_the_header())
    await digests.run_for_day(workspace.channel(), NOW.date())
    await burst

    header, *papers = slack.messages()
    assert "3 papers" in header.text
    assert [paper_ids(m) for m in papers] == [[p.id] for p in FEATURED]
    statuses = [call.status for call in slack.calls("chat.postMessage")]
    assert statuses == [200, *[429] * BURST, 200, 200, 200]
    run = await workspace.core.store.digest_runs.run(workspace.channel(), NOW.date())
    assert run is not None
    assert run.finished


async def subscribed(workspace: Workspace) -> DigestService:
    digests = build_digests(
        workspace.core,
        workspace.publisher,
        DigestJobs(Scheduler(), grace=timedelta(hours=3)),
        options=replace(digest_options(workspace.core.settings), retry_seconds=0.0),
    )
    member = Context(
        UserRef("slack", TEAM, HUMAN), workspace.channel(), can_post=True, can_manage_channel=True
    )
    await digests.subscribe(member, spec(""))
    return digests


async def test_a_message_whose_answer_was_lost_is_found_and_not_posted_again(
    workspace: Workspace,
) -> None:
    """The header went out but the connection dropped before Slack's answer: before the
    retry, the channel is searched for the message by its metadata, and it is there."""
    slack = workspace.slack
    digests = await subscribed(workspace)
    slack.lose_answer_next("chat.postMessage")
    await digests.run_for_day(workspace.channel(), NOW.date())

    header, *papers = slack.messages()
    assert "3 papers" in header.text
    assert [paper_ids(m) for m in papers] == [[p.id] for p in FEATURED]
    assert len(slack.calls("chat.postMessage")) == 4  # no second header
    assert len(slack.calls("conversations.history")) == 1
    run = await workspace.core.store.digest_runs.run(workspace.channel(), NOW.date())
    assert run is not None
    assert run.finished


async def test_a_paper_whose_answer_was_lost_where_slack_cannot_tell_counts_as_sent(
    workspace: Workspace,
) -> None:
    """Without the history scope nothing can be checked: the paper is not posted again,
    and a later run does not send it either (at most once)."""
    slack = workspace.slack
    digests = await subscribed(workspace)

    async def lost_after_the_header() -> None:
        await slack.wait_for_call("chat.postMessage")
        slack.lose_answer_next("chat.postMessage")
        slack.fail_next("conversations.history", "missing_scope")

    lost = asyncio.create_task(lost_after_the_header())
    await digests.run_for_day(workspace.channel(), NOW.date())
    await lost
    await digests.run_for_day(workspace.channel(), NOW.date())  # the day's run again

    _header, *papers = slack.messages()
    assert [paper_ids(m) for m in papers] == [[p.id] for p in FEATURED]
