"""The commands, as values, and the two ways to build them: from text or from typed options.

`parse_command` is the grammar every text front end shares (Slack, the console):
text in, a typed command out. The builders below it (`paper_command`,
`add_command`, `trending_command`, …) take a platform's typed options (Discord's)
and run the same checks, so every front end gets the same answers. Both are pure
and total: any input gives either a command or a `ParseError` whose message is a
short, helpful answer for the user. No adapter builds command text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from paperboy.core import rich
from paperboy.core.digest_spec import DigestSpec, ParseError, parse_digest_spec
from paperboy.core.ids import parse_arxiv_ref
from paperboy.core.search_query import QueryError, SearchQuery, parse_query
from paperboy.core.text import clean_text
from paperboy.core.trends import DEFAULT_WEEKS, MAX_TOPICS, MAX_WEEKS
from paperboy.core.weekly_spec import WeeklySpec, parse_weekly_spec

__all__ = ["DigestSpec", "ParseError"]

MAX_DAYS = 365
TOP_DAYS = 7
FORYOU_DAYS = 7
MAX_AUTHOR_CHARS = 100
MAX_FOLLOW_WORDS_CHARS = 200


@dataclass(frozen=True, slots=True)
class Search:
    query: SearchQuery
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Similar:
    paper_id: str
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Show:
    paper_id: str


@dataclass(frozen=True, slots=True)
class Trending:
    days: int = 1
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Trend:
    """Up to MAX_TOPICS topics (each a search's words), over the last `weeks` weeks."""

    topics: tuple[str, ...]
    weeks: int = DEFAULT_WEEKS


@dataclass(frozen=True, slots=True)
class Top:
    """The papers this channel saved most from the bot's posts in the last `days`."""

    days: int = TOP_DAYS


@dataclass(frozen=True, slots=True)
class Add:
    paper_id: str


@dataclass(frozen=True, slots=True)
class Save:
    paper_id: str


@dataclass(frozen=True, slots=True)
class Saved:
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Unsave:
    paper_id: str


@dataclass(frozen=True, slots=True)
class Read:
    paper_id: str


@dataclass(frozen=True, slots=True)
class Export:
    pass


@dataclass(frozen=True, slots=True)
class Mark:
    """Mark a paper "not for me": `foryou` learns from it and leaves it out."""

    paper_id: str


@dataclass(frozen=True, slots=True)
class Unmark:
    paper_id: str


@dataclass(frozen=True, slots=True)
class ForYou:
    """Papers ranked for the person asking, from those of the last `days` (None: all)."""

    days: int | None = FORYOU_DAYS
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ForYouWeekly:
    """A direct message to the person asking with their top papers, once a week."""

    spec: WeeklySpec = field(default_factory=WeeklySpec)


@dataclass(frozen=True, slots=True)
class ForYouStop:
    """No more weekly `foryou` messages for the person asking."""


@dataclass(frozen=True, slots=True)
class Follow:
    """Follow an author ("author") or some words ("words"): new papers that match go to
    the person by direct message, or (`here`) into this channel."""

    kind: str
    query: str
    here: bool = False


@dataclass(frozen=True, slots=True)
class Following:
    """The person's follows, numbered."""


@dataclass(frozen=True, slots=True)
class Unfollow:
    """Stop the follow `following` numbers so."""

    number: int


@dataclass(frozen=True, slots=True)
class ForgetMe:
    """Delete everything stored about the person asking in this workspace, once they
    confirm: unconfirmed, the answer says what would go and asks. `asked_for` is set
    by a confirming button: the user id it was made for (only they may press it)."""

    confirmed: bool = False
    asked_for: str | None = None


@dataclass(frozen=True, slots=True)
class Subscribe:
    """This channel's daily digest, as asked for (checked when the spec was built)."""

    spec: DigestSpec = field(default_factory=DigestSpec)


@dataclass(frozen=True, slots=True)
class SubscribeWeekly:
    """This channel's weekly list of its most saved papers, as asked for."""

    spec: WeeklySpec = field(default_factory=WeeklySpec)


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    what: str = ""  # "" the daily digest, "top" the weekly list


@dataclass(frozen=True, slots=True)
class DigestNow:
    pass


@dataclass(frozen=True, slots=True)
class Help:
    topic: str = ""


Command = (
    Search
    | Similar
    | Show
    | Trending
    | Trend
    | Top
    | Add
    | Save
    | Saved
    | Unsave
    | Read
    | Export
    | Mark
    | Unmark
    | ForYou
    | ForYouWeekly
    | ForYouStop
    | Follow
    | Following
    | Unfollow
    | ForgetMe
    | Subscribe
    | SubscribeWeekly
    | Unsubscribe
    | DigestNow
    | Help
)


COMMAND_NAMES = (
    "search",
    "similar",
    "show",
    "trending",
    "trend",
    "top",
    "add",
    "save",
    "saved",
    "unsave",
    "read",
    "export",
    "foryou",
    "mark",
    "unmark",
    "follow",
    "following",
    "unfollow",
    "forget",
    "subscribe",
    "unsubscribe",
    "digest",
    "help",
)

# The commands whose one argument is a paper id, by name (buttons map onto these too).
PAPER_COMMANDS: dict[str, Callable[[str], Command]] = {
    "similar": Similar,
    "show": Show,
    "save": Save,
    "unsave": Unsave,
    "read": Read,
    "mark": Mark,
    "unmark": Unmark,
}
_NO_ARGUMENT: dict[str, Callable[[], Command]] = {
    "saved": Saved,
    "following": Following,
    "export": Export,
    "digest": DigestNow,
}


def parse_command(text: str, *, max_chars: int = 500) -> Command | ParseError:
    if len(text) > max_chars * 4:  # don't even clean a huge paste
        return _too_long(len(text), max_chars)
    text = clean_text(text)
    if len(text) > max_chars:
        return _too_long(len(text), max_chars)
    if not text:
        return Help()
    word, _, rest = text.partition(" ")
    name = word.lower().lstrip("/")
    rest = rest.strip()

    if name == "search":
        return search_command(rest)
    if name in PAPER_COMMANDS:
        return paper_command(name, rest)
    if name == "add":
        return add_command(rest)
    if name == "trending":
        return _trending(rest)
    if name == "trend":
        return _trend(rest)
    if name == "top":
        return _top(rest)
    if name == "foryou":
        return _foryou(rest)
    if name == "follow":
        return _follow(rest)
    if name == "unfollow":
        return unfollow_command(rest)
    if name == "forget":
        return forget_command(rest)
    if name in _NO_ARGUMENT:
        if rest:
            return ParseError(
                rich.text(rich.code(name), " takes no arguments. Try ", rich.code(name), ".")
            )
        return _NO_ARGUMENT[name]()
    if name == "subscribe":
        first, _, after = rest.partition(" ")
        if first.lower() == "top":
            weekly = parse_weekly_spec(after)
            return weekly if isinstance(weekly, ParseError) else SubscribeWeekly(weekly)
        spec = parse_digest_spec(rest)
        return spec if isinstance(spec, ParseError) else Subscribe(spec)
    if name == "unsubscribe":
        if rest and rest.lower() != "top":
            return ParseError(
                rich.text(
                    rich.code("unsubscribe"),
                    " stops the daily digest; ",
                    rich.code("unsubscribe top"),
                    " the weekly list.",
                )
            )
        return Unsubscribe(rest.lower())
    if name == "help":
        return help_command(rest)
    return _unknown(word)


# -- typed options to commands (the same checks as the grammar) -------------------------


def search_command(query: str) -> Search | ParseError:
    """A search for `query`: its words and filters (`search_query`'s grammar)."""
    query = clean_text(query)
    if not query:
        return ParseError(
            rich.text("What should I search for? Try ", rich.code("search lora fine-tuning"), ".")
        )
    parsed = parse_query(query)
    return ParseError(parsed.message) if isinstance(parsed, QueryError) else Search(parsed)


def paper_command(name: str, ref: str) -> Command | ParseError:
    """The paper command `name` ("show", "save", … of PAPER_COMMANDS) for a typed paper:
    an arXiv id or link, or a local id from a team's own list."""
    ref = clean_text(ref)
    if not ref:
        return ParseError(rich.text("Which paper? Try ", rich.code(f"{name} 2403.12345"), "."))
    paper_id = parse_arxiv_ref(ref) or (ref if _looks_like_local_id(ref) else None)
    if paper_id is None:
        return ParseError(
            rich.text(
                rich.code(ref), " is not a paper id. Try ", rich.code(f"{name} 2403.12345"), "."
            )
        )
    command: Command = PAPER_COMMANDS[name](paper_id)
    return command


def add_command(ref: str) -> Add | ParseError:
    """`add` for an arXiv id or link (only arXiv papers can be fetched)."""
    ref = clean_text(ref)
    if not ref:
        return ParseError(
            rich.text("Which paper? Try ", rich.code("add 2403.12345"), " or an arxiv.org link.")
        )
    paper_id = parse_arxiv_ref(ref)
    if paper_id is None:
        return ParseError(
            rich.text(
                rich.code(ref),
                " is not an arXiv id or link. Try ",
                rich.code("add 2403.12345"),
                " or ",
                rich.code("add https://arxiv.org/abs/2403.12345"),
                ".",
            )
        )
    return Add(paper_id)


def trending_command(days: int = 1) -> Trending | ParseError:
    if not 1 <= days <= MAX_DAYS:
        return ParseError(
            rich.text(
                rich.code("trending"),
                f" takes a number of days from 1 to {MAX_DAYS}, e.g. ",
                rich.code("trending 7"),
                ".",
            )
        )
    return Trending(days)


def help_command(topic: str = "") -> Help:
    return Help(clean_text(topic).lower())


def _looks_like_local_id(text: str) -> bool:
    # Papers imported from a team's own list may carry non-arXiv ids.
    return re.fullmatch(r"[\w.\-/:]{1,100}", text) is not None


def _trending(rest: str) -> Command | ParseError:
    if not rest:
        return Trending()
    days = rest.removesuffix("d") if rest.endswith("d") else rest
    if not days.isdigit() or len(days) > 6:
        return trending_command(0)  # its answer names the range
    return trending_command(int(days))


def _trend(rest: str) -> Command | ParseError:
    """`trend diffusion, agents 52`: comma-separated topics, then optionally a number of
    weeks (a last word of digits, or digits and "w")."""
    words = rest.rsplit(" ", 1)
    if len(words) == 2 and re.fullmatch(r"\d+w?", words[1].lower()):
        count = words[1].lower().removesuffix("w")
        if not count.isdigit() or len(count) > 6:
            return trend_command(words[0], 0)  # its answer names the range
        return trend_command(words[0], int(count))
    if re.fullmatch(r"\d+w?", rest.lower()):
        return ParseError(
            rich.text("Which topic? Name one before the weeks, ", _TREND_EXAMPLE, ".")
        )
    return trend_command(rest)


_TREND_EXAMPLE = rich.text(
    "e.g. ", rich.code("trend diffusion, agents"), " or ", rich.code("trend diffusion 52")
)


def trend_command(topics: str, weeks: int = DEFAULT_WEEKS) -> Trend | ParseError:
    """A chart of comma-separated `topics` over the last `weeks` weeks."""
    if not 1 <= weeks <= MAX_WEEKS:
        return ParseError(
            rich.text(rich.code("trend"), f" takes 1 to {MAX_WEEKS} weeks, ", _TREND_EXAMPLE, ".")
        )
    named: dict[str, str] = {}  # the first spelling of each, ignoring case
    for part in clean_text(topics).split(","):
        topic = " ".join(part.split())
        if topic:
            named.setdefault(topic.lower(), topic)
    if not named:
        return ParseError(
            rich.text(f"Which topics? Name up to {MAX_TOPICS}, ", _TREND_EXAMPLE, ".")
        )
    if len(named) > MAX_TOPICS:
        return ParseError(
            rich.text(
                f"A chart shows at most {MAX_TOPICS} topics and you named {len(named)}: try ",
                rich.code("trend diffusion, agents, reasoning"),
                ".",
            )
        )
    return Trend(tuple(named.values()), weeks)


def _top(rest: str) -> Command | ParseError:
    if not rest:
        return Top()
    days = rest.removesuffix("d") if rest.endswith("d") else rest
    if not days.isdigit() or len(days) > 6:
        return top_command(0)  # its answer names the range
    return top_command(int(days))


def top_command(days: int = TOP_DAYS) -> Top | ParseError:
    if not 1 <= days <= MAX_DAYS:
        return ParseError(
            rich.text(
                rich.code("top"),
                f" takes a number of days from 1 to {MAX_DAYS}, e.g. ",
                rich.code("top 30"),
                ".",
            )
        )
    return Top(days)


def _foryou(rest: str) -> Command | ParseError:
    if not rest:
        return ForYou()
    first, _, after = rest.partition(" ")
    if first.lower() == "weekly":
        weekly = parse_weekly_spec(after, example="foryou weekly")
        return weekly if isinstance(weekly, ParseError) else ForYouWeekly(weekly)
    if first.lower() == "stop":
        if after.strip():
            return ParseError(
                rich.text(
                    rich.code("foryou stop"),
                    " takes no arguments: it stops your weekly message.",
                )
            )
        return ForYouStop()
    if rest.lower() == "all":
        return ForYou(None)
    days = rest.removesuffix("d") if rest.endswith("d") else rest
    if not days.isdigit() or len(days) > 6:
        return foryou_command(0)  # its answer names the range
    return foryou_command(int(days))


def foryou_command(days: int | None = FORYOU_DAYS) -> ForYou | ParseError:
    """`foryou` over the papers of the last `days` days, or every paper (None)."""
    if days is not None and not 1 <= days <= MAX_DAYS:
        return ParseError(
            rich.text(
                rich.code("foryou"),
                f" takes a number of days from 1 to {MAX_DAYS}, or all: e.g. ",
                rich.code("foryou 30"),
                " or ",
                rich.code("foryou all"),
                ".",
            )
        )
    return ForYou(days)


_AUTHOR_PREFIX = re.compile(r"author:\s*", re.IGNORECASE)
_FOLLOW_EXAMPLES = rich.text(
    rich.code('follow author:"Yann LeCun"'),
    " or ",
    rich.code("follow graph neural networks"),
    "; ",
    rich.code("follow here …"),
    " posts them in this channel.",
)


def _follow(rest: str) -> Command | ParseError:
    first, _, after = rest.partition(" ")
    here = first.lower() == "here"
    if here:
        rest = after.strip()
    if prefix := _AUTHOR_PREFIX.match(rest):
        return follow_command(author=rest[prefix.end() :], here=here)
    return follow_command(words=rest, here=here)


def follow_command(
    *, author: str | None = None, words: str | None = None, here: bool = False
) -> Follow | ParseError:
    """A follow of an author's name or of some words (one of the two)."""
    if author is not None and words:
        return ParseError(
            rich.text("Follow an author or some words, one at a time: ", _FOLLOW_EXAMPLES)
        )
    if author is not None:
        name = " ".join(clean_text(author).strip("\"'“”‘’ ").split())
        if not name or not re.search(r"[^\W\d_]", name):
            return ParseError(rich.text("Whom should I follow? Try ", _FOLLOW_EXAMPLES))
        if len(name) > MAX_AUTHOR_CHARS:
            return ParseError(
                rich.text(f"That name is too long (the limit is {MAX_AUTHOR_CHARS} characters).")
            )
        return Follow("author", name, here)
    query = " ".join(clean_text(words or "").split())
    if not query:
        return ParseError(rich.text("What should I follow? Try ", _FOLLOW_EXAMPLES))
    if len(query) > MAX_FOLLOW_WORDS_CHARS:
        return ParseError(
            rich.text(
                f"That is too many words to follow (the limit is {MAX_FOLLOW_WORDS_CHARS} "
                "characters)."
            )
        )
    return Follow("words", query, here)


def unfollow_command(number: str | int) -> Unfollow | ParseError:
    """`unfollow N`: N as `following` numbers the follows."""
    typed = str(number).strip()
    if not typed.isdigit() or len(typed) > 6 or int(typed) < 1:
        return ParseError(
            rich.text(
                rich.code("unfollow"),
                " takes the number ",
                rich.code("following"),
                " shows: e.g. ",
                rich.code("unfollow 1"),
                ".",
            )
        )
    return Unfollow(int(typed))


def forget_command(rest: str) -> ForgetMe | ParseError:
    """`forget me` asks first; `forget me confirm` deletes."""
    words = clean_text(rest).lower().split()
    if words == ["me"]:
        return ForgetMe()
    if words == ["me", "confirm"]:
        return ForgetMe(confirmed=True)
    return ParseError(
        rich.text(
            rich.code("forget me"),
            " deletes everything I keep about you here; it tells you what first, and ",
            rich.code("forget me confirm"),
            " then deletes it.",
        )
    )


def _unknown(word: str) -> ParseError:
    close = difflib.get_close_matches(word.lower(), COMMAND_NAMES, n=1)
    hint = rich.text(" Did you mean ", rich.code(close[0]), "?") if close else rich.text()
    return ParseError(
        rich.text(
            "I don't know the command ",
            rich.code(word, 40),
            ".",
            hint,
            " To search, type ",
            rich.code("search"),
            " and your words; ",
            rich.code("help"),
            " lists everything.",
        )
    )


def _too_long(length: int, limit: int) -> ParseError:
    return ParseError(
        rich.text(f"That is too long ({length:,} characters; the limit is {limit:,}).")
    )
