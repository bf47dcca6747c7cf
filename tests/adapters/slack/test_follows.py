"""`follow` on Slack, end to end: the bot running on the Slack simulator, a Daily Papers
ingest in process against the loopback source, and the follow's message arriving (or
not) by direct message or in the channel. The messages go out from the papers new to
the index (`Workspace.follows_sent` waits for them), as for another process's ingest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from paperboy.app import (
    build_publisher,
    follow_alerts,
    following_the_store,
    open_library,
    slack_poster,
)
from paperboy.config import Settings
from paperboy.core.follow_alerts import FollowAlerts
from paperboy.core.models import Paper, UserRef
from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.ingest import IngestService
from tests.adapters.slack.conftest import (
    CHANNEL,
    HUMAN,
    TEAM,
    Workspace,
    running_workspace,
    slack_settings,
)
from tests.conftest import NOW
from tests.simulators.slack import SlackSimulator
from tests.simulators.sources.clock import FakeClock
from tests.simulators.sources.fixtures import ArxivRecord, hf_item
from tests.simulators.sources.servers import PaperSourceSimulator

PERSON = UserRef("slack", TEAM, HUMAN)
MONDAY, TUESDAY = NOW.date() - timedelta(days=3), NOW.date() - timedelta(days=2)

# Nothing any follow below wants: a LeCun with another given name, a passing mention.
OTHER = [
    hf_item(
        paper_id="2503.10003",
        title="Diffusion Transformers for Long Video Generation",
        summary="We generate long videos with diffusion transformers. Unlike a mixture of "
        "experts, every layer here is dense; the model denoises frames jointly.",
        featured=MONDAY,
        authors=("Jean LeCun", "Ada Lovelace"),
    )
]
# What they want: a paper by Yann LeCun, and one about mixture-of-experts routing.
WANTED = [
    hf_item(
        paper_id="2503.10001",
        title="Joint-Embedding Predictive Architectures Learn World Models",
        summary="Self-supervised joint-embedding predictive architectures learn world "
        "models from video without pixel reconstruction.",
        featured=TUESDAY,
        authors=("Yann LeCun", "Grace Hopper"),
    ),
    hf_item(
        paper_id="2503.10002",
        title="Sparse Mixture of Experts with Learned Expert Routing",
        summary="A sparse mixture of experts routes each token to two experts; learned "
        "routing balances the experts' load and scales the mixture to many experts.",
        featured=TUESDAY,
        authors=("Linus Torvalds",),
    ),
]


def dms(workspace: Workspace, user: str = HUMAN) -> list[str]:
    return [m.text for m in workspace.slack.messages(workspace.slack.direct_channel_id(user))]


@asynccontextmanager
async def with_ingest(
    slack: SlackSimulator, settings: Settings, sources: PaperSourceSimulator
) -> AsyncIterator[tuple[Workspace, IngestService, FollowAlerts]]:
    """The running workspace and an ingest into its library, as `paperboy run` has; and
    the follows' sender, to hand papers to directly."""
    async with running_workspace(slack, settings) as workspace:
        client = HuggingFaceClient(
            sources.huggingface_url,
            retry=RetryPolicy(attempts=1, base_delay=0.0, max_delay=0.0),
            timing=FakeClock().timing(),
        )
        alerts = follow_alerts(workspace.core, workspace.publisher)
        async with client:
            yield (
                workspace,
                IngestService(
                    source=client,
                    library=workspace.core.library,
                    ingest_log=workspace.core.store.ingest_log,
                    clock=workspace.core.clock,
                ),
                alerts,
            )


