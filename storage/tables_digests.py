"""The indexes digests and Home read instead of the book (migrations 0007 and 0008)."""

from __future__ import annotations

from sqlalchemy import Index, text

# A customer's owner by its key, for the touches of a digest's periods (the name is read
# where SQLite is told to look the owner up there: its planner prefers the row itself).
OWNER_LOOKUP = "ix_customer_id_owner_id_archived"

# The columns of the digest index, in its order: a book first, then its customers by value
# (those above a share of their book are a range of it), then what its sums read.
DIGEST_FACTS = (
    "owner_id",
    "archived",
    "annual_value",
    "red_at",
    "amber_at",
    "quiet_since",
    "escalation_at",
    "health",
    "upcoming_dates",
    "threads",
)


def customer_indexes() -> tuple[Index, ...]:
    """A salesperson's book added up from one index alone (every kept fact a digest counts),
    its worst accounts picked from it without reading the rows; the customers never decided
    (none past the first sweep), which a digest decides first; and each customer's owner by
    its key, narrow enough to stay in memory while a period's touches look it up."""
    never_decided = text("facts_at IS NULL")
    return (
        Index("ix_customer_owner_id_digest", *DIGEST_FACTS),
        Index(
            "ix_customer_undecided",
            "id",
            sqlite_where=never_decided,
            postgresql_where=never_decided,
        ),
        Index(OWNER_LOOKUP, "id", "owner_id", "archived"),
    )


def touchpoint_indexes() -> tuple[Index, ...]:
    """The touches of a digest's two periods, read from the period rather than the book."""
    return (Index("ix_touchpoint_at_customer_id", "at", "customer_id"),)
