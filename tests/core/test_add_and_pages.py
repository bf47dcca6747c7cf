"""`add` answered word for word (what was added, what is known already, arXiv down or
not set up), and the "More" buttons: a forged negative offset starts at the top, a
forged trending page keeps to a day, and each page is asked for the person who pressed."""

from __future__ import annotations

from paperboy.core.bot import Bot
from paperboy.core.models import Paper
from paperboy.core.replies import ListKind, Notice, PageRef, PaperList, Reply
from tests.core.test_bot import FakeArxiv
from tests.marked import marked
from tests.people import ALICE, BOB

LORA = "2308.10462"
LORA_TITLE = "“Exploring Parameter-Efficient Fine-Tuning Techniques for Code Generation with L…”"


async def answer(bot: Bot, line: str) -> tuple[str, bool]:
    reply = await bot.handle(line, ALICE)
    assert isinstance(reply, Notice), reply
    return marked(reply.text), reply.error


def ids(reply: Reply) -> list[str]:
    assert isinstance(reply, PaperList), reply
    return [card.paper.id for card in reply.cards]


async def test_add_answers_word_for_word(bot: Bot) -> None:
    assert await answer(bot, "add 2106.09685") == (
        "Adding papers from arXiv is not set up on this bot.",
        True,
    )
    assert await answer(bot, f"add {LORA}") == (
        f"I already have {LORA_TITLE}. `show {LORA}` shows it.",
        False,
    )
    lora = Paper(id="2106.09685", title="LoRA: Low-Rank Adaptation", abstract="Low-rank.")
    bot.fetcher = FakeArxiv({lora.id: lora})
    assert await answer(bot, "add arXiv:2106.09685v2") == (
        "Added “LoRA: Low-Rank Adaptation” (2106.09685). `show 2106.09685` shows it.",
        False,
    )
    assert await answer(bot, "add 2401.99999") == ("arXiv has no paper 2401.99999.", True)
    bot.fetcher = FakeArxiv({}, down=True)
    assert await answer(bot, "add 2401.99998") == ("arXiv did not answer, try again later.", True)


async def test_a_forged_negative_offset_starts_at_the_first_page(bot: Bot) -> None:
    first = await bot.handle("search language models", ALICE)
    forged = await bot.page(PageRef(ListKind.SEARCH, "language models", -5), ALICE)
    assert ids(forged) == ids(first)
    assert isinstance(forged, PaperList)
    assert forged.title.endswith("(1–5)")
    similar = await bot.page(PageRef(ListKind.SIMILAR, LORA, -1), ALICE)
    assert ids(similar) == ids(await bot.handle(f"similar {LORA}", ALICE))


async def test_a_trending_page_with_a_forged_day_count_is_one_days(bot: Bot) -> None:
    forged = await bot.page(PageRef(ListKind.TRENDING, "lots", 0), ALICE)
    assert forged == await bot.handle("trending", ALICE)
    capped = await bot.page(PageRef(ListKind.TRENDING, "99999", 0), ALICE)
    assert capped == await bot.handle("trending 365", ALICE)


async def test_a_saved_page_is_the_pressers_own_list(bot: Bot) -> None:
    await bot.handle(f"save {LORA}", ALICE)
    assert ids(await bot.page(PageRef(ListKind.SAVED, "", 0), ALICE)) == [LORA]
    bobs = await bot.page(PageRef(ListKind.SAVED, "", 0), BOB)
    assert isinstance(bobs, Notice)
    assert marked(bobs.text).startswith("Your reading list is empty.")
