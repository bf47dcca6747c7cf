"""One reply, three front ends: the same facts in the same order, the same code spans,
each in its own markup (Slack mrkdwn, Discord markdown, plain text on the console)."""

from __future__ import annotations

import io
from datetime import date

from paperboy.adapters.console import render_card
from paperboy.adapters.discord.render import render as discord_render
from paperboy.adapters.slack.render import render as slack_render
from paperboy.core.bot import Bot
from paperboy.core.models import Paper
from paperboy.core.replies import Card, Notice, PaperPost
from paperboy.core.rich import code, text
from paperboy.store import Store
from tests.conftest import console_for

PAPER = Paper(
    id="2501.00001",
    title="Adapters all the way down",
    abstract="Low-rank adapters.",
    authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"),
    published=date(2025, 1, 2),
    upvotes=42,
)
FACTS = ["Ada Lovelace, Alan Turing, Grace Hopper et al.", "2025-01-02", "▲ 42", "2501.00001"]
HINT = Notice(text("Try ", code("search lora since:7d"), " or ", code("help"), "."))


def test_the_facts_line_holds_the_same_facts_in_the_same_order_on_every_front_end() -> None:
    post = PaperPost(Card(PAPER))

    slack_section = slack_render(post).blocks[0]["text"]["text"]
    slack_facts = slack_section.split("\n")[1].replace("`", "").split(" · ")
    footer = discord_render(post).embeds[0].footer.text or ""
    discord_text = discord_render(post, embeds=False).content or ""
    console_facts = render_card(Card(PAPER), 1).split("\n")[1].strip()

    assert slack_facts == FACTS
    assert footer.split(" · ") == FACTS
    assert discord_text.split("\n")[1].replace("`", "").split(" · ") == FACTS
    assert console_facts.split(" · ") == FACTS


def test_the_paper_id_is_code_where_the_platform_has_code() -> None:
    post = PaperPost(Card(PAPER))

    assert slack_render(post).blocks[0]["text"]["text"].endswith(" · `2501.00001`")
    assert (
        (discord_render(post, embeds=False).content or "")
        .split("\n")[1]
        .endswith(" · `2501.00001`")
    )


async def test_a_code_span_is_code_on_slack_and_discord_and_the_words_to_type_on_the_console(
    bot: Bot, store: Store
) -> None:
    slack = slack_render(HINT).blocks[0]["text"]["text"]
    discord = discord_render(HINT).content
    out = io.StringIO()
    console = console_for(bot, store, stdin=io.StringIO(), stdout=out)
    await console.show(HINT)

    assert slack == "Try `search lora since:7d` or `help`."
    assert discord == "Try `search lora since:7d` or `help`."
    assert out.getvalue() == "Try search lora since:7d or help.\n"
