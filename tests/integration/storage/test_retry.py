"""One way to run work again after a conflict with a concurrent transaction: the work is one
transaction, so running it again on fresh data is safe; anything else is raised at once."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

import storage.engine
from nudges.model import Platform, Workspace
from storage import SqlUnitOfWork, make_engine, make_session_factory
from storage.retry import ATTEMPTS, is_busy, run_in_transaction

pytestmark = pytest.mark.db

NOW = datetime(2026, 1, 20, 8, 0, tzinfo=UTC)


def _workspace(uow: SqlUnitOfWork, external_id: str) -> Workspace:
    return uow.workspaces.add(
        platform=Platform.CONSOLE,
        external_id=external_id,
        name=external_id,
        timezone="UTC",
        holiday_country=None,
        now=NOW,
    )


def _stored(session_factory, external_id: str) -> Workspace | None:  # type: ignore[no-untyped-def]
    with SqlUnitOfWork(session_factory) as uow:
        return uow.workspaces.find(platform=Platform.CONSOLE, external_id=external_id)


def test_work_that_loses_a_unique_key_runs_again_and_commits_once(session_factory) -> None:  # type: ignore[no-untyped-def]
    with SqlUnitOfWork(session_factory) as uow:
        _workspace(uow, "taken")
        uow.commit()
    runs: list[int] = []

    def work(uow: SqlUnitOfWork) -> str:
        runs.append(len(runs) + 1)
        _workspace(uow, "mine")
        if len(runs) < 3:  # another transaction took the key a moment ago
            _workspace(uow, "taken")
        return "stored"

    with SqlUnitOfWork(session_factory) as uow:
        assert run_in_transaction(uow, lambda: work(uow), commit=True) == "stored"
    assert runs == [1, 2, 3]
    assert _stored(session_factory, "mine") is not None


def test_an_error_that_is_no_conflict_is_raised_at_once_and_nothing_is_kept(  # type: ignore[no-untyped-def]
    session_factory,
) -> None:
    runs: list[int] = []

    def work(uow: SqlUnitOfWork) -> None:
        runs.append(1)
        _workspace(uow, "half")
        raise ValueError("a bug")

    with SqlUnitOfWork(session_factory) as uow, pytest.raises(ValueError, match="a bug"):
        run_in_transaction(uow, lambda: work(uow), commit=True)
    assert runs == [1]
    assert _stored(session_factory, "half") is None


def test_a_conflict_that_never_clears_gives_up_after_the_attempts(session_factory) -> None:  # type: ignore[no-untyped-def]
    with SqlUnitOfWork(session_factory) as uow:
        _workspace(uow, "taken")
        uow.commit()
    runs: list[int] = []

    def work(uow: SqlUnitOfWork) -> None:
        runs.append(1)
        _workspace(uow, "taken")

    with SqlUnitOfWork(session_factory) as uow, pytest.raises(IntegrityError):
        run_in_transaction(uow, lambda: work(uow), commit=True)
    assert len(runs) == ATTEMPTS


def test_sqlite_busy_is_retried_until_the_write_lock_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that cannot get SQLite's write lock within the busy timeout runs again."""
    monkeypatch.setattr(storage.engine, "SQLITE_BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (v INTEGER)"))
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    with engine.connect() as probe, pytest.raises(OperationalError) as locked:
        probe.execute(text("SELECT 1"))
    assert is_busy(locked.value)
    released = threading.Timer(0.15, holder.commit)
    runs: list[int] = []

    def work(uow: SqlUnitOfWork) -> None:
        runs.append(1)
        uow.session.execute(text("INSERT INTO t VALUES (1)"))

    released.start()
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        run_in_transaction(uow, lambda: work(uow), commit=True)
    released.join()
    assert len(runs) > 1
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 1
    holder.close()
    engine.dispose()
