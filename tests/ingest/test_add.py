"""`add`: every form of arXiv reference, through the real arXiv client and a loopback arXiv."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest

from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, Paper, UserRef
from paperboy.core.replies import Notice, PaperList
from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.http import RetryPolicy
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports
from tests.marked import marked
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import ArxivRecord
from tests.simulators.sources.servers import PaperSourceSimulator, status

ME = Context(
    UserRef("console", "local", "me"), ChannelRef("console", "local", "console"), can_post=True
)
LORA = ArxivRecord(
    paper_id="2106.09685",
    title="LoRA: Low-Rank Adaptation of Large\n   Language Models",
    summary="We propose Low-Rank Adaptation, or LoRA, which freezes the pretrained weights.",
    authors=("Edward J. Hu", "Yelong Shen"),
    version=2,
)
OLD_STYLE = ArxivRecord(paper_id="cs/0112017", title="An old paper", summary="From 2001.")


@pytest.fixture
async def bot(
    store: Store, clock: Callable[[], datetime], sample_papers: list[Paper]
) -> AsyncIterator[tuple[Bot, PaperSourceSimulator]]:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(sample_papers, at=clock())
    async with PaperSourceSimulator() as sim:
        sim.arxiv.add(LORA, OLD_STYLE)
        client = ArxivClient(
            sim.arxiv_url,
            min_interval=0.0,
            retry=RetryPolicy(attempts=2, base_delay=0.0, max_delay=0.0),
            timing=FakeClock().timing(),
        )
        async with client:
            yield (
                Bot(
                    **library_ports(library),
                    reading_lists=store.reading_lists,
                    marks=store.marks,
                    posts=store.posts,
                    clock=clock,
                    fetcher=client,
                    options=bot_options_for_tests(),
                ),
                sim,
            )


@pytest.mark.parametrize(
    "ref",
    [
        "2106.09685",
        "2106.09685v2",
        "arXiv:2106.09685",
        "https://arxiv.org/abs/2106.09685",
        "https://arxiv.org/pdf/2106.09685v1",
        "https://arxiv.org/pdf/2106.09685.pdf",
        "https://huggingface.co/papers/2106.09685",
    ],
)
async def test_add_accepts_every_reference_form(
    bot: tuple[Bot, PaperSourceSimulator], ref: str
) -> None:
    the_bot, _ = bot
    reply = await the_bot.handle(f"add {ref}", ME)
    assert isinstance(reply, Notice)
    assert marked(reply.text).startswith(
        "Added “LoRA: Low-Rank Adaptation of Large Language Models”"
    )
    found = await the_bot.handle("search low-rank adaptation", ME)
    assert isinstance(found, PaperList)
    assert found.cards[0].paper.authors == ("Edward J. Hu", "Yelong Shen")


async def test_add_takes_old_style_ids(bot: tuple[Bot, PaperSourceSimulator]) -> None:
    the_bot, _ = bot
    reply = await the_bot.handle("add https://arxiv.org/abs/cs/0112017", ME)
    assert isinstance(reply, Notice)
    assert "cs/0112017" in marked(reply.text)


async def test_an_unknown_or_malformed_paper_is_no_such_paper(
    bot: tuple[Bot, PaperSourceSimulator],
) -> None:
    the_bot, sim = bot
    sim.arxiv.error_for("2401.99999", "incorrect id format for 2401.99999")
    for ref in ("2401.99999", "2401.00001"):
        reply = await the_bot.handle(f"add {ref}", ME)
        assert isinstance(reply, Notice)
        assert marked(reply.text) == f"arXiv has no paper {ref}."


async def test_arxiv_down_gets_a_one_line_try_again_later(
    bot: tuple[Bot, PaperSourceSimulator], store: Store
) -> None:
    the_bot, sim = bot
    sim.arxiv.fail_always(status(503))
    reply = await the_bot.handle("add 2106.09685", ME)
    assert isinstance(reply, Notice)
    assert marked(reply.text) == "arXiv did not answer, try again later."
    assert await store.papers.get("2106.09685") is None
