"""The database's clock: the one every process sharing the database agrees on.

A process may run with its own idea of "now" (``nudgebot tick --now``, a console with a pinned
clock, a machine whose clock drifts). What other workers rely on — when a lease runs out,
when a retry comes due — is measured against this clock too, so such a process can neither
take over a live worker's deliveries nor push retries into its own future.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def database_now(session: Session) -> datetime:
    """The database server's current time (real time, not the transaction's start), aware UTC."""
    if session.get_bind().dialect.name == "sqlite":
        text = session.scalar(select(func.strftime("%Y-%m-%d %H:%M:%f", "now")))
        return datetime.fromisoformat(str(text)).replace(tzinfo=UTC)
    value = session.scalar(select(func.clock_timestamp()))
    assert isinstance(value, datetime)
    return value.astimezone(UTC)
