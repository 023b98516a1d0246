"""`nudgebot demo`: a small synthetic book on every database, deterministic per seed, decided
so that a sweep right after writes nudges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, Engine, FromClause, func, select

from bot.bootstrap import build
from bot.config import Settings
from bot.delivery.sweep import sweep
from bot.demo import generate
from bot.services.decisions import refresh_customers
from storage import make_engine
from storage.tables import (
    contact_t,
    customer_t,
    nudge_t,
    offer_t,
    person_t,
    touchpoint_t,
    workspace_t,
)

pytestmark = pytest.mark.db

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FACTS = [
    customer_t.c[name]
    for name in ("quiet_since", "amber_at", "red_at", "escalation_at", "health", "upcoming_dates",
                 "threads", "facts_at")
]  # fmt: skip


def _generate(url: str, *, seed: int = 7, customers: int = 300, owners: int = 3) -> str:
    return generate(
        Settings(database_url=url), customers=customers, owners=owners, seed=seed, now=NOW
    )


def _count(engine: Engine, table: FromClause, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table)
    for condition in where:
        query = query.where(condition)
    with engine.connect() as connection:
        return int(connection.scalar(query) or 0)


@pytest.fixture
def book(database: str) -> str:
    _generate(database)
    return database


def test_a_small_book_has_the_customers_people_and_history_asked_for(book: str) -> None:
    engine = make_engine(book)
    try:
        assert _count(engine, customer_t) == 300
        # three salespeople, one manager for them, one head of sales
        assert _count(engine, person_t) == 5
        assert _count(engine, person_t, person_t.c.manager_id.is_(None)) == 1
        assert _count(engine, workspace_t, workspace_t.c.external_id == "console") == 1
        assert _count(engine, offer_t) == 1
        contacts = _count(engine, contact_t)
        assert 300 <= contacts <= 4 * 300
        assert _count(engine, touchpoint_t) > 300
        with engine.connect() as connection:
            tiers: dict[str, int] = dict(
                connection.execute(
                    select(customer_t.c.tier, func.count()).group_by(customer_t.c.tier)
                ).all()
            )
            zones = set(connection.scalars(select(person_t.c.timezone)))
        assert set(tiers) == {"key", "core", "long-tail"}
        assert tiers["key"] < tiers["core"] < tiers["long-tail"]
        assert len(zones) >= 2
    finally:
        engine.dispose()


def test_some_contacts_are_born_on_february_29(book: str) -> None:
    engine = make_engine(book)
    try:
        leap = _count(
            engine, contact_t, contact_t.c.birthday_month == 2, contact_t.c.birthday_day == 29
        )
        assert leap >= 1
    finally:
        engine.dispose()


def test_every_live_customer_has_a_next_due_instant(book: str) -> None:
    engine = make_engine(book)
    try:
        assert _count(engine, customer_t, customer_t.c.archived.is_(False)) > 0
        missing = _count(
            engine, customer_t, customer_t.c.archived.is_(False), customer_t.c.next_due_at.is_(None)
        )
        assert missing == 0
        due = _count(engine, customer_t, customer_t.c.next_due_at <= NOW)
        assert 0 < due < 300
    finally:
        engine.dispose()


def test_the_same_seed_gives_the_same_book(database: str, tmp_path: Path) -> None:
    report = _generate(database, seed=11, customers=50, owners=2)
    other = f"sqlite:///{tmp_path}/other.db"
    assert (
        _generate(other, seed=11, customers=50, owners=2).splitlines()[1:6]
        == (report.splitlines()[1:6])
    )
    query = select(
        customer_t.c.name, customer_t.c.tier, customer_t.c.annual_value, customer_t.c.since
    ).order_by(customer_t.c.id)
    first, second = make_engine(database), make_engine(other)
    try:
        with first.connect() as a, second.connect() as b:
            assert a.execute(query).all() == b.execute(query).all()
            names = select(person_t.c.display_name).order_by(person_t.c.id)
            assert a.scalars(names).all() == b.scalars(names).all()
    finally:
        first.dispose()
        second.dispose()


def test_another_seed_gives_another_book(database: str, tmp_path: Path) -> None:
    _generate(database, seed=1, customers=50, owners=2)
    other = f"sqlite:///{tmp_path}/other.db"
    _generate(other, seed=2, customers=50, owners=2)
    query = select(customer_t.c.annual_value).order_by(customer_t.c.id)
    first, second = make_engine(database), make_engine(other)
    try:
        with first.connect() as a, second.connect() as b:
            assert a.scalars(query).all() != b.scalars(query).all()
    finally:
        first.dispose()
        second.dispose()


def test_a_second_demo_in_the_same_database_adds_to_it(book: str) -> None:
    _generate(book, seed=8, customers=20, owners=1)
    engine = make_engine(book)
    try:
        assert _count(engine, customer_t) == 320
        assert _count(engine, offer_t) == 2
    finally:
        engine.dispose()


def test_a_sweep_right_after_the_demo_writes_nudges(book: str) -> None:
    container = build(Settings(database_url=book), auto_migrate=True)
    try:
        result = sweep(container.deps, now=NOW)
    finally:
        container.close()
    assert result.customers > 0
    assert result.nudges > 0
    engine = make_engine(book)
    try:
        assert _count(engine, nudge_t, nudge_t.c.state.in_(("open", "delivered"))) > 0
        assert _count(engine, customer_t, customer_t.c.next_due_at <= NOW) == 0
    finally:
        engine.dispose()


def test_a_fresh_book_is_stored_as_deciding_each_customer_would_store_it(book: str) -> None:
    """The demo writes each customer's kept facts and next-due instant from the values it drew
    (nothing read back): deciding every customer again at the same instant changes no kept
    fact, nor the next-due instant of a customer not due now (one due now is left for the
    first sweep, which writes its nudges). The customer the demo decided is the one stored,
    down to when the bot learned of it."""
    columns = [customer_t.c.id, customer_t.c.next_due_at, *FACTS]
    engine = make_engine(book)
    try:
        with engine.connect() as connection:
            before = {row.id: tuple(row) for row in connection.execute(select(*columns))}
    finally:
        engine.dispose()
    container = build(Settings(database_url=book), auto_migrate=True)
    try:
        with container.deps.uow() as uow:
            refresh_customers(uow, sorted(before), now=NOW, policy=container.deps.policy)
            uow.commit()
            after = {row.id: tuple(row) for row in uow.session.execute(select(*columns))}
    finally:
        container.close()
    names = ["id", "next_due_at"] + [c.name for c in FACTS]
    differ = [
        (i, {n: (b, a) for n, b, a in zip(names, before[i], after[i], strict=True) if b != a})
        for i in sorted(before)
        if before[i][2:] != after[i][2:] or (before[i][1] != NOW and before[i][1] != after[i][1])
    ]
    assert not differ, f"{len(differ)} customers differ, e.g. {differ[:3]}"
