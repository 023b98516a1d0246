"""The facts a generated customer is stored with, as deciding it at the book's present would
keep them (so a fresh demo book's digests need no first pass over the whole book)."""

from __future__ import annotations

from datetime import datetime

from bot.demo.book import Generated
from nudges.calendar import local_date
from nudges.facts import CustomerFacts, customer_facts, summarise
from nudges.model import Person
from nudges.policy import Policy
from storage.repositories.kept_facts import FACT_COLUMNS, fact_values

__all__ = ["FACT_COLUMNS", "fact_values", "kept_facts"]


def kept_facts(
    made: Generated, owners: dict[int, Person], *, policy: Policy, now: datetime
) -> CustomerFacts:
    """The facts kept with the customer, as a decision at ``now`` keeps them."""
    tz_name = owners[made.customer.owner_id].timezone
    summary = summarise(
        made.customer,
        touches=made.touches,
        contacts=made.contacts,
        dates=made.dates,
        today=local_date(now, tz_name),
        now=now,
        policy=policy,
    )
    return customer_facts(summary, now=now, policy=policy, tz_name=tz_name)
