"""What a person reads back, word for word: every answer the grammar gives to a mistake,
and the sentences that describe a digest or a weekly list.

The answers are the product here: a hint that names the wrong example, drops the word
the person typed or shouts in capitals is a bug a person sees, so each is checked whole
(in `marked` notation: code spans in backticks)."""

from __future__ import annotations

from datetime import time

import pytest

from paperboy.core import commands as c
from paperboy.core.digest_spec import DigestSpec, describe, digest_spec
from paperboy.core.weekly_spec import WeeklySpec, describe_weekly, weekly_spec
from tests.marked import marked

_TIMEZONES = (
    "Use a name such as Europe/Berlin, America/New_York, CET or UTC, or an offset such as UTC+2."
)
_UNKNOWN = "To search, type `search` and your words; `help` lists everything."
_TREND_EXAMPLE = "e.g. `trend diffusion, agents` or `trend diffusion 52`."
_NOT_A_FILTER = (
    " filters a search; a digest takes `papers:N`, `votes:N`, `rank:team` and `weekdays`"
    " (its papers are always the latest featured ones)."
)
_WEEKLY_HINT = (
    "Try `subscribe top weekly friday 16:00 Europe/Berlin`"
    " (day, time and timezone are optional, in that order)."
)
_TRENDING = "`trending` takes a number of days from 1 to 365, e.g. `trending 7`."
_TOP = "`top` takes a number of days from 1 to 365, e.g. `top 30`."
_NOT_A_TIME = " is not a time of day: use 24-hour HH:MM, e.g. 09:30."


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("search", "What should I search for? Try `search lora fine-tuning`."),
        ("show", "Which paper? Try `show 2403.12345`."),
        ("save", "Which paper? Try `save 2403.12345`."),
        ("show not an id", "`not an id` is not a paper id. Try `show 2403.12345`."),
        ("add", "Which paper? Try `add 2403.12345` or an arxiv.org link."),
        (
            "add hello",
            "`hello` is not an arXiv id or link."
            " Try `add 2403.12345` or `add https://arxiv.org/abs/2403.12345`.",
        ),
        ("trending many", _TRENDING),
        ("trending 0", _TRENDING),
        ("trending 366", _TRENDING),
        ("trending 1234567d", _TRENDING),
        ("trend", f"Which topics? Name up to 3, {_TREND_EXAMPLE}"),
        ("trend , ,", f"Which topics? Name up to 3, {_TREND_EXAMPLE}"),
        ("trend 52w", f"Which topic? Name one before the weeks, {_TREND_EXAMPLE}"),
        ("trend diffusion 0", f"`trend` takes 1 to 156 weeks, {_TREND_EXAMPLE}"),
        ("trend diffusion 157", f"`trend` takes 1 to 156 weeks, {_TREND_EXAMPLE}"),
        ("trend diffusion 1234567w", f"`trend` takes 1 to 156 weeks, {_TREND_EXAMPLE}"),
        (
            "trend a, b, c, d",
            "A chart shows at most 3 topics and you named 4:"
            " try `trend diffusion, agents, reasoning`.",
        ),
        ("top many", _TOP),
        ("top 0", _TOP),
        ("top 366", _TOP),
        ("top 1234567d", _TOP),
        ("saved everything", "`saved` takes no arguments. Try `saved`."),
        ("export now", "`export` takes no arguments. Try `export`."),
        ("digest now", "`digest` takes no arguments. Try `digest`."),
        (
            "unsubscribe everything",
            "`unsubscribe` stops the daily digest; `unsubscribe top` the weekly list.",
        ),
        ("frobnicate", f"I don't know the command `frobnicate`. {_UNKNOWN}"),
        ("serch lora", f"I don't know the command `serch`. Did you mean `search`? {_UNKNOWN}"),
        ("Trnd x", f"I don't know the command `Trnd`. Did you mean `trend`? {_UNKNOWN}"),
        ("z" * 45, f"I don't know the command `{'z' * 39}…`. {_UNKNOWN}"),
        ("subscribe 25:00", f"`25:00`{_NOT_A_TIME}"),
        ("subscribe 9h75", f"`9h75`{_NOT_A_TIME}"),
        ("subscribe 09:00 Mars/Olympus", f"I don't know the timezone `Mars/Olympus`. {_TIMEZONES}"),
        (
            "subscribe 09:00 UTC+25",
            "`UTC+25` is not a UTC offset: use one from UTC-12 to UTC+14,"
            " e.g. UTC+2, UTC-05:00 or +05:30.",
        ),
        (
            "subscribe 09:00 Berlin",
            f"I don't know the timezone `Berlin`. Did you mean Europe/Berlin? {_TIMEZONES}"
            " To follow it as a topic, name the timezone first: `subscribe 09:00 UTC Berlin`.",
        ),
        (
            "subscribe Berlin",
            f"I don't know the timezone `Berlin`. Did you mean Europe/Berlin? {_TIMEZONES}"
            " To follow it as a topic, name the timezone first: `subscribe 09:30 UTC Berlin`.",
        ),
        (
            "subscribe 09:00 UTC robotics 10:00",
            "`10:00` looks like a time, and the time can only come first,"
            " e.g. `subscribe 09:30 UTC robotics`.",
        ),
        (
            "subscribe 09:00 Asia/Tokyo robotics 9pm",
            "`9pm` looks like a time, and the time can only come first,"
            " e.g. `subscribe 09:30 Asia/Tokyo robotics`.",
        ),
        (
            "subscribe 07:15 UTC robotics Europe/Berlin",
            "`Europe/Berlin` looks like a timezone, and the timezone can only come right after"
            " the time, e.g. `subscribe 07:15 Europe/Berlin robotics`.",
        ),
        (
            "subscribe robotics UTC+2",
            "`UTC+2` looks like a timezone, and the timezone can only come right after"
            " the time, e.g. `subscribe 09:30 Europe/Berlin robotics`.",
        ),
        ("subscribe since:7d", f"`since:`{_NOT_A_FILTER}"),
        ("subscribe until:2025-01-01", f"`until:`{_NOT_A_FILTER}"),
        ("subscribe author:Yang", f"`author:`{_NOT_A_FILTER}"),
        ("subscribe paper:3", "I don't know the option `paper:3`. Did you mean `papers:`?"),
        ("subscribe vote:3", "I don't know the option `vote:3`. Did you mean `votes:`?"),
        ("subscribe papers:0", "`papers:` takes a number from 1 to 10."),
        ("subscribe papers:11", "`papers:` takes a number from 1 to 10."),
        ("subscribe papers:x", "`papers:` takes a number from 1 to 10."),
        ("subscribe votes:x", "`votes:` takes the minimum number of upvotes, e.g. votes:10."),
        (
            "subscribe votes:1000001",
            "`votes:` takes the minimum number of upvotes, e.g. votes:10.",
        ),
        ("subscribe " + "t" * 201, "Topics are limited to 200 characters."),
        ("subscribe top weekly 25:00", f"`25:00`{_NOT_A_TIME}"),
        (
            "subscribe top weekly friday Mars/Olympus",
            f"I don't know the timezone `Mars/Olympus`. {_TIMEZONES}",
        ),
        (
            "subscribe top weekly friday 16:00 UTC extra words",
            f"I did not understand `extra words`. {_WEEKLY_HINT}",
        ),
        ("subscribe top someday", f"I did not understand `someday`. {_WEEKLY_HINT}"),
        (
            "subscribe top " + "w" * 45,
            f"I did not understand `{'w' * 39}…`. {_WEEKLY_HINT}",
        ),
        ("search " + "x" * 600, "That is too long (607 characters; the limit is 500)."),
        ("x" * 2001, "That is too long (2,001 characters; the limit is 500)."),
    ],
)
def test_each_mistake_gets_exactly_this_answer(text: str, answer: str) -> None:
    result = c.parse_command(text)
    assert isinstance(result, c.ParseError)
    assert marked(result.message) == answer


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("trending 365", c.Trending(365)),
        ("trending 365d", c.Trending(365)),
        ("top 365", c.Top(365)),
        ("top 1d", c.Top(1)),
        ("trend x 156", c.Trend(("x",), 156)),
        ("trend x 1w", c.Trend(("x",), 1)),
        ("subscribe papers:1", c.Subscribe(DigestSpec(papers=1))),
        (
            "subscribe papers:10 votes:1000000",
            c.Subscribe(DigestSpec(papers=10, min_upvotes=1_000_000)),
        ),
        ("subscribe " + "t" * 200, c.Subscribe(DigestSpec(topics="t" * 200))),
        ("subscribe Weekdays-only", c.Subscribe(DigestSpec(weekdays=True))),
        ("subscribe top", c.SubscribeWeekly(WeeklySpec())),
        ("subscribe top weekly", c.SubscribeWeekly(WeeklySpec())),
        ("subscribe top weekly sunday", c.SubscribeWeekly(WeeklySpec(6))),
        ("subscribe top 16:00", c.SubscribeWeekly(WeeklySpec(0, time(16, 0)))),
        ("subscribe top UTC", c.SubscribeWeekly(WeeklySpec(0, None, "UTC"))),
        (
            "subscribe top fri 07:05 europe/berlin",
            c.SubscribeWeekly(WeeklySpec(4, time(7, 5), "Europe/Berlin")),
        ),
        (
            "subscribe top weekly Sun 9:00 UTC+2",
            c.SubscribeWeekly(WeeklySpec(6, time(9, 0), "UTC+02:00")),
        ),
        ("save my-list/paper_1", c.Save("my-list/paper_1")),
    ],
)
def test_the_edges_of_each_range_are_accepted(text: str, command: c.Command) -> None:
    assert c.parse_command(text) == command


