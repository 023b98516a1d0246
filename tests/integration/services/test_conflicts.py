"""Concurrent transactions: a use case that loses a deadlock (or a unique key) to another runs
again on fresh data; a sweep leaves customers a request holds to that request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.delivery.sweep import sweep
from bot.replies import Tone, Verb
from nudges.model import NudgeState
from storage import is_transient
from storage.tables import customer_t, touchpoint_t
from tests.integration.services.team import NOW, Team


class _Orig(Exception):
    """What a driver raises: psycopg's errors carry the SQLSTATE."""

    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


@contextmanager
def failing_once(
    engine: Engine,
    statement_start: str,
    sqlstate: str | None,
    error: type[DBAPIError] = OperationalError,
) -> Iterator[None]:
    """The first statement starting with ``statement_start`` fails as the database would."""
    failed: list[bool] = []

    def fail(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if not failed and statement.lstrip().startswith(statement_start):
            failed.append(True)
            raise error(statement, params, _Orig(sqlstate))

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    assert failed, f"no statement started with {statement_start!r}"


def touches(team: Team) -> list[str]:
    with team.container.deps.uow() as uow:
        return list(uow.session.execute(select(touchpoint_t.c.ritual)).scalars())


def test_a_touch_that_loses_a_deadlock_is_logged_once_on_the_second_run(team: Team) -> None:
    team.book("sam", ["Acme"])
    last_audit = team.last_audit_id()

    with failing_once(team.container.engine, "UPDATE customer SET next_due_at", "40P01"):
        reply = team.say("sam", "touch acme coffee")

    assert reply.tone is Tone.SUCCESS, reply.text
    assert touches(team) == ["coffee"]
    assert [e.action for e in team.audit(after_id=last_audit)] == ["touch.log"]
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.EXPIRED]


def test_a_done_button_that_loses_a_deadlock_is_answered_on_the_second_run(team: Team) -> None:
    team.book("sam", ["Acme"])
    (nudge,) = team.nudges_about("Acme")
    assert nudge.id is not None
    with failing_once(team.container.engine, "INSERT INTO touchpoint", "40001"):
        reply, state = team.container.commands.answer(
            team.actor("sam"), nudge_id=nudge.id, verb=Verb.DONE
        )

    assert state is not None, reply.text
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.DONE]
    assert len(touches(team)) == 1


def test_a_real_database_error_is_not_run_again_and_writes_nothing(team: Team) -> None:
    team.book("sam", ["Acme"])

    with (
        failing_once(team.container.engine, "INSERT INTO touchpoint", None),
        pytest.raises(OperationalError),
    ):
        team.say("sam", "touch acme coffee")

    assert touches(team) == []
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.OPEN]


def test_a_sweep_batch_that_loses_a_deadlock_is_decided_again(team: Team) -> None:
    team.book("sam", ["Acme", "Globex"], quiet_days=5)  # not due yet
    later = NOW + timedelta(days=20)

    with failing_once(team.container.engine, "UPDATE customer SET next_due_at", "40P01"):
        result = sweep(team.container.deps, now=later)

    assert result.customers == 2
    assert [n.state for n in team.nudges_about("Acme")] == [NudgeState.OPEN]
    assert [n.state for n in team.nudges_about("Globex")] == [NudgeState.OPEN]


def test_postgresql_reports_a_deadlock_as_transient(team: Team, database: str) -> None:
    if not database.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: no deadlocks between transactions")
    team.book("sam", ["Acme", "Globex"])
    engine = team.container.engine
    ids = [team.customer("Acme").id, team.customer("Globex").id]
    barrier = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def lock(first: int, second: int) -> None:
        try:
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL deadlock_timeout = '100ms'"))
                update = text("UPDATE customer SET min_gap_days = 1 WHERE id = :id")
                connection.execute(update, {"id": first})
                barrier.wait()
                connection.execute(update, {"id": second})
        except OperationalError as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=lock, args=(ids[0], ids[1])),
        threading.Thread(target=lock, args=(ids[1], ids[0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(failures) == 1
    assert is_transient(failures[0])


def test_a_sweep_skips_a_customer_a_request_holds_instead_of_waiting(
    team: Team, database: str
) -> None:
    if not database.startswith("postgresql"):
        pytest.skip("SQLite has no row locks: a sweep waits for the one writer")
    team.book("sam", ["Acme", "Globex"], quiet_days=5)
    later = NOW + timedelta(days=20)
    held = team.customer("Acme").id
    engine = team.container.engine
    with engine.begin() as connection:
        connection.execute(select(customer_t.c.id).where(customer_t.c.id == held).with_for_update())
        done: list[int] = []
        thread = threading.Thread(
            target=lambda: done.append(sweep(team.container.deps, now=later).customers)
        )
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the sweep waited for the held customer"
    assert done == [1]
    assert team.nudges_about("Globex")[-1].state is NudgeState.OPEN
    assert team.customer("Acme").next_due_at is not None
    assert team.customer("Acme").next_due_at <= later  # still due: the next sweep decides it


def test_a_sweep_batch_another_connection_wrote_under_is_decided_again_on_sqlite(
    team: Team, database: str
) -> None:
    """On SQLite a sweep batch reads and decides before it takes the write lock; a touch
    written in between (here: just before the batch's first write) makes that write fail, and
    the batch is decided again on fresh data: what the touch changed is not overwritten by a
    decision made without it."""
    if database.startswith("postgresql"):
        pytest.skip("PostgreSQL locks the batch's rows: a touch waits for the batch instead")
    team.book("sam", ["Acme", "Globex"], quiet_days=5)  # not due yet
    later = NOW + timedelta(days=20)
    team.clock.set(later)
    engine = team.container.engine
    touched: list[str] = []

    def touch_first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not touched and statement.lstrip().startswith(("INSERT", "UPDATE")):
            touched.append(statement)  # once, and not for the touch's own statements
            assert team.say("sam", "touch acme coffee").tone is Tone.SUCCESS

    event.listen(engine, "before_cursor_execute", touch_first)
    try:
        result = sweep(team.container.deps, now=later)
    finally:
        event.remove(engine, "before_cursor_execute", touch_first)

    assert touched, "the sweep wrote nothing"
    assert touches(team) == ["coffee"]
    assert result.customers == 1  # Globex: the touch decided Acme itself, and it is not due
    # Acme was decided with the touch: quiet from the touch on, and no quiet nudge written.
    with team.container.deps.uow() as uow:
        quiet_since = uow.session.scalar(
            select(customer_t.c.quiet_since).where(customer_t.c.name == "Acme")
        )
    assert quiet_since == later
    assert team.nudges_about("Acme") == []
    assert [n.state for n in team.nudges_about("Globex")] == [NudgeState.OPEN]
