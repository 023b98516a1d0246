"""A manager's answers to an escalation, pressed in the Slack DM: none of them logs a touch;
the message is updated in place."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from bot.replies import Verb
from bot.slack.blocks import verb_action_id
from nudges.model import DeliveryKind, DeliveryState, NudgeReason, NudgeState
from storage.tables import pitch_t, touchpoint_t
from tests.integration.slack.conftest import START
from tests.integration.slack.harness import Harness, block_action, eventually

LATER = START + timedelta(days=1)  # Tuesday, 09:00 in Los Angeles


async def say_all(harness: Harness, steps: tuple[tuple[str, str], ...]) -> None:
    """Slash commands, one after the other, each answered before the next."""
    for user, text in steps:
        before = len(harness.replies())
        await harness.slash(text, user=user)
        await eventually(lambda before=before: len(harness.replies()) > before)


async def morning(harness: Harness, clock: FixedClock) -> None:
    """Tuesday 09:00 in Los Angeles: the sweep, then the outbox."""
    clock.set(LATER)
    deps = harness.container.deps
    sweep(deps, now=LATER)
    await Outbox(deps, platforms=harness.container.platforms, worker="test").drain(now=LATER)


async def escalation_message(harness: Harness, clock: FixedClock) -> dict[str, Any]:
    """Maria manages Sam, whose key customer Acme has been red for 20 days: her morning DM
    carries the escalation."""
    harness.fake.add_user("W333", tz="America/Los_Angeles", real_name="Sue Sales")
    await say_all(
        harness,
        (
            ("W111", "me"),
            ("W222", 'customer add "Acme Corp" tier=key last=2026-01-11'),
            ("W333", "me"),
            ("W111", "team add <@W222> manager=<@W111>"),
            ("W111", "team add <@W333> manager=<@W111>"),
        ),
    )
    await morning(harness, clock)
    messages = harness.fake.dm_messages("W111")
    assert len(messages) == 1, messages
    return messages[0]


def _escalation_state(harness: Harness) -> NudgeState:
    with harness.container.deps.uow() as uow:
        maria = uow.people.by_platform_id(workspace_id=1, platform_user_id="W111")
        assert maria is not None
        (nudge,) = uow.nudges.for_recipient(maria.id, states=tuple(NudgeState))
    assert nudge.reason is NudgeReason.ESCALATION
    return nudge.state


def _touches(harness: Harness) -> int:
    with harness.container.deps.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(touchpoint_t)) or 0)


def _press(harness: Harness, message: dict[str, Any], action_id: str, **extra: Any) -> Any:
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    element = next(e for e in actions["elements"] if e["action_id"] == action_id)
    return block_action(
        harness.fake,
        user="W111",
        channel="DW111",
        message=message,
        action={**element, "block_id": actions["block_id"], **extra},
    )


async def test_remind_owner_pressed_in_the_dm_queues_a_message_to_the_owner(
    harness: Harness, clock: FixedClock
) -> None:
    message = await escalation_message(harness, clock)
    assert "nudge_done" not in str(message["blocks"])

    response = await harness.interact(_press(harness, message, "nudge_remind"))

    assert response.status == 200
    update = (await eventually(lambda: harness.fake.calls_to("chat.update")))[0]
    assert "owner reminded" in str(update.params["blocks"])
    await harness.settled()
    assert _escalation_state(harness) is NudgeState.DONE
    assert _touches(harness) == 0
    with harness.container.deps.uow() as uow:
        pending = uow.deliveries.in_states([DeliveryState.PENDING])
    assert [d.kind for d in pending] == [DeliveryKind.NOTICE]


async def test_reassign_picks_a_colleague_in_slack(harness: Harness, clock: FixedClock) -> None:
    message = await escalation_message(harness, clock)

    await harness.interact(
        _press(
            harness,
            message,
            verb_action_id(Verb.REASSIGN),
            type="users_select",
            selected_user="W333",
        )
    )

    update = (await eventually(lambda: harness.fake.calls_to("chat.update")))[0]
    assert "reassigned to Sue Sales" in str(update.params["blocks"])
    await harness.settled()
    with harness.container.deps.uow() as uow:
        sue = uow.people.by_platform_id(workspace_id=1, platform_user_id="W333")
        acme = uow.customers.by_name(workspace_id=1, name="Acme Corp")
    assert sue is not None and acme is not None
    assert acme.owner_id == sue.id
    assert _touches(harness) == 0


async def test_done_on_a_pitch_asks_how_it_went_and_the_answer_is_recorded(
    harness: Harness, clock: FixedClock
) -> None:
    await say_all(
        harness,
        (
            ("W111", "me"),
            ("W222", 'customer add "Acme Corp" tier=key since=2025-01-11'),
            ("W222", "touch acme call on=2026-02-25"),
            ("W111", "offer add Launch kind=product from=2026-03-01 public=2026-04-01"),
        ),
    )
    await morning(harness, clock)
    deps = harness.container.deps
    (message,) = harness.fake.dm_messages("W222")
    asked = len(harness.replies())

    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    done = next(e for e in actions["elements"] if e["action_id"] == "nudge_done")
    await harness.interact(
        block_action(
            harness.fake,
            user="W222",
            channel="DW222",
            message=message,
            action={**done, "block_id": actions["block_id"]},
        )
    )

    question = (await eventually(lambda: harness.replies()[asked:]))[0]
    assert "How did Launch go with Acme Corp?" in str(question["blocks"])
    (buttons,) = [b for b in question["blocks"] if b["type"] == "actions"]
    accepted = next(e for e in buttons["elements"] if e["action_id"] == "nudge_accepted")
    await harness.interact(
        block_action(
            harness.fake,
            user="W222",
            channel="DW222",
            message={**message, "blocks": question["blocks"]},
            action={**accepted, "block_id": buttons["block_id"]},
        )
    )

    def pitch() -> str | None:
        with deps.uow() as uow:
            found = uow.session.execute(select(pitch_t.c.state)).scalars().all()
        return found[0] if found == ["accepted"] else None

    assert await eventually(pitch) == "accepted"
    await harness.settled()
