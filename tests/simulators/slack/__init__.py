"""A loopback Slack for tests: run the real slack-bolt against `SlackSimulator`.

    async with SlackSimulator() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        app = AsyncApp(client=client, signing_secret=slack.signing_secret)
        ...  # register listeners
        handler = AsyncSocketModeHandler(app, slack.app_token)
        await handler.connect_async()
        try:
            ack = await slack.send_command("search diffusion")  # fails unless acked in 3 s
            answer = await slack.next_response(ack)  # what respond() POSTed
        finally:
            await handler.close_async()  # close the bot before the simulator

HTTP mode: `await slack.deliver_http(url, signed_command(slack.payloads.command("help"),
signing_secret=slack.signing_secret))`.

Several workspaces and OAuth distribution:

    slack.add_workspace(team_id="T0B", channels=("C0B1",))
    walk = await slack.install(f"{app_url}/slack/install", team_id="T0B")  # the browser
    token = slack.bot_token_for("T0B")             # what oauth.v2.access handed out
    slack.calls("chat.postMessage", team_id="T0B")  # calls made with T0B's token
    event = slack.uninstall("T0B")                  # tokens revoked; deliver the event
"""

from __future__ import annotations

from .block_kit import block_kit_errors
from .browser import InstallWalk
from .oauth import Installed
from .payload_factory import Payloads
from .records import (
    Ack,
    ApiCall,
    Envelope,
    HttpDelivery,
    Message,
    ResponsePost,
    UploadedFile,
)
from .signing import (
    SignedRequest,
    sign,
    signed_command,
    signed_event,
    signed_interaction,
    slack_signature,
)
from .simulator import SlackSimulator
from .workspace import Identity

__all__ = [
    "Ack",
    "ApiCall",
    "Envelope",
    "HttpDelivery",
    "Identity",
    "InstallWalk",
    "Installed",
    "Message",
    "Payloads",
    "ResponsePost",
    "SignedRequest",
    "SlackSimulator",
    "UploadedFile",
    "block_kit_errors",
    "sign",
    "signed_command",
    "signed_event",
    "signed_interaction",
    "slack_signature",
]
