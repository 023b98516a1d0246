"""SQLite: writing, on one connection, what was worked out from reads made elsewhere (another
process deciding a batch of the sweep), and knowing whether any other connection wrote since
those reads began.

SQLite counts, per connection, the commits made by every *other* connection
(``PRAGMA data_version``). A stamp taken on this connection before the reads start, and
compared inside this connection's write transaction (which holds the one write lock, so no one
can commit meanwhile), tells whether what was read is still what is stored: this connection's
own commits (the other batches it wrote) do not count, anyone else's do.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from storage.engine import LOCK_AT_FIRST_WRITE
from storage.uow import SqlUnitOfWork


class OneWriter:
    """``with OneWriter(engine) as writer:`` one connection, held until the block ends."""

    def __init__(self, engine: Engine, *, cache_kib: int | None = None) -> None:
        """``cache_kib``: the connection's page cache while the block runs (SQLite's own, 2
        MB, by default; put back after)."""
        if engine.dialect.name != "sqlite":
            raise ValueError("OneWriter is for SQLite, whose one write lock it relies on")
        self._engine = engine
        self._connection: Connection | None = None
        self._cache_kib = cache_kib
        self._cache_before: int | None = None

    @classmethod
    def of(cls, units: Callable[[], SqlUnitOfWork], *, cache_kib: int | None = None) -> OneWriter:
        """On the engine of ``units`` (units of work of an engine, not of one connection)."""
        with units() as probe:
            engine = probe.session.get_bind()
        if not isinstance(engine, Engine):
            raise ValueError("OneWriter needs units of work of an engine")
        return cls(engine, cache_kib=cache_kib)

    def __enter__(self) -> OneWriter:
        self._connection = self._engine.connect()
        if self._cache_kib:
            self._cache_before = int(self._pragma("cache_size"))
            self._pragma(f"cache_size=-{int(self._cache_kib)}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            try:
                if self._cache_before is not None:  # the pool's connection as it was
                    self._pragma(f"cache_size={self._cache_before}")
            finally:
                self._connection.close()
                self._connection = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("OneWriter used outside its with block")
        return self._connection

    def stamp(self) -> int:
        """The count of other connections' commits, as this connection sees it now (taken
        outside a transaction: before the reads it is to vouch for begin)."""
        return int(self._pragma("data_version"))

    def _pragma(self, pragma: str) -> Any:
        driver = self.connection.connection.driver_connection
        if driver is None:  # pragma: no cover - a checked-out connection always has one
            raise RuntimeError("no driver connection")
        row = driver.execute(f"PRAGMA {pragma}").fetchone()
        return row[0] if row else None

    def uow(self, *, lock_at_first_write: bool = False) -> SqlUnitOfWork:
        """A unit of work on this connection. Its transaction takes the write lock at once,
        or (``lock_at_first_write``) reads without it and takes it at its first write, which
        fails at once if another connection wrote since the transaction's first read
        (``SqlUnitOfWork.lock_at_first_write``)."""
        # Set for every transaction: the option stays on the connection once set.
        connection = self.connection.execution_options(**{LOCK_AT_FIRST_WRITE: lock_at_first_write})
        return SqlUnitOfWork(
            lambda: Session(bind=connection, expire_on_commit=False, autoflush=False)
        )

    def unchanged_since(self, uow: SqlUnitOfWork, stamp: int) -> bool:
        """Inside ``uow`` (begun here, holding the write lock): no other connection has
        committed since ``stamp`` was taken."""
        uow.session.connection()  # BEGIN IMMEDIATE: from here on no one else commits
        return self.stamp() == stamp
