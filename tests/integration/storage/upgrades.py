"""A database written at an earlier schema revision, to upgrade in a test: a workspace and its
people as that revision stored them."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import Connection, Engine, text

from storage import make_engine
from storage.migrate import _config


def engine_at(url: str, revision: str) -> Engine:
    """An engine on ``url``, its schema upgraded only as far as ``revision``."""
    engine = make_engine(url)
    with engine.connect() as connection:
        command.upgrade(_config(connection), revision)
        connection.commit()
    return engine


def add_people(connection: Connection, *names: str, now: datetime) -> None:
    """The console workspace (id 1) and a person per name (ids 1, 2, …; key = lower name)."""
    connection.execute(
        text(
            "INSERT INTO workspace (id, platform, external_id, name, timezone, created_at) "
            "VALUES (1, 'console', 'console', 'Console', 'UTC', :now)"
        ),
        {"now": now},
    )
    for number, name in enumerate(names, start=1):
        connection.execute(
            text(
                "INSERT INTO person (id, workspace_id, platform_user_id, display_name, "
                "name_key, timezone, working_days, delivery_hour, is_admin, unreachable, "
                "created_at) VALUES "
                "(:id, 1, :key, :name, :key, 'UTC', 31, 9, false, false, :now)"
            ),
            {"id": number, "key": name.lower(), "name": name, "now": now},
        )
