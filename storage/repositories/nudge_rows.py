"""A decision's nudges as the rows they write (``nudge_rows``), and their writing
(``write_nudge_rows``). Worked out where the decision is made (a sweep's worker process),
written by whoever holds the transaction: plain tuples and dicts, which cross between
processes for a fraction of what the engine's objects cost to send and rebuild."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session

from nudges.model import Nudge, NudgeStatus
from nudges.suppress import LIVE
from storage.bulk import BulkLoader
from storage.tables import nudge_t

# A decision may refresh a live nudge (and move it between these states, e.g. a snooze that
# has passed); done, skipped and expired ones are final and left alone.
LIVE_STATES = tuple(sorted(state.value for state in LIVE))

#: What a decision refreshes on a live nudge (besides its state).
REFRESHED = ("recipient_id", "level", "priority", "ritual", "detail", "facts", "deliver_on")
#: A new nudge's row, in this order (``values``).
COLUMNS = (
    "dedupe_key", "customer_id", "recipient_id", "reason", "level", "due_on", "deliver_on",
    "priority", "ritual", "detail", "facts", "state", "snoozed_until", "offer_id",
    "contact_id", "created_at", "updated_at",
)  # fmt: skip
_REASON = COLUMNS.index("reason")
#: The parameters of a live nudge's refresh, and where each is in its row.
_SET = tuple(
    (f"b_{c}", COLUMNS.index(c)) for c in ("dedupe_key", *REFRESHED, "state", "snoozed_until")
)


def values(n: Nudge, now: datetime) -> tuple[Any, ...]:
    """A nudge as its row's ``COLUMNS`` (a new one: created and updated now)."""
    return (
        n.dedupe_key, n.customer_id, n.recipient_id, n.reason.value, n.level, n.due_on,
        n.deliver_on, n.priority, n.ritual, n.detail, json.dumps([list(f) for f in n.facts]),
        n.state.value, n.snoozed_until, n.offer_id, n.contact_id, now, now,
    )  # fmt: skip


@dataclass(slots=True)
class NudgeRows:
    new: list[tuple[Any, ...]]  # rows of ``COLUMNS``, to insert
    live: list[dict[str, Any]]  # refreshes of stored live nudges, by their dedupe keys

    def created_reasons(self) -> list[str]:
        return [row[_REASON] for row in self.new]


def nudge_rows(
    nudges: Sequence[Nudge], *, existing: Mapping[str, NudgeStatus], now: datetime
) -> NudgeRows:
    """``existing`` (the statuses read with the decision) tells new keys from stored ones; a
    stored one no longer live is left alone."""
    rows = NudgeRows([], [])
    for n in nudges:
        status = existing.get(n.dedupe_key)
        if status is None:
            rows.new.append(values(n, now))
        elif status.state.value in LIVE_STATES:
            row = values(n, now)
            rows.live.append({name: row[i] for name, i in _SET})
    return rows


def write_nudge_rows(session: Session, rows: NudgeRows, *, now: datetime) -> None:
    """The new rows inserted and the live ones refreshed, in two statements. A row another
    process inserted meanwhile raises IntegrityError: the caller decides the batch again."""
    if rows.new:  # straight to the driver: a sweep writes thousands a batch
        BulkLoader(session.connection()).insert_each(nudge_t, COLUMNS, rows.new)
    if rows.live:
        session.execute(
            update(nudge_t)
            .where(
                nudge_t.c.dedupe_key == bindparam("b_dedupe_key"),
                # executemany allows no IN list: spell the live states out
                or_(*(nudge_t.c.state == state for state in LIVE_STATES)),
            )
            .values(
                **{name[2:]: bindparam(name) for name, _ in _SET[1:]},
                updated_at=now,
            ),
            rows.live,
        )
