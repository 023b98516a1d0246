"""A Monday with thirty nudges: the daily DM is split into several messages within Block
Kit's limits, every nudge marked delivered is shown (with its buttons), and a send that
breaks half-way is finished by the retry without posting any part twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from bot.services.context import Actor
from bot.slack.platform import delivery_id_of
from nudges.model import Delivery, DeliveryState, NudgeState
from tests.integration.slack.conftest import START
from tests.integration.slack.harness import Harness, eventually
from tests.slack_limits import check_message

LATER = START + timedelta(days=91)  # a Monday, 09:00 in Los Angeles
CUSTOMERS = 30


async def sam_with_thirty_quiet_customers(harness: Harness, clock: FixedClock) -> Actor:
    await harness.slash("me cap=30", user="W222")
    await eventually(lambda: len(harness.replies()) == 1)
    commands = harness.container.commands
    with harness.container.deps.uow() as uow:
        person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W222")
        workspace = uow.workspaces.get(1)
    assert person is not None and workspace is not None
    sam = Actor(workspace=workspace, person=person)
    for n in range(CUSTOMERS):
        name = f"Customer {n:02d} <&> Holdings"
        assert commands.handle_text(sam, f'customer add "{name}" tier=key').tone.value == "success"
        assert commands.handle_text(sam, f'touch "{name}" call').tone.value == "success"
    clock.set(LATER)
    sweep(harness.container.deps, now=LATER)
    return sam


def delivered_refs(harness: Harness, sam: Actor) -> set[str]:
    with harness.container.deps.uow() as uow:
        nudges = uow.nudges.for_recipient(sam.person.id, states=(NudgeState.DELIVERED,))
    return {f"nudge:{n.id}" for n in nudges}


def shown_refs(messages: list[dict[str, Any]]) -> Counter[str]:
    return Counter(
        str(b["block_id"]).removeprefix("item:")
        for m in messages
        for b in m.get("blocks", [])
        if str(b.get("block_id", "")).startswith("item:")
    )


def deliveries(harness: Harness, sam: Actor) -> list[Delivery]:
    with harness.container.deps.uow() as uow:
        return uow.deliveries.in_states(list(DeliveryState), recipient_id=sam.person.id)


def daily_messages(harness: Harness) -> list[dict[str, Any]]:
    return [m for m in harness.fake.dm_messages("W222") if delivery_id_of(m) is not None]


async def test_thirty_nudges_are_all_shown_across_messages_within_the_limits(
    harness: Harness, clock: FixedClock
) -> None:
    sam = await sam_with_thirty_quiet_customers(harness, clock)

    result = await Outbox(harness.container.deps, harness.container.platforms, "t").drain(now=LATER)

    assert len(result.sent) == 1  # one delivery, one outbox row
    delivered = delivered_refs(harness, sam)
    assert len(delivered) == CUSTOMERS
    messages = daily_messages(harness)
    assert len(messages) >= 2
    for message in messages:
        check_message(message["text"], message["blocks"])
    assert shown_refs(messages) == Counter({ref: 1 for ref in delivered})
    for ref in delivered:  # each with its buttons
        assert any(b.get("block_id") == f"actions:{ref}" for m in messages for b in m["blocks"])
    parts = [m["metadata"]["event_payload"] for m in messages]
    assert [p["part"] for p in parts] == list(range(1, len(messages) + 1))
    assert [p["last"] for p in parts] == [False] * (len(messages) - 1) + [True]
    (delivery,) = deliveries(harness, sam)
    assert {p["delivery_id"] for p in parts} == {delivery.id}
    assert delivery.state is DeliveryState.SENT
    assert delivery.message_ref == f"DW222:{messages[0]['ts']}"


async def test_a_send_broken_after_the_first_part_is_finished_without_repeats(
    harness: Harness, clock: FixedClock
) -> None:
    sam = await sam_with_thirty_quiet_customers(harness, clock)
    outbox = Outbox(harness.container.deps, harness.container.platforms, "t")
    # The first part goes out; then Slack fails (the client's own retry included).
    harness.fake.fail_next("chat.postMessage", status=500, times=2, after=1)

    first = await outbox.drain(now=LATER)

    assert first.sent == [] and first.retried == 1
    assert len(daily_messages(harness)) == 1
    second = await outbox.drain(now=LATER + timedelta(minutes=30))

    assert len(second.sent) == 1
    messages = daily_messages(harness)
    delivered = delivered_refs(harness, sam)
    assert len(delivered) == CUSTOMERS
    assert shown_refs(messages) == Counter({ref: 1 for ref in delivered})
    assert messages[-1]["metadata"]["event_payload"]["last"] is True
    parts = [m["metadata"]["event_payload"]["part"] for m in messages]
    assert parts == list(range(1, len(messages) + 1))
    (delivery,) = deliveries(harness, sam)
    assert delivery.message_ref == second.sent[0][2] == f"DW222:{messages[0]['ts']}"
