"""The daily message through the real outbox to a local fake Bot Connector (the stored
``serviceUrl`` points at loopback), then its buttons posted back to the real endpoint."""

from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest
from sqlalchemy import text

from bot.delivery.housekeeping import housekeeping
from bot.teams.connector import BotConnector
from bot.teams.platform import TeamsPlatform
from nudges.model import DeliveryState, NudgeState
from tests.integration.teams.scene import (
    AFTER_SLOT,
    Scene,
    button,
    execute,
    submit,
    walk,
    without_msteams,
)
from tests.integration.teams.support import (
    OUTGOING_TOKEN,
    FixedTokens,
    card_schema,
    cards_of,
    post,
    replies,
)


async def test_the_daily_message_reaches_the_connector_as_a_valid_adaptive_card(
    scene: Scene,
) -> None:
    report = await scene.cycle(AFTER_SLOT)

    assert len(report.drain.sent) == 1
    [send] = scene.fake.calls_to("send")
    assert send.ok
    assert send.authorization == f"Bearer {OUTGOING_TOKEN}"
    assert send.conversation_id.startswith("a:1FakeConv02")
    [card] = cards_of(send.body)
    jsonschema.validate(without_msteams(card), card_schema())
    assert card["version"] == "1.5"
    assert send.body["summary"].startswith("Good morning Megan")
    executes = [n for n in walk(card) if n.get("type") == "Action.Execute" and "title" in n]
    assert {a["verb"] for a in executes} == {"done", "snooze", "skip"}
    assert all(set(a["data"]) == {"ref", "card"} for a in executes)  # ids, never the reply
    assert all(a["fallback"]["type"] == "Action.Submit" for a in executes)
    logs = [n for n in walk(card) if n.get("type") == "Action.Submit" and n["title"] == "Log…"]
    assert len(logs) == 2 and all(n["data"]["msteams"] == {"type": "task/fetch"} for n in logs)
    choices = [n for n in walk(card) if n.get("type") == "Input.ChoiceSet"]
    assert [c["title"] for c in choices[0]["choices"]] == ["1 day", "1 week", "1 month"]
    assert card["refresh"]["userIds"] == [send.body["recipient"]["id"]]
    assert scene.delivery_states() == ["sent"]


