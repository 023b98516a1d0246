"""Who gets which nudges, and when: out of office (with or without a cover) and the daily cap,
through the real sweep and outbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.delivery import turns
from bot.delivery.outbox import Outbox
from bot.services.context import Actor
from bot.services.identity import identify
from nudges.model import DeliveryState, NudgeState
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

TUESDAY_SLOT = START + timedelta(hours=1)  # Tuesday 20 January 2026, 09:00 UTC


def customers_in(platform: FakePlatform, actor: Actor) -> list[list[str]]:
    """Each message ``actor`` received, as the customers its items are about."""
    return [
        [i.title.split(" — ")[0] for section in s.reply.sections for i in section.items]
        for s in platform.sent_to(actor.person.id)
    ]


async def mornings(book: Book, platform: FakePlatform, first: datetime, days: int) -> None:
    """Cycles around the delivery hour on ``days`` consecutive days from ``first``."""
    for day in range(days):
        for minutes in (-10, -5, 0, 5, 60):
            await book.cycle(first + timedelta(days=day, minutes=minutes), platform)


async def test_out_of_office_gets_nothing_until_return_then_the_nudges_wait_for_them(
    book: Book, fake: FakePlatform
) -> None:
    bob = book.join("bob", "Bob")
    book.say('customer add "Acme" tier=key last=2026-01-05', actor=bob)
    assert "your nudges wait for you" in book.say("ooo until=2026-01-22", actor=bob)

    await mornings(book, fake, TUESDAY_SLOT, days=3)  # Tuesday to Thursday: away
    assert customers_in(fake, bob) == []
    with book.deps.uow() as uow:
        [waiting] = uow.nudges.for_recipient(bob.person.id)
    assert waiting.state is NudgeState.OPEN

    await mornings(book, fake, TUESDAY_SLOT + timedelta(days=3), days=1)  # Friday: back
    assert customers_in(fake, bob) == [["Acme"]]
    [delivery] = book.deliveries(recipient_id=bob.person.id)
    assert delivery.sent_at == TUESDAY_SLOT + timedelta(days=3)
    assert fake.duplicates() == {}


async def test_out_of_office_with_a_cover_the_cover_gets_the_nudges_meanwhile(
    book: Book, fake: FakePlatform
) -> None:
    bob = book.join("bob", "Bob")
    carol = book.join("carol", "Carol")
    book.say('customer add "Acme" tier=key last=2026-01-05', actor=bob)
    book.say('customer add "Zenith" tier=key last=2026-01-05', actor=carol)
    assert "Carol gets your nudges" in book.say("ooo until=2026-01-22 cover=@carol", actor=bob)

    await mornings(book, fake, TUESDAY_SLOT, days=4)  # Tuesday to Friday
    assert customers_in(fake, bob) == []
    assert len(customers_in(fake, carol)) == 1  # one message, with her own and Bob's
    assert sorted(customers_in(fake, carol)[0]) == ["Acme", "Zenith"]
    [delivery] = book.deliveries(recipient_id=carol.person.id)
    assert delivery.sent_at == TUESDAY_SLOT
    assert book.deliveries(recipient_id=bob.person.id) == []  # nothing for Bob on his return
    assert fake.duplicates() == {}


@pytest.mark.parametrize(
    "cover_first", [False, True], ids=["cover-joined-last", "cover-joined-first"]
)
async def test_a_cover_planned_in_another_batch_than_the_colleague_gets_one_whole_message(
    book: Book, fake: FakePlatform, monkeypatch: pytest.MonkeyPatch, cover_first: bool
) -> None:
    """Messages are planned a batch of recipients at a time: with one recipient a batch, the
    cover and the colleague away are always planned apart, in either order."""
    monkeypatch.setattr(turns, "BATCH", 1)
    monkeypatch.setattr(turns, "SQLITE_BATCH", 1)
    names = [("carol", "Carol"), ("bob", "Bob")]
    joined = {name: book.join(user, name) for user, name in (names if cover_first else names[::-1])}
    bob, carol = joined["Bob"], joined["Carol"]
    book.say('customer add "Acme" tier=key last=2026-01-05', actor=bob)
    book.say('customer add "Zenith" tier=key last=2026-01-05', actor=carol)
    book.say("ooo until=2026-01-22 cover=@carol", actor=bob)

    await mornings(book, fake, TUESDAY_SLOT, days=1)
    assert [sorted(message) for message in customers_in(fake, carol)] == [["Acme", "Zenith"]]
    assert customers_in(fake, bob) == []
    with book.deps.uow() as uow:
        left = uow.nudges.open_for_recipients([bob.person.id, carol.person.id])
    assert left == {}  # nothing of either waits for another day
    assert fake.duplicates() == {}


async def test_the_daily_cap_sends_the_most_important_and_the_rest_the_next_day(
    book: Book, fake: FakePlatform
) -> None:
    book.say("me cap=5")
    names = [f"Customer {letter}" for letter in "ABCDEFG"]
    for n, name in enumerate(names):  # all amber; G is the quietest, A the least quiet
        since = date(2026, 1, 6) - timedelta(days=n)
        book.say(f'customer add "{name}" tier=key last={since.isoformat()}')
    assert len(book.ask("nudges").sections[0].items) == 7

    await mornings(book, fake, TUESDAY_SLOT, days=1)
    [tuesday] = fake.sent_to(book.maria.person.id)
    assert len(tuesday.reply.sections[0].items) == 5
    assert tuesday.reply.footer is not None
    assert tuesday.reply.footer.startswith("2 more waiting")
    assert "5 relationships need you today" in tuesday.reply.text
    with book.deps.uow() as uow:
        still_open = uow.nudges.for_recipient(book.maria.person.id)
    assert len(still_open) == 2  # waiting, not dropped

    await mornings(book, fake, TUESDAY_SLOT + timedelta(days=1), days=1)
    [first, second] = customers_in(fake, book.maria)
    assert first == names[:1:-1]  # the five quietest first, ranked
    assert second == ["Customer B", "Customer A"]  # the other two, the next morning
    wednesday = fake.sent_to(book.maria.person.id)[1]
    assert wednesday.reply.footer is None
    [_, delivery] = book.deliveries(recipient_id=book.maria.person.id)
    assert delivery.sent_at == TUESDAY_SLOT + timedelta(days=1)
    await mornings(book, fake, TUESDAY_SLOT + timedelta(days=2), days=2)
    assert len(fake.sent) == 2


async def test_a_worker_leaves_deliveries_it_cannot_send_to_the_workers_that_can(
    book: Book, fake: FakePlatform
) -> None:
    # Sam works in a Slack workspace; this process (an admin's `nudgebot tick`, say) has no
    # Slack credentials, only the console.
    sam = identify(
        book.deps,
        platform=PlatformName.SLACK,
        team_id="T1",
        team_name="Acme Sales",
        user_id="U1",
        display_name="Sam",
    )
    book.say('customer add "Acme" tier=key last=2026-01-05')
    book.say('customer add "Slackers" tier=key last=2026-01-05', actor=sam)

    await mornings(book, fake, TUESDAY_SLOT, days=1)
    assert customers_in(fake, book.maria) == [["Acme"]]
    [waiting] = book.deliveries(recipient_id=sam.person.id)
    assert (waiting.platform, waiting.state, waiting.attempts) == (
        PlatformName.SLACK,
        DeliveryState.PENDING,
        0,
    )

    slack = FakePlatform()
    await Outbox(book.deps, {PlatformName.SLACK: slack}, worker="bot").drain(
        now=TUESDAY_SLOT + timedelta(hours=2)
    )
    assert customers_in(slack, sam) == [["Slackers"]]
    [sent] = book.deliveries(recipient_id=sam.person.id)
    assert sent.state is DeliveryState.SENT
