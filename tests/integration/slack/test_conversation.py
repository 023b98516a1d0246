"""The bot's DM is a conversation in the same grammar as /nudge; a message shortcut logs any
message as a touch, its customer guessed from the channel's name or the text."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select

from bot.slack.modals import CUSTOMER, DATE, NOTE, RITUAL
from storage.tables import touchpoint_t
from tests.integration.slack.harness import (
    TEAM,
    Harness,
    eventually,
    payload,
    trigger_id,
    view_submission,
)
from tests.slack_limits import check_message, check_view


def dm(text: str, *, user: str = "W222", **extra: Any) -> dict[str, Any]:
    data = payload("message_im.derived.json")
    data["event_id"] = f"Ev{time.monotonic_ns()}"
    data["event"].update(text=text, user=user, channel=f"D{user}", **extra)
    return data


def shortcut(*, text: str, channel: str, user: str = "W222") -> dict[str, Any]:
    data = payload("message_action.derived.json")
    data["user"] = {"id": user, "username": user.lower(), "team_id": TEAM}
    data["team"] = {"id": TEAM, "domain": "test"}
    data["channel"] = {"id": "C999", "name": channel}
    data["message"]["text"] = text
    data["trigger_id"] = trigger_id()
    return data


def touches(harness: Harness) -> list[tuple[str, str | None]]:
    with harness.container.deps.uow() as uow:
        rows = uow.session.execute(select(touchpoint_t.c.ritual, touchpoint_t.c.note))
        return [(str(r), n) for r, n in rows]


async def test_a_command_typed_in_the_dm_is_answered_there(harness: Harness) -> None:
    await harness.send_event(dm('customer add "Acme Corp" tier=key'))
    await eventually(lambda: harness.fake.calls_to("chat.postMessage"))

    await harness.send_event(dm("touch acme coffee -- talked about &lt;renewals&gt;"))

    await eventually(lambda: len(harness.fake.calls_to("chat.postMessage")) == 2)
    answer = harness.fake.calls_to("chat.postMessage")[-1]
    assert answer.params["channel"] == "DW222"
    check_message(answer.params["text"], answer.params["blocks"])
    assert "Logged coffee with Acme Corp" in answer.params["text"]
    assert touches(harness) == [("coffee", "talked about <renewals>")]


async def test_the_bots_own_messages_and_edits_are_not_commands(harness: Harness) -> None:
    await harness.send_event(dm("help", bot_id="B111"))
    await harness.send_event(dm("help", subtype="message_changed"))
    await harness.send_event(dm("help"))

    await eventually(lambda: harness.fake.calls_to("chat.postMessage"))
    await harness.settled()
    (answer,) = harness.fake.calls_to("chat.postMessage")
    for entry in ("touch <customer>", "digest [@user|team]"):
        assert json.dumps(entry.replace("<", "&lt;").replace(">", "&gt;"))[1:-1] in json.dumps(
            answer.params["blocks"]
        )


async def test_help_about_one_command_gives_its_usage_and_examples(harness: Harness) -> None:
    await harness.send_event(dm("help snooze"))

    answer = (await eventually(lambda: harness.fake.calls_to("chat.postMessage")))[0]
    shown = json.dumps(answer.params["blocks"])
    assert "snooze &lt;customer|number&gt; &lt;3d|2w|1 week|1m|YYYY-MM-DD|friday&gt;" in shown
    assert "snooze acme 1w -- waiting for their reorg" in shown


async def test_a_message_is_logged_as_a_touch_with_its_customer_guessed(
    harness: Harness,
) -> None:
    await harness.slash('customer add "Acme Corp" tier=key', user="W222")
    await harness.slash('customer add "Globex" tier=core', user="W222")
    await eventually(lambda: len(harness.replies()) == 2)
    said = "Lunch with Lea from Globex & friends: they want the audit"

    await harness.interact(shortcut(text=said, channel="acme-corp"))

    opened = (await eventually(lambda: harness.fake.calls_to("views.open")))[0]
    assert said.replace("&", "&amp;") not in json.dumps(opened.params["view"])  # typed as is
    filled = (await eventually(lambda: harness.fake.calls_to("views.update")))[0]
    view = filled.params["view"]
    check_view(view)
    (customer,) = [b for b in view["blocks"] if b.get("block_id") == CUSTOMER]
    assert customer["element"]["initial_value"] == "Acme Corp"  # the channel's name wins
    (note,) = [b for b in view["blocks"] if b.get("block_id") == NOTE]
    assert note["element"]["initial_value"] == said

    await harness.interact(
        view_submission(
            user="W222",
            view={"callback_id": view["callback_id"], "private_metadata": view["private_metadata"]},
            values={
                CUSTOMER: {CUSTOMER: {"type": "plain_text_input", "value": "Acme Corp"}},
                RITUAL: {RITUAL: {"type": "static_select", "selected_option": {"value": "lunch"}}},
                NOTE: {NOTE: {"type": "plain_text_input", "value": said}},
                DATE: {DATE: {"type": "datepicker", "selected_date": None}},
            },
        )
    )

    await eventually(lambda: ("lunch", said) in touches(harness))
    confirmation = (await eventually(lambda: harness.fake.dm_messages("W222")))[0]
    assert "Logged lunch with Acme Corp" in confirmation["text"]


async def test_without_a_customer_in_the_channel_the_text_is_searched(harness: Harness) -> None:
    await harness.slash('customer add "Globex Inc" tier=core', user="W222")
    await eventually(lambda: harness.replies())

    await harness.interact(shortcut(text="Met the globex inc team today", channel="general"))

    filled = (await eventually(lambda: harness.fake.calls_to("views.update")))[0]
    (customer,) = [b for b in filled.params["view"]["blocks"] if b.get("block_id") == CUSTOMER]
    assert customer["element"]["initial_value"] == "Globex Inc"


async def test_an_unknown_customer_is_shown_beside_the_customer_field(harness: Harness) -> None:
    await harness.interact(shortcut(text="hello", channel="general"))
    filled = (await eventually(lambda: harness.fake.calls_to("views.update")))[0]
    view = filled.params["view"]
    (customer,) = [b for b in view["blocks"] if b.get("block_id") == CUSTOMER]
    assert "initial_value" not in customer["element"]

    response = await harness.interact(
        view_submission(
            user="W222",
            view={
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "blocks": view["blocks"],
            },
            values={CUSTOMER: {CUSTOMER: {"type": "plain_text_input", "value": "Nobody Ltd"}}},
        )
    )

    answer = json.loads(await response.text())
    assert answer["response_action"] == "errors"
    assert "No customer called 'Nobody Ltd'" in answer["errors"][CUSTOMER]
    assert touches(harness) == []
