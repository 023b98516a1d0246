"""/touch and /nudge: acknowledged at once, answered ephemerally through the response URL."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.commands import HELP
from bot.slack.blocks import escape
from bot.slack.platform import delivery_id_of
from nudges.model import Platform
from storage.tables import touchpoint_t
from tests.integration.slack.harness import Harness, eventually
from tests.slack_limits import check_message


def touches(harness: Harness) -> list[str]:
    with harness.container.deps.uow() as uow:
        return [str(r) for r in uow.session.execute(select(touchpoint_t.c.ritual)).scalars()]


async def test_a_touch_is_logged_and_answered_ephemerally(harness: Harness) -> None:
    response = await harness.slash('customer add "Acme Corp" tier=key', user="W222")
    assert response.status == 200
    await eventually(lambda: len(harness.replies()) == 1)

    response = await harness.slash("acme coffee -- talked renewals", user="W222", command="/touch")
    assert response.status == 200
    reply = (await eventually(lambda: harness.replies()[1:]))[0]

    assert reply["response_type"] == "ephemeral"
    assert "Logged" in reply["text"]
    assert reply["blocks"]
    assert touches(harness) == ["coffee"]
    await harness.settled()
    assert harness.fake.calls_to("views.publish") == []  # Home is published when opened


async def test_an_unreachable_person_who_writes_again_is_reachable(harness: Harness) -> None:
    await harness.slash("me", user="W222")
    await eventually(lambda: len(harness.replies()) == 1)
    assert harness.runtime is not None
    await harness.runtime.built.services.workspace_gone("T111")

    await harness.slash("me", user="W222")
    await eventually(lambda: len(harness.replies()) == 2)

    with harness.container.deps.uow() as uow:
        workspace = uow.workspaces.find(platform=Platform.SLACK, external_id="T111")
        assert workspace is not None
        person = uow.people.by_platform_id(workspace_id=workspace.id, platform_user_id="W222")
    assert person is not None and not person.unreachable


async def test_a_newcomer_is_registered_with_the_time_zone_slack_knows(harness: Harness) -> None:
    harness.fake.add_user("W333", tz="Asia/Tokyo", real_name="Kenji Ito")
    await harness.slash("me", user="W333")
    await eventually(lambda: harness.replies())

    with harness.container.deps.uow() as uow:
        workspace = uow.workspaces.find(platform=Platform.SLACK, external_id="T111")
        assert workspace is not None
        person = uow.people.by_platform_id(workspace_id=workspace.id, platform_user_id="W333")
    assert person is not None
    assert (person.timezone, person.display_name) == ("Asia/Tokyo", "Kenji Ito")
    assert len(harness.fake.calls_to("users.info")) == 1

    await harness.slash("me", user="W333")  # known now: no second users.info
    await eventually(lambda: len(harness.replies()) == 2)
    assert len(harness.fake.calls_to("users.info")) == 1


async def test_users_info_answering_429_is_retried_after_retry_after(harness: Harness) -> None:
    harness.fake.add_user("W444", tz="Europe/Berlin", real_name="Lena Vogel")
    harness.fake.fail_next("users.info", status=429, retry_after=1)

    await harness.slash("me", user="W444")
    reply = (await eventually(lambda: harness.replies()))[0]

    calls = harness.fake.calls_to("users.info")
    assert [c.status for c in calls] == [429, 200]
    assert "Europe/Berlin" in str(reply["blocks"])


async def test_a_parse_error_is_explained_not_raised(harness: Harness) -> None:
    await harness.slash("frobnicate everything", user="W222")
    reply = (await eventually(lambda: harness.replies()))[0]
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("✗")


def test_delivery_ids_are_read_only_from_our_metadata() -> None:
    ours = {"metadata": {"event_type": "nudgebot_delivery", "event_payload": {"delivery_id": 7}}}
    theirs = {"metadata": {"event_type": "other", "event_payload": {"delivery_id": 7}}}
    assert delivery_id_of(ours) == 7
    assert delivery_id_of(theirs) is None
    assert delivery_id_of({}) is None


async def test_help_names_every_command_in_one_message_within_slacks_limits(
    harness: Harness,
) -> None:
    await harness.slash("help", user="W222")

    (reply,) = await eventually(lambda: harness.replies())

    check_message(reply["text"], reply["blocks"])
    sections = [b for b in reply["blocks"] if b["type"] == "section"]
    assert len(sections) > 1  # more than one section's 3,000 characters
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    for entry in HELP:
        assert json.dumps(escape(entry.usage), ensure_ascii=False)[1:-1] in shown, entry.command
        for example in entry.examples:
            assert json.dumps(escape(example), ensure_ascii=False)[1:-1] in shown


async def test_help_about_one_command_has_its_usage_notes_and_examples(harness: Harness) -> None:
    await harness.slash("help touch", user="W222")

    (reply,) = await eventually(lambda: harness.replies())

    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    (touch,) = [e for e in HELP if e.command == "touch"]
    for line in (touch.usage, *touch.notes, *touch.examples):
        assert json.dumps(escape(line), ensure_ascii=False)[1:-1] in shown
    assert "customer add" not in shown
