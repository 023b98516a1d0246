"""The facts kept with each customer when it is decided (``nudges.facts``), as columns of
its row, and their writing by the sweep."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from nudges.facts import CustomerFacts
from storage.bulk import BulkLoader
from storage.tables import customer_t

FACT_COLUMNS = (
    "quiet_since", "amber_at", "red_at", "escalation_at",
    "health", "upcoming_dates", "threads", "facts_at",
)  # fmt: skip


def fact_values(facts: CustomerFacts | None) -> tuple[Any, ...]:
    """The facts in ``FACT_COLUMNS`` order (all None: none kept), for the bulk writers."""
    if facts is None:
        return tuple(None for _ in FACT_COLUMNS)
    return (
        facts.quiet_since,
        facts.amber_at,
        facts.red_at,
        facts.escalation_at,
        facts.health,
        facts.upcoming_dates,
        facts.threads,
        facts.decided_at,
    )


def _decided(
    customer_id: int, due: datetime | None, facts: CustomerFacts | None
) -> tuple[Any, ...]:
    """A row of ``write_decided_rows``: next-due, the ``FACT_COLUMNS``, then the id."""
    return (due, *fact_values(facts), customer_id)


def decided_rows(
    next_due: Mapping[int, datetime | None], facts: Sequence[CustomerFacts]
) -> list[tuple[Any, ...]]:
    """Each decided customer's row for ``write_decided_rows``: next-due, the
    ``FACT_COLUMNS``, then the id (plain values: worked out where the decision is made)."""
    kept = {f.customer_id: f for f in facts}
    return [_decided(cid, due, kept.get(cid)) for cid, due in next_due.items()]


def write_decided_rows(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """``decided_rows`` written. On SQLite the facts digests count are written only where
    they changed (most decisions leave them as they were; SQLite would rewrite the digest
    index's entry of each row set, ``BulkLoader.update_each``, ``changed_only``); on
    PostgreSQL, one statement."""
    # Straight to the driver: a sweep writes thousands of these rows a batch.
    loader = BulkLoader(connection)
    if loader.is_postgresql:
        loader.update_each(customer_t, ("next_due_at", *FACT_COLUMNS), rows, where="NOT archived")
        return
    when = [(row[0], row[-2], row[-1]) for row in rows]  # next-due, facts_at, id
    loader.update_each(customer_t, ("next_due_at", "facts_at"), when, where="NOT archived")
    counted = [row[1:-2] + row[-1:] for row in rows]  # the facts but facts_at, id
    loader.update_each(
        customer_t, FACT_COLUMNS[:-1], counted, where="NOT archived", changed_only=True
    )
