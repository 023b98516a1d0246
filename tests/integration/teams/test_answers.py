"""Answers beyond done, snooze and skip, pressed on a Teams card: how a pitch went is asked in a
message of its own, whose buttons record it."""

from __future__ import annotations

from sqlalchemy import text

from tests.integration.teams.scene import AFTER_SLOT, Scene, button, execute, walk
from tests.integration.teams.support import cards_of, post


async def test_done_on_a_pitch_asks_how_it_went_and_its_answer_is_recorded(scene: Scene) -> None:
    await scene.say("touch acme call on=2026-03-03")
    await scene.say("touch beta call on=2026-03-03")
    await scene.say("offer add Launch kind=product from=2026-03-09 public=2026-04-30")
    await scene.cycle(AFTER_SLOT)
    [send] = scene.fake.calls_to("send")
    [card] = cards_of(send.body)
    refs = sorted(
        {n["data"]["ref"] for n in walk(card) if n.get("type") == "Action.Execute" and "title" in n}
    )
    done = button(card, "done", refs[0])

    status, body = await post(
        scene.client,
        execute(scene, reply_to=send.response["id"], verb="done", data=done["data"], card=card),
    )

    assert status == 200, body
    assert "Pitched Launch" in str(body["value"]["body"]), body["value"]["body"]
    [_, asked] = scene.fake.calls_to("send")
    [question] = cards_of(asked.body)
    assert "How did Launch go with" in str(question["body"])
    accepted = button(question, "accepted", refs[0])
    status, body = await post(
        scene.client,
        execute(
            scene,
            reply_to=asked.response["id"],
            verb="accepted",
            data=accepted["data"],
            card=question,
        ),
    )
    assert status == 200, body
    with scene.container.deps.uow() as uow:
        states = [r.state for r in uow.session.execute(text("select state from pitch"))]
    assert states == ["accepted"]
