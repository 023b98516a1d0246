"""Teams at real size, on a 10,000-customer demo book: a daily message of 30 nudges and the
digest of a head of sales with 45 people go out through the real outbox to the loopback
connector in activities under 80 KB counted in UTF-16, carrying every item; a 413 is split and
sent again at once."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import text

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.outbox import Outbox
from bot.delivery.sweep import sweep
from bot.demo import generate
from bot.services.context import Actor
from bot.teams import showall
from bot.teams.connector import BotConnector
from bot.teams.outgoing import Destination, post_reply
from bot.teams.platform import teams_platform
from bot.teams.split import MAX_ACTIVITY_BYTES
from nudges.model import DeliveryKind, Platform
from nudges.ranking import by_customer
from storage.repositories.teams import TeamsConversationRepository
from tests.fakes import FakeBotConnector
from tests.integration.teams.support import FixedTokens, card_schema, cards_of, texts_of

NOW = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)  # a Monday morning
TENANT = "00000000-0000-0000-0000-0000000000a1"


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "book.db"
    generate(
        Settings(database_url=f"sqlite:///{path}"), customers=10_000, owners=40, seed=7, now=NOW
    )
    return path


@dataclass
class Book:
    container: Container
    fake: FakeBotConnector

    def reach(self, person_id: int) -> str:
        """Give a demo person a Teams chat with the bot (at the fake connector)."""
        conversation = f"a:1FakeConvBook-{person_id}"
        with self.container.deps.uow() as uow:
            TeamsConversationRepository(uow.session).save(
                person_id=person_id,
                tenant_id=TENANT,
                conversation_id=conversation,
                service_url=self.fake.service_url,
                reference={
                    "conversation": {"id": conversation},
                    "bot": {"id": "28:00000000-0000-0000-0000-0000000000c1"},
                    "user": {"id": f"29:1FakeUserBook-{person_id}"},
                },
                now=NOW,
            )
            uow.commit()
        return conversation

    async def drain(self, at: datetime) -> Any:
        platform = teams_platform(self.container, tokens=FixedTokens())
        outbox = Outbox(self.container.deps, {Platform.TEAMS: platform}, worker="test")
        try:
            return await outbox.drain(now=at)
        finally:
            await platform.close()

    def sent(self) -> list[dict[str, Any]]:
        return [c.body for c in self.fake.calls_to("send") if c.ok]


@pytest.fixture
async def book(demo_book: Path, tmp_path: Path) -> AsyncIterator[Book]:
    copied = tmp_path / "book.db"
    shutil.copy(demo_book, copied)
    # Digests list a thousand accounts of each kind (30 by default): cards far over the limit.
    policy = replace(Settings().policy, digest_list_limit=1_000)
    settings = replace(Settings(), database_url=f"sqlite:///{copied}", policy=policy)
    container = build(settings, clock=FixedClock(NOW))
    async with FakeBotConnector() as fake:
        try:
            yield Book(container, fake)
        finally:
            container.close()


def utf16(activity: dict[str, Any]) -> int:
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-16-le"))


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def valid(activity: dict[str, Any]) -> None:
    for card in cards_of(activity):
        bare = copy.deepcopy(card)
        bare.pop("msteams", None)
        jsonschema.validate(bare, card_schema())


def refs_of(activities: list[dict[str, Any]]) -> list[str]:
    """The nudges the sent cards offer buttons for, one per item (Done, or an escalation's
    Acknowledge: each item's first button)."""
    return [
        n["data"]["ref"]
        for a in activities
        for n in walk(a)
        if n.get("type") == "Action.Execute" and n.get("verb") in ("done", "acknowledge")
    ]


def thirty_item_daily(book: Book) -> tuple[int, int, datetime]:
    """A salesperson's daily message of 30 entries (customers; one may show several nudges),
    moved to Teams: (delivery, person, slot)."""
    with book.container.deps.uow() as uow:
        uow.session.execute(text("update person set daily_cap = 30"))
        uow.commit()
    sweep(book.container.deps, now=NOW, lookahead=timedelta(hours=24))
    with book.container.deps.uow() as uow:
        row = uow.session.execute(
            text(
                "select d.id, d.recipient_id, d.slot_at, count(distinct g.customer_id) as n "
                "from delivery d join delivery_item i on i.delivery_id = d.id "
                "join nudge g on g.id = i.nudge_id "
                "group by d.id, d.recipient_id, d.slot_at order by n desc, d.id limit 1"
            )
        ).one()
        uow.session.execute(
            text("update delivery set platform = 'teams' where id = :id"), {"id": row.id}
        )
        uow.commit()
    assert row.n == 30
    slot = datetime.fromisoformat(str(row.slot_at)).replace(tzinfo=UTC)
    return row.id, row.recipient_id, slot


async def test_a_thirty_item_daily_message_goes_in_parts_under_80_kb_with_every_nudge(
    book: Book,
) -> None:
    delivery, person, slot = thirty_item_daily(book)
    conversation = book.reach(person)
    with book.container.deps.uow() as uow:
        entries = by_customer(uow.deliveries.nudges_of(delivery))
        wanted = {f"nudge:{entry[0].id}" for entry in entries}  # each entry's buttons

    result = await book.drain(slot + timedelta(minutes=1))

    assert [d for d, _, _ in result.sent] == [delivery]
    sent = book.sent()
    assert len(sent) >= 2  # one card would be over the limit
    assert all(utf16(a) < MAX_ACTIVITY_BYTES for a in sent), [utf16(a) for a in sent]
    assert sorted(refs_of(sent)) == sorted(wanted)  # every entry, once
    for activity in sent:
        valid(activity)
        assert activity["conversation"]["id"] == conversation
    titles = [t for a in sent for c in cards_of(a) for t in texts_of(c)]
    assert any("Part 2 of" in t for t in titles)
    assert "\\(" not in json.dumps(sent) and "\\." not in json.dumps(sent)


async def test_a_head_of_sales_digest_of_45_people_is_one_summary_and_show_all_sends_the_rest(
    book: Book,
) -> None:
    deps = book.container.deps
    with deps.uow() as uow:
        head = uow.session.execute(text("select id from person where manager_id is null")).scalar()
        uow.session.execute(text("update person set manager_id = :h where id != :h"), {"h": head})
        uow.commit()
        person = uow.people.get(head)
        assert person is not None
        workspace = uow.workspaces.get(person.workspace_id)
        assert workspace is not None
    actor = Actor(workspace, person)
    digest = book.container.commands.handle_text(actor, "digest team")
    sellers = next(s for s in digest.sections if s.heading == "By salesperson")
    assert len(sellers.items) == 45
    assert sum(len(s.items) for s in digest.sections) > 1_000  # far more than one card holds
    with deps.uow() as uow:
        made = uow.deliveries.add(
            dedupe_key=f"digest:{head}:test",
            recipient_id=head,
            platform=Platform.TEAMS,
            kind=DeliveryKind.DIGEST,
            slot_at=NOW,
            payload=digest.to_json(),
            now=NOW,
        )
        uow.commit()
    conversation = book.reach(head)

    result = await book.drain(NOW + timedelta(minutes=1))

    assert [d for d, _, _ in result.sent] == [made.id]
    [summary] = book.sent()
    assert utf16(summary) < MAX_ACTIVITY_BYTES
    valid(summary)
    [card] = cards_of(summary)
    shown = texts_of(card)
    show_all = [
        n["data"]
        for n in walk(card)
        if n.get("type") == "Action.Submit" and n["title"].startswith("Show all")
    ]
    summarised = {d["section"] for d in show_all}
    for index, section in enumerate(digest.sections):
        assert section.heading in shown  # every section, even an empty one
        if len(section.items) > 10:
            assert index in summarised
            assert any(f"of {len(section.items):,}" in t for t in shown)

    # Each "Show all" sends its whole section, in parts under the limit, every item once.
    connector = BotConnector(FixedTokens())

    async def post(activity: dict[str, Any]) -> str | None:
        return await connector.send(book.fake.service_url, conversation, activity)

    for data in show_all:
        assert data["delivery"] == made.id
        whole = showall.show_all(book.container, actor, data, channel_id=None)
        section = digest.sections[data["section"]]
        assert whole.sections[0].items == section.items
        before = len(book.sent())
        await post_reply(
            deps, whole, to=Destination(conversation_id=conversation, person_id=head), post=post
        )
        parts = book.sent()[before:]
        assert all(utf16(a) < MAX_ACTIVITY_BYTES for a in parts), [utf16(a) for a in parts]
        for activity in parts:
            valid(activity)
        text_of_parts = "\n".join(t for a in parts for c in cards_of(a) for t in texts_of(c))
        for item in section.items:
            assert item.title.split(" — ")[0].replace("_", "\\_") in text_of_parts or (
                item.title.split(" — ")[0] in text_of_parts
            ), item.title
    await connector.close()


async def test_a_part_teams_refuses_as_too_large_is_split_and_sent_again_at_once(
    book: Book,
) -> None:
    delivery, person, slot = thirty_item_daily(book)
    book.reach(person)
    book.fake.max_activity_bytes = 30_000  # stricter than our own budget

    result = await book.drain(slot + timedelta(minutes=1))

    assert [d for d, _, _ in result.sent] == [delivery] and result.retried == 0
    statuses = [c.status for c in book.fake.calls_to("send")]
    assert 413 in statuses
    sent = book.sent()
    assert len(refs_of(sent)) == 30 and len(set(refs_of(sent))) == 30
    assert all(utf16(a) <= 30_000 for a in sent)
    with book.container.deps.uow() as uow:
        state = uow.session.execute(
            text("select state, attempts from delivery where id = :id"), {"id": delivery}
        ).one()
    assert (state.state, state.attempts) == ("sent", 1)
