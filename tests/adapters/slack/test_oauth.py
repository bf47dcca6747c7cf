"""OAuth distribution: one paperboy installed into several workspaces through /slack/install,
each request and each post made with its own workspace's token, uninstalling one forgets it.
Real slack-bolt, the simulator's OAuth server and workspaces, the store in a SQLite file."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from paperboy.adapters.slack.oauth import BOT_SCOPES, NOT_INSTALLED, ORG_WIDE_REFUSED
from paperboy.app import build_digests, build_publisher, open_library, slack_poster
from paperboy.app import installations as installation_counts
from paperboy.config import ConfigError, Secrets, Settings
from paperboy.core.models import ChannelRef, Context, UserRef
from paperboy.core.ports import PostFailed
from paperboy.core.replies import Notice
from paperboy.scheduler import DigestJobs, Scheduler, WeeklyTopJobs
from paperboy.store.workspaces import WORKSPACE_TABLES
from tests.adapters.slack.conftest import (
    FEATURED,
    HUMAN,
    Workspace,
    build_slack,
    fixed_clock,
    paper_ids,
    slack_settings,
)
from tests.conftest import NOW
from tests.simulators.slack import (
    HttpDelivery,
    ResponsePost,
    SlackSimulator,
    signed_command,
    signed_event,
)
from tests.specs import spec

ROOT = Path(__file__).parents[3]
B, C = "T0B", "T0C"  # two workspaces, each with a channel of the same id
CHANNEL = "C0SAME"


def oauth_settings(slack: SlackSimulator, tmp_path: Path) -> Settings:
    settings = slack_settings(
        slack,
        tmp_path,
        mode="http",
        http_path="/slack/events",
        client_id=slack.client_id,
        authorization_url=slack.authorize_url,
    )
    return Settings(
        store=settings.store,
        slack=settings.slack,
        chat=settings.chat,
        ops=settings.ops,
        secrets=Secrets(
            slack_signing_secret=slack.signing_secret, slack_client_secret=slack.client_secret
        ),
    )


@asynccontextmanager
async def distributed(slack: SlackSimulator, settings: Settings) -> AsyncIterator[Workspace]:
    async with open_library(settings, clock=fixed_clock()) as core:
        await core.library.add_papers(list(FEATURED), at=NOW - timedelta(hours=1))
        poster = slack_poster(settings, store=core.store)
        publisher = build_publisher(core, [poster])
        digests = build_digests(
            core,
            publisher,
            DigestJobs(Scheduler(), grace=timedelta(hours=3)),
            weekly_jobs=WeeklyTopJobs(Scheduler(), grace=timedelta(hours=3)),
        )
        adapter = build_slack(core, poster, publisher, digests)
        await adapter.start()
        try:
            yield Workspace(slack, adapter, core, digests, publisher, poster)
        finally:
            await adapter.aclose()


@pytest.fixture
async def slack() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator() as simulator:
        for team in (B, C):
            simulator.add_workspace(team_id=team, channels=(CHANNEL,))
        yield simulator


@pytest.fixture
async def bot(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[Workspace]:
    async with distributed(slack, oauth_settings(slack, tmp_path)) as running:
        yield running


def base_url(bot: Workspace) -> str:
    assert bot.adapter.http is not None
    return f"http://127.0.0.1:{bot.adapter.http.port}"


async def install(bot: Workspace, team: str, **kwargs: Any) -> None:
    walk = await bot.slack.install(f"{base_url(bot)}/slack/install", team_id=team, **kwargs)
    assert walk.status == 200, walk


async def command(bot: Workspace, team: str, text: str) -> tuple[HttpDelivery, str]:
    """`/papers text` typed in `team`: the bot's HTTP answer, and the response URL."""
    payload = bot.slack.payloads.command(text, team_id=team, channel_id=CHANNEL)
    request = signed_command(payload, signing_secret=bot.slack.signing_secret)
    delivery = await bot.slack.deliver_http(f"{base_url(bot)}/slack/events", request)
    return delivery, payload["response_url"]


async def answer(bot: Workspace, team: str, text: str) -> ResponsePost:
    delivery, response_url = await command(bot, team, text)
    assert delivery.status == 200
    return await bot.slack.next_response(response_url)


