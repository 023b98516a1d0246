"""Slack answers that are not Slack's JSON (a proxy's HTML 502, a 405 in plain text) are
handled like any other outage: the delivery is retried, a listener logs one line and goes on.
A button on an ephemeral list changes only the item answered."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from bot.slack.blocks import ACTION_SNOOZE
from nudges.model import DeliveryState, NudgeState
from tests.integration.slack.conftest import START
from tests.integration.slack.harness import Harness, block_action, eventually, payload
from tests.integration.slack.test_daily_message import (
    deliver_daily_message,
    nudge_states,
    press_done,
)
from tests.slack_limits import check_message

LATER = START + timedelta(days=91)
PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (502, PROXY_PAGE, "text/html"),
        (405, "Method Not Allowed", "text/plain"),
        (200, PROXY_PAGE, "text/html"),
    ],
    ids=["html-502", "text-405", "html-200"],
)
async def test_a_send_answered_with_something_else_than_json_is_retried(
    harness: Harness,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: str,
    content_type: str,
) -> None:
    await harness.slash('customer add "Acme Corp" tier=key', user="W222")
    await harness.slash("acme call", user="W222", command="/touch")
    await eventually(lambda: len(harness.replies()) == 2)
    clock.set(LATER)
    sweep(harness.container.deps, now=LATER)
    harness.fake.fail_next("chat.postMessage", status=status, body=body, content_type=content_type)

    with caplog.at_level(logging.INFO):
        result = await Outbox(harness.container.deps, harness.container.platforms, "t").drain(
            now=LATER
        )

    assert (result.sent, result.retried, result.failed) == ([], 1, 0)
    with harness.container.deps.uow() as uow:
        (delivery,) = uow.deliveries.in_states(list(DeliveryState))
    assert delivery.state is DeliveryState.PENDING
    assert delivery.last_error and "Slack answer" in delivery.last_error
    assert errors_logged(caplog) == []
    later = await Outbox(harness.container.deps, harness.container.platforms, "t").drain(
        now=LATER + timedelta(hours=1)
    )
    assert len(later.sent) == 1


async def test_a_message_update_failing_without_json_is_one_log_line(
    harness: Harness, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    message = await deliver_daily_message(harness, clock)
    harness.fake.fail_next("chat.update", status=405, body="Method Not Allowed", times=2)

    with caplog.at_level(logging.INFO):
        await harness.interact(press_done(harness, message))
        await harness.settled()

    assert nudge_states(harness) == [NudgeState.DONE]  # recorded all the same
    warnings = [r for r in caplog.records if "chat.update failed" in r.getMessage()]
    assert len(warnings) == 1 and "405" in warnings[0].getMessage()
    assert errors_logged(caplog) == []


async def test_a_newcomer_is_answered_when_users_info_is_a_proxy_page(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.fake.fail_next("users.info", status=503, body=PROXY_PAGE, content_type="text/html")

    with caplog.at_level(logging.INFO):
        await harness.slash("me", user="W222")
        (reply,) = await eventually(lambda: harness.replies())

    assert "✗" not in reply["text"]
    assert errors_logged(caplog) == []
    assert any("users.info" in r.getMessage() for r in caplog.records)


async def test_a_button_on_an_ephemeral_list_changes_only_that_item(
    harness: Harness, clock: FixedClock
) -> None:
    for name in ("Acme", "Globex", "Initech"):
        await harness.slash(f"customer add {name} tier=key", user="W222")
        await harness.slash(f"{name} call", user="W222", command="/touch")
    await eventually(lambda: len(harness.replies()) == 6)
    clock.set(LATER)
    sweep(harness.container.deps, now=LATER)
    await harness.slash("nudges", user="W222")
    listed = (await eventually(lambda: harness.replies()[6:]))[0]
    check_message(listed["text"], listed["blocks"])
    actions = [b for b in listed["blocks"] if b["type"] == "actions"]
    assert len(actions) == 3
    second = actions[1]
    select = next(e for e in second["elements"] if e["action_id"] == ACTION_SNOOZE)
    week = next(o for o in select["options"] if o["value"].endswith("|1w"))
    press = block_action(
        harness.fake,
        user="W222",
        channel="C111",
        message={"ts": "1", "blocks": []},
        action={
            "action_id": ACTION_SNOOZE,
            "block_id": second["block_id"],
            "type": "static_select",
            "selected_option": week,
        },
    )
    press["container"]["is_ephemeral"] = True
    press.pop("message")  # Slack sends no copy of an ephemeral message

    await harness.interact(press)

    updated = (await eventually(lambda: harness.replies()[7:]))[0]
    assert updated["replace_original"] is True
    check_message(updated["text"], updated["blocks"])
    ids = [b.get("block_id") for b in updated["blocks"]]
    assert ids.count(second["block_id"]) == 0
    assert f"state:{second['block_id'].removeprefix('actions:')}" in ids
    assert [a["block_id"] for a in actions if a is not second] == [
        b["block_id"] for b in updated["blocks"] if b["type"] == "actions"
    ]
    assert len(updated["blocks"]) == len(listed["blocks"])
    states = sorted(s.value for s in nudge_states(harness))
    assert states == ["delivered", "delivered", "snoozed"] or states == ["open", "open", "snoozed"]
    assert payload  # the shapes above are Slack's own (block_actions_button.json)
