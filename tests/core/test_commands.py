"""The command grammar: every command, and a short answer for every bad input."""

from __future__ import annotations

from datetime import date, time

import pytest

from paperboy.core import commands as c
from paperboy.core.ids import parse_arxiv_ref
from paperboy.core.rich import Code
from paperboy.core.search_query import Day, ParsedQuery, QueryError, SearchFilters, SearchQuery
from paperboy.core.weekly_spec import WeeklySpec, parse_weekly_spec, weekly_spec
from tests.marked import marked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("search lora fine-tuning", c.Search(SearchQuery("lora fine-tuning", "lora fine-tuning"))),
        (
            "SEARCH   lora\tsince:7d",
            c.Search(SearchQuery("lora since:7d", "lora", SearchFilters(since=Day(days_back=7)))),
        ),
        ("/search lora", c.Search(SearchQuery("lora", "lora"))),
        # Other word:value tokens are words, unless one looks like a mistyped filter.
        (
            "search lora arXiv:2403.12345 note:draft",
            c.Search(
                SearchQuery("lora arXiv:2403.12345 note:draft", "lora arXiv:2403.12345 note:draft")
            ),
        ),
        ("similar 2106.09685", c.Similar("2106.09685")),
        ("show arXiv:2106.09685v2", c.Show("2106.09685")),
        ("show https://arxiv.org/abs/2106.09685", c.Show("2106.09685")),
        ("trending", c.Trending(1)),
        ("trending 7", c.Trending(7)),
        ("trending 30d", c.Trending(30)),
        ("trend diffusion", c.Trend(("diffusion",), 26)),
        (
            "trend diffusion, AI agents ,reasoning 52",
            c.Trend(("diffusion", "AI agents", "reasoning"), 52),
        ),
        ("trend diffusion 12w", c.Trend(("diffusion",), 12)),
        ("trend Diffusion, diffusion, agents,", c.Trend(("Diffusion", "agents"), 26)),
        # Told apart as lower case tells them: "ß" is not "ss".
        ("trend Straße, strasse, STRASSE", c.Trend(("Straße", "strasse"), 26)),
        ("trend gpt 4 156", c.Trend(("gpt 4",), 156)),
        ("top", c.Top(7)),
        ("top 30", c.Top(30)),
        ("top 1d", c.Top(1)),
        ("add https://huggingface.co/papers/2106.09685", c.Add("2106.09685")),
        ("save 2106.09685", c.Save("2106.09685")),
        ("saved", c.Saved()),
        ("unsave 2106.09685", c.Unsave("2106.09685")),
        ("read 2106.09685", c.Read("2106.09685")),
        ("export", c.Export()),
        (
            "subscribe 09:30 Europe/Berlin agents",
            c.Subscribe(c.DigestSpec(time(9, 30), "Europe/Berlin", "agents")),
        ),
        ("unsubscribe", c.Unsubscribe()),
        ("unsubscribe TOP", c.Unsubscribe("top")),
        ("subscribe top weekly friday", c.SubscribeWeekly(WeeklySpec(4))),
        ("digest", c.DigestNow()),
        ("help", c.Help()),
        ("help search", c.Help("search")),
        ("", c.Help()),
        ("   ", c.Help()),
    ],
)
def test_each_command_parses(text: str, expected: c.Command) -> None:
    assert c.parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("search", "What should I search for?"),
        ("show", "Which paper?"),
        ("show not an id at all", "is not a paper id"),
        ("add", "Which paper?"),
        ("add hello", "is not an arXiv id or link"),
        ("trending many", "number of days from 1 to 365"),
        ("trending 0", "number of days"),
        ("trending 99999999999999999999", "number of days"),
        ("saved everything", "takes no arguments"),
        ("trend", "Which topics?"),
        ("trend , ,", "Which topics?"),
        ("trend 52", "Which topic?"),
        ("trend diffusion 0", "1 to 156 weeks"),
        ("trend diffusion 157", "1 to 156 weeks"),
        ("trend diffusion 99999999999999999999w", "1 to 156 weeks"),
        ("trend a, b, c, d", "at most 3 topics"),
        ("top many", "number of days from 1 to 365"),
        ("top 366", "number of days from 1 to 365"),
        ("trnd diffusion", "Did you mean `trend`?"),
        ("unsubscribe everything", "`unsubscribe top` the weekly list"),
        ("serch lora", "Did you mean `search`?"),
        ("frobnicate", "I don't know the command"),
        ("search " + "x" * 600, "too long"),
        ("x" * 100_000, "too long"),
    ],
)
def test_bad_input_gets_a_short_helpful_answer(text: str, answer: str) -> None:
    result = c.parse_command(text)
    assert isinstance(result, c.ParseError)
    assert answer in marked(result.message)
    assert len(marked(result.message)) < 200


