"""Conflicts with concurrent transactions, told apart from real errors: what running the unit of
work again (on fresh data) resolves."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError

#: PostgreSQL's serialization_failure and deadlock_detected: the server rolled this
#: transaction back so that another could go on.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})


def is_transient(exc: BaseException) -> bool:
    """A deadlock or serialization failure: nothing was written; the same work may simply run
    again."""
    if not isinstance(exc, DBAPIError):
        return False
    return getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def is_duplicate(exc: BaseException) -> bool:
    """A unique key another transaction (or an earlier statement) has taken."""
    return isinstance(exc, IntegrityError)


def is_conflict(exc: BaseException) -> bool:
    """A transient failure, or a unique key another transaction has just taken (a replica or a
    request that wrote the same nudge or delivery a moment ago)."""
    return isinstance(exc, IntegrityError) or is_transient(exc)
