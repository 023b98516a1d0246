"""A form's refusal comes back in the form, beside the field it is about, and nothing is
saved; a message shortcut logs any message as a touch, its customer guessed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FixedClock
from bot.slack.modals import CONTACT, DATE, NOTE, REASON, RITUAL, Origin
from nudges.model import NudgeState
from storage.tables import touchpoint_t
from tests.integration.slack.conftest import START
from tests.integration.slack.harness import Harness, eventually, view_submission
from tests.integration.slack.test_daily_message import deliver_daily_message, nudge_states

LATER = START + timedelta(days=91)


def log_values(*, contact: str | None = None, on: str | None = None) -> dict[str, Any]:
    return {
        RITUAL: {RITUAL: {"type": "static_select", "selected_option": {"value": "coffee"}}},
        NOTE: {NOTE: {"type": "plain_text_input", "value": "lunch"}},
        CONTACT: {CONTACT: {"type": "plain_text_input", "value": contact}},
        DATE: {DATE: {"type": "datepicker", "selected_date": on}},
    }


def touch_count(harness: Harness) -> int:
    with harness.container.deps.uow() as uow:
        return len(list(uow.session.execute(select(touchpoint_t.c.id)).scalars()))


async def submit_log(harness: Harness, ref: str, values: dict[str, Any]) -> dict[str, Any]:
    origin = Origin(ref=ref, channel="DW222", ts="1")
    blocks = [
        {"type": "input", "block_id": b, "element": {}} for b in (RITUAL, CONTACT, NOTE, DATE)
    ]
    response = await harness.interact(
        view_submission(
            user="W222",
            view={
                "callback_id": "nudge_log_modal",
                "private_metadata": origin.dumps(),
                "blocks": blocks,
            },
            values=values,
        )
    )
    assert response.status == 200
    text = await response.text()
    return dict(json.loads(text)) if text else {}


async def test_an_unknown_contact_is_shown_beside_the_contact_field_and_nothing_is_saved(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)
    ref = next(
        b["block_id"] for b in message["blocks"] if b.get("block_id", "").startswith("item:")
    )
    before = touch_count(harness)

    answer = await submit_log(harness, ref.removeprefix("item:"), log_values(contact="Nobody"))

    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [CONTACT]
    assert "no contact called 'Nobody'" in answer["errors"][CONTACT]
    assert touch_count(harness) == before
    assert nudge_states(harness) == [NudgeState.DELIVERED]
    assert harness.fake.dm_messages("W222")[1:] == []  # no direct message after the fact


async def test_a_day_in_the_future_is_shown_beside_the_date(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)
    ref = next(
        b["block_id"] for b in message["blocks"] if b.get("block_id", "").startswith("item:")
    )
    tomorrow = (LATER + timedelta(days=2)).date().isoformat()

    answer = await submit_log(harness, ref.removeprefix("item:"), log_values(on=tomorrow))

    assert answer["response_action"] == "errors"
    assert "in the future" in answer["errors"][DATE]
    assert nudge_states(harness) == [NudgeState.DELIVERED]


async def test_a_nudge_answered_meanwhile_is_said_in_the_form(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)
    ref = next(
        b["block_id"] for b in message["blocks"] if b.get("block_id", "").startswith("item:")
    )
    await harness.slash("done acme", user="W222")
    await eventually(lambda: len(harness.replies()) == 3)
    origin = Origin(ref=ref.removeprefix("item:"), channel="DW222", ts=message["ts"])

    response = await harness.interact(
        view_submission(
            user="W222",
            view={"callback_id": "nudge_skip_modal", "private_metadata": origin.dumps()},
            values={REASON: {REASON: {"type": "plain_text_input", "value": "met them"}}},
        )
    )

    answer = json.loads(await response.text())
    assert answer["response_action"] == "update"
    assert "already done" in json.dumps(answer["view"])
    assert answer["view"]["type"] == "modal"


async def test_a_good_submission_closes_the_form_and_updates_the_message(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)
    item = next(b for b in message["blocks"] if b.get("block_id", "").startswith("item:"))
    origin = Origin(ref=item["block_id"].removeprefix("item:"), channel="DW222", ts=message["ts"])

    response = await harness.interact(
        view_submission(
            user="W222",
            view={"callback_id": "nudge_log_modal", "private_metadata": origin.dumps()},
            values=log_values(),
        )
    )

    assert response.status == 200
    assert (await response.text()) == ""
    assert nudge_states(harness) == [NudgeState.DONE]
    await eventually(lambda: harness.fake.calls_to("chat.update"))
