"""Console entry points: `paperboy run | chat | search | ingest | export | recommend | config`.

Exit codes: 0 success, 1 a runtime failure (store unavailable, source down),
2 a usage or configuration error. Errors are one line on stderr, never a traceback.

Everything printed goes through `_say`/`_warn`, which clean it the way the
console adapter does: a stored title or a source's error message may hold
terminal escape sequences or bidi overrides, and a terminal must not obey them.
`search --json` keeps the exact text and writes such characters as \\u escapes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import logging.handlers
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

from paperboy import __version__, logs
from paperboy.adapters.console import CONSOLE_HELP
from paperboy.app import (
    App,
    Services,
    adapter_names,
    arxiv_client,
    build_bot,
    console_adapter,
    console_screen,
    following_the_store,
    huggingface_client,
    log_path,
    open_library,
    store_location,
)
from paperboy.config import ConfigError, Settings, example_toml, load_settings
from paperboy.core.bibtex import to_bibtex
from paperboy.core.commands import FORYOU_DAYS, MAX_DAYS
from paperboy.core.ids import parse_arxiv_ref
from paperboy.core.models import Platform, UserRef
from paperboy.core.ports import (
    SourceFailure,
    StoreBroken,
    StoreUnavailable,
    Unreachable,
    UpsertCounts,
)
from paperboy.core.replies import Notice
from paperboy.core.rich import code, text
from paperboy.core.search_query import QueryError, parse_query
from paperboy.core.searching import Refused, find
from paperboy.core.text import INVISIBLE_CATEGORIES, clean_text, terminal_text
from paperboy.migrate_store import MigrateUsageError, migrate_store
from paperboy.progress import Progress
from paperboy.run_lock import AlreadyRunning
from paperboy.sources.errors import PaperNotFound
from paperboy.sources.ingest import DayResult, IngestService
from paperboy.sources.jsonl import parse_jsonl
from paperboy.sources.sample import load_sample_papers
from paperboy.store.copy import BATCH

log = logging.getLogger("paperboy")

LOG_FILE_BYTES = 5 * 1024 * 1024  # then rotated, two old files kept


# A longer backfill is a lot of requests to Hugging Face: it needs --yes.
MAX_UNASKED_DAYS = 31


class UsageError(Exception):
    """Bad arguments: exit 2 with this message."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperboy",
        description="Research-paper search, daily digests and reading lists for team chat.",
    )
    parser.add_argument("--version", action="version", version=f"paperboy {__version__}")
    parser.add_argument(
        "--config", type=Path, help="config file (default: $PAPERBOY_CONFIG, else ./config.toml)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "run",
        help="start the bot: Slack and/or Discord when their tokens are set, else the console",
        description="Start the bot. Runs the Slack adapter when SLACK_BOT_TOKEN is set, the "
        "Discord adapter when DISCORD_TOKEN is set, and the console adapter when neither is.",
    )
    commands.add_parser("chat", help="talk to the bot on this terminal (or through a pipe)")

    search = commands.add_parser("search", help="search the papers once and print the results")
    search.add_argument("query", nargs="+", help="words and filters, e.g. lora since:30d votes:>=5")
    search.add_argument("--limit", type=int, default=10, help="how many results (default 10)")
    search.add_argument("--json", action="store_true", help="one JSON object per result line")

    ingest = commands.add_parser(
        "ingest",
        help="load papers into the store: the sample, a JSONL file, or Daily Papers days",
        description="Load papers. --since backfills Daily Papers days (resumable: days already "
        "complete are skipped unless --refresh).",
    )
    what = ingest.add_mutually_exclusive_group(required=True)
    what.add_argument("--sample", action="store_true", help="load the bundled sample papers")
    what.add_argument(
        "--jsonl",
        type=Path,
        metavar="FILE",
        help="one paper a line: id, title, abstract, optional authors, published, upvotes, url",
    )
    what.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="first day to backfill")
    ingest.add_argument(
        "--until", type=_day, metavar="YYYY-MM-DD", help="last day to backfill (default today)"
    )
    ingest.add_argument("--refresh", action="store_true", help="fetch complete days again too")
    ingest.add_argument(
        "--yes",
        action="store_true",
        help=f"go ahead with a backfill of more than {MAX_UNASKED_DAYS} days",
    )

    add = commands.add_parser("add", help="fetch one paper from arXiv and store it")
    add.add_argument("paper", help="an arXiv id or link, e.g. 2106.09685 or arxiv.org/abs/…")

    export = commands.add_parser("export", help="print a user's reading list as BibTeX")
    export.add_argument("--user", required=True, help="the user's id on the platform")
    export.add_argument(
        "--platform", required=True, choices=[p.value for p in Platform], help="the platform"
    )
    export.add_argument(
        "--workspace", default="local", help="Slack team id or Discord guild id (console: local)"
    )

    migrate = commands.add_parser(
        "migrate-store",
        help="copy every table of one store into another (e.g. SQLite to PostgreSQL)",
        description="Copy papers, reading lists, subscriptions, digest history, posts and "
        "the rest into another store, then compare each table's counts. Resumable: run it "
        "again after an interruption; nothing is copied twice.",
    )
    migrate.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="URL",
        help="sqlite:///path or postgresql://…",
    )
    migrate.add_argument(
        "--to", dest="target", required=True, metavar="URL", help="postgresql://… or sqlite:///path"
    )
    migrate.add_argument(
        "--batch", type=int, default=BATCH, help=f"rows per transaction (default {BATCH})"
    )
    recommend = commands.add_parser(
        "recommend",
        help="print the papers foryou ranks for a user",
        description="The ranking `foryou` gives a user, learned from their saved and marked "
        "papers, best first. A score is the model's decision (positive: on the side of the "
        "saves); its best are ordered again by likeness to one save, so scores do not always "
        "fall down the list. The console's user is your login name ($USER) in workspace local.",
    )
    recommend.add_argument("--user", required=True, help="the user's id on the platform")
    recommend.add_argument(
        "--platform", required=True, choices=[p.value for p in Platform], help="the platform"
    )
    recommend.add_argument(
        "--workspace", default="local", help="Slack team id or Discord guild id (console: local)"
    )
    recommend.add_argument(
        "--days",
        type=_span,
        default=FORYOU_DAYS,
        metavar="N|all",
        help=f"from the papers of the last N days, or all (default {FORYOU_DAYS})",
    )
    recommend.add_argument("--limit", type=int, default=10, help="how many papers (default 10)")
    recommend.add_argument("--json", action="store_true", help="one JSON object per paper line")

    config = commands.add_parser("config", help="show the configuration")
    config.add_argument(
        "--example", action="store_true", help="print config.example.toml with every default"
    )
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-01") from None


