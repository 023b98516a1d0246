"""The benchmark's floor reads what the sweep reads: the due customers, and the touch and pitch
counts the facts kept with each decision are worked out from, counted the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from benchmarks.parts import COUNT_FLOOR_QUERIES, floor_instants, floor_query, floor_reads
from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Settings
from bot.demo import generate
from bot.services.summaries import build_summaries

pytestmark = pytest.mark.db

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=20)  # many of the book's customers have come due by then


def test_the_floor_counts_the_touches_the_sweep_counts(database: str) -> None:
    settings = Settings(database_url=database)
    generate(settings, customers=300, owners=4, seed=7, now=NOW)
    container = build(settings, clock=FixedClock(LATER))
    policy = container.deps.policy
    try:
        with container.deps.uow() as uow:
            due = uow.customers.due_ids(now=LATER, limit=10_000)
            customers = uow.customers.get_many(due)
            owners = {p.id: p for p in uow.people.get_many({c.owner_id for c in customers})}
            # What the sweep works the kept facts out from (``decide_batch``).
            summaries = build_summaries(
                uow, customers, owners=owners, now=LATER, policy=policy, offers=False
            )
            pitched = uow.stats.pitch_counts(due)
        with container.engine.connect() as connection:
            instants = floor_instants(LATER, policy)
            touches = connection.execute(
                *floor_query(COUNT_FLOOR_QUERIES["touch counts"], instants)
            ).all()
            pitches = connection.execute(
                *floor_query(COUNT_FLOOR_QUERIES["pitch counts"], instants)
            ).all()
            read = floor_reads(connection, now=LATER, policy=policy)
            every_touch = connection.scalar(text("SELECT count(*) FROM touchpoint"))
    finally:
        container.close()

    counted = {
        s.customer.id: (s.touches_this_period, s.touches_previous_period, s.touches_last_90_days,
                        s.touches_previous_90_days, s.distinct_contacts_touched,
                        s.recent_contacts_touched)
        for s in summaries
    }  # fmt: skip
    floor = {int(r[0]): tuple(int(v or 0) for v in r[1:]) for r in touches}
    assert len(due) > 100 and every_touch and len(floor) > 100  # a book, not a sample
    assert floor == {cid: counted[cid] for cid in floor}
    assert not any(any(n) for cid, n in counted.items() if cid not in floor)  # never touched
    assert {(int(cid), state, int(n)) for cid, state, n in pitches} == {
        (cid, state, n) for cid, by_state in pitched.items() for state, n in by_state.items()
    }
    assert read["rows"]["customers"] == len(due)
    assert read["rows"]["touch counts"] == len(floor)
    assert read["seconds"] == pytest.approx(read["rows_s"] + read["counts_s"])