async def test_a_follow_dm_comes_after_an_ingest_with_a_match_once_and_not_after_one_without(
    slack: SlackSimulator, settings: Settings, sources: PaperSourceSimulator
) -> None:
    sources.huggingface.set_day(MONDAY, OTHER)
    sources.huggingface.set_day(TUESDAY, WANTED)
    async with with_ingest(slack, settings, sources) as (workspace, ingest, alerts):
        answer = await workspace.answer('follow author:"Y. Lecún"')
        assert answer.visible_to == HUMAN
        assert "Following author" in answer.text
        assert "direct message" in answer.text
        await workspace.answer("follow mixture of experts")
        # The person's own words again and a near spelling of the same author: a follow
        # each, and still one message listing a paper once.
        await workspace.answer("follow author:yann lecun")

        monday = await ingest.ingest_day(MONDAY)
        await workspace.follows_sent()
        assert monday.new_ids == ("2503.10003",)
        assert dms(workspace) == []  # only papers nobody follows

        await ingest.ingest_day(TUESDAY)
        await workspace.follows_sent()
        [message] = dms(workspace)
        assert message.startswith("2 new papers for what you follow")
        assert message.count("(2503.10001)") == 1
        assert "2503.10002" in message
        assert "2503.10003" not in message

        # Tuesday again (its upvotes), and the same papers announced again (another
        # ingest that brought them): nothing is sent twice.
        await ingest.ingest_day(TUESDAY)
        await workspace.follows_sent()
        await alerts.new_papers(["2503.10001", "2503.10002"])
        assert len(dms(workspace)) == 1


async def test_a_manager_sets_a_follow_that_posts_in_the_channel_a_member_is_refused(
    slack: SlackSimulator, tmp_path: Path, sources: PaperSourceSimulator
) -> None:
    settings = slack_settings(slack, tmp_path, digest_managers="admins")
    slack.add_user("U0ADMIN", name="grace", is_admin=True)
    sources.huggingface.set_day(TUESDAY, WANTED)
    async with with_ingest(slack, settings, sources) as (workspace, ingest, _):
        refused = await workspace.answer('follow here author:"Grace Hopper"')
        assert "Only people who can manage this channel" in refused.text
        assert await workspace.core.store.follows.of(PERSON) == []

        answer = await workspace.answer('follow here author:"G. Hopper"', user_id="U0ADMIN")
        assert answer.visible_to is None  # the channel is told
        assert "in this channel" in answer.text
        before = len(slack.messages(CHANNEL))

        await ingest.ingest_day(TUESDAY)
        await workspace.follows_sent()
        posted = slack.messages(CHANNEL)[before:]
        assert [m.via for m in posted] == ["chat.postMessage"]
        assert "2503.10001" in posted[0].text
        assert "2503.10002" not in posted[0].text
        assert dms(workspace, "U0ADMIN") == []


async def test_following_lists_unfollow_stops_and_bad_input_changes_nothing(
    slack: SlackSimulator, settings: Settings, sources: PaperSourceSimulator
) -> None:
    sources.huggingface.set_day(TUESDAY, WANTED)
    async with with_ingest(slack, settings, sources) as (workspace, ingest, _):
        assert "You follow nothing yet" in (await workspace.answer("following")).text
        await workspace.answer('follow author:"Yann LeCun"')
        await workspace.answer("follow mixture of experts")
        listed = (await workspace.answer("following")).text
        assert "1. author _Yann LeCun_" in listed
        assert "2. words _mixture of experts_" in listed

        for hostile in ("unfollow 99", "unfollow banana", "unfollow -1", "unfollow", "follow"):
            refused = await workspace.answer(hostile)
            assert refused.visible_to == HUMAN, hostile
            assert "Traceback" not in refused.text
        assert "numbered 1 to 2" in (await workspace.answer("unfollow 99")).text
        assert "the limit is 200" in (await workspace.answer("follow " + "word " * 60)).text
        assert "can be searched" in (await workspace.answer("follow the of and")).text
        assert len(await workspace.core.store.follows.of(PERSON)) == 2

        assert "no longer follow words" in (await workspace.answer("unfollow 2")).text
        assert "2." not in (await workspace.answer("following")).text

        await ingest.ingest_day(TUESDAY)
        await workspace.follows_sent()
        [message] = dms(workspace)
        assert "2503.10001" in message
        assert "2503.10002" not in message


async def test_a_person_has_at_most_20_follows(
    slack: SlackSimulator, settings: Settings, sources: PaperSourceSimulator
) -> None:
    async with with_ingest(slack, settings, sources) as (workspace, _, _):
        store = workspace.core.store.follows
        for n in range(20):
            await store.add(PERSON, "words", f"topic{n}", at=NOW)
        refused = await workspace.answer("follow graph neural networks")
        assert "20 authors and topics already" in refused.text
        assert len(await store.of(PERSON)) == 20