def _span(text: str) -> int | None:
    """--days: a number of days, or "all" (None)."""
    if text.strip().lower() == "all":
        return None
    days = text.strip()
    if not days.isdigit() or not 1 <= int(days[:7]) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"give a number of days from 1 to {MAX_DAYS}, or all")
    return int(days)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "config" and args.example:
            sys.stdout.write(example_toml())
            return 0
        settings = load_settings(args.config)
        console = args.command == "chat" or (
            args.command == "run" and "console" in adapter_names(settings)[0]
        )
        announce_log = None
        if console and not args.verbose:
            announce_log = _log_to_file(settings)
        else:
            _configure_logging(settings, verbose=args.verbose, quiet=args.command != "run")
        return asyncio.run(_dispatch(args, settings, on_started=announce_log))
    except ConfigError as error:
        _warn(f"paperboy: configuration error: {error}")
        return 2
    except UsageError as error:
        _warn(f"paperboy: {error}")
        return 2
    except StoreUnavailable as error:
        _warn(f"paperboy: the store is unavailable ({error}); try again shortly")
        return 1
    except (StoreBroken, Unreachable, AlreadyRunning) as error:
        _warn(f"paperboy: {error}")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # The last word: no traceback on the terminal, but -v shows where it came from.
        log.debug("%s failed", args.command, exc_info=True)
        _warn(f"paperboy: {args.command} failed: {error!r}; run it again with -v for details")
        return 1


