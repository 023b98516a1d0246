"""Planning messages meets a concurrent transaction: a deadlock plans the batch again; a slot
another replica planned a moment ago is left to it, and the rest of the batch is planned."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bot.delivery.sweep import sweep
from bot.replies import render_text
from nudges.model import DeliveryKind, NudgeState
from tests.fakes.platform import FakePlatform
from tests.integration.delivery.conftest import Book
from tests.integration.delivery.test_replicas import (
    PLANNED_AT,
    SLOT,
    assert_one_message_per_recipient,
    quiet_book,
)
from tests.integration.services.test_conflicts import failing_once


def test_a_planning_batch_that_loses_a_deadlock_is_planned_again(book: Book) -> None:
    team = quiet_book(book, 3)

    with failing_once(book.container.engine, "INSERT INTO delivery ", "40P01"):
        result = sweep(book.deps, now=PLANNED_AT)

    assert len(result.deliveries) == 3
    assert_one_message_per_recipient(book, team)


def test_a_slot_another_replica_plans_meanwhile_is_left_to_it(book: Book) -> None:
    """Another replica writes one person's message between this batch's check of the slots
    written and its own writes: that message is the replica's, the batch writes the others."""
    team = quiet_book(book, 3)
    last = team[-1].person
    replica: list[int] = []

    def plan_one_elsewhere(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if replica or not statement.lstrip().startswith("INSERT INTO delivery "):
            return
        replica.append(0)  # once, and not for the replica's own statements
        with book.deps.uow() as uow:
            ids = [n.id for n in uow.nudges.for_recipient(last.id) if n.id is not None]
            delivery = uow.deliveries.add(
                dedupe_key=f"nudges:{last.id}:{SLOT.isoformat()}",
                recipient_id=last.id,
                platform=book.maria.workspace.platform,
                kind=DeliveryKind.NUDGES,
                slot_at=SLOT,
                payload="{}",
                nudge_ids=ids,
                now=PLANNED_AT,
            )
            uow.nudges.set_states(
                ids, NudgeState.DELIVERED, now=PLANNED_AT, only_from=(NudgeState.OPEN,)
            )
            uow.commit()
        replica.append(delivery.id)

    engine = book.container.engine
    event.listen(engine, "before_cursor_execute", plan_one_elsewhere)
    try:
        result = sweep(book.deps, now=PLANNED_AT)
    finally:
        event.remove(engine, "before_cursor_execute", plan_one_elsewhere)

    assert sorted(person for person, *_ in result.deliveries) == sorted(
        s.person.id for s in team[:-1]
    )
    assert [d.id for d in book.deliveries(recipient_id=last.id)] == replica[1:]
    assert_one_message_per_recipient(book, team)


async def test_a_touch_written_while_a_batch_is_planned_is_not_shown_as_a_to_do(
    book: Book, database: str, fake: FakePlatform
) -> None:
    """Touches written while a planning batch runs (here: just before its first message is
    written) close their nudges: no message shows them. On SQLite the batch read before it
    took the write lock, so that write fails and the batch is planned again without them; on
    PostgreSQL a message planned meanwhile may still carry one, and leaves it out when it is
    filled in, at send time."""
    team = quiet_book(book, 3)
    engine = book.container.engine
    touched: list[str] = []

    def touch_first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not touched and statement.lstrip().startswith("INSERT INTO delivery "):
            touched.append(statement)  # once, and not for the touches' own statements
            for n, seller in enumerate(team):
                book.say(f'touch "Alpha {n}" call', actor=seller)

    event.listen(engine, "before_cursor_execute", touch_first)
    try:
        result = sweep(book.deps, now=PLANNED_AT)
    finally:
        event.remove(engine, "before_cursor_execute", touch_first)

    assert touched, "no message was planned"
    assert len(result.deliveries) == 3
    if database.startswith("sqlite"):
        with book.deps.uow() as uow:
            for delivery in [d for d in book.deliveries() if d.kind is DeliveryKind.NUDGES]:
                carried = {n.customer_id for n in uow.deliveries.nudges_of(delivery.id)}
                names = {c.name for c in uow.customers.get_many(sorted(carried))}
                assert len(names) == 1 and names.pop().startswith("Omega"), names
    await book.cycle(SLOT, fake)
    for n, seller in enumerate(team):
        (message,) = fake.sent_to(seller.person.id)
        text = render_text(message.reply)
        assert f"Omega {n}" in text
        assert f"Alpha {n}" not in text
