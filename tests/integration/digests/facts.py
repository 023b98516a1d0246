"""Reading the facts kept with a customer, and working them out afresh to compare."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.bootstrap import Container
from bot.services.summaries import build_summaries
from nudges.facts import CustomerFacts, customer_facts
from storage.tables import customer_t


def kept(container: Container, customer_id: int) -> CustomerFacts | None:
    c = customer_t.c
    with container.engine.connect() as connection:
        row = connection.execute(
            select(
                c.quiet_since, c.amber_at, c.red_at, c.escalation_at, c.health,
                c.upcoming_dates, c.threads, c.facts_at,
            ).where(c.id == customer_id)
        ).one_or_none()  # fmt: skip
    if row is None or row.facts_at is None:
        return None
    return CustomerFacts(
        customer_id=customer_id,
        quiet_since=row.quiet_since,
        amber_at=row.amber_at,
        red_at=row.red_at,
        escalation_at=row.escalation_at,
        health=row.health,
        upcoming_dates=row.upcoming_dates,
        threads=row.threads,
        decided_at=row.facts_at,
    )


def afresh(container: Container, customer_id: int, *, now: datetime) -> CustomerFacts:
    deps = container.deps
    with deps.uow() as uow:
        [customer] = uow.customers.get_many([customer_id])
        owner = uow.people.get(customer.owner_id)
        assert owner is not None
        [summary] = build_summaries(
            uow, [customer], owners={owner.id: owner}, now=now, policy=deps.policy, offers=False
        )
    return customer_facts(summary, now=now, policy=deps.policy, tz_name=owner.timezone)