async def test_a_paper_someone_adds_goes_to_the_follows_it_matches(
    slack: SlackSimulator, settings: Settings, sources: PaperSourceSimulator
) -> None:
    sources.arxiv.add(
        ArxivRecord(
            paper_id="2106.09685",
            title="LoRA: Low-Rank Adaptation of Large Language Models",
            summary="We freeze the weights and train low-rank matrices.",
            authors=("Edward J. Hu", "Yelong Shen"),
        )
    )
    fetcher = ArxivClient(sources.arxiv_url, min_interval=0.0, retry=RetryPolicy(attempts=1))
    slack.add_user("U0FAN", name="fan")
    async with fetcher, running_workspace(slack, settings, fetcher=fetcher) as workspace:
        await workspace.answer('follow author:"Edward Hu"', user_id="U0FAN")
        added = await workspace.answer("add 2106.09685")
        await workspace.follows_sent()
        assert added.text.startswith("Added")
        [message] = dms(workspace, "U0FAN")
        assert message.startswith("1 new paper for what you follow")
        assert "2106.09685" in message
        assert dms(workspace) == []  # the person who added it follows nothing


async def test_a_catch_up_of_several_days_sends_one_message_listing_every_match(
    slack: SlackSimulator, settings: Settings, sources: PaperSourceSimulator
) -> None:
    by_lecun_on_monday = hf_item(
        paper_id="2503.10004",
        title="Hierarchical Planning with Latent World Models",
        summary="A hierarchy of latent world models plans over long horizons.",
        featured=MONDAY,
        authors=("Y. LeCun",),
    )
    sources.huggingface.set_day(MONDAY, [*OTHER, by_lecun_on_monday])
    sources.huggingface.set_day(TUESDAY, WANTED)
    async with with_ingest(slack, settings, sources) as (workspace, ingest, _):
        await workspace.answer('follow author:"Yann LeCun"')
        results = await ingest.catch_up()
        await workspace.follows_sent()
        assert {r.day for r in results if r.new_ids} == {MONDAY, TUESDAY}
        [message] = dms(workspace)
        assert message.startswith("2 new papers for what you follow")
        assert "(2503.10004)" in message
        assert "(2503.10001)" in message


async def test_a_flood_of_matches_is_one_message_that_lists_8_and_counts_the_rest(
    slack: SlackSimulator, settings: Settings, sources: PaperSourceSimulator
) -> None:
    flood = [
        hf_item(
            paper_id=f"2503.200{n:02d}",
            title=f"World Models, Part {n}: " + "a very long title " * 20,
            summary="Self-supervised world models.",
            featured=TUESDAY,
            authors=("Yann LeCun",),
        )
        for n in range(11)
    ]
    sources.huggingface.set_day(TUESDAY, flood)
    async with with_ingest(slack, settings, sources) as (workspace, ingest, alerts):
        await workspace.answer("follow author:LeCun")
        await ingest.ingest_day(TUESDAY)
        await workspace.follows_sent()
        [message] = dms(workspace)
        assert message.startswith("11 new papers for what you follow")
        assert "(2503.20007)" in message
        assert "(2503.20008)" not in message
        assert "… and 3 more" in message
        # The ones counted were claimed with the rest: never sent later.
        await alerts.new_papers(["2503.20010"])
        assert len(dms(workspace)) == 1


async def test_replicas_caught_up_with_the_same_new_paper_send_it_once(
    slack: SlackSimulator, settings: Settings
) -> None:
    """Two bots on one store (replicas) both take in a paper a third process stored, and
    both announce it at the same moment: the follow's message is sent once."""
    async with (
        running_workspace(slack, settings) as workspace,
        open_library(settings, clock=lambda: NOW) as replica,
    ):
        replica_publisher = build_publisher(replica, [slack_poster(settings)])
        async with following_the_store(replica, follows=follow_alerts(replica, replica_publisher)):
            await workspace.answer('follow author:"Yann LeCun"')
            by_lecun = Paper(
                "2503.10009",
                "Energy-Based Models Plan in Latent Space",
                "Planning with energy-based latent models.",
                ("Yann LeCun",),
            )
            await workspace.core.store.papers.upsert([by_lecun], at=NOW)  # another process
            await asyncio.gather(workspace.core.library.catch_up(), replica.library.catch_up())
            await asyncio.gather(workspace.follows_sent(), replica.library.arrivals.settled())
            [message] = dms(workspace)
            assert "(2503.10009)" in message
