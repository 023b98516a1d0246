"""The one retry policy for work that lost a race with a concurrent transaction.

Work that runs as one transaction may simply run again when the database says another
transaction got in its way: a unique key taken a moment ago, a deadlock or serialization
failure (PostgreSQL), or SQLite's write lock still held when the busy timeout ran out. The
transaction is rolled back, nothing of it was kept, and the work runs again on fresh data.

Policy: at most :data:`ATTEMPTS` runs; between runs a short pause that doubles each time,
with jitter (so two replicas that collided do not collide again in step); any other error is
raised at once, after the rollback.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError

from storage.conflicts import is_conflict
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 6
FIRST_PAUSE = 0.02  # seconds; then 0.04, 0.08, ... (each up to twice as long, at random)

#: SQLite's codes for "another connection holds the lock" (the busy timeout ran out).
_SQLITE_BUSY = frozenset({"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"})


def is_busy(exc: BaseException) -> bool:
    """SQLite could not take its write lock within the busy timeout."""
    if not isinstance(exc, OperationalError):
        return False
    name = getattr(exc.orig, "sqlite_errorname", None)
    return name in _SQLITE_BUSY or "database is locked" in str(exc.orig)


def is_unavailable(exc: BaseException) -> bool:
    """The database itself failed (unreachable, a lost connection, locked, out of space):
    not a fault of the row being worked on."""
    return isinstance(exc, OperationalError | InterfaceError)


def is_retryable(exc: BaseException) -> bool:
    """A conflict with a concurrent transaction, or SQLite's lock held too long."""
    return is_conflict(exc) or is_busy(exc)


def run_in_transaction(
    uow: SqlUnitOfWork,
    work: Callable[[], T],
    *,
    commit: bool = False,
    what: str = "work",
    before_retry: Callable[[], None] | None = None,
) -> T:
    """``work()`` in ``uow``'s transaction (committed after it when ``commit``; otherwise
    ``work`` commits itself). On a retryable error the transaction is rolled back,
    ``before_retry`` (forget what the failed run remembered) is called and ``work`` runs
    again, up to :data:`ATTEMPTS` times; the last error is raised. ``what`` names the work
    in the log: never users' data."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = work()
            if commit:
                uow.commit()
            return result
        except BaseException as exc:
            uow.rollback()
            if before_retry is not None:
                before_retry()
            if not is_retryable(exc) or attempt == ATTEMPTS:
                raise
            log.info(  # the kind of conflict only: the statement holds users' data
                "%s conflicted (%s, attempt %s of %s); running it again",
                what,
                type(getattr(exc, "orig", exc)).__name__,
                attempt,
                ATTEMPTS,
            )
            time.sleep(random.uniform(1.0, 2.0) * FIRST_PAUSE * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover
