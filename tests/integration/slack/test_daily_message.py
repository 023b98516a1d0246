"""The daily DM: posted with buttons and delivery metadata; its buttons answer the nudge and
update the message in place; Log… and Skip open modals whose submission does the same."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from bot.slack.blocks import ACTION_DONE, ACTION_LOG, ACTION_SKIP, ACTION_SNOOZE
from bot.slack.modals import CONTACT, DATE, NOTE, RITUAL
from nudges.model import NudgeState
from nudges.model import Platform as PlatformName
from storage.tables import nudge_t
from tests.integration.slack.conftest import START
from tests.integration.slack.harness import (
    Harness,
    block_action,
    event,
    eventually,
    home_action,
    view_submission,
)

LATER = START + timedelta(days=91)  # a Monday, 10:00 in Los Angeles
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


async def deliver_daily_message(harness: Harness, clock: FixedClock) -> dict[str, Any]:
    """Sam owns a quiet key customer; the sweep and the outbox post his morning DM."""
    await harness.slash('customer add "Acme Corp" tier=key', user="W222")
    await eventually(lambda: len(harness.replies()) == 1)
    await harness.slash("acme call", user="W222", command="/touch")
    await eventually(lambda: len(harness.replies()) == 2)
    clock.set(LATER)
    deps = harness.container.deps
    sweep(deps, now=LATER)
    outbox = Outbox(deps, platforms=harness.container.platforms, worker="test")
    result = await outbox.drain(now=LATER)
    assert len(result.sent) == 1, result
    messages = harness.fake.dm_messages("W222")
    assert len(messages) == 1
    return messages[0]


def nudge_states(harness: Harness) -> list[NudgeState]:
    with harness.container.deps.uow() as uow:
        person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W222")
        assert person is not None
        return [n.state for n in uow.nudges.for_recipient(person.id, states=tuple(NudgeState))]


def action_ids(message: dict[str, Any]) -> list[str]:
    return [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def first_action(message: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in message["blocks"] if b["type"] == "actions")


def press_done(harness: Harness, message: dict[str, Any]) -> dict[str, Any]:
    """Sam pressing Done on the first nudge of his daily message (the payload Slack sends)."""
    actions = first_action(message)
    done = next(e for e in actions["elements"] if e["action_id"] == ACTION_DONE)
    return block_action(
        harness.fake,
        user="W222",
        channel="DW222",
        message=message,
        action={**done, "block_id": actions["block_id"], "type": "button"},
    )


async def test_the_daily_message_carries_buttons_metadata_and_fallback_text(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)

    assert message["metadata"]["event_type"] == "nudgebot_delivery"
    assert isinstance(message["metadata"]["event_payload"]["delivery_id"], int)
    assert message["text"]
    assert set(action_ids(message)) >= {ACTION_DONE, ACTION_LOG, ACTION_SNOOZE, ACTION_SKIP}
    assert "Acme Corp" in str(message["blocks"])
    assert "Suggested" in str(message["blocks"])
    methods = [c.method for c in harness.fake.calls if c.method != "views.publish"]
    assert methods[-2:] == ["conversations.open", "chat.postMessage"]


async def test_a_crashed_send_is_found_in_the_history_not_posted_twice(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)
    delivery_id = message["metadata"]["event_payload"]["delivery_id"]
    platform = harness.container.platforms[PlatformName.SLACK]
    with harness.container.deps.uow() as uow:
        person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W222")
    assert person is not None

    found = await platform.find(person, delivery_id=delivery_id)

    assert found == f"DW222:{message['ts']}"
    assert await platform.find(person, delivery_id=delivery_id + 1) is None
    history = harness.fake.calls_to("conversations.history")
    assert history[-1].params["include_all_metadata"] in (True, "true", "1", 1)


async def test_snoozing_from_the_message_updates_it_in_place(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)
    actions = first_action(message)
    select = next(e for e in actions["elements"] if e["action_id"] == ACTION_SNOOZE)
    week = next(o for o in select["options"] if o["value"].endswith("|1w"))

    response = await harness.interact(
        block_action(
            harness.fake,
            user="W222",
            channel="DW222",
            message=message,
            action={
                "action_id": ACTION_SNOOZE,
                "block_id": actions["block_id"],
                "type": "static_select",
                "selected_option": week,
            },
        )
    )

    assert response.status == 200
    update = (await eventually(lambda: harness.fake.calls_to("chat.update")))[0]
    assert update.params["ts"] == message["ts"]
    assert action_ids(harness.fake.dm_messages("W222")[0]) == []
    assert "snoozed" in str(update.params["blocks"]).lower()
    assert nudge_states(harness) == [NudgeState.SNOOZED]


async def test_done_in_the_dm_logs_the_suggested_ritual_and_leaves_home_to_its_opening(
    harness: Harness, clock: FixedClock
) -> None:
    message = await deliver_daily_message(harness, clock)
    published = len(harness.fake.calls_to("views.publish"))

    await harness.interact(press_done(harness, message))

    await eventually(lambda: harness.fake.calls_to("chat.update"))
    await harness.settled()
    assert nudge_states(harness) == [NudgeState.DONE]
    # The person is looking at the DM, not the Home tab: opening the tab publishes it.
    assert len(harness.fake.calls_to("views.publish")) == published
    await harness.send_event(event("app_home_opened_home.json", user="W222"))
    home = await eventually(lambda: len(harness.fake.calls_to("views.publish")) > published)
    assert home
    assert ACTION_DONE not in str(harness.fake.home_view("W222"))


async def home_tab_done_button(harness: Harness, clock: FixedClock) -> dict[str, Any]:
    """Sam's morning DM is out and he opens the Home tab: pressing Done on its nudge there."""
    await deliver_daily_message(harness, clock)
    await harness.send_event(event("app_home_opened_home.json", user="W222"))
    view = await eventually(lambda: harness.fake.home_view("W222"))
    actions = first_action(view)
    done = next(e for e in actions["elements"] if e["action_id"] == ACTION_DONE)
    return home_action(
        user="W222",
        view=view,
        action={**done, "block_id": actions["block_id"], "type": "button"},
    )