def test_control_and_invisible_characters_never_reach_a_command() -> None:
    result = c.parse_command("search lo\u202era\x00 \u200bdiffusion\x1b[31m")
    assert isinstance(result, c.Search)
    assert all(ch.isprintable() for ch in result.query.typed + result.query.words)


def test_echoed_input_is_one_code_span_holding_exactly_what_was_typed() -> None:
    """Backticks typed stay the user's text inside the span: keeping it closed is each
    renderer's job (tests/adapters/*/test_render.py), not something the core escapes."""
    result = c.parse_command("show `@everyone`")
    assert isinstance(result, c.ParseError)
    assert result.message.spans[0] == Code("`@everyone`")
    assert str(result.message).startswith("`@everyone` is not a paper id.")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("2403.12345", "2403.12345"),
        ("2403.12345v2", "2403.12345"),
        ("arXiv:2403.12345", "2403.12345"),
        ("https://arxiv.org/abs/2403.12345v1", "2403.12345"),
        ("http://arxiv.org/pdf/2403.12345v2.pdf", "2403.12345"),
        ("https://arxiv.org/pdf/2403.12345", "2403.12345"),
        ("https://export.arxiv.org/abs/2403.12345", "2403.12345"),
        ("cs/0112017", "cs/0112017"),
        ("math.gt/0309136v1", "math/0309136"),
        ("https://arxiv.org/abs/cs/0112017", "cs/0112017"),
        ("https://huggingface.co/papers/2403.12345", "2403.12345"),
        ("<https://arxiv.org/abs/2403.12345?context=cs>", "2403.12345"),
        ("0704.0001", "0704.0001"),
    ],
)
def test_every_arxiv_reference_form_gives_the_bare_id(ref: str, expected: str) -> None:
    assert parse_arxiv_ref(ref) == expected


@pytest.mark.parametrize(
    "ref", ["", "hello", "2403.123", "24031.12345", "https://example.com/abs/2403.12345", "1" * 500]
)
def test_anything_else_is_not_an_arxiv_reference(ref: str) -> None:
    assert parse_arxiv_ref(ref) is None


def test_typed_builders_check_what_the_grammar_checks() -> None:
    """Discord's typed options become commands through these, never through text."""
    assert c.trend_command("diffusion, Diffusion ,agents", 12) == c.Trend(
        ("diffusion", "agents"), 12
    )
    assert c.trend_command("gpt 4") == c.parse_command("trend gpt 4,")
    assert isinstance(c.trend_command("agents", 0), c.ParseError)
    assert isinstance(c.trend_command(" , "), c.ParseError)
    assert c.top_command(30) == c.Top(30)
    assert isinstance(c.top_command(0), c.ParseError)
    assert c.paper_command("show", "arXiv:2106.09685v2") == c.Show("2106.09685")
    assert isinstance(c.add_command("not a paper"), c.ParseError)
    assert isinstance(c.search_command("  "), c.ParseError)


def test_typed_weekly_options_are_checked_as_the_words_are() -> None:
    typed = weekly_spec(day="Fri", time="7:05", zone="europe/berlin")
    assert typed == parse_weekly_spec("weekly friday 07:05 Europe/Berlin")
    bad_time = weekly_spec(day="friday", time="25:00")
    assert isinstance(bad_time, c.ParseError)
    assert "is not a time of day" in bad_time.message
    assert isinstance(weekly_spec(day="someday"), c.ParseError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foryou", c.ForYou(7)),
        ("foryou 1", c.ForYou(1)),
        ("foryou 30", c.ForYou(30)),
        ("foryou 30d", c.ForYou(30)),
        ("foryou 365", c.ForYou(365)),
        ("foryou ALL", c.ForYou(None)),
        ("foryou weekly", c.ForYouWeekly(WeeklySpec())),
        ("foryou Weekly friday 08:00 UTC", c.ForYouWeekly(WeeklySpec(4, time(8, 0), "UTC"))),
        ("foryou STOP", c.ForYouStop()),
        ("forget me", c.ForgetMe()),
        ("forget ME  Confirm", c.ForgetMe(confirmed=True)),
        ("unfollow 1", c.Unfollow(1)),
        ("unfollow 999999", c.Unfollow(999999)),
    ],
)
def test_the_person_commands_parse(text: str, expected: c.Command) -> None:
    assert c.parse_command(text) == expected


