"""Private stays private: only a personal chat becomes a person's DM target; installing greets
once, by name; a channel is answered in place with what may be shared there, and a manager may
have their weekly digest posted in one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from bot.bootstrap import Container
from bot.delivery.compose import digest_slot
from bot.delivery.cycle import run_cycle
from bot.replies import Item, Reply, Section
from bot.teams.conversations import lookup
from bot.teams.platform import teams_platform
from nudges.model import DeliveryKind, Person, Platform
from storage.repositories.channels import DigestChannelRepository
from storage.repositories.teams import TeamsConversationRepository
from tests.fakes import FakeBotConnector
from tests.integration.teams.scene import walk
from tests.integration.teams.support import (
    OUTGOING_TOKEN,
    FixedTokens,
    activity,
    cards_of,
    endpoint,
    make_container,
    post,
    replies,
    teams_settings,
    texts_of,
)

MEGAN = "message_personal.json"  # Megan Bowen, user …b3 in tenant …a3, personal chat a:1FakeConv02
MEGAN_USER = (
    "29:1FakeUser03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbC"
)
CHANNEL = "19:00000000000000000000000000000e01@thread.tacv2"


@dataclass
class Scene:
    container: Container
    fake: FakeBotConnector
    client: TestClient[web.Request, web.Application]

    async def send(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        status, answer = await post(self.client, {**body, "deliveryMode": "expectReplies"})
        assert status == 200, answer
        return replies(answer)

    def as_megan(self, name: str, **changes: Any) -> dict[str, Any]:
        """A fixture activity, sent by Megan from her tenant, through the fake connector."""
        megan = activity(MEGAN)
        return activity(
            name,
            serviceUrl=self.fake.service_url,
            **{
                "from": megan["from"],
                "channelData": {
                    **activity(name).get("channelData", {}),
                    "tenant": megan["channelData"]["tenant"],
                },
            },
            **changes,
        )

    def person(self, aad: str = "00000000-0000-0000-0000-0000000000b3") -> Person:
        with self.container.deps.uow() as uow:
            row = uow.session.execute(
                text("select id from person where platform_user_id = :aad"), {"aad": aad}
            ).one()
            found = uow.people.get(row.id)
        assert found is not None
        return found


@pytest.fixture
async def scene(database: str) -> AsyncIterator[Scene]:
    container = make_container(teams_settings(database))
    tokens = FixedTokens()
    async with FakeBotConnector() as fake, endpoint(container, tokens=tokens) as (client, _):
        fake.expected_token = OUTGOING_TOKEN
        try:
            yield Scene(container, fake, client)
        finally:
            container.close()


def personal_install(scene: Scene) -> tuple[dict[str, Any], dict[str, Any]]:
    """What Teams sends when Megan adds the app: installationUpdate and conversationUpdate."""
    megan = activity(MEGAN)
    shared = {
        "serviceUrl": scene.fake.service_url,
        "from": {"id": MEGAN_USER, "aadObjectId": megan["from"]["aadObjectId"]},
        "recipient": megan["recipient"],
        "conversation": {**megan["conversation"], "tenantId": megan["channelData"]["tenant"]["id"]},
        "channelData": {"tenant": megan["channelData"]["tenant"]},
    }
    install = activity("installation_update_add.json", **shared)
    added = activity(
        "conversation_update_members_added_personal.derived.json",
        membersAdded=[{"id": megan["recipient"]["id"]}, shared["from"]],
        **shared,
    )
    return install, added


async def test_installing_greets_once_by_the_roster_name_and_keeps_the_email(scene: Scene) -> None:
    scene.fake.roster[MEGAN_USER] = {
        "id": MEGAN_USER,
        "name": "Megan Bowen",
        "givenName": "Megan",
        "surname": "Bowen",
        "email": "MeganB@contoso.example",
        "userPrincipalName": "meganb@contoso.example",
        "aadObjectId": "00000000-0000-0000-0000-0000000000b3",
    }
    install, added = personal_install(scene)

    said = await scene.send(install) + await scene.send(added)

    assert len(said) == 1  # one greeting for the two install events
    [card] = cards_of(said[0])
    assert texts_of(card)[0] == "Hi Megan! I keep your customer relationships warm."
    megan = scene.person()
    assert (megan.display_name, megan.email) == ("Megan Bowen", "MeganB@contoso.example")
    assert [c.activity_id for c in scene.fake.calls_to("member")] == [MEGAN_USER]
    stored = lookup(scene.container.deps, megan.id)
    assert stored is not None and stored.conversation_id == install["conversation"]["id"]


async def test_without_a_roster_answer_nobody_is_greeted_by_an_id(scene: Scene) -> None:
    install, _ = personal_install(scene)
    [greeting] = await scene.send(install)
    [card] = cards_of(greeting)
    assert texts_of(card)[0].startswith("Hi there!")
    assert "00000000" not in texts_of(card)[0]


async def test_uninstalling_forgets_the_chat_and_reinstalling_greets_again(scene: Scene) -> None:
    install, _ = personal_install(scene)
    remove = {**install, "action": "remove"}
    assert len(await scene.send(install)) == 1
    megan = scene.person()
    team_remove = activity(
        "installation_update_remove.derived.json", serviceUrl=scene.fake.service_url
    )
    assert await scene.send(team_remove) == []  # removed from a team: the personal chat stays
    assert lookup(scene.container.deps, megan.id) is not None

    assert await scene.send(remove) == []
    assert lookup(scene.container.deps, megan.id) is None
    with scene.container.deps.uow() as uow:
        assert (
            TeamsConversationRepository(uow.session).by_conversation(install["conversation"]["id"])
            == []
        )
    assert len(await scene.send(install)) == 1  # a new install, a new greeting


async def test_a_channel_message_back_is_never_stored_and_nudges_still_go_to_the_personal_chat(
    scene: Scene,
) -> None:
    await scene.send(
        activity(
            MEGAN,
            serviceUrl=scene.fake.service_url,
            text="customer add Acme tier=key last=2026-02-20",
        )
    )
    megan = scene.person()
    personal = lookup(scene.container.deps, megan.id)
    assert personal is not None

    back = scene.as_megan("message_messageback_value.json")
    assert "conversationType" not in back["conversation"]  # as Teams sent it
    [answer] = await scene.send(back)

    assert "personal chat" in answer["text"]
    stored = lookup(scene.container.deps, megan.id)
    assert stored is not None and stored.conversation_id == personal.conversation_id
    with scene.container.deps.uow() as uow:
        rows = uow.session.execute(text("select conversation_id from teams_conversation")).all()
    assert [r.conversation_id for r in rows] == [personal.conversation_id]

    at = datetime(2026, 3, 10, 16, 1, tzinfo=UTC)  # after Megan's 09:00 in Los Angeles
    scene.container.deps.clock.set(at)
    platform = teams_platform(scene.container, tokens=FixedTokens())
    report = await run_cycle(scene.container, now=at, platforms={Platform.TEAMS: platform})
    await platform.close()
    assert len(report.drain.sent) == 1
    assert {c.conversation_id for c in scene.fake.calls_to("send")} == {personal.conversation_id}


async def test_someone_who_only_wrote_in_a_channel_has_no_dm_target(scene: Scene) -> None:
    mention = activity("message_channel_mention.json", serviceUrl=scene.fake.service_url)
    [answer] = await scene.send(mention)
    assert "personal chat" in answer["text"]
    with scene.container.deps.uow() as uow:
        assert uow.session.execute(text("select count(*) from teams_conversation")).scalar() == 0


async def test_a_channel_mention_gets_one_line_and_nothing_about_anyones_book(scene: Scene) -> None:
    await scene.send(
        activity(MEGAN, serviceUrl=scene.fake.service_url, text="customer add Acme tier=key")
    )
    for words in (
        "<at>testbot</at> reply to thread",
        "<at>testbot</at> customer list",
        "<at>testbot</at> help",
    ):
        said = await scene.send(scene.as_megan("message_channel_mention.json", text=words))
        assert len(said) == 1
        assert "personal chat" in said[0]["text"]
        assert "Acme" not in str(said[0])


async def manager_with_a_channel(scene: Scene) -> Person:
    """Megan, with one report and one customer, has chosen the Sales channel for her digest."""
    await scene.send(
        activity(
            MEGAN,
            serviceUrl=scene.fake.service_url,
            text="customer add Acme tier=key last=2025-01-10",
        )
    )
    megan = scene.person()
    with scene.container.deps.uow() as uow:  # someone reports to Megan: she has a team digest
        uow.people.add(
            Person(
                id=0,
                workspace_id=megan.workspace_id,
                platform_user_id="lee",
                display_name="Lee Gu",
                timezone="America/Los_Angeles",
                manager_id=megan.id,
            ),
            now=datetime(2026, 3, 1, tzinfo=UTC),
        )
        uow.commit()
    [answer] = await scene.send(
        scene.as_megan("message_channel_mention.json", text="<at>testbot</at> digest channel")
    )
    assert "weekly team digest will be posted" in answer["text"]
    return megan


async def weekly_digest(scene: Scene, megan: Person) -> None:
    """The scheduler's cycle just after Megan's weekly digest slot."""
    slot = digest_slot(
        megan, schedule=scene.container.settings.digest, until=datetime(2026, 3, 16, 23, tzinfo=UTC)
    )
    at = slot + timedelta(minutes=1)
    scene.container.deps.clock.set(at)  # type: ignore[attr-defined]
    platform = teams_platform(scene.container, tokens=FixedTokens())
    await run_cycle(scene.container, now=at, platforms={Platform.TEAMS: platform})
    await platform.close()


async def test_a_manager_has_the_weekly_digest_posted_in_the_channel_they_chose(
    scene: Scene,
) -> None:
    megan = await manager_with_a_channel(scene)
    with scene.container.deps.uow() as uow:
        chosen = DigestChannelRepository(uow.session).get(megan.id)
    assert chosen is not None and chosen.channel_id == CHANNEL
    personal = lookup(scene.container.deps, megan.id)
    assert personal is not None and personal.conversation_id.startswith("a:1FakeConv02")

    await weekly_digest(scene, megan)

    digests = [
        c
        for c in scene.fake.calls_to("send")
        if str(c.body.get("summary", "")).startswith("Team digest")
    ]
    assert sorted(c.conversation_id or "" for c in digests) == sorted(
        [CHANNEL, personal.conversation_id]
    )
    in_channel = next(c for c in digests if c.conversation_id == CHANNEL)
    assert in_channel.body["channelData"]["channel"]["id"] == CHANNEL
    assert "refresh" not in cards_of(in_channel.body)[0]

    [off] = await scene.send(
        activity(MEGAN, serviceUrl=scene.fake.service_url, text="digest channel off")
    )
    assert "no longer posted" in off["text"]


async def test_digest_channel_is_chosen_in_the_channel_and_only_by_managers(scene: Scene) -> None:
    [wrong_place] = await scene.send(
        activity(MEGAN, serviceUrl=scene.fake.service_url, text="digest channel")
    )
    assert "in the team channel" in wrong_place["text"]
    stranger = activity(
        "message_channel_mention.json",
        serviceUrl=scene.fake.service_url,
        text="<at>testbot</at> digest channel",
    )
    [refused] = await scene.send(stranger)  # an admin (first in their tenant), nobody's manager
    assert "Only managers" in refused["text"]


async def test_adding_the_app_to_a_team_says_once_what_it_does_there(scene: Scene) -> None:
    install = activity("installation_update_add.json", serviceUrl=scene.fake.service_url)
    added = activity(
        "conversation_update_members_added_team.json", serviceUrl=scene.fake.service_url
    )

    said = await scene.send(install) + await scene.send(added)

    assert len(said) == 1
    assert "digest channel" in said[0]["text"] and "personal chat" in said[0]["text"]
    with scene.container.deps.uow() as uow:
        assert uow.session.execute(text("select count(*) from teams_conversation")).scalar() == 0


async def test_a_channel_the_bot_was_removed_from_is_forgotten_and_the_manager_still_gets_it(
    scene: Scene,
) -> None:
    megan = await manager_with_a_channel(scene)
    scene.fake.blocked.add(CHANNEL)  # the app is no longer in that team

    await weekly_digest(scene, megan)

    sent = [c for c in scene.fake.calls_to("send") if c.ok]
    assert [c.conversation_id for c in sent] == [
        lookup(scene.container.deps, megan.id).conversation_id
    ]  # type: ignore[union-attr]
    with scene.container.deps.uow() as uow:
        assert DigestChannelRepository(uow.session).get(megan.id) is None
        assert uow.session.execute(text("select state from delivery")).scalar() == "sent"


def big_digest(scene: Scene, megan: Person) -> int:
    """A weekly digest for Megan far too long for one card (1,500 quiet accounts), due now."""
    accounts = tuple(
        Item(f"Account {n:04d} — red, {40 + n % 60} days (Lee Gu), 120,000") for n in range(1500)
    )
    digest = Reply(
        "Team digest: 1 people, 1500 customers",
        (
            Section("By salesperson", (Item("Lee Gu", fields=(("Customers", "1500"),)),)),
            Section("Quiet accounts", accounts),
        ),
        kind="digest",
    )
    at = datetime(2026, 3, 16, 16, 0, tzinfo=UTC)
    with scene.container.deps.uow() as uow:
        made = uow.deliveries.add(
            dedupe_key="digest:big",
            recipient_id=megan.id,
            platform=Platform.TEAMS,
            kind=DeliveryKind.DIGEST,
            slot_at=at,
            payload=digest.to_json(),
            now=at,
        )
        uow.commit()
    return made.id


async def send_big_digest(scene: Scene, megan: Person) -> list[dict[str, Any]]:
    big_digest(scene, megan)
    at = datetime(2026, 3, 16, 16, 1, tzinfo=UTC)
    scene.container.deps.clock.set(at)  # type: ignore[attr-defined]
    platform = teams_platform(scene.container, tokens=FixedTokens())
    await run_cycle(scene.container, now=at, platforms={Platform.TEAMS: platform})
    await platform.close()
    return [c.body for c in scene.fake.calls_to("send") if c.ok and "Show all" in str(c.body)]


def show_all_data(activity_body: dict[str, Any]) -> dict[str, Any]:
    [card] = cards_of(activity_body)
    [data] = [
        n["data"]
        for n in walk(card)
        if n.get("type") == "Action.Submit" and str(n.get("title", "")).startswith("Show all")
    ]
    return data


async def test_show_all_on_a_summarised_digest_sends_the_whole_section_to_its_recipient(
    scene: Scene,
) -> None:
    megan = await manager_with_a_channel(scene)
    sent = await send_big_digest(scene, megan)
    personal = next(b for b in sent if b["conversation"]["id"] != CHANNEL)
    assert "The first 5 of 1,500." in str(cards_of(personal)[0]["body"])
    data = show_all_data(personal)

    pressed = scene.as_megan("message_action_submit_value.derived.json", value=data)
    pressed["conversation"] = activity(MEGAN)["conversation"]
    parts = await scene.send(pressed)

    listed = "\n".join(t for p in parts for c in cards_of(p) for t in texts_of(c))
    assert all(f"Account {n:04d}" in listed for n in range(1500))
    assert len(parts) >= 2 and "Part 2 of" in listed

    stranger = activity(
        "message_action_submit_value.derived.json", serviceUrl=scene.fake.service_url, value=data
    )
    [refused] = await scene.send(stranger)
    assert "not sent here" in refused["text"]


async def test_show_all_in_the_channel_shows_the_section_to_whoever_reads_it_there(
    scene: Scene,
) -> None:
    megan = await manager_with_a_channel(scene)
    sent = await send_big_digest(scene, megan)
    in_channel = next(b for b in sent if b["conversation"]["id"] == CHANNEL)
    data = show_all_data(in_channel)
    colleague = activity(
        "message_channel_mention.json",
        serviceUrl=scene.fake.service_url,
        text="",
        value=data,
        channelData={
            **activity("message_channel_mention.json")["channelData"],
            "tenant": activity(MEGAN)["channelData"]["tenant"],
        },
    )

    parts = await scene.send(colleague)

    listed = "\n".join(t for p in parts for c in cards_of(p) for t in texts_of(c))
    assert all(f"Account {n:04d}" in listed for n in range(1500))