def _configure_logging(settings: Settings, *, verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else getattr(logging, settings.log.level.upper())
    if quiet and not verbose:
        level = max(level, logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_log_formatter(settings))
    logging.basicConfig(level=level, handlers=[handler])


def _log_formatter(settings: Settings) -> logging.Formatter:
    """`log.format`, masking every configured secret (and anything token-shaped)."""
    return logs.formatter(settings.log.format, secrets=settings.secrets.values())


def _log_to_file(settings: Settings) -> Callable[[], None] | None:
    """The console's log goes to a file, so that no log line scrolls over the prompt.
    Returns what says where it is, once the console has started (a start that fails
    stays one line). A file that cannot be opened leaves the log on stderr."""
    if logging.getLogger().handlers:  # logging was set up by whoever runs us: theirs
        return None
    path = log_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_FILE_BYTES, backupCount=2, encoding="utf-8"
        )
    except OSError as error:
        _configure_logging(settings, verbose=False, quiet=False)
        reason = error.strerror
        return lambda: _warn(f"paperboy: cannot write the log to {path} ({reason}); logging here")
    handler.setFormatter(_log_formatter(settings))
    logging.basicConfig(level=getattr(logging, settings.log.level.upper()), handlers=[handler])
    return lambda: _warn(f"paperboy: the log is in {path} (-v shows it here instead)")


async def _dispatch(
    args: argparse.Namespace, settings: Settings, *, on_started: Callable[[], None] | None = None
) -> int:
    if args.command == "run":
        await App(settings, on_started=on_started).run()
        return 0
    if args.command == "migrate-store":
        if not 1 <= args.batch <= 100_000:
            raise UsageError("--batch must be between 1 and 100000")
        try:
            return await migrate_store(
                args.source, args.target, batch=args.batch, out=sys.stdout, progress_to=sys.stderr
            )
        except MigrateUsageError as error:
            raise UsageError(f"migrate-store {error}") from None
    if args.command == "config":
        _say(f"config file: {settings.source_file or '(none: defaults and environment)'}")
        _say(f"store: {store_location(settings)}")
        return 0
    async with open_library(settings) as core:
        if args.command == "chat":
            if on_started is not None:
                on_started()
            async with following_the_store(core), arxiv_client(settings) as arxiv:
                bot = build_bot(
                    core,
                    fetcher=arxiv,
                    platform_help=CONSOLE_HELP,
                    digests_off=text(
                        code("paperboy chat"),
                        " only answers commands: digests come with ",
                        code("paperboy run"),
                        ", which with no chat tokens is this console with digests.",
                    ),
                )
                await console_adapter(core, bot, console_screen(settings)).run()
            return 0
        if args.command == "search":
            return await _search(core, " ".join(args.query), limit=args.limit, as_json=args.json)
        if args.command == "ingest":
            return await _ingest(core, args)
        if args.command == "add":
            return await _add(core, args.paper)
        if args.command == "export":
            return await _export(core, UserRef(args.platform, args.workspace, args.user))
        if args.command == "recommend":
            user = UserRef(args.platform, args.workspace, args.user)
            return await _recommend(core, user, days=args.days, limit=args.limit, as_json=args.json)
    raise UsageError(f"unknown command {args.command}")


