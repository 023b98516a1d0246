"""`deliveries`: what was sent to me in the last seven days (when, where, how many items), what
is waiting, and what failed and why."""

from __future__ import annotations

from datetime import timedelta

from bot.replies import Reply
from nudges.model import DeliveryState
from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import START, Book

SLOT = START + timedelta(hours=1)  # Tuesday 20 January 2026, 09:00 UTC


def _sections(reply: Reply) -> dict[str | None, list[tuple[str, tuple[str, ...]]]]:
    return {s.heading: [(i.title, i.lines) for i in s.items] for s in reply.sections}


async def test_deliveries_lists_what_was_sent_waiting_and_failed(
    book: Book, fake: FakePlatform
) -> None:
    bob = book.join("bob", "Bob")
    book.say('customer add "Acme" tier=key last=2026-01-05', actor=bob)
    book.say('customer add "Beta" tier=key last=2026-01-05', actor=bob)
    await book.cycle(SLOT, fake)  # Tuesday's message: sent
    book.say('customer add "Gamma" tier=key last=2026-01-05', actor=bob)
    fake.go_down()
    day = timedelta(days=1)
    at = SLOT + day
    budget = book.container.settings.delivery.max_attempts
    for _ in range(budget):  # Wednesday's message fails, every attempt
        await book.cycle(at, fake)
        (failed,) = [
            d for d in book.deliveries(recipient_id=bob.person.id) if d.slot_at == SLOT + day
        ]
        at = failed.next_attempt_at
    assert failed.state is DeliveryState.FAILED
    fake.recover()
    book.say('customer add "Delta" tier=key last=2026-01-05', actor=bob)
    book.clock.set(SLOT + 2 * day - timedelta(hours=2))
    await book.cycle(SLOT + 2 * day - timedelta(minutes=5), fake)  # Thursday's: planned only

    reply = book.ask("deliveries", actor=bob)

    sections = _sections(reply)
    (sent,) = sections["Sent in the last 7 days"]
    assert sent[0].startswith("Tuesday 20 January, 09:00 on console: 2 items")
    (waiting,) = sections["Waiting"]
    assert waiting[0].startswith("Thursday 22 January, 09:00 on console: pending")
    (lost,) = sections["Failed"]
    assert lost[0] == f"#{failed.id} to Bob on console: failed after {budget} attempts"
    assert lost[1] == (
        "due Wednesday 21 January, 09:00, 1 item",
        "last error: the platform is down (HTTP 503)",
    )
    assert reply.text == "Your messages: 1 sent in the last 7 days, 1 waiting, 1 failed"

    # A week on, Tuesday's message is no longer listed as sent; failures stay until seen to.
    book.clock.set(SLOT + timedelta(days=8))
    later = _sections(book.ask("deliveries", actor=bob))
    assert "Sent in the last 7 days" not in later
    assert "Failed" in later
    only_failed = _sections(book.ask("deliveries failed", actor=bob))
    assert list(only_failed) == ["Failed"]
