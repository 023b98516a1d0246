"""Upgrading a database that already holds a book: its rows keep their values, and a touch by
a colleague who is later erased stays with its customer (the column may now be empty)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from storage import migrate
from tests.integration.storage.test_migrations import empty_database  # noqa: F401 - a fixture
from tests.integration.storage.upgrades import add_people, engine_at

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_a_book_written_before_the_upgrade_keeps_its_rows(
    empty_database: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    engine = engine_at(empty_database, "0003")
    with engine.begin() as connection:
        add_people(connection, "Sam", "Lee", now=NOW)
        connection.execute(
            text(
                "INSERT INTO customer (id, workspace_id, name, name_key, owner_id, tier, kind, "
                "annual_value, archived, created_at) VALUES "
                "(1, 1, 'Acme', 'acme', 1, 'key', 'customer', 5, false, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO touchpoint (id, customer_id, person_id, ritual, note, at) "
                "VALUES (1, 1, 2, 'lunch', 'kept', :now)"
            ),
            {"now": NOW},
        )
    migrate(engine)
    with engine.begin() as connection:
        row = connection.execute(
            text("SELECT name, annual_value, source, external_id FROM customer")
        ).one()
        assert tuple(row) == ("Acme", 5, None, None)
        connection.execute(text("DELETE FROM person WHERE id = 2"))
        touch = connection.execute(text("SELECT person_id, note FROM touchpoint")).one()
        assert tuple(touch) == (None, "kept")
    engine.dispose()
