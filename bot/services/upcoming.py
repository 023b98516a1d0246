"""What is coming up for a person: their customers' birthdays, anniversaries, renewals and
other dates in the next days (the Home tab's "Coming up"), soonest first."""

from __future__ import annotations

from bot.replies import Item, Reply, Section, info
from bot.services.context import Actor, Deps
from nudges.calendar import local_date
from nudges.dates import upcoming
from nudges.model import Contact, ImportantDate


def coming_up(deps: Deps, actor: Actor) -> Reply:
    now = deps.clock.now()
    today = local_date(now, actor.person.timezone)
    days = deps.policy.digest_upcoming_days
    with deps.reader() as uow:
        customers = uow.customers.owned_by([actor.person.id])
        ids = [c.id for c in customers]
        contacts: dict[int, list[Contact]] = {}
        dates: dict[int, list[ImportantDate]] = {}
        if ids:
            for contact in uow.contacts.of_customers(ids):
                contacts.setdefault(contact.customer_id, []).append(contact)
            for day in uow.dates.of_customers(ids):
                dates.setdefault(day.customer_id, []).append(day)
    found = [
        (event, customer)
        for customer in customers
        for event in upcoming(
            customer=customer,
            contacts=contacts.get(customer.id, []),
            dates=dates.get(customer.id, []),
            today=today,
            policy=deps.policy,
            days=days,
        )
    ]
    if not found:
        return info(f"Nothing in the next {days} days.")
    found.sort(key=lambda pair: (pair[0].on, pair[1].name, pair[0].key))
    items = tuple(
        Item(
            title=f"{event.on.strftime('%a %d %b')}: {customer.name} — {event.label}",
            fields=event.facts,
        )
        for event, customer in found
    )
    return info(f"{len(items)} dates in the next {days} days", Section(items=items))