async def _search(core: Services, text: str, *, limit: int, as_json: bool) -> int:
    if not 1 <= limit <= 1000:
        raise UsageError("--limit must be between 1 and 1000")
    query = parse_query(text)
    if isinstance(query, QueryError):
        raise UsageError(str(query.message))
    found = await find(core.library, query, today=core.clock().date(), limit=limit)
    if isinstance(found, Refused):
        raise UsageError(str(found.message))  # the words as typed, code marks and all
    hits = found.hits
    papers = await core.store.papers.get_many([hit.paper_id for hit in hits])
    if not hits and not as_json:
        _warn(found.nothing(0))
    for rank, hit in enumerate(hits, 1):
        paper = papers.get(hit.paper_id)
        if paper is None:  # removed from the store since the search
            continue
        # A filter alone lists by date: there is no score to show.
        score = None if found.newest_first else round(hit.score, 6)
        if as_json:
            row = {
                "id": paper.id,
                "title": paper.title,
                "score": score,
                "authors": list(paper.authors),
                "date": paper.date.isoformat() if paper.date else None,
                "upvotes": paper.upvotes,
                "url": paper.url,
                "abstract": paper.abstract,
            }
            print(_json_line(row))  # already terminal-safe, and exactly the stored text
        else:
            shown = paper.date.isoformat() if paper.date else "no date"
            last = shown if score is None else f"{score:.2f}"
            _say(f"{rank:>3}. {paper.title}  [{paper.id}]  {last}")
    return 0


async def _recommend(
    core: Services, user: UserRef, *, days: int | None, limit: int, as_json: bool
) -> int:
    if not 1 <= limit <= 1000:
        raise UsageError("--limit must be between 1 and 1000")
    found = await build_bot(core).foryou.ranked(user, days, limit=limit)
    if isinstance(found, Notice):
        _warn(str(found.text))
        return 1
    ranked, learned = found
    papers = await core.store.papers.get_many(
        [r.paper_id for r in ranked] + [r.like for r in ranked]
    )
    if not ranked and not as_json:
        _warn("no papers to rank: every one of that span is saved or marked")
    for rank, item in enumerate(ranked, 1):
        paper = papers.get(item.paper_id)
        if paper is None:  # removed from the store since the ranking
            continue
        like = papers.get(item.like)
        if as_json:
            row = {
                "rank": rank,
                "id": paper.id,
                "title": paper.title,
                "score": round(item.score, 6),
                "ranked_by": "model" if learned else "similar",
                "like": item.like,
                "like_title": like.title if like else None,
                "authors": list(paper.authors),
                "date": paper.date.isoformat() if paper.date else None,
                "upvotes": paper.upvotes,
                "url": paper.url,
                "abstract": paper.abstract,
            }
            print(_json_line(row))  # already terminal-safe, and exactly the stored text
        else:
            _say(f"{rank:>3}. {paper.title}  [{paper.id}]  {item.score:.3f}  like {item.like}")
    return 0


async def _ingest(core: Services, args: argparse.Namespace) -> int:
    if args.since is None:
        stray = [name for name in ("until", "refresh", "yes") if getattr(args, name)]
        if stray:
            named = ", ".join(f"--{name}" for name in stray)
            raise UsageError(f"{named} only go{'es' if len(stray) == 1 else ''} with --since")
    if args.sample:
        counts = await core.library.add_papers(load_sample_papers(), at=core.clock())
        _say(f"sample papers: {counts.describe()}")
        return 0
    if args.jsonl is not None:
        return await _ingest_jsonl(core, args.jsonl)
    return await _backfill(core, args)


async def _backfill(core: Services, args: argparse.Namespace) -> int:
    since: date = args.since
    today = core.clock().date()
    if since > today:
        raise UsageError(f"--since {since} is in the future (today is {today})")
    until: date = args.until or today
    if until > today:
        raise UsageError(
            f"--until {until} is in the future (today is {today}); leave it out to end today"
        )
    if since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    days = (until - since).days + 1
    done = set() if args.refresh else await core.store.ingest_log.done_days(since, until)
    planned = days - len(done)
    if not planned:
        _say(
            f"Nothing to fetch: every day from {since} to {until} is complete "
            "(--refresh fetches them again)."
        )
        return 0
    if planned > MAX_UNASKED_DAYS and not args.yes:
        raise UsageError(
            f"--since {since} plans {_days(planned)} of Daily Papers ({since} to {until}), "
            "at least one request each; add --yes to go ahead, or pick a later --since"
        )
    settings = core.settings
    async with huggingface_client(settings) as hf:
        ingest = IngestService(
            source=hf, library=core.library, ingest_log=core.store.ingest_log, clock=core.clock
        )
        with Progress(sys.stderr) as progress:
            results = await ingest.backfill(
                args.since,
                until,
                refresh=args.refresh,
                concurrency=settings.sources.backfill_concurrency,
                progress=progress.update,
            )
    _say(_backfill_summary(results, skipped=len(done)))
    failed = [r for r in results if r.error]
    for result in failed:
        _warn(f"  {result.day}: {result.error}")
    return 1 if failed else 0


