"""Replies as Adaptive Cards 1.5 and Teams text, with user text made inert."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.replies import SNOOZE_CHOICES, Action, Item, Reply, Section, Tone, Verb, error
from bot.teams.actions import parse_action
from bot.teams.cards import REFRESH_VERB, input_id, message, render_card

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2]
    / "integration"
    / "teams"
    / "fixtures"
    / "adaptive-card-1.5.schema.json"
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def valid(card: dict[str, Any], schema: dict[str, Any]) -> None:
    bare = copy.deepcopy(card)
    bare.pop("msteams")  # Teams-only; the strict 1.5 schema has additionalProperties: false
    jsonschema.validate(bare, schema)


def daily(*names: str) -> Reply:
    items = tuple(
        Item(
            title=f"{name} — gone quiet",
            lines=("Quiet for 40 days",),
            fields=(("Their time", "08:10"),),
            actions=(
                Action(Verb.DONE, "Done", f"nudge:{n}"),
                Action(Verb.LOG, "Log…", f"nudge:{n}"),
                Action(Verb.SNOOZE, "Snooze", f"nudge:{n}", choices=SNOOZE_CHOICES),
                Action(Verb.SKIP, "Skip", f"nudge:{n}"),
            ),
            ref=f"nudge:{n}",
        )
        for n, name in enumerate(names, start=1)
    )
    return Reply(
        "Good morning Megan: 2 relationships need you today.",
        (Section(items=items),),
        kind="nudges",
    )


def nodes(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        out.append(node)
        for value in node.values():
            out.extend(nodes(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(nodes(value))
    return out


def test_the_daily_card_validates_and_its_buttons_carry_only_ids(
    schema: dict[str, Any],
) -> None:
    card = render_card(daily("Acme", "Beta"), card_id=7, refresh_for=("29:megan",))
    valid(card, schema)
    assert card["version"] == "1.5"
    executes = [n for n in nodes(card) if n.get("type") == "Action.Execute" and "title" in n]
    assert [(e["verb"], e["data"]) for e in executes] == [
        (v, {"ref": f"nudge:{n}", "card": 7}) for n in (1, 2) for v in ("done", "snooze", "skip")
    ]
    assert all(
        e["fallback"]
        == {"type": "Action.Submit", "title": e["title"], "data": {**e["data"], "verb": e["verb"]}}
        for e in executes
    )
    dialogs = [
        n for n in nodes(card) if n.get("type") == "Action.Submit" and "msteams" in n["data"]
    ]
    assert [d["data"] for d in dialogs] == [
        {"msteams": {"type": "task/fetch"}, "verb": "log", "ref": f"nudge:{n}", "card": 7}
        for n in (1, 2)
    ]
    assert [d["title"] for d in dialogs] == ["Log…", "Log…"]
    ids = {n["id"] for n in nodes(card) if str(n.get("type", "")).startswith("Input.")}
    assert ids == {input_id("nudge:1", Verb.SNOOZE), input_id("nudge:2", Verb.SNOOZE)}
    assert "reply" not in json.dumps(card)  # no hidden copy of the reply any more
    assert card["refresh"] == {
        "action": {"type": "Action.Execute", "verb": REFRESH_VERB, "data": {"card": 7}},
        "userIds": ["29:megan"],
    }


def test_an_answered_item_shows_its_state_and_loses_its_buttons(schema: dict[str, Any]) -> None:
    reply = daily("Acme", "Beta").with_item_state("nudge:1", "snoozed until 2026-04-10")
    card = render_card(reply, card_id=7)
    valid(card, schema)
    refs = {
        n["data"]["ref"]
        for n in nodes(card)
        if n.get("type") == "Action.Execute" and "data" in n and "ref" in n["data"]
    }
    assert refs == {"nudge:2"}
    assert any("Snoozed until 2026-04-10" in str(n.get("text")) for n in nodes(card))


def test_a_card_without_open_items_is_not_refreshed() -> None:
    reply = daily("Acme").with_item_state("nudge:1", "skipped")
    assert "refresh" not in render_card(reply, card_id=7)
    assert "refresh" not in render_card(daily("Acme"))  # nothing stored to refresh from


def test_any_action_renders_as_a_button_and_choices_as_an_input(schema: dict[str, Any]) -> None:
    item = Item(
        "Acme — escalation",
        actions=(
            Action(Verb.DONE, "Take it over", "nudge:9", choices=(("me", "Me"), ("bob", "Bob"))),
        ),
        ref="nudge:9",
    )
    card = render_card(Reply("One thing", (Section(items=(item,)),)), card_id=3)
    valid(card, schema)
    [choice] = [n for n in nodes(card) if n.get("type") == "Input.ChoiceSet"]
    assert choice["id"] == "nudge:9/done" and [c["value"] for c in choice["choices"]] == [
        "me",
        "bob",
    ]
    [button] = [n for n in nodes(card) if n.get("type") == "Action.Execute" and "title" in n]
    assert button["title"] == "Take it over"


def test_short_replies_are_text_and_long_ones_cards(schema: dict[str, Any]) -> None:
    assert message(Reply("Logged call with Acme Corp. (Berlin).")) == {
        "type": "message",
        "text": "Logged call with Acme Corp. (Berlin).",
        "textFormat": "markdown",
    }
    assert message(Reply("Logged call with *Acme*."))["text"] == r"Logged call with \*Acme\*."
    assert message(error("No such customer.", usage="touch <customer>"))["text"].endswith(
        "Usage: touch \\<customer>"
    )
    help_card = message(Reply("Commands:\n\ntouch <customer>\n  Log a touchpoint."))
    [attachment] = help_card["attachments"]
    assert help_card["summary"] == "Commands:"
    valid(attachment["content"], schema)


def test_tones_colour_the_title(schema: dict[str, Any]) -> None:
    card = render_card(Reply("Careful", (Section(items=(Item("x"),)),), tone=Tone.WARNING))
    valid(card, schema)
    assert card["body"][0]["color"] == "warning"


def test_a_submitted_value_and_an_executed_data_are_parsed_alike() -> None:
    submitted = {"verb": "snooze", "ref": "nudge:1", "card": 7, "nudge:1/snooze": "1m", "x": 3}
    action = parse_action(submitted)
    assert action is not None
    assert (action.verb, action.nudge_id, action.card_id) == (Verb.SNOOZE, 1, 7)
    assert action.input(Verb.SNOOZE) == "1m"
    executed = parse_action({"ref": "nudge:1", "card": "7", "nudge:1/snooze": "1d"}, verb="snooze")
    assert executed is not None
    assert (executed.verb, executed.card_id, executed.input(Verb.SNOOZE)) == (Verb.SNOOZE, 7, "1d")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "done",
        {"feedback": "test invokes"},
        {"verb": "dance", "ref": "nudge:1"},
        {"verb": "done", "ref": "customer:1"},
        {"verb": "done", "ref": "nudge:x"},
    ],
)
def test_other_values_are_not_card_actions(value: Any) -> None:
    assert parse_action(value) is None


def test_a_manager_digest_is_a_numbered_card(schema: dict[str, Any]) -> None:
    digest = Reply(
        "Team digest, week of 2026-03-09",
        (
            Section(
                heading="Maria <Key accounts>",
                items=(Item("Acme (Berlin)", fields=(("Health", "42/100"),)), Item("Beta")),
                note="2 quiet",
            ),
        ),
        kind="digest",
    )
    card = render_card(digest)
    valid(card, schema)
    texts = [str(n.get("text")) for n in nodes(card) if n.get("type") == "TextBlock"]
    assert "Maria <Key accounts>" in texts  # a card renders no HTML: shown as typed
    assert "**1. Acme (Berlin)**" in texts  # an item with facts: a block of its own
    assert "2. Beta" in texts  # a title alone: a line of a list
    assert [f["value"] for n in nodes(card) if n.get("type") == "FactSet" for f in n["facts"]] == [
        "42/100"
    ]


def test_title_only_items_are_one_numbered_list_escaped_line_by_line(
    schema: dict[str, Any],
) -> None:
    accounts = (*(Item(f"Account {n} — red") for n in range(1, 4)), Item("- *x* -"))
    card = render_card(Reply("Quiet", (Section("Quiet accounts", accounts),), kind="digest"))
    valid(card, schema)
    [listed] = [n["text"] for n in nodes(card) if str(n.get("text", "")).startswith("1.")]
    assert listed.split("\n") == [
        "1. Account 1 — red",
        "2. Account 2 — red",
        "3. Account 3 — red",
        r"4. \- \*x\* -",
    ]
