"""`nudgebot migrate` on empty databases, twice; the migrations match the tables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from storage import SchemaOutOfDate, ensure_schema, make_engine, schema_status
from storage.tables import metadata
from tests.conftest import DEFAULT_POSTGRES, POSTGRES_ENV, Postgres


def _migrate(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NUDGEBOT_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate"],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    request.getfixturevalue("postgres")  # fails under CI=true when the server is missing
    server = Postgres(os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES))
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{server.name}"'))
    yield server.url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{server.name}" WITH (FORCE)'))
    admin.dispose()


def test_migrate_creates_the_schema_and_a_second_run_is_a_no_op(
    empty_database: str, tmp_path: Path
) -> None:
    first = _migrate(empty_database, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "migrated from empty to" in first.stdout
    engine = make_engine(empty_database)
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= tables
    second = _migrate(empty_database, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "nothing to do" in second.stdout
    assert schema_status(engine).up_to_date
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_an_out_of_date_schema_is_refused_with_what_to_run(empty_database: str) -> None:
    engine = make_engine(empty_database)
    with pytest.raises(SchemaOutOfDate, match="Run `nudgebot migrate`"):
        ensure_schema(engine, auto_migrate=False)
    ensure_schema(engine, auto_migrate=True)
    assert schema_status(engine).up_to_date
    engine.dispose()
