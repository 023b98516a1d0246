"""Teams activities posted to the real aiohttp endpoint with ``deliveryMode: expectReplies``:
the SDK answers with the bot's replies in the HTTP body."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.teams.conversations import lookup
from nudges.model import Platform
from storage.repositories.teams import TeamsConversationRepository
from tests.integration.teams.support import (
    activity,
    cards_of,
    endpoint,
    make_container,
    post,
    replies,
    teams_settings,
    texts_of,
)

MEGAN_AAD = "00000000-0000-0000-0000-0000000000b3"
MEGAN_TENANT = "00000000-0000-0000-0000-0000000000a3"


def message(text: str, **changes: Any) -> dict[str, Any]:
    return activity("message_personal.json", text=text, deliveryMode="expectReplies", **changes)


def stored_touches(container: Any) -> list[tuple[str, str | None]]:
    with container.deps.uow() as uow:
        rows = uow.session.execute(text("select ritual, note from touchpoint order by id")).all()
    return [(r.ritual, r.note) for r in rows]


def person_by_aad(container: Any, tenant: str, aad: str) -> Any:
    with container.deps.uow() as uow:
        workspace = uow.workspaces.find(platform=Platform.TEAMS, external_id=tenant)
        assert workspace is not None
        return uow.people.by_platform_id(workspace_id=workspace.id, platform_user_id=aad)


async def test_a_personal_message_runs_the_command_and_stores_the_conversation(
    database: str,
) -> None:
    container = make_container(teams_settings(database))
    async with endpoint(container) as (client, _):
        status, body = await post(client, message("customer add Acme tier=key"))
        assert status == 200, body
        status, body = await post(
            client,
            message(
                "<at>Teams TestBot</at> touch acme coffee -- lunch went well",
                localTimezone="Europe/Paris",
            ),
        )
        assert status == 200, body

    [reply] = replies(body)
    assert reply["type"] == "message"
    assert "Acme" in reply["text"]
    megan = person_by_aad(container, MEGAN_TENANT, MEGAN_AAD)
    assert megan.display_name == "Megan Bowen"
    assert megan.timezone == "Europe/Paris"  # localTimezone wins over the client's entity
    assert stored_touches(container) == [("coffee", "lunch went well")]
    stored = lookup(container.deps, megan.id)
    assert stored is not None
    assert stored.conversation_id.startswith("a:1FakeConv02")
    assert stored.service_url == "https://smba.trafficmanager.net/amer/"
    assert stored.tenant_id == MEGAN_TENANT
    assert stored.bot_id == "28:00000000-0000-0000-0000-0000000000c3"
    container.close()


async def test_help_comes_back_as_an_adaptive_card(database: str) -> None:
    container = make_container(teams_settings(database))
    async with endpoint(container) as (client, _):
        status, body = await post(client, message("help"))
    assert status == 200
    [reply] = replies(body)
    [card] = cards_of(reply)
    assert card["version"] == "1.5"
    assert any("touch" in t for t in texts_of(card))
    container.close()


async def test_a_name_cannot_inject_markdown_or_mentions(database: str) -> None:
    container = make_container(teams_settings(database))
    async with endpoint(container) as (client, _):
        await post(client, message("customer add <at>Everyone</at> **VIP** [x](http://evil)"))
        status, body = await post(client, message("customers"))
    assert status == 200
    rendered = " ".join(
        [r.get("text") or "" for r in replies(body)]
        + [t for r in replies(body) for c in cards_of(r) for t in texts_of(c)]
    )
    assert "**VIP**" not in rendered
    assert "](http" not in rendered
    assert "<at>" not in rendered
    container.close()


async def test_uninstalling_removes_the_stored_reference(database: str) -> None:
    container = make_container(teams_settings(database))
    personal = {
        "conversationType": "personal",
        "id": "a:1FakeConv04-personal",
        "tenantId": "00000000-0000-0000-0000-0000000000a4",
    }
    install = activity(
        "installation_update_add.json", conversation=personal, deliveryMode="expectReplies"
    )
    remove = activity(
        "installation_update_remove.derived.json",
        conversation=personal,
        deliveryMode="expectReplies",
    )
    team_remove = activity("installation_update_remove.derived.json", deliveryMode="expectReplies")
    async with endpoint(container) as (client, _):
        status, body = await post(client, install)
        assert status == 200, body
        person = person_by_aad(
            container,
            "00000000-0000-0000-0000-0000000000a4",
            "00000000-0000-0000-0000-0000000000b4",
        )
        assert lookup(container.deps, person.id) is not None

        status, _ = await post(client, team_remove)  # removed from a team: the 1:1 chat stays
        assert status == 200
        assert lookup(container.deps, person.id) is not None

        status, body = await post(client, remove)
        assert status == 200, body
    assert replies(body) == []
    assert lookup(container.deps, person.id) is None
    with container.deps.uow() as uow:
        assert TeamsConversationRepository(uow.session).by_conversation(personal["id"]) == []
    container.close()