def test_typed_options_get_the_same_answers_as_words() -> None:
    answers = {
        "trending 366": c.trending_command(366),
        "top 366": c.top_command(366),
        "top 0": c.top_command(0),
        "trend a 157": c.trend_command("a", 157),
        "trend a, b, c, d": c.trend_command("a, b, c, d"),
    }
    for text, typed in answers.items():
        assert typed == c.parse_command(text), text
    assert c.trending_command(365) == c.Trending(365)
    assert c.top_command(365) == c.Top(365)
    assert c.top_command(1) == c.Top(1)
    assert c.trend_command("a, b, c", 156) == c.Trend(("a", "b", "c"), 156)


def test_typed_weekly_and_digest_options_get_exact_answers() -> None:
    def answer(result: object) -> str:
        assert isinstance(result, c.ParseError)
        return marked(result.message)

    assert answer(weekly_spec(day="someday")) == "`someday` is not a day of the week, e.g. friday."
    assert (
        answer(weekly_spec(day="d" * 50)) == f"`{'d' * 39}…` is not a day of the week, e.g. friday."
    )
    assert answer(digest_spec(papers=11)) == "`papers:` takes a number from 1 to 10."
    assert answer(digest_spec(min_upvotes=-1)) == (
        "`votes:` takes the minimum number of upvotes, e.g. votes:10."
    )
    assert answer(digest_spec(time="25:00")) == f"`25:00`{_NOT_A_TIME}"
    assert answer(digest_spec(zone="Mars/Base")) == (
        f"I don't know the timezone `Mars/Base`. {_TIMEZONES}"
    )
    # Blank options are left out, not refused; what is typed is trimmed.
    assert weekly_spec(day="fri", time=" ", zone=" ") == WeeklySpec(4)
    assert digest_spec() == DigestSpec()
    assert digest_spec(topics="  robotics   arms ", min_upvotes=None) == DigestSpec(
        topics="robotics arms"
    )
    assert digest_spec(time=" 7:05 ", zone=" asia/tokyo ", min_upvotes=5) == DigestSpec(
        time(7, 5), "Asia/Tokyo", min_upvotes=5
    )


