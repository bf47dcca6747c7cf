"""A reading list as its owner reads it: every answer word for word, pages that count
right, and the autocomplete that finds a saved paper by any part of its id or title."""

from __future__ import annotations

from paperboy.core.bot import Bot
from paperboy.core.replies import (
    CardAction,
    FileReply,
    ListKind,
    Notice,
    PageRef,
    PaperList,
    Reply,
    list_actions,
)
from tests.marked import marked
from tests.people import ALICE, BOB

LORA = "2308.10462"
LORA_TITLE = "“Exploring Parameter-Efficient Fine-Tuning Techniques for Code Generation with L…”"
GPT3 = "2005.14165"
# Seven sample papers, saved in this order (the list shows the newest first).
SEVEN = (LORA, GPT3, "2312.15918", "2407.06204", "2104.08027", "2407.12874", "2307.06435")


async def said(bot: Bot, line: str) -> tuple[str, bool]:
    """What `line` gets from the bot, as a notice: its text and whether it is an error."""
    reply = await bot.handle(line, ALICE)
    assert isinstance(reply, Notice), reply
    return marked(reply.text), reply.error


def listed(reply: Reply) -> tuple[str, list[str], PageRef | None]:
    assert isinstance(reply, PaperList), reply
    assert reply.ephemeral
    return reply.title, [card.paper.id for card in reply.cards], reply.more


async def test_each_answer_about_the_list_word_for_word(bot: Bot) -> None:
    assert await said(bot, "saved") == (
        "Your reading list is empty. React with 🔖 to a paper I post, or `save <id>`, to add one.",
        False,
    )
    assert await said(bot, "export") == (
        "Your reading list is empty, so there is nothing to export.",
        False,
    )
    assert await said(bot, f"save {LORA}") == (f"Saved {LORA_TITLE} to your reading list.", False)
    assert await said(bot, f"save {LORA}") == (
        f"{LORA_TITLE} is already on your reading list.",
        False,
    )
    assert listed(await bot.handle("saved", ALICE)) == (
        "Your reading list: 1 paper (1–1)",
        [LORA],
        None,
    )
    assert await said(bot, f"read {LORA}") == (f"Marked {LORA_TITLE} as read.", False)
    assert await said(bot, f"read {LORA}") == (f"{LORA} is already marked read.", False)
    assert await said(bot, f"read {GPT3}") == (
        f"{GPT3} is not on your reading list; `save {GPT3}` adds it.",
        True,
    )
    assert await said(bot, "read 2401.99999") == (
        "I don't have 2401.99999. `add 2401.99999` fetches it from arXiv.",
        True,
    )
    assert await said(bot, "read team-7") == (
        "I don't have a paper `team-7`, and it is not an arXiv id."
        " `search` finds papers by their words.",
        True,
    )
    assert await said(bot, f"unsave {LORA}") == (
        f"Removed {LORA_TITLE} from your reading list.",
        False,
    )
    assert await said(bot, f"unsave {LORA}") == (f"{LORA} is not on your reading list.", True)


async def test_the_export_names_how_many_papers_it_holds(bot: Bot) -> None:
    await bot.handle(f"save {LORA}", ALICE)
    one = await bot.handle("export", ALICE)
    assert isinstance(one, FileReply)
    assert (one.filename, one.mime_type, one.comment) == (
        "reading-list.bib",
        "application/x-bibtex",
        "Your reading list as BibTeX (1 paper).",
    )
    assert one.content.decode().count("@") == 1
    await bot.handle(f"save {GPT3}", ALICE)
    two = await bot.handle("export", ALICE)
    assert isinstance(two, FileReply)
    assert two.comment == "Your reading list as BibTeX (2 papers)."
    assert two.content.decode().count("@") == 2


