"""What can go wrong when paperboy asks a paper source for something.

Every failure a source client raises is a `SourceError`, so a caller that only
wants "did it work" catches one type. The subclasses say what a user should be
told: `SourceUnavailable` means "try again later" (the source was down, slow,
throttling us or sent garbage), `PaperNotFound` means "there is no such paper"
and retrying will not help, `SourceRejected` means the source refused this
request outright (an HTTP 4xx other than 429), which is a bug or a bad input.
`SourceUnreachable` means "try again later" too, but the host could not be
reached at all (its name does not resolve, or nothing accepts the
connection): retrying at once would only repeat that, so it is not retried. `SourceRedirected`
means the source sent us to another host, port or scheme, which is not
followed.

Messages are one line and name the source, so they can go straight into a log
line or a chat reply.
"""

from __future__ import annotations

from paperboy.core.ports import SourceFailure


class SourceError(SourceFailure):
    """Base of every error a paper source client raises."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source


class SourceUnavailable(SourceError):
    """The source did not give a usable answer, even after the allowed retries.

    `reason` is the last failure seen ("timed out after 30s", "HTTP 503",
    "unreadable response: ..."); `attempts` how many requests were made.
    """

    def __init__(self, source: str, reason: str, *, attempts: int) -> None:
        plural = "attempt" if attempts == 1 else "attempts"
        super().__init__(source, f"{source} did not answer ({attempts} {plural}): {reason}")
        self.reason = reason
        self.attempts = attempts


class SourceUnreachable(SourceError):
    """The source's host could not be reached: its name does not resolve, or the
    connection was refused. `host` is the host (and port, when one was given)."""

    def __init__(self, source: str, host: str, why: str) -> None:
        super().__init__(source, f"cannot reach {host} ({source}): {why}")
        self.host = host
        self.why = why


class SourceRedirected(SourceError):
    """The source redirected to another host, port or scheme. Such a redirect is not
    followed: the configured URL is out of date, or something in between is hostile."""

    def __init__(self, source: str, url: str, target: str) -> None:
        super().__init__(
            source,
            f"{source} redirected {url} to {target}, another host, port or scheme;"
            " not followed (set the source URL to the new address if it is right)",
        )
        self.url = url
        self.target = target


class SourceRejected(SourceError):
    """The source refused the request (HTTP 4xx other than 429); retrying will not help."""

    def __init__(self, source: str, status: int, url: str) -> None:
        super().__init__(source, f"{source} refused the request: HTTP {status} for {url}")
        self.status = status
        self.url = url


class PaperNotFound(SourceError):
    """The source answered, and the paper `ref` does not exist there (or `ref` is no id)."""

    def __init__(self, source: str, ref: str, detail: str = "") -> None:
        suffix = f" ({detail})" if detail else ""
        super().__init__(source, f"no such paper on {source}: {ref}{suffix}")
        self.ref = ref
        self.detail = detail
