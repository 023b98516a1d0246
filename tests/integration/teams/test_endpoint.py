"""Teams activities posted to the real aiohttp endpoint with ``deliveryMode: expectReplies``:
the SDK answers with the bot's replies in the HTTP body."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.teams.conversations import lookup
from nudges.model import Platform
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


async def test_help_comes_back_as_an_adaptive_card_in_teams_terms(database: str) -> None:
    container = make_container(teams_settings(database))
    async with endpoint(container) as (client, _):
        status, body = await post(client, message("help"))
    assert status == 200
    [reply] = replies(body)
    [card] = cards_of(reply)
    assert card["version"] == "1.5"
    texts = texts_of(card)
    assert texts[0].startswith("Commands: type them in this chat")
    assert reply["summary"] == texts[0]
    assert not any("Slack" in t or "/nudge" in t for t in texts)
    assert any(t.startswith("touch <customer>") for t in texts)
    assert any("digest channel" in t for t in texts)
    container.close()


async def test_a_name_cannot_inject_markdown_links_or_tags(database: str) -> None:
    container = make_container(teams_settings(database))
    async with endpoint(container) as (client, _):
        status, added = await post(client, message('customer add "**VIP** [x](http://evil)"'))
        status, listed = await post(client, message("customer list"))
    assert status == 200
    [text_reply] = replies(added)
    assert text_reply["text"].startswith(r"Added \*\*VIP\*\* [x\](http://evil)")
    [card] = [c for r in replies(listed) for c in cards_of(r)]
    shown = [t for t in texts_of(card) if "VIP" in t]
    assert any(r"\*\*VIP\*\* [x\](http://evil)" in t for t in shown), shown
    assert "entities" not in card.get("msteams", {})  # no mention can hide in a card
    container.close()