def test_a_digest_is_described_in_a_sentence() -> None:
    assert describe(DigestSpec(papers=4)) == (
        "every day at the default time UTC, up to 4 papers, on any topic"
    )
    assert describe(DigestSpec(time(7, 5), "Asia/Tokyo", "robotics", 3, 10, True)) == (
        "weekdays at 07:05 Asia/Tokyo, up to 3 papers, with at least 10 upvotes, about “robotics”"
    )
    assert describe(DigestSpec(time(0, 0), papers=5)) == (
        "every day at 00:00 UTC, up to 5 papers, on any topic"
    )
    assert describe(DigestSpec(papers=1)).startswith(
        "every day at the default time UTC, up to 1 paper,"
    )


def test_a_weekly_list_is_described_in_a_sentence() -> None:
    assert describe_weekly(WeeklySpec()) == "every Monday at 09:00 UTC"
    assert describe_weekly(WeeklySpec(4, time(7, 5), "Europe/Berlin")) == (
        "every Friday at 07:05 Europe/Berlin"
    )
    assert describe_weekly(WeeklySpec(6)) == "every Sunday at 09:00 UTC"


def test_what_is_left_out_takes_the_defaults_and_what_is_asked_is_kept() -> None:
    assert WeeklySpec(4).with_defaults(time=time(9), zone="utc+2") == WeeklySpec(
        4, time(9), "UTC+02:00"
    )
    assert WeeklySpec(4, time(7), "Asia/Tokyo").with_defaults(time=time(9), zone="UTC") == (
        WeeklySpec(4, time(7), "Asia/Tokyo")
    )
    # A default zone the zone database does not know is kept as the setting spells it.
    assert WeeklySpec().with_defaults(time=time(9), zone="Nowhere").zone == "Nowhere"
    assert DigestSpec().with_defaults(time=time(9), zone="utc+2", papers=5) == DigestSpec(
        time(9), "UTC+02:00", papers=5
    )
    assert DigestSpec(time(7), "Asia/Tokyo", papers=3).with_defaults(
        time=time(9), zone="UTC", papers=5
    ) == DigestSpec(time(7), "Asia/Tokyo", papers=3)