def _backfill_summary(results: Sequence[DayResult], *, skipped: int) -> str:
    """ "2 of 3 days fetched: 40 papers (…), 1 failed (run again to retry them)"."""
    fetched = [r for r in results if not r.error]
    failed = len(results) - len(fetched)
    line = f"{len(fetched)} of {_days(len(results))} fetched"
    papers = sum(r.stored for r in fetched)
    if fetched:
        counts = UpsertCounts(
            inserted=sum(r.new for r in fetched),
            updated=sum(r.updated for r in fetched),
            unchanged=sum(r.stored - r.new - r.updated for r in fetched),
        )
        line += f": {papers} papers ({counts.describe()})" if papers else ": no papers listed"
    unusable = sum(r.skipped_items for r in results)
    if unusable:
        line += f", {unusable} unusable items skipped"
    if failed:
        line += f", {failed} failed (run again to retry them)"
    if skipped:
        line += f"; {_days(skipped)} already complete skipped"
    return line


def _days(count: int) -> str:
    return f"{count:,} day" + ("" if count == 1 else "s")


async def _ingest_jsonl(core: Services, path: Path) -> int:
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            papers, errors = parse_jsonl(file)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    for problem in errors:
        _warn(f"{path}: {problem}")
    counts = await core.library.add_papers(papers, at=core.clock())
    _say(f"{path}: {counts.describe()}, {len(errors)} bad lines skipped")
    return 1 if errors else 0


async def _add(core: Services, ref: str) -> int:
    paper_id = parse_arxiv_ref(ref)
    if paper_id is None:
        raise UsageError(f"{ref!r} is not an arXiv id or link")
    known = await core.store.papers.get(paper_id)
    if known is not None:
        _say(f"already stored {known.id}: {clean_text(known.title)}")
        return 0
    async with arxiv_client(core.settings) as arxiv:
        try:
            paper = await arxiv.fetch_one(paper_id)
        except PaperNotFound as error:  # says why: unknown, or an entry it could not use
            _warn(f"paperboy: {error}")
            return 1
        except SourceFailure as error:
            _warn(f"paperboy: arXiv did not answer, try again later ({error})")
            return 1
    counts = await core.library.add_papers([paper], at=core.clock())
    _say(f"{'added' if counts.inserted else 'updated'} {paper.id}: {clean_text(paper.title)}")
    return 0


async def _export(core: Services, user: UserRef) -> int:
    items = await core.store.reading_lists.list(user, limit=100_000)
    if not items:
        _warn(f"{user.user} has no saved papers on {user.platform}/{user.workspace}")
        return 1
    sys.stdout.write(terminal_text(to_bibtex(item.paper for item in items)))
    return 0


def _say(text: str) -> None:
    print(terminal_text(text))


def _warn(text: str) -> None:
    print(terminal_text(text), file=sys.stderr)


def _json_line(row: Mapping[str, object]) -> str:
    """`row` as one line of JSON, every invisible character written as a \\u escape:
    the same data, and nothing a terminal would act on."""
    text = json.dumps(row, ensure_ascii=False)
    invisible = {ch for ch in set(text) if unicodedata.category(ch) in INVISIBLE_CATEGORIES}
    return text.translate({ord(ch): _json_escape(ch) for ch in invisible}) if invisible else text


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells a character beyond the BMP as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
