"""A person's browser walking an app's "Add to Slack" flow against the simulator.

It opens the app's install page (a page with the authorize link, or a redirect to it,
as bolt serves either), follows the link to the simulated authorize page with the
person's choice of workspace, and follows Slack's redirect back to the app's redirect URL,
carrying the cookies the app set (bolt's state cookie), as a browser would. Nothing is
followed automatically, so each step's answer is kept.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

if TYPE_CHECKING:
    import aiohttp

AUTHORIZE_LINK = re.compile(r"""href=["']([^"']*/oauth/v2/authorize\?[^"']*)["']""")


@dataclass(frozen=True)
class InstallWalk:
    """What the browser saw on each step of one install."""

    install_status: int  # the app's install page (200 page or 302 redirect)
    authorize_url: str | None  # where the install page sent the browser
    slack_error: str | None  # Slack's refusal at the authorize step (e.g. bad_redirect_uri)
    redirect_url: str | None  # where Slack sent the browser back (code and state in it)
    status: int  # the app's answer to the redirect (0 when the walk stopped before it)
    text: str  # that answer's body (bolt's success or failure page)

    @property
    def code(self) -> str | None:
        return self._redirect_param("code")

    @property
    def state(self) -> str | None:
        return self._redirect_param("state")

    def _redirect_param(self, name: str) -> str | None:
        if self.redirect_url is None:
            return None
        values = parse_qs(urlsplit(self.redirect_url).query).get(name)
        return values[0] if values else None


async def walk_install(session: aiohttp.ClientSession, install_url: str, *,
                       authorize_base: str, choices: dict[str, str]) -> InstallWalk:
    """Walk the flow from `install_url`; `choices` are the person's sim_* answers."""
    cookies = SimpleCookie()
    async with session.get(install_url, allow_redirects=False) as page:
        body = await page.text()
        for header in page.headers.getall("Set-Cookie", []):
            cookies.load(header)
        authorize_url = page.headers.get("Location") if page.status in (301, 302, 303) else None
        if authorize_url is None and page.status == 200:
            found = AUTHORIZE_LINK.search(body)
            authorize_url = html.unescape(found.group(1)) if found else None
        install_status = page.status
    if authorize_url is None:
        return InstallWalk(install_status, None, None, None, 0, body)
    if not authorize_url.startswith(authorize_base):
        raise AssertionError(
            f"the install page sends the browser to {authorize_url}, not to the simulator's "
            f"{authorize_base} (bolt: AsyncOAuthSettings(authorization_url=...))")
    separator = "&" if "?" in authorize_url else "?"
    async with session.get(authorize_url + separator + urlencode(choices),
                           allow_redirects=False) as slack_page:
        refusal = await slack_page.text()
        redirect_url = slack_page.headers.get("Location") if slack_page.status == 302 else None
    if redirect_url is None:
        return InstallWalk(install_status, authorize_url, refusal, None, 0, refusal)
    cookie_header = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    async with session.get(redirect_url, allow_redirects=False,
                           headers={"Cookie": cookie_header} if cookie_header else {}) as back:
        text = await back.text()
        status = back.status
    return InstallWalk(install_status, authorize_url, None, redirect_url, status, text)
