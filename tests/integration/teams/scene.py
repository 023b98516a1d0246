"""The scene of the daily-message tests: Megan with two customers, the real endpoint, the outbox
and a fake Bot Connector on loopback; and the buttons she presses."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from bot.bootstrap import Container
from bot.delivery.cycle import CycleReport, run_cycle
from bot.teams.platform import TeamsPlatform
from nudges.model import NudgeState, Person, Platform
from tests.fakes import FakeBotConnector
from tests.integration.teams.support import activity, post, replies

# Megan (message_personal.json) lives in Los Angeles: 09:00 there is 16:00 UTC in March 2026.
SLOT = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
AFTER_SLOT = SLOT + timedelta(minutes=1)


@dataclass
class Scene:
    container: Container
    fake: FakeBotConnector
    client: TestClient[web.Request, web.Application]
    platform: TeamsPlatform

    async def say(self, words: str) -> list[dict[str, Any]]:
        body = activity(
            "message_personal.json",
            text=words,
            serviceUrl=self.fake.service_url,
            deliveryMode="expectReplies",
        )
        status, answer = await post(self.client, body)
        assert status == 200, answer
        return replies(answer)

    async def cycle(self, at: datetime) -> CycleReport:
        self.container.deps.clock.set(at)
        return await run_cycle(self.container, now=at, platforms={Platform.TEAMS: self.platform})

    def megan(self) -> Person:
        with self.container.deps.uow() as uow:
            row = uow.session.execute(text("select id from person")).one()
            person = uow.people.get(row.id)
        assert person is not None
        return person

    def nudge_states(self) -> dict[int, NudgeState]:
        with self.container.deps.uow() as uow:
            ids = [r.id for r in uow.session.execute(text("select id from nudge order by id"))]
            nudges = [uow.nudges.get(i) for i in ids]
        return {n.id: n.state for n in nudges if n is not None and n.id is not None}

    def delivery_states(self) -> list[str]:
        with self.container.deps.uow() as uow:
            rows = uow.session.execute(text("select state from delivery order by id")).all()
        return [r.state for r in rows]


def without_msteams(card: dict[str, Any]) -> dict[str, Any]:
    stripped = copy.deepcopy(card)
    stripped.pop("msteams", None)
    return stripped


def inputs_of(card: dict[str, Any]) -> dict[str, Any]:
    """Input ids -> their default values, as Teams would submit them untouched."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node.get("value", "")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card["body"])
    return found


def submit(
    scene: Scene, *, reply_to: str, data: dict[str, Any], card: dict[str, Any]
) -> dict[str, Any]:
    """An Action.Submit from Megan's personal chat: data merged with the card's inputs."""
    megan = activity("message_personal.json")
    value = {**inputs_of(card), **data}
    return activity(
        "message_action_submit_value.derived.json",
        serviceUrl=scene.fake.service_url,
        deliveryMode="expectReplies",
        replyToId=reply_to,
        value=value,
        **{k: megan[k] for k in ("from", "recipient", "conversation", "channelData")},
    )


def execute(
    scene: Scene, *, reply_to: str, verb: str, data: dict[str, Any], card: dict[str, Any]
) -> dict[str, Any]:
    """An Action.Execute from Megan's personal chat: an adaptiveCard/action invoke."""
    megan = activity("message_personal.json")
    return activity(
        "invoke_adaptivecard_action.json",
        serviceUrl=scene.fake.service_url,
        replyToId=reply_to,
        value={
            "action": {"type": "Action.Execute", "verb": verb, "data": {**inputs_of(card), **data}},
            "trigger": "manual",
        },
        **{k: megan[k] for k in ("from", "recipient", "conversation", "channelData")},
    )


def button(card: dict[str, Any], verb: str, ref: str) -> dict[str, Any]:
    [found] = [
        n
        for n in walk(card)
        if n.get("type") == "Action.Execute"
        and n.get("verb") == verb
        and "title" in n
        and n["data"]["ref"] == ref
    ]
    return found


def walk(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        out.append(node)
        for value in node.values():
            out.extend(walk(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(walk(value))
    return out
