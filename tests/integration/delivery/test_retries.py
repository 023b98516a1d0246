"""Rate limits, transient failures and outages: a delivery waits what ``Retry-After`` says,
backs off with jitter after other failures, and, past the retry budget, is ``failed`` — shown by
a command, its nudges back to open and carried by the next slot's message."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot.delivery.outbox import Outbox
from bot.services.context import Actor
from nudges.model import Delivery, DeliveryState, NudgeState
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book, BookFactory

SLOT = START + timedelta(hours=1)  # 09:00, everybody's delivery hour
PLANNED_AT = SLOT - timedelta(minutes=5)


def bob_with_a_quiet_customer(book: Book) -> Actor:
    """Bob (not an admin) owns Acme, which is due: his daily message is planned at 08:55."""
    bob = book.join("bob", "Bob")
    book.say('customer add "Acme" tier=key last=2026-01-05', actor=bob)
    return bob


def only_delivery(book: Book, actor: Actor) -> Delivery:
    [delivery] = book.deliveries(recipient_id=actor.person.id)
    return delivery


def titles(platform: FakePlatform, actor: Actor) -> list[list[str]]:
    return [
        [item.title.split(" — ")[0] for section in s.reply.sections for item in section.items]
        for s in platform.sent_to(actor.person.id)
    ]


async def test_429_then_500_then_success_is_delivered_once_after_waits_that_respect_retry_after(
    book: Book, fake: FakePlatform
) -> None:
    bob = bob_with_a_quiet_customer(book)
    await book.cycle(PLANNED_AT, fake)
    fake.fail_next("rate_limited", retry_after=120)
    fake.fail_next("transient")
    base = book.container.settings.delivery.backoff_base_seconds

    await book.cycle(SLOT, fake)  # 429, Retry-After: 120 (not counted against the budget)
    first = only_delivery(book, bob)
    assert (first.state, first.attempts) == (DeliveryState.PENDING, 0)
    assert first.next_attempt_at >= SLOT + timedelta(seconds=120)
    assert "retry after 120s" in (first.last_error or "")
    assert fake.sent == []

    # Before Retry-After has passed, nothing is attempted.
    for at in (SLOT + timedelta(seconds=30), first.next_attempt_at - timedelta(seconds=1)):
        report = await book.cycle(at, fake)
        assert report.drain.sent == []
        assert len([a for a in fake.attempts if a[0] == "send"]) == 1
    assert only_delivery(book, bob) == first

    await book.cycle(first.next_attempt_at, fake)  # attempt 1: 500, then a jittered backoff
    second = only_delivery(book, bob)
    assert (second.state, second.attempts) == (DeliveryState.PENDING, 1)
    wait = (second.next_attempt_at - first.next_attempt_at).total_seconds()
    n = second.attempts - 1
    assert base / 2 * 2**n <= wait <= base * 2**n
    assert fake.sent == []

    report = await book.cycle(second.next_attempt_at - timedelta(seconds=1), fake)
    assert report.drain.sent == []
    report = await book.cycle(second.next_attempt_at, fake)  # attempt 2: delivered
    [(delivery_id, recipient_id, ref)] = report.drain.sent
    done = only_delivery(book, bob)
    assert (delivery_id, recipient_id) == (first.id, bob.person.id)
    assert (done.state, done.attempts, done.message_ref) == (DeliveryState.SENT, 2, ref)
    assert done.sent_at == second.next_attempt_at
    assert titles(fake, bob) == [["Acme"]]
    assert [(op, outcome) for op, _, outcome in fake.attempts] == [
        ("send", "rate_limited"),
        ("send", "transient"),
        ("find", "not found"),  # a retry asks first whether an earlier attempt got through
        ("send", "sent"),
    ]

    for hours in (1, 24, 48):  # later cycles send nothing more
        await book.cycle(SLOT + timedelta(hours=hours), fake)
    assert fake.duplicates() == {}
    assert titles(fake, bob) == [["Acme"]]


async def test_retry_after_zero_is_retried_a_second_later_not_in_a_burst(book: Book) -> None:
    [delivery_id] = book.add_digests(recipients=[book.maria], count=1, slot=SLOT)
    platform = FakePlatform()
    platform.fail_next("rate_limited", retry_after=0, times=3)
    outbox = Outbox(book.deps, {PlatformName.CONSOLE: platform}, worker="w")

    await outbox.drain(now=SLOT)
    [delivery] = book.deliveries()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)  # not counted
    assert delivery.next_attempt_at == SLOT + timedelta(seconds=1)
    for second in range(1, 4):
        await outbox.drain(now=SLOT + timedelta(seconds=second))
    [delivery] = book.deliveries()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)
    assert delivery.sent_at == SLOT + timedelta(seconds=3)  # the drain's instant, not the clock's
    assert [s.delivery_id for s in platform.sent] == [delivery_id]


async def test_backoff_grows_exponentially_with_jitter_up_to_its_ceiling(
    make_book: BookFactory,
) -> None:
    book = make_book(max_attempts=12, backoff_base_seconds=10, backoff_max_seconds=300)
    settings = book.container.settings.delivery
    [delivery_id] = book.add_digests(recipients=[book.maria], count=1, slot=SLOT)
    platform = FakePlatform()
    platform.go_down()
    outbox = Outbox(book.deps, {PlatformName.CONSOLE: platform}, worker="w", rng=random.Random(7))
    at = SLOT
    waits = []
    for attempt in range(1, 11):
        await outbox.drain(now=at)
        [delivery] = book.deliveries()
        assert (delivery.id, delivery.attempts) == (delivery_id, attempt)
        wait = (delivery.next_attempt_at - at).total_seconds()
        exponential = settings.backoff_base_seconds * 2 ** (attempt - 1)
        ceiling = min(settings.backoff_max_seconds, exponential)
        assert ceiling / 2 <= wait <= ceiling
        waits.append(wait)
        at = delivery.next_attempt_at
    assert len(set(waits)) == len(waits)  # jittered: replicas retrying together spread out
    assert max(waits) <= settings.backoff_max_seconds


async def test_a_platform_down_past_the_retry_budget_fails_visibly_and_loses_nothing(
    book: Book, fake: FakePlatform
) -> None:
    bob = bob_with_a_quiet_customer(book)
    await book.cycle(PLANNED_AT, fake)
    planned = only_delivery(book, bob)
    with book.deps.uow() as uow:
        carried = [n.id for n in uow.deliveries.nudges_of(planned.id) if n.id is not None]
    assert len(carried) == 1

    fake.go_down()
    at: datetime = SLOT
    budget = book.container.settings.delivery.max_attempts
    for attempt in range(1, budget + 1):
        await book.cycle(at, fake)
        delivery = only_delivery(book, bob)
        assert delivery.attempts == attempt
        at = delivery.next_attempt_at
    assert delivery.state is DeliveryState.FAILED
    assert "down" in (delivery.last_error or "")
    assert fake.sent == []
    with book.deps.uow() as uow:
        assert [n.state for n in uow.nudges.get_many(carried)] == [NudgeState.OPEN]
    failed_at = book.clock.now()

    # Visible to the recipient, and to admins; not to another non-admin.
    mine = book.say("deliveries failed", actor=bob)
    assert f"#{planned.id} to Bob on console: failed after {budget} attempts" in mine
    assert "last error: the platform is down" in mine
    assert f"#{planned.id}" not in book.say("deliveries failed")  # Maria's own: none
    for words in ("deliveries failed all", "deliveries all failed"):
        assert f"#{planned.id} to Bob on console: failed" in book.say(words)
    carol = book.join("carol", "Carol")
    assert book.ask("deliveries failed all", actor=carol).tone.value == "error"

    # The platform is back: nothing is resent the same day; the next slot's message carries
    # the nudges of the failed one.
    fake.recover()
    for minutes in range(0, 120, 5):
        await book.cycle(failed_at + timedelta(minutes=minutes), fake)
    assert fake.sent == []
    next_slot = SLOT + timedelta(days=1)
    for minutes in range(-10, 30, 5):
        await book.cycle(next_slot + timedelta(minutes=minutes), fake)
    assert titles(fake, bob) == [["Acme"]]
    [resent] = [d for d in book.deliveries(recipient_id=bob.person.id) if d.id != planned.id]
    assert (resent.slot_at, resent.state) == (next_slot, DeliveryState.SENT)
    with book.deps.uow() as uow:
        assert [n.id for n in uow.deliveries.nudges_of(resent.id)] == carried
        assert [n.state for n in uow.nudges.get_many(carried)] == [NudgeState.DELIVERED]
        kept = uow.deliveries.get(planned.id)
    assert kept is not None
    assert kept.state is DeliveryState.FAILED  # still on record


async def test_a_recipient_who_blocked_the_bot_is_marked_unreachable_not_retried(
    book: Book, fake: FakePlatform
) -> None:
    bob = bob_with_a_quiet_customer(book)
    await book.cycle(PLANNED_AT, fake)
    fake.fail_next("unreachable")
    report = await book.cycle(SLOT, fake)
    assert report.drain.unreachable == 1
    delivery = only_delivery(book, bob)
    assert (delivery.state, delivery.attempts) == (DeliveryState.UNREACHABLE, 1)
    with book.deps.uow() as uow:
        blocked = uow.people.get(bob.person.id)
    assert blocked is not None
    assert blocked.unreachable
    for days in range(1, 4):
        for minutes in (-5, 0, 5):
            await book.cycle(SLOT + timedelta(days=days, minutes=minutes), fake)
    assert [op for op, _, _ in fake.attempts] == ["send"]
    assert book.deliveries(recipient_id=bob.person.id) == [delivery]
    assert "unreachable after 1 attempt" in book.say("deliveries failed", actor=bob)


async def test_rate_limits_never_spend_the_retry_budget(make_book: BookFactory) -> None:
    book = make_book(max_attempts=2)
    [delivery_id] = book.add_digests(recipients=[book.maria], count=1, slot=SLOT)
    platform = FakePlatform()
    platform.fail_next("rate_limited", retry_after=5, times=6)
    outbox = Outbox(book.deps, {PlatformName.CONSOLE: platform}, worker="w")
    for step in range(8):
        await outbox.drain(now=SLOT + timedelta(seconds=5 * step))
    [delivery] = book.deliveries()
    assert delivery.state is DeliveryState.SENT
    assert [s.delivery_id for s in platform.sent] == [delivery_id]