async def uninstall(bot: Workspace, team: str) -> None:
    """Remove the app from `team`; returns once paperboy has handled the event (bolt runs
    event listeners after acknowledging them)."""
    event = signed_event(bot.slack.uninstall(team), signing_secret=bot.slack.signing_secret)
    delivered = await bot.slack.deliver_http(f"{base_url(bot)}/slack/events", event)
    assert delivered.status == 200
    assert bot.adapter.handlers is not None
    await bot.adapter.handlers.drain(5.0)


async def rows_of(bot: Workspace, team: str) -> dict[str, int]:
    """Rows stored about the Slack workspace `team`, per table (tables with none left out)."""
    counts = {}
    for table in WORKSPACE_TABLES:
        query = select(func.count()).select_from(table)
        row = await bot.core.store.db.fetchone(
            query.where(table.c.platform == "slack", table.c.workspace == team)
        )
        if row is not None and row[0]:
            counts[table.name] = row[0]
    return counts


async def show(bot: Workspace, team: str) -> None:
    """`/papers show` in `team`: posted into its channel (not at the response URL)."""
    shown = len(posts_in(bot, team))
    await command(bot, team, "show 2407.06204")
    await bot.slack.wait_until(lambda: len(posts_in(bot, team)) > shown or None)


async def subscribe_and_run_digest(bot: Workspace, team: str) -> None:
    channel = ChannelRef("slack", team, CHANNEL)
    member = Context(UserRef("slack", team, HUMAN), channel, can_post=True, can_manage_channel=True)
    await bot.digests.subscribe(member, spec("09:00 UTC"))
    await bot.digests.run_for_day(channel, NOW.date())


def posts_in(bot: Workspace, team: str) -> list[Any]:
    return bot.slack.calls("chat.postMessage", team_id=team)


async def test_two_workspaces_installed_each_answered_and_posted_to_with_its_own_token(
    bot: Workspace,
) -> None:
    await install(bot, B)
    await install(bot, C)
    tokens = {team: bot.slack.bot_token_for(team) for team in (B, C)}

    searched = {team: await answer(bot, team, "search mixture of experts") for team in (B, C)}
    for team in (B, C):
        await show(bot, team)
        await subscribe_and_run_digest(bot, team)

    installs = {i.team_id: i for i in bot.slack.installs}
    assert set(installs[B].scope.split(",")) == set(BOT_SCOPES)  # exactly what it uses
    assert tokens[B] != tokens[C]
    for team in (B, C):
        assert searched[team].message is not None
        assert paper_ids(searched[team].message)[0] == "2407.06204"
        posted = posts_in(bot, team)
        assert len(posted) >= 1 + 1 + len(FEATURED)  # the show, a digest header and papers
        assert {call.token for call in posted} == {tokens[team]}
        texts = [m.text for m in bot.slack.messages(CHANNEL, team_id=team)]
        assert any("papers" in text for text in texts)  # the digest's header
    assert all(call.ok for call in bot.slack.calls("chat.postMessage"))