async def test_a_long_list_comes_in_pages_that_count_from_where_they_start(bot: Bot) -> None:
    for paper_id in SEVEN:
        await bot.handle(f"save {paper_id}", ALICE)
    newest_first = list(reversed(SEVEN))

    title, first, more = listed(await bot.handle("saved", ALICE))
    assert (title, first) == ("Your reading list: 7 papers (1–5)", newest_first[:5])
    assert more == PageRef(ListKind.SAVED, "", 5)

    title, rest, more = listed(await bot.page(more, ALICE))
    assert (title, rest, more) == ("Your reading list: 7 papers (6–7)", newest_first[5:], None)

    assert await bot.page(PageRef(ListKind.SAVED, "", 10), ALICE) == Notice(
        "That is the whole reading list."
    )
    assert marked((await bot.handle("saved", BOB)).text).startswith(  # type: ignore[union-attr]
        "Your reading list is empty."
    )


async def test_a_list_of_exactly_one_page_has_no_more(bot: Bot) -> None:
    for paper_id in SEVEN[:5]:
        await bot.handle(f"save {paper_id}", ALICE)
    title, cards, more = listed(await bot.handle("saved", ALICE))
    assert (title, len(cards), more) == ("Your reading list: 5 papers (1–5)", 5, None)


async def test_autocomplete_finds_saved_papers_by_any_part_of_id_or_title(bot: Bot) -> None:
    for paper_id in (LORA, GPT3, "2312.15918"):
        await bot.handle(f"save {paper_id}", ALICE)
    by_title = await bot.saved_matching(ALICE.user, "  LEARNERS ")
    assert [paper_id for paper_id, _ in by_title] == ["2312.15918", GPT3]
    assert by_title[1] == (GPT3, "Language Models are Few-Shot Learners")
    assert [paper_id for paper_id, _ in await bot.saved_matching(ALICE.user, "10462")] == [LORA]
    assert await bot.saved_matching(BOB.user, "2005") == []


async def test_similar_papers_come_in_pages_and_end_with_a_sentence(bot: Bot) -> None:
    title, first, more = listed(await bot.handle(f"similar {LORA}", ALICE))
    assert title == f"Papers like {LORA_TITLE} (1–5)"
    assert more == PageRef(ListKind.SIMILAR, LORA, 5)
    title, second, more = listed(await bot.page(more, ALICE))
    assert title == f"Papers like {LORA_TITLE} (6–10)"
    assert len(second) == 5
    assert not set(first) & set(second)
    assert LORA not in first + second
    assert more == PageRef(ListKind.SIMILAR, LORA, 10)
    assert await bot.page(PageRef(ListKind.SIMILAR, LORA, 500), ALICE) == Notice(
        f"No papers like {LORA_TITLE} yet."
    )


async def test_searching_past_the_last_page_says_so_without_an_error(bot: Bot) -> None:
    last = await bot.page(PageRef(ListKind.SEARCH, "language models", 500), ALICE)
    assert last == Notice("No more papers for “language models”.")
    assert await said(bot, "search zzzqqq") == (
        "No papers match “zzzqqq”. Try fewer or broader words.",
        True,
    )


async def test_a_lists_buttons_are_those_its_cards_have_in_one_order(bot: Bot) -> None:
    """Discord lays one row of buttons under a list: Mark read only while one is unread."""
    for paper_id in ("2308.10462", "2005.14165"):
        await bot.handle(f"save {paper_id}", ALICE)
    await bot.handle("read 2308.10462", ALICE)
    reading = await bot.handle("saved", ALICE)
    assert isinstance(reading, PaperList)
    assert list_actions(reading.cards) == (
        CardAction.READ,
        CardAction.UNSAVE,
        CardAction.SIMILAR,
    )
    read_only = [card for card in reading.cards if card.status == "read"]
    assert list_actions(read_only) == (CardAction.UNSAVE, CardAction.SIMILAR)
    found = await bot.handle("search language models", ALICE)
    assert isinstance(found, PaperList)
    assert list_actions(found.cards) == (CardAction.SAVE, CardAction.SIMILAR, CardAction.MARK)
