"""SlackSimulator: a loopback Slack (Web API, Socket Mode, response URLs, file uploads).

Point the real slack_sdk/slack-bolt at it with
`AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)` and
`AsyncSocketModeHandler(app, slack.app_token)`; no library is patched.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .browser import InstallWalk, walk_install
from .chat import ChatMethods
from .files import FileUploads
from .oauth import Installed, OAuthServer
from .payload_factory import Payloads
from .people import PeopleMethods
from .records import Ack, ApiCall, Envelope, HttpDelivery, Message, ResponsePost, UploadedFile
from .response_urls import ResponseUrls
from .socket_mode import SocketModeServer
from .tokens import Grant, Tokens
from .waiting import Changes
from .web_api import Fault, WebApi
from .workspace import Identity, Workspace
from .workspaces import Workspaces

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from .signing import SignedRequest

T = TypeVar("T")
ENVELOPE_TYPES = ("slash_commands", "events_api", "interactive")


class SlackSimulator:
    """A Slack workspace on 127.0.0.1 (port 0) for tests; use as `async with`.

    Every Web API call is recorded (`calls()`); messages land in channel history
    (`messages()`); Socket Mode deliveries return the client's `Ack`; response URLs
    and file uploads are kept for inspection. Awaiting helpers raise AssertionError on
    timeout instead of hanging.
    """

    def __init__(self, *, bot_token: str = "xoxb-sim-bot-token",
                 app_token: str = "xapp-1-sim-app-token",
                 signing_secret: str = "sim-signing-secret",
                 identity: Identity | None = None,
                 channels: tuple[str, ...] = ("C0GENERAL",),
                 client_id: str = "1111.2222", client_secret: str = "sim-client-secret") -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.identity = identity or Identity()
        self.default_channel = channels[0]
        self._changes = Changes()
        self._workspaces = Workspaces(self.identity, channels)
        self._workspace = self._workspaces.default
        self._tokens = Tokens()
        # The default workspace is installed from the start (single-workspace mode).
        self._tokens.add(Grant(token=bot_token, kind="bot", team_id=self.identity.team_id,
                               enterprise_id=self.identity.enterprise_id))
        self._oauth = OAuthServer(app_id=self.identity.app_id, client_id=client_id,
                                  client_secret=client_secret, tokens=self._tokens,
                                  workspaces=self._workspaces, changes=self._changes)
        self._socket = SocketModeServer(app_id=self.identity.app_id, changes=self._changes)
        self._responses = ResponseUrls(self._changes)
        self._files = FileUploads()
        self.payloads = Payloads(workspaces=self._workspaces, responses=self._responses,
                                 base_url=lambda: self.base_url, default_channel=channels[0],
                                 org_installed=self._org_installed)
        chat = ChatMethods()
        people = PeopleMethods()
        self._api = WebApi(
            app_token=app_token, tokens=self._tokens, workspaces=self._workspaces,
            changes=self._changes,
            methods={
                "chat.postMessage": chat.post_message,
                "chat.postEphemeral": chat.post_ephemeral,
                "chat.update": chat.update,
                "chat.delete": chat.delete,
                "reactions.add": chat.add_reaction,
                "files.getUploadURLExternal": self._upload_url,
                "files.completeUploadExternal": self._files.complete,
                "users.info": people.users_info,
                "conversations.open": people.conversations_open,
            },
            app_methods={"apps.connections.open": self._connections_open},
            open_methods={"oauth.v2.access": self._oauth.access},
            grant_methods={"auth.test": self._auth_test,
                           "conversations.history": chat.history})
        self._consumed_calls: set[int] = set()
        self._consumed_uploads: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._port = 0

    # lifecycle

    async def start(self) -> None:
        """Listen on 127.0.0.1, a free port; `api_url` and `base_url` are valid from here on."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api.handle)
        app.router.add_get("/oauth/v2/authorize", self._oauth.authorize)
        app.router.add_get("/socket", self._socket.handle)
        app.router.add_post("/respond/{response_id}", self._responses.handle)
        app.router.add_post("/upload/{file_id}", self._files.receive)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._http = aiohttp.ClientSession()

    async def aclose(self) -> None:
        """Close websockets, then the server. Close the bot first, or it will reconnect."""
        await self._socket.aclose()
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> SlackSimulator:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    @property
    def base_url(self) -> str:
        if not self._port:
            raise AssertionError("SlackSimulator is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """The Web API base for AsyncWebClient(base_url=...), ending in `/api/`."""
        return f"{self.base_url}/api/"

    # Web API methods that need the simulator itself

    def _auth_test(self, args: dict[str, Any], workspace: Workspace,
                   grant: Grant) -> dict[str, Any]:
        """Who the call's token is: its workspace and that workspace's bot, or for an
        org-wide install's token, the org (team_id is the enterprise id, as on Slack)."""
        who = workspace.identity
        answer: dict[str, Any] = {
            "ok": True, "url": f"https://{who.team_domain}.slack.com/", "team": who.team_name,
            "user": "paperboy", "team_id": who.team_id, "user_id": who.bot_user_id,
            "bot_id": who.bot_id, "is_enterprise_install": False}
        if who.enterprise_id is not None:
            answer["enterprise_id"] = who.enterprise_id
        if grant.team_id is None and who.enterprise_id is not None:  # an org-wide install
            answer.update(team_id=who.enterprise_id, team=who.enterprise_name,
                          url=f"https://{who.enterprise_id.lower()}.enterprise.slack.com/",
                          is_enterprise_install=True)
        return answer

    def _connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ticket = self._socket.issue_ticket()
        return {"ok": True, "url": f"ws://127.0.0.1:{self._port}/socket?ticket={ticket}"}

    def _upload_url(self, args: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
        return self._files.get_upload_url(args, self.base_url, workspace)

    # workspaces

    def add_workspace(self, *, team_id: str, team_name: str | None = None,
                      channels: tuple[str, ...] = ("C0GENERAL",), team_domain: str | None = None,
                      user_id: str = "U0HUMAN", user_name: str = "ada",
                      enterprise_id: str | None = None, enterprise_name: str | None = None,
                      bot_user_id: str | None = None, bot_id: str | None = None) -> Identity:
        """Another workspace with its own channels, members, history and bot (not installed:
        install it with `install`, or `issue_bot_token`). Channel and human ids default to
        the default workspace's, so two workspaces look alike unless a test says otherwise;
        its bot's ids are its own, as on Slack. With `enterprise_id` it is part of that
        Enterprise Grid org."""
        identity = Identity(
            team_id=team_id, team_domain=team_domain or team_id.lower(),
            team_name=team_name or f"Team {team_id}", app_id=self.identity.app_id,
            bot_user_id=bot_user_id or f"UB{team_id}", bot_id=bot_id or f"BB{team_id}",
            user_id=user_id, user_name=user_name, enterprise_id=enterprise_id,
            enterprise_name=enterprise_name)
        self._workspaces.add(identity, channels)
        return identity

    def workspace(self, team_id: str | None = None) -> Identity:
        """The ids of workspace `team_id` (default: the first workspace)."""
        return self._workspaces.require(team_id).identity

    def bot_token_for(self, team_id: str | None = None) -> str | None:
        """The newest working bot token for that workspace (an org-wide one counts), if any."""
        identity = self.workspace(team_id)
        grant = self._tokens.active_bot(team_id=identity.team_id,
                                        enterprise_id=identity.enterprise_id)
        return grant.token if grant is not None else None

    def issue_bot_token(self, team_id: str, *, scope: str = "", rotating: bool = False) -> str:
        """Install into `team_id` without the browser flow; returns the new bot token."""
        identity = self.workspace(team_id)
        return self._tokens.issue_bot(team_id=identity.team_id,
                                      enterprise_id=identity.enterprise_id, scope=scope,
                                      installer=identity.user_id, rotating=rotating).token

    def revoke_tokens(self, team_id: str | None = None, *,
                      enterprise_id: str | None = None) -> list[str]:
        """Revoke the bot tokens of workspace `team_id` (or, with `enterprise_id` and no
        team, of that org-wide install): calls with them answer `token_revoked`."""
        if team_id is None and enterprise_id is not None:
            revoked = self._tokens.revoke(team_id=None, enterprise_id=enterprise_id)
        else:
            identity = self.workspace(team_id)
            revoked = self._tokens.revoke(team_id=identity.team_id,
                                          enterprise_id=identity.enterprise_id)
        self._changes.notify()
        return [grant.token for grant in revoked]

    def expire_token(self, token: str) -> None:
        """`token` has outlived its expires_in: calls with it answer `token_expired`."""
        grant = self._tokens.find(token)
        if grant is None:
            raise AssertionError(f"the simulator never issued {token}")
        grant.state = "expired"

    def uninstall(self, team_id: str) -> dict[str, Any]:
        """Someone removes the app from `team_id`: its tokens are revoked, and the returned
        `app_uninstalled` event_callback is what Slack then sends (deliver it, e.g.
        `deliver_http(url, signed_event(payload, ...))` or `deliver("events_api", payload)`)."""
        self.revoke_tokens(team_id)
        return self.payloads.app_uninstalled(team_id=team_id)

    def revoke_bot(self, team_id: str) -> dict[str, Any]:
        """The workspace's bot token is revoked: returns the `tokens_revoked` event_callback
        naming its bot user (deliver it as for `uninstall`)."""
        self.revoke_tokens(team_id)
        return self.payloads.tokens_revoked(team_id=team_id)

    async def send_app_uninstalled(self, team_id: str, *, timeout: float = 3.0) -> Ack:
        """`uninstall`, delivered over Socket Mode."""
        return await self.deliver("events_api", self.uninstall(team_id), timeout=timeout)

    async def send_tokens_revoked(self, team_id: str, *, timeout: float = 3.0) -> Ack:
        """`revoke_bot`, delivered over Socket Mode."""
        return await self.deliver("events_api", self.revoke_bot(team_id), timeout=timeout)

    def _org_installed(self, enterprise_id: str | None) -> bool:
        """Whether the app holds a working org-wide install of that Grid org."""
        return enterprise_id is not None and any(
            i.is_enterprise_install and i.enterprise_id == enterprise_id
            and (grant := self._tokens.find(i.access_token)) is not None
            and grant.state == "active" for i in self._oauth.installs)

    # OAuth (distribution)

    @property
    def client_id(self) -> str:
        return self._oauth.client_id

    @property
    def client_secret(self) -> str:
        return self._oauth.client_secret

    def regenerate_client_secret(self) -> str:
        """An admin regenerates the app's client secret; the old one is refused from now on."""
        self._oauth.client_secret = f"sim-client-secret-{uuid.uuid4().hex[:8]}"
        return self._oauth.client_secret

    @property
    def authorize_url(self) -> str:
        """Slack's authorize page on the simulator: bolt's `authorization_url` setting."""
        return f"{self.base_url}/oauth/v2/authorize"

    def allow_redirect_url(self, url: str) -> None:
        """Register one of the app's redirect URLs; once any is registered, the authorize
        step and oauth.v2.access refuse others with `bad_redirect_uri`."""
        self._oauth.redirect_urls.append(url)

    def enable_token_rotation(self, *, expires_in: int = 43200) -> None:
        """Installs from now on get a refresh token and `expires_in` (seconds) with their
        bot token, and oauth.v2.access accepts `grant_type=refresh_token`."""
        self._oauth.token_rotation = True
        self._oauth.token_expires_in = expires_in

    @property
    def installs(self) -> list[Installed]:
        """Every code exchanged by oauth.v2.access, oldest first."""
        return list(self._oauth.installs)

    async def install(self, install_url: str, *, team_id: str | None = None,
                      user_id: str | None = None, org_install: bool = False,
                      deny: bool = False) -> InstallWalk:
        """A person clicks "Add to Slack" on the app's `install_url` and approves for
        `team_id` (default: the first workspace) as `user_id` (default: its human); with
        `org_install`, for the workspace's whole Grid org; with `deny`, they cancel.
        Returns what the browser saw (the app's final page in `status`/`text`).

        With no redirect URL registered yet, the app's is taken to be bolt's default,
        `/slack/oauth_redirect` beside the install page (as its manifest would list)."""
        if not self._oauth.redirect_urls:
            parts = urlsplit(install_url)
            self.allow_redirect_url(f"{parts.scheme}://{parts.netloc}/slack/oauth_redirect")
        choices = {"sim_team": self.workspace(team_id).team_id}
        if user_id is not None:
            choices["sim_user"] = user_id
        if org_install:
            choices["sim_org_install"] = "1"
        if deny:
            choices["sim_deny"] = "1"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser:
            return await walk_install(browser, install_url, authorize_base=self.authorize_url,
                                      choices=choices)

    # workspace state (every method takes `team_id`; default: the first workspace)

    def add_channel(self, channel_id: str, *, name: str | None = None, is_member: bool = True,
                    is_archived: bool = False, team_id: str | None = None) -> None:
        """Create (or redefine) a channel; posting to an unknown one is `channel_not_found`."""
        self._workspaces.require(team_id).add_channel(channel_id, name=name, is_member=is_member,
                                                      is_archived=is_archived)

    def add_user(self, user_id: str, *, name: str | None = None, is_admin: bool = False,
                 is_owner: bool = False, team_id: str | None = None) -> None:
        """A person users.info knows and the bot can DM (the default human already exists)."""
        self._workspaces.require(team_id).add_member(user_id, name=name, is_admin=is_admin,
                                                     is_owner=is_owner)

    def direct_messages(self, user_id: str | None = None, *,
                        team_id: str | None = None) -> list[Message]:
        """What the bot sent `user_id` (default: the workspace's human) in their DM."""
        workspace = self._workspaces.require(team_id)
        channel_id = workspace.direct_channel_id(user_id or workspace.identity.user_id)
        return workspace.history(channel_id)

    def post_as_user(self, text: str, *, channel: str | None = None,
                     user_id: str | None = None, team_id: str | None = None) -> Message:
        """A message written by a human (not the bot), e.g. to react to."""
        workspace = self._workspaces.require(team_id)
        return workspace.post(channel=channel or self._first_channel(workspace),
                              user=user_id or workspace.identity.user_id, text=text, blocks=[],
                              via="human")

    def messages(self, channel: str | None = None, *, team_id: str | None = None) -> list[Message]:
        """Channel history everyone sees, oldest first (edits applied, deletions gone)."""
        workspace = self._workspaces.require(team_id)
        return workspace.history(channel or self._first_channel(workspace))

    def message(self, channel: str, ts: str, *, team_id: str | None = None) -> Message:
        found = self._workspaces.require(team_id).find(channel, ts)
        if found is None:
            raise AssertionError(f"no message {ts} in {channel}")
        return found

    def ephemerals(self, *, user_id: str | None = None, channel: str | None = None,
                   team_id: str | None = None) -> list[Message]:
        """Ephemeral messages (chat.postEphemeral and ephemeral responses), oldest first."""
        return self._workspaces.require(team_id).ephemerals(user=user_id, channel=channel)

    def direct_channel_id(self, user_id: str | None = None, *, team_id: str | None = None) -> str:
        """The id conversations.open gives for the bot's DM with `user_id`."""
        workspace = self._workspaces.require(team_id)
        return workspace.direct_channel_id(user_id or workspace.identity.user_id)

    def _first_channel(self, workspace: Workspace) -> str:
        if workspace is self._workspace:
            return self.default_channel
        return workspace.channel_ids()[0]

    def uploads(self, *, team_id: str | None = None) -> list[UploadedFile]:
        """Files shared through files.completeUploadExternal, oldest first (with `team_id`,
        those of that workspace)."""
        return [f for f in self._files.completed() if team_id is None or f.team == team_id]

    # Web API calls and faults

    def calls(self, method: str | None = None, *, team_id: str | None = None) -> list[ApiCall]:
        """Web API calls, oldest first; with `team_id`, only those that acted in that
        workspace (answered with its token; refused calls have team_id None)."""
        return [c for c in self._api.calls if (method is None or c.method == method)
                and (team_id is None or c.team_id == team_id)]

    def fail_next(self, method: str, error: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` answer `{"ok": false, "error": error}`."""
        self._api.inject(method, Fault(error), times)

    def lose_answer_next(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` take effect, but the connection drops before
        their answer: the client cannot tell whether they worked."""
        self._api.inject(method, Fault("", lose_answer=True), times)

    def rate_limit_next(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with `Retry-After: retry_after`."""
        self._api.inject(method, Fault("ratelimited", retry_after), times)

    async def wait_for_call(self, method: str, *, where: Callable[[ApiCall], bool] | None = None,
                            timeout: float = 5.0) -> ApiCall:
        """The oldest call of `method` (matching `where`) not returned by an earlier wait."""

        def first_unseen() -> ApiCall | None:
            for index, call in enumerate(self._api.calls):
                if (index not in self._consumed_calls and call.method == method
                        and (where is None or where(call))):
                    self._consumed_calls.add(index)
                    return call
            return None

        return await self._changes.until(
            first_unseen, timeout=timeout, what=f"a {method} call",
            seen=lambda: str([c.method for c in self._api.calls]))

    async def wait_for_upload(self, *, timeout: float = 5.0) -> UploadedFile:
        """The oldest shared file not returned by an earlier wait."""

        def first_unseen() -> UploadedFile | None:
            for uploaded in self._files.completed():
                if uploaded.file_id not in self._consumed_uploads:
                    self._consumed_uploads.add(uploaded.file_id)
                    return uploaded
            return None

        return await self._changes.until(first_unseen, timeout=timeout, what="a shared file")

    async def wait_until(self, predicate: Callable[[], T | None], *, timeout: float = 5.0,
                         what: str = "a condition") -> T:
        """The first non-None value of `predicate()`, re-checked whenever the simulator changes."""
        return await self._changes.until(predicate, timeout=timeout, what=what)

    # Socket Mode

    @property
    def acks(self) -> list[Ack]:
        """Every ack received, oldest first, including acks that came too late."""
        return list(self._socket.acks)

    @property
    def socket_connections(self) -> int:
        """How many websocket connections clients have opened so far."""
        return len(self._socket.connections)

    async def wait_for_connections(self, count: int, *, timeout: float = 10.0) -> list[int]:
        """Wait until `count` Socket Mode connections are open (several clients, e.g.
        replicas); returns their numbers. Envelopes then go to each in turn."""
        return [c.number for c in await self._socket.wait_for_connections(count, timeout=timeout)]

    async def wait_for_connection(self, *, timeout: float = 5.0) -> int:
        """Wait until a Socket Mode client is connected; returns the connection's number."""
        return (await self._socket.wait_for_connection(timeout=timeout)).number

    async def deliver(self, envelope_type: str, payload: dict[str, Any], *,
                      timeout: float = 3.0) -> Ack:
        """Send `payload` in a new envelope and return the ack (AssertionError after `timeout`)."""
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type must be one of {ENVELOPE_TYPES}")
        envelope = Envelope(envelope_id=str(uuid.uuid4()), type=envelope_type, payload=payload,
                            accepts_response_payload=envelope_type != "events_api")
        return await self._socket.deliver(envelope, timeout=timeout)

    async def redeliver(self, envelope: Envelope, *, reason: str = "timeout",
                        timeout: float = 3.0) -> Ack:
        """Deliver `envelope` again: same envelope_id and payload, retry_attempt + 1."""
        return await self._socket.deliver(envelope.redelivery(reason), timeout=timeout)

    async def send_command(self, text: str, *, command: str = "/papers",
                           user_id: str | None = None, channel_id: str | None = None,
                           team_id: str | None = None, timeout: float = 3.0) -> Ack:
        payload = self.payloads.command(text, command=command, user_id=user_id,
                                       channel_id=channel_id, team_id=team_id)
        return await self.deliver("slash_commands", payload, timeout=timeout)

    async def send_event(self, event: dict[str, Any], *, team_id: str | None = None,
                         timeout: float = 3.0) -> Ack:
        payload = self.payloads.event(event, team_id=team_id)
        return await self.deliver("events_api", payload, timeout=timeout)

    async def send_reaction(self, message: Message, reaction: str = "bookmark", *,
                            user_id: str | None = None, removed: bool = False,
                            team_id: str | None = None, timeout: float = 3.0) -> Ack:
        payload = self.payloads.reaction(message, reaction, user_id=user_id, removed=removed,
                                        team_id=team_id)
        return await self.deliver("events_api", payload, timeout=timeout)

    async def press_button(self, message: Message, action_id: str, *, value: str | None = None,
                           user_id: str | None = None, team_id: str | None = None,
                           timeout: float = 3.0) -> Ack:
        payload = self.payloads.block_actions(message, action_id, value=value, user_id=user_id,
                                             team_id=team_id)
        return await self.deliver("interactive", payload, timeout=timeout)

    async def request_reconnect(self, *, reason: str = "refresh_requested",
                                timeout: float = 5.0) -> int:
        """Send `disconnect`; return the number of the new connection the client opens."""
        connection = await self._socket.request_reconnect(reason=reason, timeout=timeout)
        return connection.number

    # response URLs

    def responses(self, url: str | None = None) -> list[ResponsePost]:
        return [p for p in self._responses.posts if url is None or p.url == url]

    async def next_response(self, target: Ack | str, *, timeout: float = 5.0) -> ResponsePost:
        """The next POST to the response URL of `target` (an Ack or the URL itself)."""
        url = target.response_url if isinstance(target, Ack) else target
        return await self._responses.next_response(url, timeout=timeout)

    # HTTP mode

    async def deliver_http(self, url: str, request: SignedRequest, *,
                           timeout: float = 3.0) -> HttpDelivery:
        """POST a signed request to the bot, as Slack does in HTTP mode; return its answer."""
        assert self._http is not None, "SlackSimulator is not started"
        started = time.perf_counter()
        try:
            async with self._http.post(url, data=request.body, headers=request.headers,
                                       timeout=aiohttp.ClientTimeout(total=timeout)) as answer:
                text = await answer.text()
        except TimeoutError:
            raise AssertionError(f"the bot did not answer {url} within {timeout:g}s") from None
        return HttpDelivery(status=answer.status, text=text, headers=dict(answer.headers),
                            seconds=time.perf_counter() - started)
