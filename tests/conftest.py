"""Shared fixtures: every test marked ``db`` runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from ``NUDGEBOT_TEST_POSTGRES_URL`` (default: the local server). Each test run
creates its own database there and drops it at the end. When the server cannot be reached the
PostgreSQL cases are skipped on a developer machine, and fail under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from storage import make_engine, make_session_factory, migrate
from storage.tables import metadata

POSTGRES_ENV = "NUDGEBOT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASES_ENV = "NUDGEBOT_TEST_DATABASES"  # e.g. "sqlite" to run one database only
COUNTS_FILE_ENV = "NUDGEBOT_TEST_COUNTS_FILE"

_counts: Counter[str] = Counter()


def _wanted() -> list[str]:
    raw = os.environ.get(DATABASES_ENV, "sqlite,postgresql")
    return [d.strip() for d in raw.split(",") if d.strip()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames:
        metafunc.parametrize("database", _wanted(), indirect=True)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        for name in ("sqlite", "postgresql"):
            if (
                f"[{name}" in report.nodeid
                or f"-{name}]" in report.nodeid
                or f"-{name}-" in report.nodeid
            ):
                _counts[name] += 1
                break
        else:
            _counts["none"] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = (
        f"Database tests passed: {_counts['sqlite']} on SQLite, "
        f"{_counts['postgresql']} on PostgreSQL ({_counts['none']} need no database)"
    )
    terminalreporter.write_line(line)
    target = os.environ.get(COUNTS_FILE_ENV)
    if target:
        Path(target).write_text(json.dumps(dict(_counts)), encoding="utf-8")


class Postgres:
    """One throwaway database on the test server for this run, migrated once."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.name = f"nudgebot_test_{uuid.uuid4().hex[:10]}"
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)
        self._admin: Engine | None = None

    def create(self) -> None:
        self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        engine = make_engine(self.url)
        migrate(engine)
        engine.dispose()

    def drop(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    server = Postgres(os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES))
    try:
        server.create()
    except Exception as exc:
        message = f"PostgreSQL is not reachable at {server.admin_url} ({type(exc).__name__}: {exc})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; under CI=true PostgreSQL tests fail instead of skipping")
        pytest.skip(message)
    yield server
    server.drop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL: a fresh SQLite file, or the run's PostgreSQL database
    emptied before the test."""
    kind = request.param
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    elif kind == "postgresql":
        server: Postgres = request.getfixturevalue("postgres")
        engine = make_engine(server.url)
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        yield server.url
    else:  # pragma: no cover - guarded by _wanted()
        raise ValueError(f"unknown test database {kind!r}; expected sqlite or postgresql")


@pytest.fixture
def engine(database: str) -> Iterator[Engine]:
    engine = make_engine(database)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine):  # type: ignore[no-untyped-def]
    return make_session_factory(engine)
