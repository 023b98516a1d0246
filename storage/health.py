"""What the readiness checks ask of the database: does it answer, is its schema current."""

from __future__ import annotations

import os
from collections.abc import Callable

from sqlalchemy import Engine, text

from storage.migrate import current_revision, head_revision


def answering(engine: Engine) -> Callable[[], str | None]:
    """The database answers a query. On SQLite the file must be there too: connections
    opened before it was moved or deleted would go on writing to a file nobody will see."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path in (None, "", ":memory:"):
        path = None

    def check() -> str | None:
        if path is not None and not os.path.exists(path):
            return "the database file is missing"
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            connection.rollback()
        return None

    return check


def schema_current(engine: Engine) -> Callable[[], str | None]:
    """The database is at the revision this code needs: not behind (run the migration), and
    not ahead either (an older version still running after the migration of a newer one)."""
    heads: list[str] = []  # read on first use: the code does not change while it runs

    def check() -> str | None:
        if not heads:
            heads.append(head_revision())
        head = heads[0]
        current = current_revision(engine)
        if current == head:
            return None
        return (
            f"the schema is at {current or 'nothing (empty database)'}, this version needs "
            f"{head}: run `nudgebot migrate`"
        )

    return check
