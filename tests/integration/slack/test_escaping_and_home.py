"""A customer named ``<!channel> Acme & <@U123>`` is shown literally everywhere; the Home tab
and the team digest; uninstalling marks people unreachable; a deleted account is handed over."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from tests.integration.slack.conftest import START
from tests.integration.slack.harness import Harness, event, eventually
from tests.slack_limits import check_message

NASTY = "<!channel> Acme & <@U123>"
ESCAPED = "&lt;!channel&gt; Acme &amp; &lt;@U123&gt;"
LATER = START + timedelta(days=91)


def assert_escaped(surface: object) -> None:
    text = json.dumps(surface, ensure_ascii=False)
    assert ESCAPED in text
    assert "<!channel>" not in text
    assert "<@U123>" not in text


async def team_with_a_nasty_customer(harness: Harness) -> None:
    await harness.slash("me", user="W111")  # the first person: an admin, Sam's manager
    await eventually(lambda: len(harness.replies()) == 1)
    await harness.slash(f'customer add "{NASTY}" tier=key', user="W222")
    await eventually(lambda: len(harness.replies()) == 2)
    await harness.slash("team add <@W222> manager=<@W111>", user="W111")
    await eventually(lambda: len(harness.replies()) == 3)


async def test_a_hostile_customer_name_is_escaped_in_every_surface(
    harness: Harness, clock: FixedClock
) -> None:
    await team_with_a_nasty_customer(harness)
    assert_escaped(harness.replies()[1]["blocks"])  # the ephemeral reply to `customer add`

    clock.set(LATER)
    sweep(harness.container.deps, now=LATER)
    await Outbox(harness.container.deps, harness.container.platforms, worker="t").drain(now=LATER)
    dm = harness.fake.dm_messages("W222")[0]
    assert_escaped(dm["blocks"])  # the daily DM
    assert "<!channel>" not in dm["text"]

    await harness.send_event(event("app_home_opened_home.json", user="W222"))
    home = await eventually(lambda: harness.fake.home_view("W222"))
    await eventually(lambda: ESCAPED in json.dumps(harness.fake.home_view("W222")))
    assert_escaped(harness.fake.home_view("W222"))  # the Home tab
    assert len(home["blocks"]) <= 100

    await harness.slash("digest team", user="W111")
    digest = (await eventually(lambda: harness.replies()[3:]))[0]
    assert_escaped(digest["blocks"])  # the manager's digest
    assert digest["response_type"] == "ephemeral"


async def test_a_manager_home_has_a_team_summary(harness: Harness) -> None:
    await team_with_a_nasty_customer(harness)
    await harness.send_event(event("app_home_opened_home.json", user="W111"))
    home = await eventually(lambda: harness.fake.home_view("W111"))
    headers = [b["text"]["text"] for b in home["blocks"] if b["type"] == "header"]
    assert "My team" in headers
    assert "Open nudges" in headers


async def test_a_profile_change_keeps_the_time_zone_current(harness: Harness) -> None:
    await harness.slash("me", user="W222")
    await eventually(lambda: harness.replies())
    change = event("user_change.derived.json")
    change["event"]["user"].update(id="W222", team_id="T111", tz="Europe/Lisbon")
    await harness.send_event(change)

    def zone() -> str | None:
        with harness.container.deps.uow() as uow:
            person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W222")
        return person.timezone if person and person.timezone == "Europe/Lisbon" else None

    assert await eventually(zone) == "Europe/Lisbon"


async def test_uninstalling_marks_the_workspace_unreachable(harness: Harness) -> None:
    await harness.slash("me", user="W222")
    await eventually(lambda: harness.replies())
    await harness.send_event(event("app_uninstalled.json"))

    def unreachable() -> bool:
        with harness.container.deps.uow() as uow:
            person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W222")
        return bool(person and person.unreachable)

    assert await eventually(unreachable)


async def test_a_deleted_account_is_unreachable_and_its_manager_told_which_customers(
    harness: Harness, clock: FixedClock
) -> None:
    await team_with_a_nasty_customer(harness)
    await harness.slash('customer add "Globex Inc" tier=core', user="W222")
    await eventually(lambda: len(harness.replies()) == 4)
    change = event("user_change.derived.json")
    change["event"]["user"].update(id="W222", team_id="T111", deleted=True)

    await harness.send_event(change)

    def sam_unreachable() -> bool:
        with harness.container.deps.uow() as uow:
            person = uow.people.by_platform_id(workspace_id=1, platform_user_id="W222")
        return bool(person and person.unreachable)

    assert await eventually(sam_unreachable)
    await Outbox(harness.container.deps, harness.container.platforms, worker="t").drain()
    (notice,) = harness.fake.dm_messages("W111")
    check_message(notice["text"], notice["blocks"])
    assert "Sam Sales has left: 2 customers need a new owner." in notice["text"]
    assert_escaped(notice["blocks"])
    assert "Globex Inc" in json.dumps(notice["blocks"])
    assert harness.fake.dm_messages("W222") == []
