"""`foryou` through the Bot: what it learns from (saves, marks), what it leaves out, how
it says why there is nothing, and its pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.core.replies import ListKind, Notice, PageRef, PaperList, Reply
from paperboy.store import Store
from tests.conftest import NOW, store_bot
from tests.core.known_store import KNOWN_PAPERS, known_library
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


# Six papers of the last two days (NOW is 20 March 2025; the sample papers are all of
# the 13th) and an older copy of the first: what a span of days leaves out.
WINDOW = tuple(
    Paper(
        f"2503.1900{n}",
        f"Adapter study {n}",
        f"Low-rank adapters for fine-tuning language models, variant {n}: rank, "
        f"scaling and merging of adapter weights {'again ' * n}",
        featured=date(2025, 3, 19),
    )
    for n in range(1, 7)
)
OLD_COPY = replace(
    WINDOW[0], id="2503.01001", title="Adapter study, older", featured=date(2025, 3, 1)
)


async def test_a_span_of_days_ranks_only_the_papers_of_those_days(
    bot: Bot, library: Library
) -> None:
    await library.add_papers([*WINDOW, OLD_COPY], at=NOW)
    window = {paper.id for paper in WINDOW}
    await bot.handle(f"save {WINDOW[0].id}", ALICE)

    few = await bot.handle("foryou 2", ALICE)
    assert isinstance(few, PaperList)
    assert few.title.startswith("Like what you saved, from the last 2 days (1–5): ")
    assert set(ids(few)) == window - {WINDOW[0].id}
    assert few.more is None  # exactly a page: no further one
    for card in few.cards:
        assert card.because == "Adapter study 1"
        assert card.snippet  # the start of its abstract, nothing marked
        assert "".join(part for part, _ in card.snippet) in card.paper.abstract
    assert ids(await bot.handle("foryou all", ALICE))[0] == OLD_COPY.id  # the most like it

    for paper in WINDOW[1:3]:
        await bot.handle(f"save {paper.id}", ALICE)
    learned = await bot.handle("foryou 2", ALICE)
    assert isinstance(learned, PaperList)
    assert learned.title == "For you, from the last 2 days (1–3)"
    assert set(ids(learned)) == {paper.id for paper in WINDOW[3:]}
    assert learned.more is None

    for paper in WINDOW[3:]:
        await bot.handle(f"mark {paper.id}", ALICE)
    assert said(await bot.handle("foryou 2", ALICE)) == (
        "Nothing new for you from the last 2 days: you saved or marked every paper of it. "
        "`foryou all` looks further."
    )


async def test_with_every_paper_saved_or_marked_foryou_says_to_search(
    store: Store, clock: Callable[[], datetime]
) -> None:
    library = await known_library(store)
    bot = store_bot(store, library, clock)
    for n, paper in enumerate(KNOWN_PAPERS):
        await bot.handle(f"{'save' if n < 3 else 'mark'} {paper.id}", ALICE)

    assert said(await bot.handle("foryou all", ALICE)) == (
        "Nothing new for you from every paper: you saved or marked every paper of it. "
        "`search <words>` looks further."
    )


async def test_marked_papers_left_out_still_leave_a_full_page_and_a_next_one(bot: Bot) -> None:
    await bot.handle(f"save {LORA_SAVES[0]}", ALICE)
    first = ids(await bot.handle("foryou all", ALICE))
    for paper_id in first[:2]:
        await bot.handle(f"mark {paper_id}", ALICE)

    again = await bot.handle("foryou all", ALICE)
    assert isinstance(again, PaperList)
    assert ids(again)[:3] == first[2:]
    assert len(ids(again)) == 5
    assert again.more == PageRef(ListKind.FORYOU, "all", 5)


async def test_the_ranking_others_ask_for_starts_at_the_best(bot: Bot) -> None:
    """The weekly message and the CLI ask for the first papers without an offset."""
    await bot.handle(f"save {LORA_SAVES[0]}", ALICE)
    found = await bot.foryou.ranked(ALICE.user, None, limit=3)

    assert not isinstance(found, Notice)
    ranked, learned = found
    assert not learned
    assert [r.paper_id for r in ranked] == ids(await bot.handle("foryou all", ALICE))[:3]


async def test_a_span_without_papers_of_its_own_is_said_so(bot: Bot) -> None:
    await bot.handle(f"save {LORA_SAVES[0]}", ALICE)
    # The sample papers are of 13 March, eight days before NOW counting today.
    assert said(await bot.handle("foryou 7", ALICE)) == (
        "I have no papers from the last 7 days. `foryou all` ranks every paper I have."
    )
    assert isinstance(await bot.handle("foryou 8", ALICE), PaperList)


async def test_a_paper_as_like_two_saves_is_because_of_the_latest_saved(
    bot: Bot, library: Library
) -> None:
    abstract = WINDOW[0].abstract
    first = Paper("2503.19101", "Adapter notes", abstract, featured=date(2025, 3, 19))
    latest = Paper("2503.19102", "ADAPTER NOTES", abstract, featured=date(2025, 3, 19))
    await library.add_papers([first, latest, *WINDOW[1:]], at=NOW)
    await bot.handle(f"save {first.id}", ALICE)
    await bot.handle(f"save {latest.id}", ALICE)

    few = await bot.handle("foryou 2", ALICE)

    assert isinstance(few, PaperList)
    assert {card.because for card in few.cards} == {"ADAPTER NOTES"}
