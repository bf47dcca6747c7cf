"""Slack mrkdwn from plain text: escaping, links we build, and cutting to a limit.

Every piece of stored or user text passes through `escape` (or `fit`, which also
cuts it), so `<!channel>` or `<https://evil|click>` in a title shows literally and
pings nobody; the only `<…>` in a message are the links `link` builds from URLs it
has checked. Lengths are counted the way Slack counts them (UTF-16 code units), so
a text with emoji never exceeds a limit Slack enforces.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from paperboy.core.rich import Code, Emphasis, Plain, Rich, Span
from paperboy.core.text import clean_text, visible_text, without_invisibles

ELLIPSIS = "…"
DISPLAY_MAX = 40_000  # more than any message can show (Slack's own text limit)
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ESCAPE_RE = re.compile("[&<>]")
# Characters that may stay as they are in a URL inside <url|label>; the rest are %-encoded.
# `&`, `<`, `>`, `|` and whitespace are not among them, so a URL cannot end the link early.
_URL_SAFE = ":/?#[]@!$'()*+,;=%-._~"
_URL_RE = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def slack_len(text: str) -> int:
    """Length as Slack counts it: UTF-16 code units (an emoji outside the BMP is 2)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def escape(text: str) -> str:
    """Escape the three characters Slack reserves for its markup (`&`, `<`, `>`)."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m[0]], text)


def one_line(text: str) -> str:
    """Visible text on one line: control, zero-width and bidi-override characters go.

    Only the first DISPLAY_MAX characters are looked at: no message shows more."""
    return clean_text(text[:DISPLAY_MAX])


def lines(text: str) -> str:
    """Like `one_line`, but keeps line breaks (help text, notices with lists)."""
    return "\n".join(_clean_keeping_indent(line) for line in text[:DISPLAY_MAX].split("\n"))


def _clean_keeping_indent(line: str) -> str:
    return without_invisibles(line).rstrip()


def fit(text: str, limit: int) -> str:
    """`escape(text)`, cut so that it is at most `limit` long, ending in "…" when cut.

    Never cuts inside an escape (`&am…`): the cut falls between source characters."""
    escaped = escape(text)
    if slack_len(escaped) <= limit:
        return escaped
    budget = limit - len(ELLIPSIS)
    out: list[str] = []
    used = 0
    for ch in text:
        piece = _ESCAPES.get(ch, ch)
        size = slack_len(piece)
        if used + size > budget:
            break
        out.append(piece)
        used += size
    return "".join(out).rstrip() + ELLIPSIS


def escaped_len(text: str) -> int:
    """`slack_len(escape(text))` without building the escaped text."""
    return slack_len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def chunks(text: str, limit: int, *, max_chunks: int) -> list[str]:
    """`text` escaped and split into at most `max_chunks` pieces of at most `limit` each.

    Splits at line breaks or spaces (a word longer than `limit` is split inside);
    when the text does not fit, the last piece ends in "…". Escapes are never split."""
    # Each piece holds at most `limit` source characters, so this prefix is enough.
    text = text[: limit * max_chunks + 1]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for token in re.findall(r"\n|[^\S\n]+|\S+", text):
        token_size = escaped_len(token)
        if size + token_size > limit:
            if "".join(current).strip():
                pieces.append("".join(current).strip())
            current, size = [], 0
            if not token.strip():
                continue
            while token_size > limit:
                head = escaped_prefix(token, limit) or token[:1]
                pieces.append(head)
                token = token[len(head) :]
                token_size = escaped_len(token)
        current.append(token)
        size += token_size
    if "".join(current).strip():
        pieces.append("".join(current).strip())
    if len(pieces) > max_chunks:
        pieces = pieces[:max_chunks]
        pieces[-1] = pieces[-1] + " " + ELLIPSIS
    return [fit(piece, limit) for piece in pieces]


def escaped_prefix(text: str, limit: int) -> str:
    """The longest prefix of `text` whose escaped form is at most `limit` long."""
    used = 0
    for index, ch in enumerate(text):
        used += escaped_len(ch)
        if used > limit:
            return text[:index]
    return text


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to put inside `<…>`, or None when `url` is not one."""
    if not url:
        return None
    url = url.strip()
    if not _URL_RE.fullmatch(url) or len(url) > 2000:
        return None
    return quote(url, safe=_URL_SAFE)


