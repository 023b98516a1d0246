"""Reading incoming activities, and pacing outgoing ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from microsoft_agents.activity import Activity

from bot.teams import inbound
from bot.teams.throttle import Throttle

FIXTURES = Path(__file__).resolve().parents[2] / "integration" / "teams" / "fixtures"


def load(name: str, **changes: Any) -> Activity:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    data.update(changes)
    return Activity.model_validate(data)


def test_the_sender_is_the_entra_user_in_their_tenant_and_time_zone() -> None:
    who = inbound.sender(load("message_action_submit_value.derived.json"))
    assert who == inbound.Sender(
        tenant_id="00000000-0000-0000-0000-0000000000a1",
        user_id="00000000-0000-0000-0000-0000000000b1",
        display_name="Test User",
        timezone="America/Los_Angeles",
    )


def test_without_local_timezone_the_client_info_entity_tells_it() -> None:
    activity = load("message_personal.json")
    assert activity.local_timezone is None
    assert inbound.timezone(activity) == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("<at>nudgebot</at> touch acme coffee", "touch acme coffee"),
        ("touch <at>Teams TestBot</at>  acme", "touch acme"),
        ("digest team&nbsp;", "digest team"),
        ("<p>help</p>", "help"),
    ],
)
def test_mentions_and_markup_are_stripped_from_commands(text: str, command: str) -> None:
    assert inbound.command_text(load("message_personal.json", text=text)) == command


def test_the_reference_keeps_service_url_conversation_tenant_and_bot() -> None:
    reference = inbound.reference(load("message_personal.json"))
    assert reference["serviceUrl"] == "https://smba.trafficmanager.net/amer/"
    assert reference["conversation"]["id"].startswith("a:1FakeConv02")
    assert reference["conversation"]["tenantId"] == "00000000-0000-0000-0000-0000000000a3"
    assert reference["bot"]["id"] == "28:00000000-0000-0000-0000-0000000000c3"
    assert reference["user"]["aadObjectId"] == "00000000-0000-0000-0000-0000000000b3"


def test_install_scopes_are_told_apart() -> None:
    assert inbound.is_personal(load("conversation_update_members_added_personal.derived.json"))
    assert not inbound.is_personal(load("installation_update_add.json"))
    assert inbound.bot_was_added(load("conversation_update_members_added_personal.derived.json"))


async def test_a_burst_waits_for_the_per_conversation_rate() -> None:
    clock = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    throttle = Throttle(per_tenant=30, per_conversation=7, clock=lambda: clock[0], sleep=sleep)
    for _ in range(14):
        await throttle.wait(tenant_id="t", conversation_id="c")
    assert clock[0] == pytest.approx(1.0, abs=1e-6)  # 7 at once, then 7 more over a second


async def test_many_conversations_share_the_tenant_rate() -> None:
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    throttle = Throttle(per_tenant=30, per_conversation=7, clock=lambda: clock[0], sleep=sleep)
    for n in range(60):
        await throttle.wait(tenant_id="t", conversation_id=f"c{n}")
    assert clock[0] == pytest.approx(1.0, abs=1e-6)
