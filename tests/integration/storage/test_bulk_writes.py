"""The sweep's bulk writes (``BulkLoader.insert_each`` and ``update_each``: ``COPY`` on
PostgreSQL, ``executemany`` on SQLite) store what the ORM would, and fail as it would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from storage import is_duplicate
from storage.bulk import BulkLoader
from storage.tables import customer_t
from tests.integration.services.team import build_team

pytestmark = pytest.mark.db

NOW = datetime(2027, 6, 7, 6, 30, tzinfo=UTC)
c = customer_t.c


@pytest.fixture
def owner(database: str) -> Iterator[tuple[int, int]]:
    """A workspace and a salesperson in it, registered the way every adapter does."""
    team = build_team(database, managed=False)
    sam = team.actor("sam")
    yield sam.workspace.id, sam.person.id
    team.close()


def test_inserted_and_updated_rows_read_back_as_written(
    engine: Engine, owner: tuple[int, int]
) -> None:
    workspace, owner_id = owner
    columns = ["workspace_id", "name", "name_key", "owner_id", "tier", "kind", "since",
               "annual_value", "archived", "created_at"]  # fmt: skip
    rows = [
        (workspace, f"Acme {i}", f"acme {i}", owner_id, "key", "customer", date(2020, 1, 1 + i),
         1000 * i, i == 2, NOW)
        for i in range(3)
    ]  # fmt: skip
    with engine.begin() as connection:
        assert BulkLoader(connection).insert_each(customer_t, columns, rows) == 3
        ids = dict(connection.execute(select(c.name, c.id)).all())
        # Twice in one transaction (a batch decided customer by customer does so): the second
        # sets one of the rows again; the archived customer is left alone.
        loader = BulkLoader(connection)
        due = NOW + timedelta(days=1)
        sets = [(due + timedelta(hours=i), NOW, 40 + i, ids[f"Acme {i}"]) for i in range(3)]
        assert loader.update_each(
            customer_t, ["next_due_at", "facts_at", "health"], sets, where="NOT archived"
        ) == 3  # fmt: skip
        loader.update_each(customer_t, ["health"], [(99, ids["Acme 0"])])
    with engine.connect() as connection:
        stored = {
            row.name: (row.next_due_at, row.facts_at, row.health, row.since, row.archived)
            for row in connection.execute(
                select(c.name, c.next_due_at, c.facts_at, c.health, c.since, c.archived)
            )
        }
    assert stored == {
        "Acme 0": (due, NOW, 99, date(2020, 1, 1), False),
        "Acme 1": (due + timedelta(hours=1), NOW, 41, date(2020, 1, 2), False),
        "Acme 2": (None, None, None, date(2020, 1, 3), True),
    }


def test_a_key_taken_meanwhile_is_an_integrity_error_and_nothing_is_kept(
    engine: Engine, owner: tuple[int, int]
) -> None:
    workspace, owner_id = owner
    columns = ["workspace_id", "name", "name_key", "owner_id", "tier", "kind", "archived",
               "annual_value", "created_at"]  # fmt: skip
    row = (workspace, "Acme", "acme", owner_id, "key", "customer", False, 0, NOW)
    with engine.begin() as connection:
        BulkLoader(connection).insert_each(customer_t, columns, [row])
    other = (workspace, "Beta", "beta", owner_id, "key", "customer", False, 0, NOW)
    with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
        BulkLoader(connection).insert_each(customer_t, columns, [other, row])
    assert is_duplicate(raised.value)
    with engine.connect() as connection:
        assert list(connection.execute(select(c.name)).scalars()) == ["Acme"]


def test_only_rows_whose_values_differ_are_written(engine: Engine, owner: tuple[int, int]) -> None:
    """``update_each(changed_only=True)``: every row ends up holding the values given; on
    SQLite the rows that held them already are not written at all (their index entries stay
    as they are)."""
    workspace, owner_id = owner
    columns = ["workspace_id", "name", "name_key", "owner_id", "tier", "kind", "archived",
               "annual_value", "created_at", "red_at", "health"]  # fmt: skip
    before = {  # name: (red_at, health)
        "same": (NOW, 40),
        "null to value": (None, None),
        "value to null": (NOW, 41),
        "other value": (NOW, 42),
        "archived": (NOW, 43),
    }
    rows = [
        (workspace, name, name, owner_id, "key", "customer", name == "archived", 0, NOW, *kept)
        for name, kept in before.items()
    ]
    later = NOW + timedelta(days=3)
    after = {
        "same": (NOW, 40),
        "null to value": (later, 7),
        "value to null": (None, 41),
        "other value": (NOW, 50),
        "archived": (later, 1),
    }
    with engine.begin() as connection:
        BulkLoader(connection).insert_each(customer_t, columns, rows)
        ids = dict(connection.execute(select(c.name, c.id)).all())
    with engine.begin() as connection:
        driver = connection.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        changes = driver.total_changes if sqlite else 0  # type: ignore[union-attr]
        sets = [(*kept, ids[name]) for name, kept in after.items()]
        BulkLoader(connection).update_each(
            customer_t, ["red_at", "health"], sets, where="NOT archived", changed_only=True
        )
        if sqlite:  # the three that differ, not the one that holds these values already
            assert driver.total_changes - changes == 3  # type: ignore[union-attr]
    with engine.connect() as connection:
        stored = {row.name: (row.red_at, row.health) for row in connection.execute(select(c))}
    assert stored == {**after, "archived": before["archived"]}
