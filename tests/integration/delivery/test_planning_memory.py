"""A running process remembers who has nothing to send before a later slot, and what that was
worked out from; any change to the person, their last message or their open nudges (even one
written at the same instant) is planned again at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests.fakes import FakePlatform
from tests.integration.delivery.conftest import Book
from tests.integration.delivery.test_catch_up import TUESDAY, at
from tests.integration.delivery.test_catch_up import messages as sent

WEDNESDAY = TUESDAY + timedelta(days=1)


@contextmanager
def nudge_reads(book: Book) -> Iterator[list[str]]:
    """The statements that read whole open nudges (their wording too) while inside."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT") and "nudge.detail" in statement:
            seen.append(statement)

    engine = book.container.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


async def birthday_on_friday(book: Book, fake: FakePlatform) -> None:
    """Maria's only nudge is Jane's birthday on Friday, delivered Wednesday: at Tuesday's slot
    nothing is owed, so Tuesday passes without a message."""
    book.clock.set(at(TUESDAY, "08:00"))
    book.say('customer add "Omega" tier=core last=2026-01-15')
    book.say("contact add omega Jane birthday=01-23")
    for clock in ("08:55", "09:00", "09:20"):
        await book.cycle(at(TUESDAY, clock), fake)
    assert sent(book, fake) == []


async def test_nothing_changed_nothing_is_read_again(book: Book, fake: FakePlatform) -> None:
    await birthday_on_friday(book, fake)
    with nudge_reads(book) as reads:
        for clock in ("09:25", "12:00", "16:55"):
            await book.cycle(at(TUESDAY, clock), fake)
    assert reads == []
    await book.cycle(at(WEDNESDAY, "09:00"), fake)
    assert sent(book, fake) == [(at(WEDNESDAY, "09:00"), ["Omega"])]


async def test_a_nudge_that_comes_due_at_the_same_instant_is_sent_today(
    book: Book, fake: FakePlatform
) -> None:
    await birthday_on_friday(book, fake)
    # The clock stands still: whatever is written now is stamped with the same instant.
    book.say('customer add "Acme" tier=key last=2026-01-05')  # red: owed since this morning
    await book.cycle(at(TUESDAY, "09:20"), fake)
    assert sent(book, fake) == [(at(TUESDAY, "09:20"), ["Acme"])]


async def test_a_birthday_moved_to_today_at_the_same_instant_is_sent_today(
    book: Book, fake: FakePlatform
) -> None:
    await birthday_on_friday(book, fake)
    book.say("contact edit omega Jane birthday=01-20")
    await book.cycle(at(TUESDAY, "09:20"), fake)
    assert sent(book, fake) == [(at(TUESDAY, "09:20"), ["Omega"])]


async def test_an_earlier_hour_set_meanwhile_is_kept(book: Book, fake: FakePlatform) -> None:
    await birthday_on_friday(book, fake)
    book.say("me hour=7")  # from Wednesday: 07:00, not the 09:00 worked out on Tuesday
    for clock in ("06:55", "07:00", "07:05"):
        await book.cycle(at(WEDNESDAY, clock), fake)
    assert sent(book, fake) == [(at(WEDNESDAY, "07:00"), ["Omega"])]
