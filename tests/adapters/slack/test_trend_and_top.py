"""`/papers trend` uploads a chart into the channel; `/papers top` lists what it saved most."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from paperboy.core.replies import ImageReply
from paperboy.core.trend_charts import TrendCharts
from tests.adapters.slack.conftest import CHANNEL, FEATURED, HUMAN, Workspace, section_texts

FRIDAY = date(2025, 3, 14)


async def expected_chart(workspace: Workspace, topics: tuple[str, ...], weeks: int) -> ImageReply:
    """What the core makes of the question, for the adapter to deliver as it is."""
    core = workspace.core
    reply = await TrendCharts(
        papers=core.store.papers, topics=core.library, clock=core.clock
    ).trend(topics, weeks)
    assert isinstance(reply, ImageReply), reply
    return reply


async def test_trend_uploads_the_chart_into_the_channel_with_alt_text(
    workspace: Workspace,
) -> None:
    slack = workspace.slack

    await slack.send_command("trend diffusion, retrieval")
    uploaded = await slack.wait_for_upload()

    expected = await expected_chart(workspace, ("diffusion", "retrieval"), 26)
    assert uploaded.channels == (CHANNEL,)
    assert uploaded.filename == "trend-diffusion-retrieval.png"
    assert uploaded.title == "Papers per week: diffusion, retrieval"
    assert uploaded.initial_comment == expected.summary
    assert uploaded.initial_comment.startswith("diffusion: ")
    assert uploaded.alt_txt == expected.alt_text
    assert "diffusion weekly: " in uploaded.alt_txt
    assert uploaded.content is not None
    with Image.open(io.BytesIO(uploaded.content)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 750))
    assert slack.responses() == []  # the chart is the answer: nothing else is said


async def test_trend_in_a_channel_without_the_bot_gives_the_summary_and_a_hint(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    slack.add_channel("C0QUIET", is_member=False)

    answer = await workspace.answer("trend diffusion", channel_id="C0QUIET")

    expected = await expected_chart(workspace, ("diffusion",), 26)
    assert answer.visible_to == HUMAN
    assert expected.summary in answer.text
    assert "I could not post the chart here" in answer.text
    assert "/invite @" in answer.text
    assert slack.uploads() == []


async def test_trend_of_an_unknown_topic_is_a_sentence_not_a_chart(workspace: Workspace) -> None:
    answer = await workspace.answer("trend quokka")

    assert answer.text == "No papers about “quokka” are dated in the last 26 weeks."
    assert workspace.slack.uploads() == []


async def test_top_lists_the_papers_saved_from_the_bots_posts_with_counts(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    slack.add_user("U0OTHER")
    await slack.send_command("show " + FEATURED[2].id)  # posted in the channel
    await slack.wait_for_call("chat.postMessage")
    [posted] = slack.messages(CHANNEL)
    await slack.send_reaction(posted, "bookmark")
    await slack.send_reaction(posted, "bookmark", user_id="U0OTHER")
    await slack.wait_until(lambda: len(slack.ephemerals()) == 2 or None)

    answer = await workspace.answer("top")

    text = section_texts(answer)
    assert answer.visible_to == HUMAN
    assert "Most saved here in the last 7 days" in text
    assert "Diffusion Models Without Tears" in text
    assert "\nsaved by 2 · " in text  # the first of the card's facts


async def test_subscribe_top_weekly_posts_the_list_into_the_channel_once(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    await slack.send_command("show " + FEATURED[2].id)
    await slack.wait_for_call("chat.postMessage")
    [posted] = slack.messages(CHANNEL)
    await slack.send_reaction(posted, "bookmark")
    await slack.wait_until(lambda: slack.ephemerals() or None)

    answer = await workspace.answer("subscribe top weekly friday 16:00 UTC")
    weekly = workspace.digests.weekly_top
    assert weekly is not None
    await weekly.run_for_day(workspace.channel(), FRIDAY)
    await weekly.run_for_day(workspace.channel(), FRIDAY)

    assert answer.text.startswith("This channel gets the papers saved most here")
    assert answer.visible_to is None  # said in the channel
    # After the paper `show` posted: the answer to subscribe, then the one list.
    said, *listed = slack.messages(CHANNEL)[1:]
    assert said.text == answer.text
    assert len(listed) == 1
    assert listed[0].via == "chat.postMessage"
    text = section_texts(listed[0])
    assert "Most saved here in the last 7 days" in text
    assert "Diffusion Models Without Tears" in text
    assert "\nsaved by 1 · " in text