_FORYOU_RANGE = (
    "`foryou` takes a number of days from 1 to 365, or all: e.g. `foryou 30` or `foryou all`."
)
_UNFOLLOW = "`unfollow` takes the number `following` shows: e.g. `unfollow 1`."
_FORGET = (
    "`forget me` deletes everything I keep about you here; it tells you what first, and "
    "`forget me confirm` then deletes it."
)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("foryou 0", _FORYOU_RANGE),
        ("foryou 366", _FORYOU_RANGE),
        ("foryou 1000000", _FORYOU_RANGE),
        ("foryou 0d", _FORYOU_RANGE),
        ("foryou d", _FORYOU_RANGE),
        ("foryou banana", _FORYOU_RANGE),
        ("foryou stop now", "`foryou stop` takes no arguments: it stops your weekly message."),
        (
            "foryou weekly someday",
            "I did not understand `someday`. Try `foryou weekly friday 16:00 Europe/Berlin` "
            "(day, time and timezone are optional, in that order).",
        ),
        ("unfollow 0", _UNFOLLOW),
        ("unfollow 1000000", _UNFOLLOW),
        ("unfollow first", _UNFOLLOW),
        ("unfollow", _UNFOLLOW),
        ("forget", _FORGET),
        ("forget me now", _FORGET),
        ("forget you", _FORGET),
    ],
)
def test_bad_person_commands_get_the_answer_that_says_what_to_type(text: str, answer: str) -> None:
    parsed = c.parse_command(text)
    assert isinstance(parsed, c.ParseError)
    assert marked(parsed.message) == answer


def test_a_follow_here_of_an_author_and_the_typed_follow_builder() -> None:
    assert c.parse_command("follow here author:LeCun") == c.Follow("author", "LeCun", True)
    assert c.follow_command(author="Ada Lovelace") == c.Follow("author", "Ada Lovelace", False)
    both = c.follow_command(author="Ada Lovelace", words="engines")
    assert isinstance(both, c.ParseError)
    assert marked(both.message) == (
        'Follow an author or some words, one at a time: `follow author:"Yann LeCun"` or '
        "`follow graph neural networks`; `follow here …` posts them in this channel."
    )


def test_the_typed_person_builders() -> None:
    assert c.foryou_command(None) == c.ForYou(None)
    assert c.foryou_command(1) == c.ForYou(1)
    assert isinstance(c.foryou_command(0), c.ParseError)
    assert c.unfollow_command(3) == c.Unfollow(3)
    assert c.unfollow_command(" 2 ") == c.Unfollow(2)
    assert isinstance(c.unfollow_command(0), c.ParseError)


@pytest.mark.parametrize(
    ("typed", "since"),
    [
        ("since:today", Day(days_back=0)),
        ("since:Yesterday", Day(days_back=1)),
        ("since:2w", Day(days_back=14)),
        ("since:3M", Day(days_back=90)),
        ("since:36500d", Day(days_back=36_500)),
        ("since:2025-03-01", Day(fixed=date(2025, 3, 1))),
    ],
)
def test_the_days_a_search_filter_takes(typed: str, since: Day) -> None:
    parsed = c.parse_command(f"search lora {typed}")
    assert parsed == c.Search(SearchQuery(f"lora {typed}", "lora", SearchFilters(since=since)))


@pytest.mark.parametrize("value", ["36501d", "101y", "20250301", "2025-3-1", "tomorrow"])
def test_a_day_out_of_range_or_not_written_as_one_is_refused(value: str) -> None:
    parsed = c.parse_command(f"search lora since:{value}")
    assert isinstance(parsed, c.ParseError)
    assert marked(parsed.message) == (
        f"`since:` takes a date like 2025-03-01 or an age like 7d, 2w, 3m, 1y (got `{value}`)."
    )


def test_the_length_limits_count_characters_exactly() -> None:
    """A line of 500 characters is taken; a paste over four times that is refused
    before it is cleaned, one up to it is cleaned first (runs of spaces fold)."""
    at_limit = "search " + "x" * 493
    assert c.parse_command(at_limit) == c.Search(SearchQuery("x" * 493, "x" * 493))
    assert c.parse_command("search lora" + " " * (2000 - 11)) == c.Search(
        SearchQuery("lora", "lora")
    )
    over = c.parse_command("search lora" + " " * (2001 - 11))
    assert isinstance(over, c.ParseError)
    assert marked(over.message) == "That is too long (2,001 characters; the limit is 500)."


