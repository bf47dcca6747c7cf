"""Several workspaces, tokens per installation and OAuth v2, driven by the real slack_sdk/bolt.

The bolt app here is a tiny stand-in for these tests (slack_sdk's file stores), not the
product's OAuth setup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import FileInstallationStore
from slack_sdk.oauth.state_store import FileOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from tests.simulators.slack import SlackSimulator, signed_command, signed_event

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

SCOPES = ["commands", "chat:write"]


@pytest.fixture
async def slack() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator() as simulator:
        simulator.add_workspace(team_id="T0B", team_name="Team B", channels=("C0B1", "C0GENERAL"))
        simulator.add_workspace(team_id="T0C", team_name="Team C")
        yield simulator


def client_for(slack: SlackSimulator, token: str | None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=slack.api_url)


# workspaces and tokens


async def test_a_token_acts_in_its_own_workspace_only(slack: SlackSimulator) -> None:
    token_b = slack.issue_bot_token("T0B")
    slack.add_channel("C0ONLYA")

    await client_for(slack, slack.bot_token).chat_postMessage(channel="C0GENERAL", text="to A")
    await client_for(slack, token_b).chat_postMessage(channel="C0GENERAL", text="to B")
    with pytest.raises(SlackApiError) as foreign:
        await client_for(slack, token_b).chat_postMessage(channel="C0ONLYA", text="into A")
    who = await client_for(slack, token_b).auth_test()

    assert [m.text for m in slack.messages("C0GENERAL")] == ["to A"]
    assert [m.text for m in slack.messages("C0GENERAL", team_id="T0B")] == ["to B"]
    assert foreign.value.response["error"] == "channel_not_found"
    assert [c.body["text"] for c in slack.calls("chat.postMessage", team_id="T0B")] == [
        "to B", "into A"]  # both acted in B; the second found no such channel there
    assert (who["team_id"], who["user_id"], who["bot_id"]) == ("T0B", "UBT0B", "BBT0B")
    assert slack.bot_token_for("T0B") == token_b
    assert slack.bot_token_for("T0C") is None  # not installed


async def test_a_file_is_shared_in_the_workspace_of_the_token_that_uploaded_it(
        slack: SlackSimulator) -> None:
    token_b = slack.issue_bot_token("T0B")

    await client_for(slack, token_b).files_upload_v2(channel="C0B1", content="x",
                                                     filename="a.bib")
    with pytest.raises(SlackApiError) as foreign:
        await client_for(slack, slack.bot_token).files_upload_v2(channel="C0B1", content="x",
                                                                 filename="b.bib")

    assert [f.filename for f in slack.uploads(team_id="T0B")] == ["a.bib"]
    assert foreign.value.response["error"] == "channel_not_found"
    assert slack.uploads(team_id=slack.identity.team_id) == []


async def test_unknown_revoked_and_expired_tokens_are_refused(slack: SlackSimulator) -> None:
    token_b = slack.issue_bot_token("T0B")
    token_c = slack.issue_bot_token("T0C")
    slack.revoke_tokens("T0B")
    slack.expire_token(token_c)

    errors = []
    for token in ("xoxb-never-issued", token_b, token_c, slack.app_token):
        with pytest.raises(SlackApiError) as refused:
            await client_for(slack, token).chat_postMessage(channel="C0GENERAL", text="x")
        errors.append(refused.value.response["error"])

    assert errors == ["invalid_auth", "token_revoked", "token_expired", "not_allowed_token_type"]
    assert all(call.team_id is None for call in slack.calls("chat.postMessage"))
    assert slack.messages("C0GENERAL", team_id="T0B") == []


async def test_payloads_from_a_workspace_carry_its_team_channels_and_grid_org(
        slack: SlackSimulator) -> None:
    slack.add_workspace(team_id="T0G1", enterprise_id="E0ORG", enterprise_name="Org",
                        channels=("C0G1",))
    command = slack.payloads.command("help", team_id="T0B")
    grid = slack.payloads.command("help", team_id="T0G1")
    async with aiohttp.ClientSession() as http:
        await http.post(command["response_url"], json={"text": "answered"})
    message = slack.post_as_user("a paper", team_id="T0B")
    reaction = slack.payloads.reaction(message)
    uninstalled = slack.uninstall("T0B")

    assert (command["team_id"], command["channel_id"]) == ("T0B", "C0B1")
    answered = await slack.next_response(command["response_url"])
    assert answered.team_id == "T0B"
    assert [m.text for m in slack.ephemerals(team_id="T0B")] == ["answered"]
    assert (grid["enterprise_id"], grid["is_enterprise_install"]) == ("E0ORG", "false")
    assert (reaction["team_id"], reaction["event"]["item"]["channel"]) == ("T0B", "C0B1")
    assert uninstalled["event"]["type"] == "app_uninstalled"
    assert uninstalled["team_id"] == "T0B"
    assert slack.payloads.tokens_revoked(team_id="T0B")["event"]["tokens"]["bot"] == ["UBT0B"]


# OAuth v2 through a real bolt app


@pytest.fixture
async def install_app(slack: SlackSimulator, tmp_path: Path) -> AsyncIterator[str]:
    """A bolt app in HTTP mode with the OAuth flow; yields its base URL."""
    store = FileInstallationStore(base_dir=str(tmp_path / "installs"), client_id=slack.client_id)
    settings = AsyncOAuthSettings(
        client_id=slack.client_id, client_secret=slack.client_secret, scopes=SCOPES,
        installation_store=store, authorization_url=slack.authorize_url,
        state_store=FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path / "st")))
    # installation_store on the app too: then bolt's authorize (and its token rotator) use
    # this client, not a default one aimed at slack.com.
    app = AsyncApp(client=AsyncWebClient(base_url=slack.api_url),
                   signing_secret=slack.signing_secret, oauth_settings=settings,
                   installation_store=store)

    @app.command("/papers")
    async def papers(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.chat_postMessage(channel=command["channel_id"], text=command["text"])

    @app.event("app_uninstalled")
    async def uninstalled(body: dict[str, Any]) -> None:
        await store.async_delete_installation(enterprise_id=None, team_id=body["team_id"])

    runner = web.AppRunner(app.web_app(path="/slack/events"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def command_from(slack: SlackSimulator, app_url: str, team_id: str, text: str) -> int:
    payload = slack.payloads.command(text, team_id=team_id)
    request = signed_command(payload, signing_secret=slack.signing_secret)
    return (await slack.deliver_http(f"{app_url}/slack/events", request)).status


async def test_installing_into_two_workspaces_gives_each_its_own_token(
        slack: SlackSimulator, install_app: str) -> None:
    walk_b = await slack.install(f"{install_app}/slack/install", team_id="T0B")
    walk_c = await slack.install(f"{install_app}/slack/install", team_id="T0C", user_id="U0C")

    assert (walk_b.status, walk_c.status) == (200, 200)
    installs = {i.team_id: i for i in slack.installs}
    assert installs["T0B"].scope == "commands,chat:write"  # exactly what the app asked for
    assert installs["T0C"].user_id == "U0C"
    assert installs["T0B"].access_token != installs["T0C"].access_token
    assert await command_from(slack, install_app, "T0B", "hello B") == 200
    assert await command_from(slack, install_app, "T0C", "hello C") == 200
    posted_b = await slack.wait_for_call("chat.postMessage", where=lambda c: c.team_id == "T0B")
    posted_c = await slack.wait_for_call("chat.postMessage", where=lambda c: c.team_id == "T0C")
    assert posted_b.token == installs["T0B"].access_token
    assert posted_c.token == installs["T0C"].access_token
    assert [m.text for m in slack.messages("C0B1", team_id="T0B")] == ["hello B"]
    assert [m.text for m in slack.messages(team_id="T0C")] == ["hello C"]


async def test_a_code_is_exchanged_once_and_only_with_the_right_secret_and_redirect(
        slack: SlackSimulator) -> None:
    slack.allow_redirect_url("http://127.0.0.1:1/slack/oauth_redirect")
    client = AsyncWebClient(base_url=slack.api_url)
    http = aiohttp.ClientSession()

    async def code(redirect_uri: str | None = None) -> str:
        query = {"client_id": slack.client_id, "scope": "commands", "state": "s",
                 "sim_team": "T0B", **({"redirect_uri": redirect_uri} if redirect_uri else {})}
        async with http.get(slack.authorize_url, params=query, allow_redirects=False) as page:
            assert page.status == 302, await page.text()
            return page.headers["Location"].split("code=")[1].split("&")[0]

    async def error(**kwargs: Any) -> str:
        with pytest.raises(SlackApiError) as refused:
            await client.oauth_v2_access(**kwargs)
        return str(refused.value.response["error"])

    try:
        first = await code()
        answer = await client.oauth_v2_access(client_id=slack.client_id,
                                              client_secret=slack.client_secret, code=first)
        errors = [
            await error(client_id=slack.client_id, client_secret=slack.client_secret, code=first),
            await error(client_id=slack.client_id, client_secret="wrong", code=await code()),
            await error(client_id="9.9", client_secret=slack.client_secret, code=await code()),
            await error(client_id=slack.client_id, client_secret=slack.client_secret,
                        code=await code("http://127.0.0.1:1/slack/oauth_redirect"),
                        redirect_uri="http://127.0.0.1:1/elsewhere"),
        ]
        async with http.get(slack.authorize_url, allow_redirects=False, params={
                "client_id": slack.client_id, "redirect_uri": "http://evil.test/cb"}) as bad:
            bad_redirect = (bad.status, await bad.text())
    finally:
        await http.close()

    assert answer["team"] == {"id": "T0B", "name": "Team B"}
    assert (answer["token_type"], answer["bot_user_id"]) == ("bot", "UBT0B")
    assert answer["enterprise"] is None
    assert "refresh_token" not in answer.data  # rotation off
    assert errors == ["invalid_code", "bad_client_secret", "invalid_client_id",
                      "bad_redirect_uri"]
    assert bad_redirect == (400, "bad_redirect_uri")


async def test_a_wrong_client_secret_ends_the_install_on_bolts_failure_page(
        slack: SlackSimulator, install_app: str) -> None:
    slack.regenerate_client_secret()  # the app still has the old one

    walk = await slack.install(f"{install_app}/slack/install", team_id="T0B")

    assert walk.code is not None
    assert walk.status == 401
    assert slack.calls("oauth.v2.access")[0].error == "bad_client_secret"
    assert slack.installs == []


async def test_token_rotation_swaps_the_token_and_the_old_one_stops_working(
        slack: SlackSimulator, install_app: str) -> None:
    slack.enable_token_rotation(expires_in=60)  # inside bolt's 120-minute window: rotate now

    await slack.install(f"{install_app}/slack/install", team_id="T0B")
    first = slack.installs[0]
    assert first.refresh_token is not None
    assert first.refresh_token.startswith("xoxe-")
    assert await command_from(slack, install_app, "T0B", "after rotation") == 200
    posted = await slack.wait_for_call("chat.postMessage")

    refresh = slack.calls("oauth.v2.access")[-1]
    assert refresh.body["grant_type"] == "refresh_token"
    assert posted.token == refresh.response["access_token"] != first.access_token
    assert posted.team_id == "T0B"
    with pytest.raises(SlackApiError) as old:
        await client_for(slack, first.access_token).auth_test()
    assert old.value.response["error"] == "invalid_auth"


async def test_uninstalling_revokes_the_tokens_and_tells_the_app(
        slack: SlackSimulator, install_app: str) -> None:
    await slack.install(f"{install_app}/slack/install", team_id="T0B")
    await slack.install(f"{install_app}/slack/install", team_id="T0C")
    token_b = slack.bot_token_for("T0B")
    assert token_b is not None

    event = signed_event(slack.uninstall("T0B"), signing_secret=slack.signing_secret)
    delivery = await slack.deliver_http(f"{install_app}/slack/events", event)

    assert delivery.status == 200
    with pytest.raises(SlackApiError) as revoked:
        await client_for(slack, token_b).auth_test()
    assert revoked.value.response["error"] == "token_revoked"
    assert slack.bot_token_for("T0B") is None
    assert await command_from(slack, install_app, "T0C", "still here") == 200
    assert (await slack.wait_for_call("chat.postMessage")).team_id == "T0C"


async def test_an_org_wide_install_acts_in_every_workspace_of_the_org(
        slack: SlackSimulator, install_app: str) -> None:
    slack.add_workspace(team_id="T0G1", enterprise_id="E0ORG", enterprise_name="Org",
                        channels=("C0G1",))
    slack.add_workspace(team_id="T0G2", enterprise_id="E0ORG", enterprise_name="Org",
                        channels=("C0G2",))

    walk = await slack.install(f"{install_app}/slack/install", team_id="T0G1", org_install=True)
    assert walk.status == 200
    assert slack.installs[0].is_enterprise_install
    assert await command_from(slack, install_app, "T0G2", "org wide") == 200

    posted = await slack.wait_for_call("chat.postMessage")
    who = await client_for(slack, slack.installs[0].access_token).auth_test()
    assert (who["team_id"], who["is_enterprise_install"]) == ("E0ORG", True)
    assert (posted.team_id, posted.enterprise_id) == ("T0G2", "E0ORG")
    assert posted.token == slack.installs[0].access_token
    assert [m.text for m in slack.messages("C0G2", team_id="T0G2")] == ["org wide"]
