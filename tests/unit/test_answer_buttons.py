"""The answers to an escalation and to a pitch are buttons on every surface: Block Kit, Adaptive
Cards and the console's text; pressing them sends back the verb and the item."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema

from bot.replies import PRESS_VERBS, Item, Reply, Section, Verb, render_text
from bot.services.present import nudge_actions
from bot.slack.blocks import verb_action_id
from bot.slack.layout import split
from bot.teams.actions import parse_action
from bot.teams.cards import input_id, render_card
from nudges.model import NudgeReason

SCHEMA = (
    Path(__file__).resolve().parents[1] / "integration/teams/fixtures/adaptive-card-1.5.schema.json"
)


def escalation(ref: str = "nudge:7") -> Reply:
    item = Item(
        title="Acme — escalation (red)",
        lines=("Acme has been red for over 14 days (owner: Sam)",),
        actions=nudge_actions(NudgeReason.ESCALATION, ref),
        ref=ref,
    )
    return Reply(
        "Good morning Mia: 1 relationship needs you today.",
        (Section(items=(item,)),),
        kind="nudges",
    )


def test_an_escalation_in_slack_has_a_button_per_answer_and_a_person_picker() -> None:
    (first,) = split(escalation())
    blocks = first.blocks
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    elements = {e["action_id"]: e for e in actions["elements"]}
    assert [e["action_id"] for e in actions["elements"]] == [
        "nudge_acknowledge",
        "nudge_remind",
        "nudge_take_over",
        "nudge_reassign",
        "nudge_snooze",
        "nudge_snooze_date",
    ]
    assert elements["nudge_remind"]["value"] == "nudge:7"
    assert elements["nudge_reassign"]["type"] == "users_select"
    assert actions["block_id"] == "actions:nudge:7"
    assert "nudge_done" not in elements


def test_every_one_press_verb_has_its_own_slack_action_id() -> None:
    ids = [verb_action_id(verb) for verb in PRESS_VERBS]
    assert len(set(ids)) == len(ids)
    assert all(len(i) <= 255 for i in ids)


def test_an_escalation_card_validates_and_submits_each_answer_with_its_ref() -> None:
    card = render_card(escalation(), card_id=5)
    bare = copy.deepcopy(card)
    bare.pop("msteams")
    jsonschema.validate(bare, json.loads(SCHEMA.read_text(encoding="utf-8")))
    buttons = [
        a for block in _walk(card) if block.get("type") == "ActionSet" for a in block["actions"]
    ]
    assert [b["verb"] for b in buttons] == [
        "acknowledge",
        "remind",
        "take_over",
        "reassign",
        "snooze",
    ]
    assert {b["data"]["ref"] for b in buttons} == {"nudge:7"}
    inputs = {b["id"] for b in _walk(card) if b.get("type") == "Input.Text"}
    assert input_id("nudge:7", Verb.REASSIGN) in inputs


def test_a_reassign_submission_carries_the_colleague_typed() -> None:
    action = parse_action(
        {"verb": "reassign", "ref": "nudge:7", input_id("nudge:7", Verb.REASSIGN): " Sue "}
    )
    assert action is not None
    assert (action.verb, action.nudge_id, action.input(Verb.REASSIGN)) == (
        Verb.REASSIGN,
        7,
        "Sue",
    )


def test_the_console_shows_the_answers_as_its_buttons() -> None:
    assert "[Acknowledge · Remind owner · Take over · Reassign… · Snooze]" in render_text(
        escalation()
    )


def _walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found
