"""/papers in Socket Mode, through the real AsyncApp and AsyncSocketModeHandler."""

from __future__ import annotations

import asyncio

from paperboy.config import Settings
from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.http import RetryPolicy
from tests.adapters.slack.conftest import (
    HUMAN,
    Workspace,
    paper_ids,
    running_workspace,
    section_texts,
)
from tests.simulators.slack.simulator import SlackSimulator
from tests.simulators.sources.fixtures import ArxivRecord
from tests.simulators.sources.servers import Fault, PaperSourceSimulator


async def test_a_search_is_acked_within_three_seconds_and_answered_with_paper_cards(
    workspace: Workspace,
) -> None:
    ack, response = await workspace.command("search mixture of experts")

    assert ack.seconds < 3
    assert ack.payload is None  # a bare ack: the answer comes at the response URL
    assert response.status == 200
    message = response.message
    assert message is not None
    assert message.visible_to == HUMAN  # search results are ephemeral
    assert paper_ids(message)[0] == "2407.06204"
    text = section_texts(message)
    # The sample papers were featured on Daily Papers: titles link to their page there.
    assert "<https://huggingface.co/papers/2407.06204|A Survey on Mixture of Experts>" in text
    assert "*Experts*" in text or "*experts*" in text  # matched words in bold
    assert workspace.slack.messages() == []  # nothing public


async def test_more_pages_on_to_the_next_results(workspace: Workspace) -> None:
    ranking = [hit.paper_id for hit in workspace.core.library.index.search("lora", limit=10)]
    assert len(ranking) == 7  # the sample has seven papers that mention LoRA
    first = await workspace.answer("search lora")
    assert paper_ids(first) == ranking[:5]
    assert paper_ids(first)[0] == "2501.17635"  # In-Context Meta LoRA Generation

    pressed = await workspace.slack.press_button(first, "paperboy_more")
    second = (await workspace.slack.next_response(pressed)).message

    assert second is not None
    assert paper_ids(second) == ranking[5:]
    assert "(6–7)" in section_texts(second)
    assert pressed.seconds < 3


async def test_similar_lists_papers_like_the_one_named(workspace: Workspace) -> None:
    message = await workspace.answer("similar 2407.06204")

    assert paper_ids(message)[:2] == ["2408.13296", "2404.19543"]
    assert "2407.06204" not in paper_ids(message)


async def test_a_mistyped_command_gets_a_helpful_ephemeral_answer(workspace: Workspace) -> None:
    message = await workspace.answer("serch lora")

    assert message.visible_to == HUMAN
    assert "Did you mean `search`?" in message.text


async def test_an_unknown_paper_gets_a_hint_to_add_it(workspace: Workspace) -> None:
    message = await workspace.answer("show 2401.99999")

    assert "I don't have 2401.99999. `add 2401.99999` fetches it from arXiv." in message.text
    assert workspace.slack.messages() == []


async def test_an_empty_command_answers_with_the_help(workspace: Workspace) -> None:
    message = await workspace.answer("")

    assert "`/papers search &lt;words&gt; [filters]`" in section_texts(message)


async def test_show_posts_the_paper_in_the_channel_and_a_reaction_on_it_saves_it(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    ack = await slack.send_command("show 2407.06204")
    call = await slack.wait_for_call("chat.postMessage")

    [posted] = slack.messages()
    assert ack.seconds < 3
    assert call.ok
    assert "mixture-of-experts" in section_texts(posted).lower()  # the whole abstract
    await slack.send_reaction(posted, "bookmark")
    confirmation = await slack.wait_until(lambda: slack.ephemerals(user_id=HUMAN) or None)

    assert await workspace.saved_ids() == ["2407.06204"]
    assert "Saved “A Survey on Mixture of Experts” to your reading list." in confirmation[0].text


async def test_the_ack_does_not_wait_for_slow_work(
    slack: SlackSimulator, settings: Settings
) -> None:
    """`add` waits for arXiv; Slack's 3-second ack must not."""
    async with PaperSourceSimulator() as sources:
        sources.arxiv.add(ArxivRecord(paper_id="2106.09685", title="LoRA", summary="Low-rank."))
        arxiv_answers = asyncio.Event()
        sources.arxiv.fail_next(Fault(hold=arxiv_answers))
        fetcher = ArxivClient(sources.arxiv_url, min_interval=0.0, retry=RetryPolicy(attempts=1))
        async with fetcher, running_workspace(slack, settings, fetcher=fetcher) as workspace:
            ack = await workspace.slack.send_command("add 2106.09685", timeout=1)
            answered_before_ack = list(workspace.slack.responses())
            arxiv_answers.set()
            answer = await workspace.slack.next_response(ack)

    assert answered_before_ack == []
    assert answer.message is not None
    assert answer.message.text.startswith("Added “LoRA” (2106.09685).")