def link(url: str | None, label: str, *, limit: int = 300) -> str:
    """`<url|label>` with `label` escaped and cut; plain escaped label if `url` is unusable.

    `|` in the label becomes `¦` and `>` is escaped, so neither can end the link early."""
    target = safe_url(url)
    text = fit(one_line(label).replace("|", "¦"), limit) or "(untitled)"
    return f"<{target}|{text}>" if target else text


def bold(mrkdwn: str) -> str:
    """`*text*`; empty stays empty (a lone `**` would show)."""
    return f"*{mrkdwn}*" if mrkdwn.strip() else mrkdwn


def code(text: str, limit: int = 100) -> str:
    """Inline code with backticks in `text` replaced, so the span cannot close early
    (Slack has no escape for a backtick inside code); empty stays empty."""
    inside = fit(one_line(text).replace("`", "'"), limit)
    return f"`{inside}`" if inside.strip() else ""


def italic(mrkdwn: str) -> str:
    """`_text_`; empty stays empty."""
    return f"_{mrkdwn}_" if mrkdwn.strip() else mrkdwn


CODE_CHARS = 200


def rich(value: Rich) -> str:
    """Typed inline text as mrkdwn on one line: plain text escaped, code as code."""
    return "".join(_span(span) for span in value.spans).strip()


def _span(span: Span) -> str:
    match span:
        case Code(text):
            return code(text, CODE_CHARS)
        case Emphasis(text):
            return italic(escape(one_line(text)))
        case Plain(text):
            return escape(visible_text(text[:DISPLAY_MAX]))


def rich_chunks(value: Rich, limit: int, *, max_chunks: int) -> list[str]:
    """Like `chunks`, for typed text: line breaks kept, and never a cut inside a code
    or emphasis span (each is one piece, far shorter than `limit`)."""
    pieces: list[str] = []
    for span in value.spans:
        if not isinstance(span, Plain):
            pieces.append(_span(span))
            continue
        text = span.text[: limit * max_chunks + 1]
        for token in re.findall(r"\n|[^\S\n]+|\S+", text):
            token = "\n" if token == "\n" else without_invisibles(token)
            while escaped_len(token) > limit:
                head = escaped_prefix(token, limit) or token[:1]
                pieces.append(escape(head))
                token = token[len(head) :]
            pieces.append(escape(token))
    return _pack(pieces, limit, max_chunks=max_chunks)


def _pack(tokens: list[str], limit: int, *, max_chunks: int) -> list[str]:
    """Rendered tokens joined into at most `max_chunks` pieces of at most `limit`,
    broken between tokens; the last piece ends in "…" when some did not fit."""
    pieces: list[list[str]] = []
    current: list[str] = []
    size = 0
    for token in tokens:
        token_size = slack_len(token)
        if size + token_size > limit:
            if "".join(current).strip():
                pieces.append(current)
            current, size = [], 0
            if not token.strip():
                continue
        current.append(token)
        size += token_size
    if "".join(current).strip():
        pieces.append(current)
    if len(pieces) > max_chunks:
        last = pieces[max_chunks - 1]
        while last and slack_len("".join(last).rstrip()) + 2 > limit:
            last.pop()
        pieces = [*pieces[: max_chunks - 1], [*last, " ", ELLIPSIS]]
    found = ["\n".join(line.rstrip() for line in "".join(p).split("\n")) for p in pieces]
    return [piece.strip("\n") for piece in found if piece.strip()]
