"""Slack installations and OAuth states in paperboy's own database (migration 7), through
slack_sdk's async SQLAlchemy stores on the store's engine, on SQLite and PostgreSQL; and
forgetting a workspace deletes everything stored about it, never another's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.slack.installations import OAuthApp, SlackInstallations
from paperboy.core.models import ChannelRef, PostRef, UserRef
from paperboy.store.store import Store
from tests.conftest import NOW
from tests.store.test_store import PAPER

APP = OAuthApp(
    client_id="1111.2222",
    client_secret="secret",
    scopes=("commands",),
    authorization_url="http://127.0.0.1:1/oauth/v2/authorize",
)


def installations(store: Store) -> SlackInstallations:
    client = AsyncWebClient(base_url="http://127.0.0.1:1/api/")  # never called here
    return SlackInstallations(APP, engine=store.db.shared_engine(), client=client)


def installation(team_id: str, token: str, *, enterprise_id: str | None = None) -> Installation:
    return Installation(
        app_id="A0APP",
        enterprise_id=enterprise_id,
        team_id=team_id,
        user_id="U0INSTALLER",
        bot_token=token,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        bot_scopes="commands",
        installed_at=datetime.now(UTC).timestamp(),
    )


async def test_an_installation_is_saved_found_by_its_workspace_and_deleted(store: Store) -> None:
    slack = installations(store)
    await slack.store.async_save(installation("T0B", "xoxb-b"))
    await slack.store.async_save(installation("T0C", "xoxb-c"))
    await slack.store.async_save(installation("T0G", "xoxb-g", enterprise_id="E0ORG"))

    found = await slack.store.async_find_installation(enterprise_id=None, team_id="T0B")
    bot = await slack.store.async_find_bot(enterprise_id=None, team_id="T0C")
    tokens = [await slack.bot_token(team) for team in ("T0B", "T0C", "T0G", "T0NONE")]
    await slack.forget(enterprise_id=None, team_id="T0B")

    assert found is not None
    assert found.bot_token == "xoxb-b"
    assert bot is not None
    assert bot.bot_token == "xoxb-c"
    assert tokens == ["xoxb-b", "xoxb-c", "xoxb-g", None]  # a Grid workspace by its team
    assert await slack.bot_token("T0B") is None
    assert await slack.store.async_find_bot(enterprise_id=None, team_id="T0B") is None
    assert await slack.bot_token("T0C") == "xoxb-c"


async def test_an_oauth_state_is_consumed_once(store: Store) -> None:
    slack = installations(store)
    state = await slack.states.async_issue()

    assert await slack.states.async_consume(state) is True
    assert await slack.states.async_consume(state) is False
    assert await slack.states.async_consume("never-issued") is False


async def test_forgetting_a_workspace_deletes_its_rows_and_no_other_workspaces(
    store: Store,
) -> None:
    await store.papers.upsert([PAPER], at=NOW)
    for team in ("T0B", "T0C"):
        channel = ChannelRef("slack", team, "C0SAME")
        await store.reading_lists.save(UserRef("slack", team, "U0SAME"), PAPER.id, at=NOW)
        await store.posts.record(PostRef(channel, "1.0"), PAPER.id, at=NOW)
        await store.marks.mark(UserRef("slack", team, "U0SAME"), PAPER.id, at=NOW)
    discord = UserRef("discord", "T0B", "U0SAME")  # the same ids on another platform
    await store.reading_lists.save(discord, PAPER.id, at=NOW + timedelta(seconds=1))

    deleted = await store.workspaces.forget("slack", "T0B")

    assert deleted["saved_papers"] == 1
    assert deleted["posts"] == 1
    assert deleted["marked_papers"] == 1
    assert await store.marks.marked(UserRef("slack", "T0B", "U0SAME")) == []
    assert await store.marks.marked(UserRef("slack", "T0C", "U0SAME")) == [PAPER.id]
    assert await store.reading_lists.list(UserRef("slack", "T0B", "U0SAME"), limit=10) == []
    assert len(await store.reading_lists.list(UserRef("slack", "T0C", "U0SAME"), limit=10)) == 1
    assert len(await store.reading_lists.list(discord, limit=10)) == 1
    assert await store.posts.paper_for(PostRef(ChannelRef("slack", "T0B", "C0SAME"), "1.0")) is None
    assert (
        await store.posts.paper_for(PostRef(ChannelRef("slack", "T0C", "C0SAME"), "1.0"))
        == PAPER.id
    )
