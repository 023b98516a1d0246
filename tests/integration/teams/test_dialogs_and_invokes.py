"""The *Log…* dialog (task/fetch, task/submit) from the daily card, and every other invoke
answered with a proper invoke response."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from sqlalchemy import text

from nudges.model import NudgeState
from tests.integration.teams.scene import AFTER_SLOT, Scene, walk
from tests.integration.teams.support import activity, card_schema, cards_of, post


def invoke(scene: Scene, name: str, value: Any, *, reply_to: str | None = None) -> dict[str, Any]:
    """An invoke from Megan's personal chat (the captured invoke's shape)."""
    megan = activity("message_personal.json")
    changes: dict[str, Any] = {
        "serviceUrl": scene.fake.service_url,
        "value": value,
        **{k: megan[k] for k in ("from", "recipient", "conversation", "channelData")},
    }
    if reply_to is not None:
        changes["replyToId"] = reply_to
    return {**activity("invoke_adaptivecard_action.json", **changes), "name": name}


async def daily_card(scene: Scene) -> tuple[str, dict[str, Any]]:
    await scene.cycle(AFTER_SLOT)
    [send] = scene.fake.calls_to("send")
    [card] = cards_of(send.body)
    return str(send.response["id"]), card


def log_button(card: dict[str, Any], nudge_id: int) -> dict[str, Any]:
    [found] = [
        n
        for n in walk(card)
        if n.get("type") == "Action.Submit"
        and n.get("data", {}).get("ref") == f"nudge:{nudge_id}"
        and n["data"].get("verb") == "log"
    ]
    return found


def form_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body["task"]["type"] == "continue", body
    card: dict[str, Any] = body["task"]["value"]["card"]["content"]
    return card


async def open_dialog(scene: Scene) -> tuple[str, int, dict[str, Any], dict[str, Any]]:
    sent_id, card = await daily_card(scene)
    first = sorted(scene.nudge_states())[0]
    data = log_button(card, first)["data"]
    status, body = await post(
        scene.client,
        invoke(
            scene, "task/fetch", {"data": data, "context": {"theme": "default"}}, reply_to=sent_id
        ),
    )
    assert status == 200, body
    return sent_id, first, form_of(body), data


async def test_log_opens_a_dialog_like_slacks_modal_starting_at_megans_today(scene: Scene) -> None:
    _, _, form, _ = await open_dialog(scene)

    jsonschema.validate(form, card_schema())
    inputs = {n["id"]: n for n in walk(form) if str(n.get("type", "")).startswith("Input.")}
    assert set(inputs) == {"ritual", "contact", "note", "date"}
    rituals = [c["value"] for c in inputs["ritual"]["choices"]]
    assert [r.name for r in scene.container.deps.policy.playbook] == rituals
    assert inputs["date"]["value"] == "2026-03-10"  # 09:01 in Los Angeles, whatever UTC says
    assert "Log a touch with **Acme**" in str(form["body"])


async def submit_dialog(
    scene: Scene, form: dict[str, Any], sent_id: str, **given: str
) -> dict[str, Any]:
    [action] = form["actions"]
    status, body = await post(
        scene.client,
        invoke(scene, "task/submit", {"data": {**action["data"], **given}}, reply_to=sent_id),
    )
    assert status == 200, body
    result: dict[str, Any] = body
    return result


async def test_a_logged_dialog_stores_the_touch_answers_the_nudge_and_redraws_the_card(
    scene: Scene,
) -> None:
    sent_id, first, form, _ = await open_dialog(scene)

    body = await submit_dialog(
        scene, form, sent_id, ritual="lunch", note="They want the *audit*", date="2026-03-09"
    )

    assert body["task"]["type"] == "message"
    assert "Acme" in body["task"]["value"]
    with scene.container.deps.uow() as uow:
        touch = uow.session.execute(text("select ritual, note, at from touchpoint")).one()
    assert (touch.ritual, touch.note) == ("lunch", "They want the *audit*")
    assert str(touch.at).startswith("2026-03-09")
    assert scene.nudge_states()[first] is NudgeState.DONE
    [update] = scene.fake.calls_to("update")
    assert update.ok and update.activity_id == sent_id
    redrawn = cards_of(update.body)[0]
    refs = {
        n["data"]["ref"]
        for n in walk(redrawn)
        if n.get("type") == "Action.Execute" and "title" in n
    }
    assert f"nudge:{first}" not in refs and len(refs) == 1


async def test_a_refused_dialog_shows_the_form_again_with_the_reason_and_stores_nothing(
    scene: Scene,
) -> None:
    sent_id, first, form, _ = await open_dialog(scene)

    for given, reason in (
        ({"date": "2026-13-40"}, "is not a date"),
        ({"date": "2026-04-01", "note": "kept"}, "future"),
    ):
        body = await submit_dialog(scene, form, sent_id, **given)
        again = form_of(body)
        jsonschema.validate(again, card_schema())
        assert reason in str(again["body"][0]["text"]).lower() or reason in str(again["body"][0])
        notes = [n.get("value") for n in walk(again) if n.get("id") == "note"]
        assert notes == [given.get("note", "")]  # what was typed is kept

    with scene.container.deps.uow() as uow:
        assert uow.session.execute(text("select count(*) from touchpoint")).scalar() == 0
    assert scene.nudge_states()[first] is not NudgeState.DONE


async def test_the_captured_invoke_and_unknown_invokes_get_an_invoke_response(scene: Scene) -> None:
    captured = activity("invoke_adaptivecard_action.json", serviceUrl=scene.fake.service_url)
    status, body = await post(scene.client, captured)
    assert status == 200
    assert body == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "That button does nothing.",
    }

    status, body = await post(scene.client, {**captured, "name": "composeExtension/query"})
    assert status == 200 and body is None


async def test_an_invoke_from_a_channel_is_answered_without_touching_anyones_nudges(
    scene: Scene,
) -> None:
    _, card = await daily_card(scene)
    first = sorted(scene.nudge_states())[0]
    done = next(
        n for n in walk(card) if n.get("type") == "Action.Execute" and n.get("verb") == "done"
    )
    mention = activity("message_channel_mention.json")
    channel_invoke = {
        **invoke(
            scene,
            "adaptiveCard/action",
            {"action": {"type": "Action.Execute", "verb": "done", "data": done["data"]}},
        ),
        **{k: mention[k] for k in ("conversation", "channelData")},
    }
    status, body = await post(scene.client, channel_invoke)
    assert status == 200
    assert "personal chat" in body["value"]
    assert scene.nudge_states()[first] is not NudgeState.DONE


async def test_a_failure_inside_an_invoke_still_answers_with_an_invoke_response(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent_id, card = await daily_card(scene)
    done = next(
        n for n in walk(card) if n.get("type") == "Action.Execute" and n.get("verb") == "done"
    )

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(scene.container.commands, "answer", broken)
    value = {"action": {"type": "Action.Execute", "verb": "done", "data": done["data"]}}
    status, body = await post(
        scene.client, invoke(scene, "adaptiveCard/action", value, reply_to=sent_id)
    )

    assert status == 200
    assert body["statusCode"] == 500 and body["type"] == "application/vnd.microsoft.error"
    assert "the database went away" not in str(body)  # no internals to the user
