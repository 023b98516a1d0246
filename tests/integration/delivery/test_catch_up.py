"""The bot stopped for three days and restarted: each nudge that came due meanwhile is
delivered once, in one message at the next slot — not once per missed tick."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from nudges.model import DeliveryState
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

FIVE_MINUTES = timedelta(minutes=5)
TUESDAY = START.replace(hour=0)  # 20 January 2026; Maria's messages go out at 09:00 UTC
FRIDAY = TUESDAY + timedelta(days=3)
MONDAY = TUESDAY + timedelta(days=6)


def at(day: datetime, clock: str) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return day.replace(hour=hour, minute=minute)


async def every_five_minutes(
    book: Book, platform: FakePlatform, start: datetime, end: datetime
) -> None:
    """The scheduler's heartbeat from ``start`` to ``end``: one cycle every five minutes."""
    now = start
    while now <= end:
        await book.cycle(now, platform)
        now += FIVE_MINUTES


def messages(book: Book, platform: FakePlatform) -> list[tuple[datetime | None, list[str]]]:
    """Each message Maria got: when it was sent, and the customers its items are about."""
    sent_at = {d.id: d.sent_at for d in book.deliveries()}
    return [
        (
            sent_at[s.delivery_id],
            [i.title.split(" — ")[0] for section in s.reply.sections for i in section.items],
        )
        for s in platform.sent_to(book.maria.person.id)
    ]


@pytest.mark.parametrize(
    ("restart", "delivered", "carried"),
    [
        pytest.param(
            "08:30", at(FRIDAY, "09:00"), ["Beta", "Gamma", "Omega"], id="back-before-the-slot"
        ),
        pytest.param(
            "09:20", at(FRIDAY, "09:20"), ["Beta", "Gamma", "Omega"], id="back-just-after-the-slot"
        ),
        # Back in the afternoon: Friday's message still goes out that day, late.
        pytest.param(
            "14:00", at(FRIDAY, "14:00"), ["Beta", "Gamma", "Omega"], id="back-in-the-afternoon"
        ),
        # Back after 17:00: the next slot is Monday's. Jane's birthday has passed by then; it
        # was never delivered, so it is caught up once ("was on Friday"), never dropped.
        pytest.param(
            "18:00", at(MONDAY, "09:00"), ["Beta", "Gamma", "Omega"], id="back-in-the-evening"
        ),
    ],
)
async def test_three_days_down_then_each_due_nudge_is_delivered_once_at_the_next_slot(
    book: Book, fake: FakePlatform, restart: str, delivered: datetime, carried: list[str]
) -> None:
    book.say('customer add "Acme" tier=key last=2026-01-05')  # quiet since Monday
    book.say('customer add "Beta" tier=key last=2026-01-07')  # quiet from Wednesday
    book.say('customer add "Gamma" tier=key last=2026-01-08')  # quiet from Thursday
    book.say('customer add "Omega" tier=core last=2026-01-15')
    book.say("contact add omega Jane birthday=01-23")  # Friday's birthday, nudged Wednesday

    # Tuesday, running: the morning message carries Acme, and nothing else goes out.
    await every_five_minutes(book, fake, at(TUESDAY, "08:30"), at(TUESDAY, "10:00"))
    assert messages(book, fake) == [(at(TUESDAY, "09:00"), ["Acme"])]

    # Down from Tuesday 10:00 until Friday; then the heartbeat resumes.
    back = at(FRIDAY, restart)
    if delivered.date() == FRIDAY.date():
        await every_five_minutes(
            book, fake, back, max(at(FRIDAY, "10:30"), back + timedelta(hours=1))
        )
    else:
        # Friday afternoon, the weekend (Maria works Monday to Friday) every three hours (a
        # five-minute beat would change nothing there), then Monday morning.
        await every_five_minutes(book, fake, back, back + timedelta(hours=1))
        for hours in range(3, 24 * 3 - 14, 3):
            await book.cycle(back + timedelta(hours=hours), fake)
        await every_five_minutes(book, fake, at(MONDAY, "08:30"), at(MONDAY, "10:30"))

    assert messages(book, fake) == [
        (at(TUESDAY, "09:00"), ["Acme"]),
        (delivered, carried),  # ranked: the key accounts, then the core one's birthday
    ]
    assert fake.duplicates() == {}
    mine = book.deliveries(recipient_id=book.maria.person.id)
    assert [d.state for d in mine] == [DeliveryState.SENT] * 2
    with book.deps.uow() as uow:
        counted = Counter(n.id for d in mine for n in uow.deliveries.nudges_of(d.id))
        open_now = uow.nudges.for_recipient(book.maria.person.id)
    assert len(counted) == 1 + len(carried)
    assert set(counted.values()) == {1}  # each nudge in exactly one message
    assert open_now == []  # nothing left behind
    sent = fake.sent_to(book.maria.person.id)[-1].reply
    assert ("(late:" in sent.text) == (restart == "14:00")
    (omega,) = [i for s in sent.sections for i in s.items if i.title.startswith("Omega")]
    passed = delivered.date() != FRIDAY.date()
    said = "Jane's birthday was on Friday 23 January" if passed else "is today (Friday 23 January)"
    assert said in omega.lines[0]
