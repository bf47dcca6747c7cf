"""`foryou` through the Bot: what it learns from (saves, marks), what it leaves out, how
it says why there is nothing, and its pages."""

from __future__ import annotations

from paperboy.core.bot import Bot
from paperboy.core.replies import ListKind, Notice, PageRef, PaperList, Reply
from tests.marked import marked
from tests.people import ALICE, BOB

LORA_SAVES = ("2501.17635", "2412.06071", "2406.01563")
MARKED = "2402.15061"  # Fine-tuning LLMs for domain-specific machine translation
UNRELATED = "2503.00003"  # "Diffusion Models Without Tears"


def ids(reply: Reply) -> list[str]:
    assert isinstance(reply, PaperList), reply
    return [card.paper.id for card in reply.cards]


def said(reply: Reply) -> str:
    assert isinstance(reply, Notice), reply
    return marked(reply.text)


async def test_with_an_empty_reading_list_foryou_says_how_to_start(bot: Bot) -> None:
    assert said(await bot.handle("foryou", ALICE)) == (
        "I learn what to suggest from your reading list, and it is empty. React with 🔖 to "
        "papers you like, or `save <id>`; with 3 or more, `foryou` ranks new papers for you."
    )


async def test_with_few_saves_foryou_shows_papers_like_them_and_says_so(bot: Bot) -> None:
    await bot.handle(f"save {LORA_SAVES[0]}", ALICE)
    few = await bot.handle("foryou all", ALICE)
    assert isinstance(few, PaperList)
    assert few.kind is ListKind.FORYOU
    assert few.title == (
        "Like what you saved, from every paper (1–5): save 3 or more papers and I will "
        "rank them by what your whole list has in common"
    )
    shown = ids(few)
    assert len(shown) == 5
    assert LORA_SAVES[0] not in shown
    assert UNRELATED not in shown
    assert {card.because for card in few.cards} == {"In-Context Meta LoRA Generation"}
    assert few.more == PageRef(ListKind.FORYOU, "all", 5)
    following = await bot.page(few.more, ALICE)
    assert isinstance(following, PaperList)
    assert following.title.startswith("Like what you saved, from every paper (6–10): ")
    assert not set(ids(following)) & {*shown, LORA_SAVES[0]}
    # Bob has saved nothing: his answer is his own.
    assert "it is empty" in said(await bot.handle("foryou all", BOB))


async def test_with_enough_saves_foryou_is_learned_and_leaves_saved_and_marked_out(
    bot: Bot,
) -> None:
    for paper_id in LORA_SAVES:
        await bot.handle(f"save {paper_id}", ALICE)
    await bot.handle(f"mark {MARKED}", ALICE)
    week = await bot.handle("foryou 8", ALICE)
    assert isinstance(week, PaperList)
    assert week.title == "For you, from the last 8 days (1–5)"
    shown = ids(week)
    assert len(shown) == 5
    assert set(shown).isdisjoint({*LORA_SAVES, MARKED})
    assert UNRELATED not in shown
    assert all(card.because for card in week.cards)  # each names the save it is like
    assert week.more == PageRef(ListKind.FORYOU, "8", 5)
    second = await bot.page(week.more, ALICE)
    assert isinstance(second, PaperList)
    assert second.title == "For you, from the last 8 days (6–10)"
    assert set(ids(second)).isdisjoint({*shown, *LORA_SAVES, MARKED})
    unmarked = await bot.handle(f"unmark {MARKED}", ALICE)
    again = ids(await bot.handle("foryou 8", ALICE)) + ids(await bot.page(week.more, ALICE))
    assert MARKED in again
    assert not unmarked.error  # type: ignore[union-attr]


async def test_foryou_says_when_there_is_nothing_in_the_span_or_past_the_last_page(
    bot: Bot,
) -> None:
    await bot.handle(f"save {LORA_SAVES[0]}", ALICE)
    assert said(await bot.handle("foryou 1", ALICE)) == (
        "I have no papers from today. `foryou all` ranks every paper I have."
    )
    assert said(await bot.handle("foryou 2", ALICE)) == (
        "I have no papers from the last 2 days. `foryou all` ranks every paper I have."
    )
    past = await bot.page(PageRef(ListKind.FORYOU, "all", 10_000), ALICE)
    assert said(past) == "No more papers for you from every paper."


async def test_with_few_saves_a_marked_paper_is_left_out_over_any_span(bot: Bot) -> None:
    await bot.handle(f"save {LORA_SAVES[0]}", ALICE)
    assert MARKED in ids(await bot.handle("foryou all", ALICE))  # among the most like it
    await bot.handle(f"mark {MARKED}", ALICE)
    for span in ("all", "8"):
        shown = ids(await bot.handle(f"foryou {span}", ALICE))
        assert len(shown) == 5
        assert MARKED not in shown
        assert LORA_SAVES[0] not in shown