async def test_uninstalling_one_workspace_forgets_it_and_leaves_the_other_untouched(
    bot: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    for team in (B, C):
        await install(bot, team)
        await answer(bot, team, "save 2407.06204")
        await show(bot, team)
        await subscribe_and_run_digest(bot, team)
    store = bot.core.store
    installations = bot.poster.installations
    assert installations is not None
    before = {team: await rows_of(bot, team) for team in (B, C)}
    counted_before = await installation_counts([bot.adapter])  # the operator's metric

    with caplog.at_level(logging.INFO):
        await uninstall(bot, B)
    refused, response_url = await command(bot, B, "search mixture of experts")
    told = await bot.slack.next_response(response_url)

    assert await installations.bot_token(B) is None
    assert (counted_before, await installation_counts([bot.adapter])) == (
        {"slack": 2},
        {"slack": 1},
    )
    assert await store.subscriptions.get(ChannelRef("slack", B, CHANNEL)) is None
    assert await bot.saved_ids(team=B) == []
    assert await rows_of(bot, B) == {}
    assert any(
        "workspace T0B" in r.getMessage() and "deleted" in r.getMessage() for r in caplog.records
    )
    # The other workspace keeps everything, and is still served.
    assert await installations.bot_token(C) == bot.slack.bot_token_for(C)
    assert await store.subscriptions.get(ChannelRef("slack", C, CHANNEL)) is not None
    assert await bot.saved_ids(team=C) == ["2407.06204"]
    assert await rows_of(bot, C) == before[C]
    assert {"saved_papers", "posts", "subscriptions", "digest_runs"} <= set(before[B])
    assert (await answer(bot, C, "search mixture of experts")).message is not None
    # A command from the uninstalled workspace gets the clear answer, no traceback.
    assert refused.status == 200
    assert told.body["text"] == NOT_INSTALLED
    assert "Traceback" not in caplog.text


async def test_a_later_install_starts_clean(bot: Workspace) -> None:
    await install(bot, B)
    await answer(bot, B, "save 2407.06204")
    await uninstall(bot, B)

    await install(bot, B)

    assert await bot.saved_ids(team=B) == []
    saved = await answer(bot, B, "saved")
    assert saved.status == 200


async def test_a_post_into_a_workspace_without_an_installation_fails_for_good_with_a_log_line(
    bot: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), pytest.raises(PostFailed) as failed:
        await bot.poster.post(ChannelRef("slack", B, CHANNEL), Notice("hello"))

    assert failed.value.permanent
    assert "not installed" in str(failed.value)
    assert "workspace T0B has no installation" in caplog.text
    assert bot.slack.calls("chat.postMessage") == []


async def test_a_token_due_for_rotation_is_rotated_saved_and_then_used(bot: Workspace) -> None:
    bot.slack.enable_token_rotation(expires_in=60)  # inside the two-hour window: rotate now
    await install(bot, B)
    first = bot.slack.installs[0]
    installations = bot.poster.installations
    assert installations is not None

    await bot.poster.post(ChannelRef("slack", B, CHANNEL), Notice("hello"))

    refresh = bot.slack.calls("oauth.v2.access")[-1]
    assert refresh.body["grant_type"] == "refresh_token"
    rotated = refresh.response["access_token"]
    [posted] = posts_in(bot, B)
    assert posted.token == rotated != first.access_token
    saved = await installations.store.async_find_installation(enterprise_id=None, team_id=B)
    assert saved is not None
    assert saved.bot_token == rotated  # saved: the spent refresh token is not needed again
    assert saved.bot_refresh_token == refresh.response["refresh_token"]


async def test_an_org_wide_install_is_refused_with_a_clear_page(bot: Workspace) -> None:
    bot.slack.add_workspace(
        team_id="T0G1", enterprise_id="E0ORG", enterprise_name="Org", channels=("C0G1",)
    )

    walk = await bot.slack.install(
        f"{base_url(bot)}/slack/install", team_id="T0G1", org_install=True
    )

    assert walk.status == 403
    assert ORG_WIDE_REFUSED in walk.text
    installations = bot.poster.installations
    assert installations is not None
    assert await installations.bot_token("T0G1") is None


async def test_oauth_needs_http_mode_and_its_secret(slack: SlackSimulator, tmp_path: Path) -> None:
    settings = oauth_settings(slack, tmp_path)
    socket = Settings(
        slack=slack_settings(slack, tmp_path, client_id="1.2").slack, secrets=settings.secrets
    )
    no_secret = Settings(
        slack=settings.slack, secrets=Secrets(slack_signing_secret=slack.signing_secret)
    )

    with pytest.raises(ConfigError) as in_socket_mode:
        slack_poster(socket)
    with pytest.raises(ConfigError) as without_secret:
        slack_poster(no_secret)

    assert str(in_socket_mode.value) == (
        'slack.client_id: OAuth distribution needs slack.mode = "http"'
    )
    assert str(without_secret.value).startswith("SLACK_CLIENT_SECRET:")


def test_the_distribution_manifest_grants_the_scopes_and_rotates_tokens() -> None:
    socket = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    distributed = yaml.safe_load(
        (ROOT / "slack-manifest-distributed.yml").read_text(encoding="utf-8")
    )
    settings = distributed["settings"]

    assert set(socket["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert set(distributed["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert distributed["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert settings["socket_mode_enabled"] is False
    assert settings["token_rotation_enabled"] is True
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )
    [papers] = distributed["features"]["slash_commands"]
    assert papers["url"].endswith("/slack/events")
