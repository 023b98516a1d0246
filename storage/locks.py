"""Locks every process on one database shares: PostgreSQL advisory locks, held on a
connection of their own. SQLite serves one process, whose own locks are enough: none here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text


@dataclass
class SharedLock:
    """``acquire()`` waits for the lock named by ``key``; ``release()`` lets it go. Blocking
    calls: run them off the event loop."""

    engine: Engine
    key: int
    _connection: Connection | None = None

    def acquire(self) -> None:
        if self.engine.dialect.name != "postgresql":
            return
        connection = self.engine.connect()
        try:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": self.key})
        except BaseException:
            connection.close()
            raise
        self._connection = connection

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        finally:
            connection.close()


@dataclass(frozen=True)
class SharedLocks:
    """The shared locks of one database, by key."""

    engine: Engine

    def named(self, key: int) -> SharedLock:
        return SharedLock(self.engine, key)
