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
from bot.teams.cards import REPLY_INPUT, message, note_input, render_card, until_input
from bot.teams.markdown import escape

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


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("**VIP**", r"\*\*VIP\*\*"),
        ("<at>Everyone</at>", r"\<at\>Everyone\</at\>"),
        ("[click](http://x)", r"\[click\]\(http://x\)"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("a_b & c", r"a\_b \& c"),
        ("Plain Name GmbH", "Plain Name GmbH"),
    ],
)
def test_user_text_is_escaped_for_teams_markdown(raw: str, shown: str) -> None:
    assert escape(raw) == shown


def test_the_daily_card_validates_and_carries_verbs_refs_and_inputs(
    schema: dict[str, Any],
) -> None:
    card = render_card(daily("Acme", "Beta"))
    valid(card, schema)
    assert card["version"] == "1.5"
    submits = [n for n in nodes(card) if n.get("type") == "Action.Submit"]
    assert [s["data"] for s in submits] == [
        {"verb": v, "ref": f"nudge:{n}"} for n in (1, 2) for v in ("done", "snooze", "skip")
    ]
    ids = {n["id"] for n in nodes(card) if str(n.get("type", "")).startswith("Input.")}
    assert ids == {
        REPLY_INPUT,
        until_input("nudge:1"),
        note_input("nudge:1"),
        until_input("nudge:2"),
        note_input("nudge:2"),
    }


def test_an_answered_item_shows_its_state_and_loses_its_buttons(schema: dict[str, Any]) -> None:
    card = render_card(daily("Acme", "Beta").with_item_state("nudge:1", "snoozed until 2026-04-10"))
    valid(card, schema)
    refs = {n["data"]["ref"] for n in nodes(card) if n.get("type") == "Action.Submit"}
    assert refs == {"nudge:2"}
    assert any("Snoozed until 2026-04-10" in str(n.get("text")) for n in nodes(card))


def test_a_card_without_open_items_has_no_hidden_reply() -> None:
    reply = daily("Acme").with_item_state("nudge:1", "skipped")
    assert all(n.get("id") != REPLY_INPUT for n in nodes(render_card(reply)))


def test_short_replies_are_text_and_long_ones_cards(schema: dict[str, Any]) -> None:
    assert message(Reply("Logged call with *Acme*.")) == {
        "type": "message",
        "text": r"Logged call with \*Acme\*.",
        "textFormat": "markdown",
    }
    assert message(error("No such customer.", usage="touch <customer>"))["text"].endswith(
        "Usage: touch \\<customer\\>"
    )
    help_card = message(Reply("Commands:\n\ntouch <customer>\n  Log a touchpoint."))
    [attachment] = help_card["attachments"]
    valid(attachment["content"], schema)


def test_tones_colour_the_title(schema: dict[str, Any]) -> None:
    card = render_card(Reply("Careful", (Section(items=(Item("x"),)),), tone=Tone.WARNING))
    valid(card, schema)
    assert card["body"][0]["color"] == "warning"


def test_a_submitted_value_is_parsed_back_with_its_inputs_and_card() -> None:
    reply = daily("Acme")
    value = {
        "verb": "snooze",
        "ref": "nudge:1",
        until_input("nudge:1"): "1m",
        note_input("nudge:1"): "  ",
        REPLY_INPUT: reply.to_json(),
    }
    action = parse_action(value)
    assert action is not None
    assert (action.verb, action.nudge_id, action.until, action.note) == (Verb.SNOOZE, 1, "1m", None)
    assert action.card == reply


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
                items=(Item("Acme", fields=(("Health", "42/100"),)), Item("Beta")),
                note="2 quiet",
            ),
        ),
        kind="digest",
    )
    card = render_card(digest)
    valid(card, schema)
    texts = [str(n.get("text")) for n in nodes(card) if n.get("type") == "TextBlock"]
    assert r"Maria \<Key accounts\>" in texts
    assert "**1\\. Acme**" in texts and "**2\\. Beta**" in texts
    assert [f["value"] for n in nodes(card) if n.get("type") == "FactSet" for f in n["facts"]] == [
        "42/100"
    ]