async def test_done_on_the_home_tab_answers_the_nudge_and_publishes_the_tab_again(
    harness: Harness, clock: FixedClock
) -> None:
    press_done = await home_tab_done_button(harness, clock)
    published = len(harness.fake.calls_to("views.publish"))

    response = await harness.interact(press_done)

    assert response.status == 200
    await eventually(lambda: len(harness.fake.calls_to("views.publish")) > published)
    await harness.settled()
    assert nudge_states(harness) == [NudgeState.DONE]
    assert ACTION_DONE not in str(harness.fake.home_view("W222"))
    assert harness.fake.calls_to("chat.update") == []  # no message to update


async def test_a_home_tab_button_on_a_nudge_gone_meanwhile_answers_in_the_dm(
    harness: Harness, clock: FixedClock
) -> None:
    press_done = await home_tab_done_button(harness, clock)
    with harness.container.deps.uow() as uow:
        uow.session.execute(delete(nudge_t))
        uow.commit()
    before = len(harness.fake.dm_messages("W222"))

    await harness.interact(press_done)

    await eventually(lambda: len(harness.fake.dm_messages("W222")) > before)
    assert "no longer exists" in harness.fake.dm_messages("W222")[-1]["text"]


@pytest.mark.parametrize("ritual", ["coffee"])
async def test_log_opens_a_modal_whose_submission_logs_the_touch(
    harness: Harness, clock: FixedClock, ritual: str
) -> None:
    message = await deliver_daily_message(harness, clock)
    actions = first_action(message)
    log = next(e for e in actions["elements"] if e["action_id"] == ACTION_LOG)
    clock.set(LATER + timedelta(hours=7))  # 17:00 in Los Angeles: already tomorrow in UTC

    await harness.interact(
        block_action(
            harness.fake,
            user="W222",
            channel="DW222",
            message=message,
            action={**log, "block_id": actions["block_id"], "type": "button"},
        )
    )
    opened = (await eventually(lambda: harness.fake.calls_to("views.open")))[0]
    assert {b.get("block_id") for b in opened.params["view"]["blocks"]} >= {RITUAL, NOTE}
    # Opened before anything was read; filled right after (the customer, their today).
    filled = (await eventually(lambda: harness.fake.calls_to("views.update")))[0]
    view = filled.params["view"]
    assert "Acme Corp" in str(view["blocks"][0])
    assert {b.get("block_id") for b in view["blocks"]} >= {RITUAL, CONTACT, NOTE, DATE}
    (picker,) = [b["element"] for b in view["blocks"] if b.get("block_id") == DATE]
    assert picker["initial_date"] == clock.now().astimezone(LOS_ANGELES).date().isoformat()

    values = {
        RITUAL: {RITUAL: {"type": "static_select", "selected_option": {"value": ritual}}},
        NOTE: {NOTE: {"type": "plain_text_input", "value": "talked about <@U123> & more"}},
        CONTACT: {CONTACT: {"type": "plain_text_input", "value": None}},
        DATE: {DATE: {"type": "datepicker", "selected_date": None}},
    }
    await harness.interact(
        view_submission(
            user="W222",
            view={"callback_id": view["callback_id"], "private_metadata": view["private_metadata"]},
            values=values,
        )
    )

    update = (await eventually(lambda: harness.fake.calls_to("chat.update")))[0]
    assert update.params["ts"] == message["ts"]
    assert nudge_states(harness) == [NudgeState.DONE]
    with harness.container.deps.uow() as uow:
        person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W222")
        assert person is not None
    from sqlalchemy import select

    from storage.tables import touchpoint_t

    with harness.container.deps.uow() as uow:
        rituals = list(uow.session.execute(select(touchpoint_t.c.ritual)).scalars())
    assert sorted(rituals) == sorted(["call", ritual])


async def test_a_retried_event_is_handled_once(harness: Harness) -> None:
    opened = event("app_home_opened_home.json", user="W222", event_id="Ev42")
    first = await harness.send_event(opened)
    second = await harness.send_event(opened)

    assert (first.status, second.status) == (200, 200)
    await eventually(lambda: harness.fake.calls_to("views.publish"))
    await harness.send_event(event("app_home_opened_home.json", user="W222", event_id="Ev43"))
    await eventually(lambda: len(harness.fake.calls_to("views.publish")) == 2)
    assert len(harness.fake.calls_to("views.publish")) == 2
