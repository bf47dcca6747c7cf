"""The simulator refuses exactly what real Discord refuses, at each documented limit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulators.discord.limits import (
    autocomplete_problems,
    command_problems,
    errors_body,
    message_problems,
)

JsonDict = dict[str, Any]


def embed(**fields: Any) -> JsonDict:
    return {"embeds": [{"title": "t", **fields}]}


def button(custom_id: str, label: str = "Save") -> JsonDict:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def rows(count: int, per_row: int) -> JsonDict:
    return {
        "components": [
            {"type": 1, "components": [button(f"b{r}-{b}") for b in range(per_row)]}
            for r in range(count)
        ]
    }


def fields(count: int, name: str = "n", value: str = "v") -> list[JsonDict]:
    return [{"name": name, "value": value} for _ in range(count)]


# (body at the limit, body one past it, path of the violation)
LIMITS = [
    ({"content": "c" * 2000}, {"content": "c" * 2001}, "content"),
    (embed(title="t" * 256), embed(title="t" * 257), "embeds.0.title"),
    (embed(description="d" * 4096), embed(description="d" * 4097), "embeds.0.description"),
    (embed(fields=fields(25)), embed(fields=fields(26)), "embeds.0.fields"),
    (
        embed(fields=fields(1, name="n" * 256)),
        embed(fields=fields(1, name="n" * 257)),
        "embeds.0.fields.0.name",
    ),
    (
        embed(fields=fields(1, value="v" * 1024)),
        embed(fields=fields(1, value="v" * 1025)),
        "embeds.0.fields.0.value",
    ),
    (
        embed(footer={"text": "f" * 2048}),
        embed(footer={"text": "f" * 2049}),
        "embeds.0.footer.text",
    ),
    (embed(author={"name": "a" * 256}), embed(author={"name": "a" * 257}), "embeds.0.author.name"),
    (
        {"embeds": [{"description": "d" * 3000}, {"description": "d" * 3000}]},
        {"embeds": [{"description": "d" * 3000}, {"description": "d" * 3001}]},
        "embeds",
    ),
    ({"embeds": [{"title": "t"}] * 10}, {"embeds": [{"title": "t"}] * 11}, "embeds"),
    (
        {"components": [{"type": 1, "components": [button("x" * 100)]}]},
        {"components": [{"type": 1, "components": [button("x" * 101)]}]},
        "components.0.components.0.custom_id",
    ),
    (rows(5, 1), rows(6, 1), "components"),
    (rows(1, 5), rows(1, 6), "components.0.components"),
    (
        {"components": [{"type": 1, "components": [button("b", label="l" * 80)]}]},
        {"components": [{"type": 1, "components": [button("b", label="l" * 81)]}]},
        "components.0.components.0.label",
    ),
]


@pytest.mark.parametrize(("at_limit", "past_limit", "path"), LIMITS, ids=[c[2] for c in LIMITS])
def test_a_message_is_refused_one_past_each_limit_and_accepted_at_it(
    at_limit: JsonDict, past_limit: JsonDict, path: str
) -> None:
    assert message_problems(at_limit) == []
    assert [problem.dotted for problem in message_problems(past_limit)] == [path]


def test_duplicate_custom_ids_and_empty_field_values_are_refused() -> None:
    twice = {"components": [{"type": 1, "components": [button("save"), button("save")]}]}
    assert [p.code for p in message_problems(twice)] == ["COMPONENT_CUSTOM_ID_DUPLICATED"]
    empty = embed(fields=[{"name": "Authors", "value": ""}])
    assert [p.code for p in message_problems(empty)] == ["BASE_TYPE_MIN_LENGTH"]


def test_the_error_body_nests_problems_under_their_fields_like_discord() -> None:
    body = errors_body(message_problems(embed(title="t" * 257)))
    assert body["code"] == 50035
    assert body["errors"]["embeds"]["0"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


def test_autocomplete_answers_hold_at_most_25_choices_of_100_characters() -> None:
    choices = [{"name": f"paper {i}", "value": str(i)} for i in range(25)]
    assert autocomplete_problems({"choices": choices}) == []
    too_many = {"choices": [*choices, {"name": "one more", "value": "x"}]}
    assert [p.dotted for p in autocomplete_problems(too_many)] == ["choices"]
    too_long = {"choices": [{"name": "n" * 101, "value": "x"}]}
    assert [p.dotted for p in autocomplete_problems(too_long)] == ["choices.0.name"]


def test_command_names_descriptions_and_option_order_are_checked() -> None:
    good: JsonDict = {
        "name": "papers",
        "description": "Research papers",
        "options": [
            {
                "name": "search",
                "type": 1,
                "description": "Search",
                "options": [
                    {"name": "query", "type": 3, "description": "words", "required": True},
                    {"name": "days", "type": 4, "description": "recent days"},
                ],
            }
        ],
    }
    assert command_problems([good]) == []
    bad_name = {**good, "name": "Papers Search"}
    assert [p.dotted for p in command_problems([bad_name])] == ["0.name"]
    no_description = {**good, "description": ""}
    assert [p.dotted for p in command_problems([no_description])] == ["0.description"]
    search = good["options"][0]
    reordered = {**search, "options": list(reversed(search["options"]))}
    problems = command_problems([{**good, "options": [reordered]}])
    assert [p.code for p in problems] == ["APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"]