def test_the_typed_builders_defaults_and_the_first_day() -> None:
    assert c.trending_command() == c.Trending(1)
    assert c.parse_command("trending 1") == c.Trending(1)
    assert c.trending_command(1) == c.Trending(1)
    assert c.help_command() == c.Help()


_WHOM = (
    'Whom should I follow? Try `follow author:"Yann LeCun"` or `follow graph neural networks`;'
    " `follow here …` posts them in this channel."
)
_WHAT = _WHOM.replace("Whom", "What", 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("follow author:Xavier Leroy", c.Follow("author", "Xavier Leroy", False)),
        ('follow author:"  Yann   LeCun "', c.Follow("author", "Yann LeCun", False)),
        ("follow author:" + "A" * 100, c.Follow("author", "A" * 100, False)),
        ("follow " + "w" * 200, c.Follow("words", "w" * 200, False)),
    ],
)
def test_follows_up_to_their_limits(text: str, expected: c.Command) -> None:
    assert c.parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ('follow author:""', _WHOM),
        ("follow author:1234", _WHOM),
        ("follow", _WHAT),
        ("follow here", _WHAT),
        ("follow author:" + "A" * 101, "That name is too long (the limit is 100 characters)."),
        (
            "follow " + "w" * 201,
            "That is too many words to follow (the limit is 200 characters).",
        ),
    ],
)
def test_a_follow_of_nothing_or_too_much_says_what_to_type(text: str, answer: str) -> None:
    parsed = c.parse_command(text)
    assert isinstance(parsed, c.ParseError)
    assert marked(parsed.message) == answer


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("author:", '`author:` needs a name, e.g. author:"Linyi Yang".'),
        ('author:"  "', '`author:` needs a name, e.g. author:"Linyi Yang".'),
        (
            "votes:lots",
            "`votes:` takes a whole number with >=, >, <=, < or =, e.g. votes:>=10 (got `lots`).",
        ),
        (
            "votes:1000000001",
            "`votes:` takes a whole number with >=, >, <=, < or =, e.g. votes:>=10 "
            "(got `1000000001`).",
        ),
        ("votes:>20 votes:<10", "The `votes:` bounds leave nothing to match."),
        (
            "autor:yang",
            "I don't know the filter `autor:`. Did you mean `author:`? "
            "The filters are since:, until:, author: and votes:.",
        ),
        ("since:2025-03-02 until:2025-03-01", "`since:` is after `until:`, so nothing can match."),
        ("since:7d until:14d", "`since:` is after `until:`, so nothing can match."),
    ],
)
def test_a_bad_search_filter_gets_the_answer_that_says_what_to_type(
    typed: str, answer: str
) -> None:
    parsed = c.parse_command(f"search lora {typed}")
    assert isinstance(parsed, c.ParseError)
    assert marked(parsed.message) == answer


@pytest.mark.parametrize(
    ("typed", "filters"),
    [
        # Two votes: bounds in either order are both kept.
        ("votes:>=10 votes:<=20", SearchFilters(min_votes=10, max_votes=20)),
        ("votes:<=20 votes:>=10", SearchFilters(min_votes=10, max_votes=20)),
        ("votes:1000000000", SearchFilters(min_votes=1_000_000_000)),
        # A bound on the same day as the other leaves that day to match.
        (
            "since:2025-03-01 until:2025-03-01",
            SearchFilters(since=Day(fixed=date(2025, 3, 1)), until=Day(fixed=date(2025, 3, 1))),
        ),
        ("since:7d until:7d", SearchFilters(since=Day(days_back=7), until=Day(days_back=7))),
    ],
)
def test_search_filters_that_still_leave_something_to_match(
    typed: str, filters: SearchFilters
) -> None:
    assert c.parse_command(f"search lora {typed}") == c.Search(
        SearchQuery(f"lora {typed}", "lora", filters)
    )


def test_a_date_bound_against_an_age_is_checked_on_the_day_the_search_runs() -> None:
    parsed = c.parse_command("search lora since:2025-03-01 until:today")
    assert isinstance(parsed, c.Search)
    same_day = parsed.query.resolve(date(2025, 3, 1))
    assert isinstance(same_day, ParsedQuery)
    assert same_day.describe() == "“lora”, since 2025-03-01, until 2025-03-01"
    day_before = parsed.query.resolve(date(2025, 2, 28))
    assert isinstance(day_before, QueryError)
    assert marked(day_before.message) == "`since:` is after `until:`, so nothing can match."
