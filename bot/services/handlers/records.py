"""What hangs off a customer besides contacts: important dates and life events — added,
listed, corrected, removed."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import (
    AddDate,
    AddLifeEvent,
    EditDate,
    ListDates,
    RemoveDate,
    RemoveLifeEvent,
)
from bot.replies import Item, Reply, Section, info, ok
from bot.services.access import scope_ids
from bot.services.handlers.contacts import find_contact, matching
from bot.services.request import Request, ServiceError
from bot.services.wording import count, listing, long_date
from nudges.calendar import next_yearly
from nudges.dates import next_renewal
from nudges.model import Contact, Customer, ImportantDate, LifeEvent
from nudges.names import name_key

EVENT_USAGE = "event add <customer|contact> <kind> [YYYY-MM-DD] [-- note]"
DATE_USAGE = "date add <customer> <label> <YYYY-MM-DD> [yearly] [lead=N]"

# --- finding a date by what was typed -------------------------------------------------------


def _find_date(req: Request, customer: Customer, typed: str) -> ImportantDate:
    dates = {d.id: d for d in req.uow.dates.of_customers([customer.id])}
    found = matching(typed, dates, lambda d: d.label)
    if len(found) == 1:
        return found[0]
    if found:
        which = listing([f"{d.label} ({long_date(d.on)})" for d in found])
        raise ServiceError(f"{typed!r} could be {which}: say which by its whole label.")
    known = ", ".join(d.label for d in dates.values()) or "none yet"
    raise ServiceError(
        f"{customer.name} has no date called {typed!r} (dates: {known}). "
        f"See `date list {customer.name}`."
    )


# --- important dates ---------------------------------------------------------------------------


def add_date(req: Request, cmd: AddDate) -> Reply:
    customer = req.customer(cmd.customer)
    if not cmd.yearly and cmd.on < req.today:
        raise ServiceError(
            f"{long_date(cmd.on)} has passed; add `yearly` for a date that comes back.",
            usage=DATE_USAGE,
        )
    if any(
        name_key(d.label) == name_key(cmd.label) for d in req.uow.dates.of_customers([customer.id])
    ):
        raise ServiceError(
            f"{customer.name} has a date called {cmd.label!r} already: change it with "
            f"`date edit {customer.name} {cmd.label} on=…`."
        )
    item = req.uow.dates.add(
        ImportantDate(
            id=0,
            customer_id=customer.id,
            label=cmd.label,
            on=cmd.on,
            yearly=cmd.yearly,
            lead_days=cmd.lead_days,
        )
    )
    req.audit("date.add", subject_type="customer", subject_id=customer.id, date_id=item.id)
    req.refresh(customer.id)
    req.commit(f"adding the date {cmd.label!r} to {customer.name}")
    every = "every year" if cmd.yearly else "once"
    return ok(f"Noted {cmd.label!r} for {customer.name} on {long_date(cmd.on)} ({every}).")


def list_dates(req: Request, cmd: ListDates) -> Reply:
    customer = req.customer(cmd.customer, for_change=False)
    req.require_visible(customer)
    policy = req.deps.policy
    today = req.today
    rows: list[Item] = []
    for contact in req.uow.contacts.of_customers([customer.id]):
        if contact.birthday_month and contact.birthday_day:
            next_on = next_yearly(
                contact.birthday_month, contact.birthday_day, on_or_after=today, feb29=policy.feb29
            )
            rows.append(
                Item(
                    title=f"{contact.name}'s birthday — next on {long_date(next_on, today=today)}",
                    lines=(
                        f"every year; change it with `contact edit {customer.name} "
                        f"{contact.name} birthday=…`",
                    ),
                )
            )
    if customer.since is not None:
        next_on = next_yearly(
            customer.since.month, customer.since.day, on_or_after=today, feb29=policy.feb29
        )
        rows.append(
            Item(
                title=f"Anniversary — next on {long_date(next_on, today=today)}",
                lines=(f"customer since {long_date(customer.since)}",),
            )
        )
    renewal = next_renewal(customer, today, policy)
    if renewal is not None:
        rows.append(Item(title=f"Renewal — {long_date(renewal, today=today)}"))
    for item in req.uow.dates.of_customers([customer.id]):
        every = "every year" if item.yearly else "once"
        lead = policy.custom_date_lead_days if item.lead_days is None else item.lead_days
        when = item.on
        if item.yearly:
            when = next_yearly(item.on.month, item.on.day, on_or_after=today, feb29=policy.feb29)
        rows.append(
            Item(
                title=f"{item.label} — {long_date(when, today=today)}",
                lines=(f"{every}, nudged {count(lead, 'day')} ahead",),
            )
        )
    if not rows:
        return info(
            f"No dates for {customer.name} yet. Add one with `date add {customer.name} <label> "
            "<YYYY-MM-DD>`, or a birthday with `contact edit … birthday=MM-DD`."
        )
    return info(f"Dates for {customer.name}", Section(items=tuple(rows)))


def edit_date(req: Request, cmd: EditDate) -> Reply:
    customer = req.customer(cmd.customer)
    item = _find_date(req, customer, cmd.label)
    updated = replace(
        item,
        label=cmd.new_label or item.label,
        on=cmd.on or item.on,
        yearly=item.yearly if cmd.yearly is None else cmd.yearly,
        lead_days=None
        if cmd.clear_lead
        else item.lead_days
        if cmd.lead_days is None
        else cmd.lead_days,
    )
    if updated == item:
        return info(f"Nothing to change on {item.label!r} of {customer.name}.")
    if not updated.yearly and updated.on < req.today:
        raise ServiceError(
            f"{long_date(updated.on)} has passed; add `yearly` for a date that comes back.",
            usage="date edit <customer> <label> [on=YYYY-MM-DD] [yearly|once]",
        )
    req.uow.dates.update(updated)
    req.audit("date.edit", subject_type="customer", subject_id=customer.id, date_id=item.id)
    req.refresh(customer.id)
    req.commit(
        f"the change to the date {item.label!r} of {customer.name} (it was "
        f"{long_date(item.on)}, {'every year' if item.yearly else 'once'})"
    )
    every = "every year" if updated.yearly else "once"
    return ok(f"{updated.label!r} for {customer.name}: {long_date(updated.on)} ({every}).")


def remove_date(req: Request, cmd: RemoveDate) -> Reply:
    customer = req.customer(cmd.customer)
    item = _find_date(req, customer, cmd.label)
    req.uow.dates.remove(item.id)
    req.audit("date.remove", subject_type="customer", subject_id=customer.id, date_id=item.id)
    req.refresh(customer.id)
    req.commit(f"removing the date {item.label!r} ({long_date(item.on)}) of {customer.name}")
    return ok(f"Forgot {item.label!r} of {customer.name} ({long_date(item.on)}).")


# --- life events -------------------------------------------------------------------------------


def add_life_event(req: Request, cmd: AddLifeEvent) -> Reply:
    policy = req.deps.policy
    known = policy.sensitive_events | policy.happy_events
    kind = cmd.kind.lower()
    if kind not in known:
        raise ServiceError(
            f"Unknown life event {cmd.kind!r}: use one of {', '.join(sorted(known))}.",
            usage=EVENT_USAGE,
        )
    if kind in policy.sensitive_events and cmd.on > req.today:
        raise ServiceError(
            f"{long_date(cmd.on, today=req.today)} is in the future: note the "
            f"{kind.replace('_', ' ')} once it has happened.",
            usage=EVENT_USAGE,
            field="on",
        )
    customer, contact = _event_subject(req, cmd.customer, cmd.contact)
    event = req.uow.life_events.add(
        LifeEvent(
            id=0,
            customer_id=customer.id,
            kind=kind,
            on=cmd.on,
            contact_id=contact.id if contact else None,
            note=cmd.note,
        )
    )
    req.audit(
        "event.add", subject_type="customer", subject_id=customer.id, event_id=event.id, kind=kind
    )
    req.refresh(customer.id)
    who = f"{contact.name} at {customer.name}" if contact else customer.name
    req.commit(f"noting the {kind.replace('_', ' ')} of {who}")
    if kind in policy.sensitive_events:
        return ok(
            f"Noted {kind.replace('_', ' ')} for {who}. Upbeat nudges pause for "
            f"{count(policy.sensitive_suppression_days, 'day')}; a card or a personal note is due."
        )
    return ok(f"Noted {kind.replace('_', ' ')} for {who}: time to congratulate them.")


def remove_life_event(req: Request, cmd: RemoveLifeEvent) -> Reply:
    customer, contact = _event_subject(req, cmd.customer, cmd.contact)
    kind = cmd.kind.lower()
    events = [
        e
        for e in req.uow.life_events.of_customers([customer.id])
        if e.kind == kind
        and (contact is None or e.contact_id == contact.id)
        and (cmd.on is None or e.on == cmd.on)
    ]
    who = f"{contact.name} at {customer.name}" if contact else customer.name
    if not events:
        when = f" on {long_date(cmd.on)}" if cmd.on else ""
        raise ServiceError(f"No {kind.replace('_', ' ')} recorded for {who}{when}.")
    event = max(events, key=lambda e: (e.on, e.id))
    req.uow.life_events.remove(event.id)
    req.audit(
        "event.remove",
        subject_type="customer",
        subject_id=customer.id,
        event_id=event.id,
        kind=kind,
    )
    req.refresh(customer.id)
    req.commit(f"removing the {kind.replace('_', ' ')} of {who} ({long_date(event.on)})")
    return ok(f"Removed the {kind.replace('_', ' ')} of {who} ({long_date(event.on)}).")


def _event_subject(
    req: Request, customer_name: str | None, contact_name: str | None
) -> tuple[Customer, Contact | None]:
    if customer_name is not None:
        customer = req.customer(customer_name)
        if contact_name is None:
            return customer, None
        return customer, find_contact(req, customer, contact_name)
    if contact_name is None:
        raise ServiceError(
            "Say whose event it is: a customer or one of its contacts.", usage=EVENT_USAGE
        )
    scope = scope_ids(req.uow, req.person)
    owners = (
        sorted(scope)
        if scope is not None
        else [p.id for p in req.uow.people.in_workspace(req.actor.workspace.id)]
    )
    customers = {c.id: c for c in req.uow.customers.owned_by(owners)}
    wanted = name_key(contact_name)
    matches = [
        c for c in req.uow.contacts.of_customers(sorted(customers)) if name_key(c.name) == wanted
    ]
    if not matches:
        raise ServiceError(f"No customer or contact called {contact_name!r} in your book.")
    if len(matches) > 1:
        places = ", ".join(customers[c.customer_id].name for c in matches)
        raise ServiceError(
            f"{contact_name} is a contact at several customers ({places}): "
            "say which, e.g. event add <customer> <kind> contact=<name>."
        )
    return customers[matches[0].customer_id], matches[0]
