"""Schema migrations: apply them (``nudgebot migrate``) or check that they are applied.

Start-up policy: a process on SQLite (one machine, one process) migrates itself; on any other
database the admin runs ``nudgebot migrate`` once per release, and a process that finds an
out-of-date schema refuses to start with a message saying so. Replicas starting together must
never race a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where it is used: a process that never migrates (a sweep's worker, most
# commands) starts without it (and the template and highlighting packages it brings along).

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 727_274_001  # advisory lock: one migration at a time per database


class SchemaOutOfDate(RuntimeError):
    """The database schema is not the one this code needs."""


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the project always ships a first revision
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
    return current


def schema_status(engine: Engine) -> SchemaStatus:
    return SchemaStatus(current=current_revision(engine), head=head_revision())


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; a no-op when it is there already."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            connection.commit()
        try:
            before = MigrationContext.configure(connection).get_current_revision()
            connection.rollback()
            command.upgrade(_config(connection), "head")
            connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                connection.commit()
    return before, head_revision()


def ensure_schema(engine: Engine, *, auto_migrate: bool) -> None:
    status = schema_status(engine)
    if status.up_to_date:
        return
    if auto_migrate:
        migrate(engine)
        return
    found = status.current or "an empty database"
    raise SchemaOutOfDate(
        f"The database schema is at {found}, this version needs {status.head}. "
        "Run `nudgebot migrate` (once, before starting the new version), then start again."
    )