async def test_an_executed_button_answers_and_the_invoke_returns_the_redrawn_card(
    scene: Scene,
) -> None:
    await scene.cycle(AFTER_SLOT)
    [send] = scene.fake.calls_to("send")
    [card] = cards_of(send.body)
    first, second = sorted(scene.nudge_states())
    done = button(card, "done", f"nudge:{first}")

    status, body = await post(
        scene.client,
        execute(scene, reply_to=send.response["id"], verb="done", data=done["data"], card=card),
    )

    assert status == 200, body
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    redrawn = body["value"]
    jsonschema.validate(without_msteams(redrawn), card_schema())
    assert "✓ Done: " in str(redrawn["body"])
    assert {
        b["data"]["ref"]
        for b in walk(redrawn)
        if b.get("type") == "Action.Execute" and "title" in b
    } == {f"nudge:{second}"}
    assert scene.nudge_states()[first] is NudgeState.DONE
    assert scene.fake.calls_to("update") == []  # the invoke response itself redraws it

    # Pressed again on the old card: nothing changes twice, the card shows the truth.
    status, body = await post(
        scene.client,
        execute(scene, reply_to=send.response["id"], verb="skip", data=done["data"], card=card),
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert scene.nudge_states()[first] is NudgeState.DONE


async def test_a_submitted_fallback_snoozes_and_redraws_the_card_in_place(scene: Scene) -> None:
    await scene.cycle(AFTER_SLOT)
    [send] = scene.fake.calls_to("send")
    [card] = cards_of(send.body)
    sent_id = send.response["id"]
    first, second = sorted(scene.nudge_states())
    fallback = button(card, "snooze", f"nudge:{first}")["fallback"]["data"]

    status, body = await post(
        scene.client,
        submit(
            scene, reply_to=sent_id, card=card, data={**fallback, f"nudge:{first}/snooze": "1m"}
        ),
    )
    assert status == 200, body
    assert replies(body) == []  # the card itself shows the answer
    [update] = scene.fake.calls_to("update")
    assert update.ok and update.activity_id == sent_id
    [redrawn] = cards_of(update.body)
    jsonschema.validate(without_msteams(redrawn), card_schema())
    assert "Snoozed until Friday 10 April" in str(redrawn["body"])
    assert scene.nudge_states()[first] is NudgeState.SNOOZED

    done = button(card, "done", f"nudge:{second}")["fallback"]["data"]
    status, body = await post(scene.client, submit(scene, reply_to=sent_id, card=card, data=done))
    assert status == 200 and replies(body) == []
    assert scene.nudge_states()[second] is NudgeState.DONE
    last = cards_of(scene.fake.calls_to("update")[-1].body)[0]
    assert "Snoozed until" in str(last["body"]) and "✓ Done: " in str(last["body"])
    assert not [n for n in walk(last) if n.get("type") == "ActionSet"]  # every item answered
    assert "refresh" not in last

    # A second click on the stale card is refused in words.
    stale = {**done, "verb": "skip"}
    status, body = await post(scene.client, submit(scene, reply_to=sent_id, card=card, data=stale))
    assert status == 200
    [refusal] = replies(body)
    assert "already done" in refusal["text"]


async def test_a_refreshed_card_shows_items_answered_elsewhere(scene: Scene) -> None:
    await scene.cycle(AFTER_SLOT)
    [send] = scene.fake.calls_to("send")
    [card] = cards_of(send.body)
    await scene.say("done acme")  # answered by typing, not on the card

    status, body = await post(
        scene.client,
        execute(
            scene,
            reply_to=send.response["id"],
            verb="refresh",
            data=card["refresh"]["action"]["data"],
            card=card,
        ),
    )

    assert status == 200, body
    refreshed = body["value"]
    rendered = str(refreshed["body"])
    assert "Acme" in rendered and "✓ Done" in rendered
    refs = {
        b["data"]["ref"]
        for b in walk(refreshed)
        if b.get("type") == "Action.Execute" and "title" in b
    }
    assert len(refs) == 1  # only Beta is still open


async def test_429_and_502_are_retried_and_delivered_once(scene: Scene) -> None:
    scene.fake.fail_next("send", status=429, retry_after=7)
    first = await scene.cycle(AFTER_SLOT)
    assert (len(first.drain.sent), first.drain.retried) == (0, 1)

    early = await scene.cycle(AFTER_SLOT + timedelta(seconds=3))  # Retry-After not over yet
    assert early.drain.sent == [] and len(scene.fake.calls_to("send")) == 1

    scene.fake.fail_next("send", status=502)
    second = await scene.cycle(AFTER_SLOT + timedelta(seconds=8))
    assert second.drain.retried == 1

    third = await scene.cycle(AFTER_SLOT + timedelta(hours=2))  # past any backoff
    assert len(third.drain.sent) == 1
    statuses = [c.status for c in scene.fake.calls_to("send")]
    assert statuses == [429, 502, 200]
    assert len(scene.fake.activities(scene.fake.calls_to("send")[0].conversation_id or "")) == 1
    assert scene.delivery_states() == ["sent"]


@pytest.mark.parametrize("code", ["MessageWritesBlocked", "ConversationBlockedByUser"])
async def test_a_person_who_blocked_the_bot_is_marked_unreachable(scene: Scene, code: str) -> None:
    scene.fake.fail_next("send", status=403, code=code)
    report = await scene.cycle(AFTER_SLOT)
    assert report.drain.unreachable == 1
    assert scene.delivery_states() == [DeliveryState.UNREACHABLE.value]
    assert scene.megan().unreachable
    assert set(scene.nudge_states().values()) == {NudgeState.OPEN}  # kept for later

    await scene.say("nudges")  # talking to the bot again makes them reachable
    assert not scene.megan().unreachable


async def test_a_person_without_the_app_installed_is_unreachable(scene: Scene) -> None:
    with scene.container.deps.uow() as uow:
        uow.session.execute(text("delete from teams_conversation"))
        uow.commit()
    report = await scene.cycle(AFTER_SLOT)
    assert report.drain.unreachable == 1
    assert scene.fake.calls_to("send") == []


async def test_a_retried_delivery_sends_only_the_parts_still_missing(scene: Scene) -> None:
    for name in ("Gamma", "Delta", "Epsilon", "Zeta"):
        await scene.say(f"customer add {name} tier=key last=2026-02-20")
    small = TeamsPlatform(
        scene.container.deps, BotConnector(FixedTokens()), part_budget=9_000
    )  # about two nudges a part
    scene.platform, big = small, scene.platform
    scene.fake.fail_next("send", status=502, after=1)  # the first part goes, the second fails

    first = await scene.cycle(AFTER_SLOT)
    assert (len(first.drain.sent), first.drain.retried) == (0, 1)
    later = await scene.cycle(AFTER_SLOT + timedelta(hours=2))
    assert len(later.drain.sent) == 1
    await big.close()
    await small.close()
    with scene.container.deps.uow() as uow:
        delivery = uow.session.execute(text("select id from delivery")).scalar_one()
        wanted = sorted(f"nudge:{n.id}" for n in uow.deliveries.nudges_of(delivery))

    sends = scene.fake.calls_to("send")
    assert [c.status for c in sends][:2] == [200, 502]
    delivered = [c for c in sends if c.ok]
    refs = [
        n["data"]["ref"]
        for c in delivered
        for n in walk(c.body)
        if n.get("type") == "Action.Execute" and n.get("verb") == "done"
    ]
    assert sorted(refs) == wanted  # each nudge once, though the message was sent twice
    assert len(delivered) >= 3
    assert "Part 2 of" in str(cards_of(delivered[1].body)[0]["body"])
    assert scene.delivery_states() == ["sent"]


async def test_a_single_item_too_large_for_teams_fails_at_once_with_the_reason(
    scene: Scene,
) -> None:
    scene.fake.max_activity_bytes = 1_000  # smaller than any card

    report = await scene.cycle(AFTER_SLOT)

    assert (report.drain.failed, report.drain.retried) == (1, 0)
    with scene.container.deps.uow() as uow:
        row = uow.session.execute(text("select state, attempts, last_error from delivery")).one()
    assert (row.state, row.attempts) == ("failed", 1)
    assert "too large for Teams" in row.last_error
    assert set(scene.nudge_states().values()) == {NudgeState.OPEN}  # kept for a later message


async def test_housekeeping_forgets_cards_too_old_to_be_answered(scene: Scene) -> None:
    await scene.cycle(AFTER_SLOT)
    with scene.container.deps.uow() as uow:
        kept = uow.session.execute(text("select count(*) from teams_card")).scalar()
    assert kept == 1

    housekeeping(scene.container.deps, now=AFTER_SLOT + timedelta(days=59))
    with scene.container.deps.uow() as uow:
        assert uow.session.execute(text("select count(*) from teams_card")).scalar() == 1
    housekeeping(scene.container.deps, now=AFTER_SLOT + timedelta(days=61))
    with scene.container.deps.uow() as uow:
        assert uow.session.execute(text("select count(*) from teams_card")).scalar() == 0
