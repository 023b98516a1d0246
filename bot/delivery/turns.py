"""How the sweep's transactions share the database with requests and replicas: the batch
sizes, and :class:`Turns`, which runs one batch's work in a transaction the way each database
takes it best (see its docstring)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from bot.services.context import Deps
from storage import SqlUnitOfWork, is_retryable, is_sqlite, run_in_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Customers decided (or recipients planned) per transaction: the per-statement costs
#: amortised. SQLite has one writer: a batch that holds its lock from the start (planning
#: messages, or deciding while others write) stays short, so a request waiting for the lock
#: waits out one short batch, never the busy timeout.
BATCH = 2000
SQLITE_BATCH = 500
#: On SQLite, a pause between batches: a request waiting for the one write lock gets it (its
#: busy handler polls every few tens of ms; without the pause the next batch would take the
#: lock again first, and a request could wait out several batches).
SQLITE_YIELD_SECONDS = 0.1
#: On SQLite, after a batch met another writer: how many batches then hold the lock from
#: their start and pause after themselves, before the sweep reads without it again.
CONTENDED_BATCHES = 10


class Turns:
    """How the sweep's transactions share the database with requests and replicas.

    On PostgreSQL each runs at once, locking the rows it works on; one that conflicts with
    another transaction runs again (``run_in_transaction``).

    SQLite has one write lock for the whole file. A transaction first reads and works out
    what to write without it and takes it only to write
    (:meth:`SqlUnitOfWork.lock_at_first_write`): a ``/touch`` arriving meanwhile is written
    at once. If another connection wrote in between, the work runs again holding the lock
    from its start, and so do the next ``CONTENDED_BATCHES``, each short and followed by a
    pause (``SQLITE_YIELD_SECONDS``) in which a request waiting for the lock gets it.
    """

    def __init__(self, deps: Deps) -> None:
        self.sqlite = is_sqlite(deps.settings.database_url)
        self.contended = 0  # batches left to run holding the lock from their start

    def run(self, uow: SqlUnitOfWork, work: Callable[[bool], T], *, what: str) -> T:
        """``work(holding)`` committed in ``uow``; ``holding``: the transaction holds SQLite's
        lock from its start (so it should be short)."""
        if self.sqlite and not self.contended:
            done = _optimistic(uow, partial(work, False), what=what)
            if done is not None:
                return done
            self.contended = CONTENDED_BATCHES
        # Another replica or request wrote a row of this work a moment ago, or the database
        # broke a deadlock with one: it is read and worked out again.
        done = run_in_transaction(uow, partial(work, self.sqlite), commit=True, what=what)
        self.contended = max(0, self.contended - 1)
        return done

    def pause(self) -> None:
        """Between two transactions: while others are writing to SQLite, let them first."""
        if self.contended:
            time.sleep(SQLITE_YIELD_SECONDS)


def _optimistic(uow: SqlUnitOfWork, work: Callable[[], T], *, what: str) -> T | None:
    """``work()`` committed in a transaction that takes SQLite's write lock only at its first
    write; None (rolled back) if another connection wrote first, or on any other conflict
    that running the work again resolves (``is_retryable``)."""
    uow.lock_at_first_write()
    try:
        done = work()
        uow.commit()
    except Exception as exc:
        uow.rollback()
        if not is_retryable(exc):
            raise
        log.info("%s met another writer; running it again holding the lock", what)
        return None
    return done
