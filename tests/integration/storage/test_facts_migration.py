"""Upgrading a book to kept facts: every customer not archived is due at once, so the first
sweep after the upgrade keeps its facts (not the first digest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.bootstrap import build
from bot.config import Settings
from bot.delivery.sweep import sweep
from storage import migrate
from tests.integration.storage.test_migrations import empty_database  # noqa: F401 - a fixture
from tests.integration.storage.upgrades import add_people, engine_at

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_the_first_sweep_after_the_upgrade_keeps_every_customers_facts(
    empty_database: str,  # noqa: F811
) -> None:
    engine = engine_at(empty_database, "0005")
    with engine.begin() as connection:
        add_people(connection, "Sam", now=NOW)
        connection.execute(
            text(
                "INSERT INTO customer (id, workspace_id, name, name_key, owner_id, tier, kind, "
                "annual_value, archived, next_due_at, created_at) VALUES "
                "(1, 1, 'Acme', 'acme', 1, 'key', 'customer', 5, false, :later, :now), "
                "(2, 1, 'Gone', 'gone', 1, 'key', 'customer', 5, true, NULL, :now)"
            ),
            {"now": NOW, "later": NOW + timedelta(days=30)},
        )
    migrate(engine)
    engine.dispose()
    container = build(Settings(database_url=empty_database))
    try:
        assert sweep(container.deps, now=NOW + timedelta(hours=1)).customers == 1
        with container.engine.connect() as connection:
            kept = connection.execute(
                text(
                    "SELECT id, health IS NOT NULL, facts_at IS NOT NULL FROM customer ORDER BY id"
                )
            ).all()
        assert [tuple(row) for row in kept] == [(1, True, True), (2, False, False)]
    finally:
        container.close()
