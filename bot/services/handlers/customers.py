"""Customers and what hangs off them: contacts, important dates, life events."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import holidays as holiday_data

from bot.commands import (
    AddContact,
    AddCustomer,
    AddDate,
    AddLifeEvent,
    ArchiveCustomer,
    AssignCustomer,
    CustomerFields,
    EditCustomer,
    ListCustomers,
    ShowCustomer,
)
from bot.replies import Item, Reply, Section, info, ok
from bot.services.access import require_person_access, scope_ids
from bot.services.onboarding import last_touched, since_last_touch
from bot.services.present import money, nudge_item
from bot.services.request import Request, ServiceError
from nudges.dates import upcoming
from nudges.model import Contact, Customer, ImportantDate, LifeEvent, Person
from nudges.names import name_key
from nudges.quiet import quiet_status

LIST_LIMIT = 50
CUSTOMER_USAGE = (
    "customer add <name> [tier=…] [since=YYYY-MM-DD] [renewal=YYYY-MM-DD] [value=N] [tz=Area/City]"
    " [country=CC] [kind=…] [owner=@user] [cadence=ideal/max] [tags=a,b] [last=YYYY-MM-DD]"
)


def _check_fields(req: Request, fields: CustomerFields) -> None:
    tiers = req.deps.policy.tiers
    if fields.tier is not None and fields.tier not in tiers:
        raise ServiceError(
            f"Unknown tier {fields.tier!r}: tiers are {', '.join(tiers)}.", usage=CUSTOMER_USAGE
        )
    if fields.country is not None:
        code = fields.country.upper()
        if code not in holiday_data.list_supported_countries():
            raise ServiceError(
                f"Unknown country {fields.country!r}: use an ISO 3166 code such as US, DE or GB.",
                usage=CUSTOMER_USAGE,
            )
    if fields.annual_value is not None and fields.annual_value < 0:
        raise ServiceError("value= cannot be negative.", usage=CUSTOMER_USAGE)


def _owner(req: Request, fields: CustomerFields, default: Person) -> Person:
    if fields.owner is None:
        return default
    owner = req.person_ref(fields.owner)
    require_person_access(req.uow, req.person, owner)
    return owner


def _apply(customer: Customer, fields: CustomerFields, owner: Person) -> Customer:
    changes: dict[str, Any] = {"owner_id": owner.id}
    for name, attribute in (
        ("tier", "tier"),
        ("since", "since"),
        ("renewal_on", "renewal_on"),
        ("annual_value", "annual_value"),
        ("timezone", "timezone"),
        ("kind", "kind"),
        ("cadence", "cadence"),
        ("tags", "tags"),
    ):
        value = getattr(fields, name)
        if value is not None:
            changes[attribute] = value
    if fields.country is not None:
        changes["country"] = fields.country.upper()
    if fields.last_touch_on is not None:
        changes.update(last_touched(customer, fields.last_touch_on, owner=owner))
    return replace(customer, **changes)


def add_customer(req: Request, cmd: AddCustomer) -> Reply:
    _check_fields(req, cmd.fields)
    workspace_id = req.actor.workspace.id
    existing = req.uow.customers.by_name(workspace_id=workspace_id, name=cmd.name)
    if existing is not None:
        raise ServiceError(
            f"{existing.name} already exists (owner: {req.person_name(existing.owner_id)}). "
            f"Change it with `customer edit {existing.name} …`."
        )
    owner = _owner(req, cmd.fields, req.person)
    draft = Customer(
        id=0,
        workspace_id=workspace_id,
        name=" ".join(cmd.name.split()),
        owner_id=owner.id,
        tier=req.deps.policy.tiers[min(1, len(req.deps.policy.tiers) - 1)],
        since=req.today,
        next_due_at=req.now,
    )
    customer = req.uow.customers.add(_apply(draft, cmd.fields, owner), now=req.now)
    req.audit("customer.add", subject_type="customer", subject_id=customer.id)
    req.refresh(customer.id)
    req.uow.commit()
    return ok(
        f"Added {customer.name}: {customer.tier}, owned by {owner.display_name}.",
        footer=f"Add people there with `contact add {customer.name} <name> birthday=MM-DD`.",
    )


def edit_customer(req: Request, cmd: EditCustomer) -> Reply:
    customer = req.customer(cmd.customer)
    _check_fields(req, cmd.fields)
    owner = _owner(req, cmd.fields, req.uow.people.get(customer.owner_id) or req.person)
    updated = _apply(customer, cmd.fields, owner)
    cleared: dict[str, Any] = {}
    for name in cmd.clear:
        target = "renewal_on" if name == "renewal_on" else name
        if target == "tags":
            cleared["tags"] = frozenset()
        elif target == "annual_value":
            cleared["annual_value"] = 0
        elif hasattr(updated, target) and target not in ("tier", "kind", "owner"):
            cleared[target] = None
    updated = replace(updated, **cleared)
    if updated == customer:
        return info(f"Nothing to change on {customer.name}.")
    req.uow.customers.update(updated)
    changed = sorted(
        f
        for f in (
            "tier",
            "since",
            "renewal_on",
            "annual_value",
            "timezone",
            "country",
            "kind",
            "cadence",
            "tags",
            "owner_id",
            "last_touch_at",
        )
        if getattr(updated, f) != getattr(customer, f)
    )
    req.audit("customer.edit", subject_type="customer", subject_id=customer.id, fields=changed)
    req.refresh(customer.id)
    req.uow.commit()
    return ok(f"Updated {customer.name}: {', '.join(changed)}.")


def show_customer(req: Request, cmd: ShowCustomer) -> Reply:
    customer = req.customer(cmd.customer)
    policy = req.deps.policy
    owner = req.uow.people.get(customer.owner_id) or req.person
    status = quiet_status(customer, now=req.now, policy=policy, tz_name=owner.timezone)
    facts = [
        ("Owner", owner.display_name),
        ("Tier", f"{customer.tier} ({customer.kind.value})"),
        ("Cadence", f"ideal {status.cadence.ideal_days}, max {status.cadence.max_days} days"),
        ("Status", f"{status.level} — {since_last_touch(customer, status, now=req.now)}"),
        ("Value", money(customer.annual_value)),
    ]
    if customer.since:
        facts.append(("Customer since", customer.since.isoformat()))
    if customer.renewal_on:
        facts.append(("Renewal", customer.renewal_on.isoformat()))
    if customer.timezone:
        facts.append(("Time zone", customer.timezone))
    if customer.tags:
        facts.append(("Tags", ", ".join(sorted(customer.tags))))
    if customer.dnc_until:
        facts.append(
            (
                "Do not contact until",
                customer.dnc_until.isoformat()
                + (f" ({customer.dnc_reason})" if customer.dnc_reason else ""),
            )
        )
    if customer.archived:
        facts.append(("Archived", "yes"))
    contacts = req.uow.contacts.of_customers([customer.id])
    dates = req.uow.dates.of_customers([customer.id])
    soon = upcoming(
        customer=customer, contacts=contacts, dates=dates, today=req.today, policy=policy, days=60
    )
    sections = [Section(items=(Item(title=customer.name, fields=tuple(facts)),))]
    if contacts:
        sections.append(Section("Contacts", tuple(Item(title=_contact_line(c)) for c in contacts)))
    if soon:
        sections.append(
            Section("Coming up", tuple(Item(title=f"{e.on.isoformat()} — {e.label}") for e in soon))
        )
    live = req.uow.nudges.live_for_customer(customer.id)
    if live:
        sections.append(
            Section(
                "Open nudges",
                tuple(nudge_item(n, customer, policy=policy, now=req.now) for n in live),
            )
        )
    return info(f"{customer.name}", *sections)


def _contact_line(contact: Contact) -> str:
    parts = [contact.name]
    if contact.role:
        parts.append(contact.role)
    if contact.birthday_month and contact.birthday_day:
        year = f"{contact.birth_year}-" if contact.birth_year else ""
        parts.append(f"birthday {year}{contact.birthday_month:02d}-{contact.birthday_day:02d}")
    return ", ".join(parts)


def list_customers(req: Request, cmd: ListCustomers) -> Reply:
    scope = scope_ids(req.uow, req.person)
    if cmd.owner is not None:
        owner = req.person_ref(cmd.owner)
        require_person_access(req.uow, req.person, owner)
        owners = [owner.id]
    elif cmd.everyone:
        owners = (
            sorted(scope)
            if scope is not None
            else [p.id for p in req.uow.people.in_workspace(req.actor.workspace.id)]
        )
    else:
        owners = [req.person.id]
    customers = req.uow.customers.owned_by(owners, include_archived=cmd.archived)
    customers = [
        c
        for c in customers
        if (cmd.tier is None or c.tier == cmd.tier)
        and (cmd.kind is None or c.kind == cmd.kind)
        and (cmd.tag is None or cmd.tag in c.tags)
    ]
    if not customers:
        return info("No customers match. Add one with `customer add <name> tier=…`.")
    people = {p.id: p for p in req.uow.people.get_many({c.owner_id for c in customers})}
    items = []
    for customer in customers[:LIST_LIMIT]:
        holder = people.get(customer.owner_id)
        zone = holder.timezone if holder else req.person.timezone
        status = quiet_status(customer, now=req.now, policy=req.deps.policy, tz_name=zone)
        who = ""
        if customer.owner_id != req.person.id and holder is not None:
            who = f", {holder.display_name}"
        items.append(
            Item(
                title=f"{customer.name} — {customer.tier}, {status.level}{who}"
                + (" [archived]" if customer.archived else ""),
            )
        )
    more = len(customers) - LIST_LIMIT
    return info(
        f"{len(customers)} customer{'s' if len(customers) != 1 else ''}",
        Section(items=tuple(items)),
        footer=f"…and {more} more: narrow with tier=, kind= or tag=." if more > 0 else None,
    )


def archive_customer(req: Request, cmd: ArchiveCustomer) -> Reply:
    customer = req.customer(cmd.customer)
    if customer.archived:
        return info(f"{customer.name} is already archived.")
    req.uow.customers.update(replace(customer, archived=True, next_due_at=None))
    req.audit("customer.archive", subject_type="customer", subject_id=customer.id)
    req.refresh(customer.id)
    req.uow.commit()
    return ok(f"Archived {customer.name}: no more nudges about it.")


def assign_customer(req: Request, cmd: AssignCustomer) -> Reply:
    customer = req.customer(cmd.customer)
    owner = req.person_ref(cmd.owner)
    require_person_access(req.uow, req.person, owner)
    if owner.id == customer.owner_id:
        return info(f"{customer.name} is already {owner.display_name}'s.")
    req.uow.customers.update(replace(customer, owner_id=owner.id))
    req.audit(
        "customer.assign",
        subject_type="customer",
        subject_id=customer.id,
        owner_id=owner.id,
        previous_owner_id=customer.owner_id,
    )
    req.refresh(customer.id)
    req.uow.commit()
    return ok(f"{customer.name} is now {owner.display_name}'s.")


def add_contact(req: Request, cmd: AddContact) -> Reply:
    customer = req.customer(cmd.customer)
    birthday = cmd.birthday
    contact = req.uow.contacts.add(
        Contact(
            id=0,
            customer_id=customer.id,
            name=" ".join(cmd.name.split()),
            role=cmd.role,
            birthday_month=birthday.month if birthday else None,
            birthday_day=birthday.day if birthday else None,
            birth_year=birthday.year if birthday else None,
        ),
        now=req.now,
    )
    req.audit("contact.add", subject_type="contact", subject_id=contact.id, customer_id=customer.id)
    req.refresh(customer.id)
    req.uow.commit()
    return ok(f"Added {contact.name} at {customer.name}.")


def add_date(req: Request, cmd: AddDate) -> Reply:
    customer = req.customer(cmd.customer)
    if not cmd.yearly and cmd.on < req.today:
        raise ServiceError(
            f"{cmd.on.isoformat()} has passed; add `yearly` for a date that comes back.",
            usage="date add <customer> <label> <YYYY-MM-DD> [yearly] [lead=N]",
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
    req.uow.commit()
    every = "every year" if cmd.yearly else "once"
    return ok(f"Noted {cmd.label!r} for {customer.name} on {cmd.on.isoformat()} ({every}).")


def add_life_event(req: Request, cmd: AddLifeEvent) -> Reply:
    policy = req.deps.policy
    known = policy.sensitive_events | policy.happy_events
    kind = cmd.kind.lower()
    if kind not in known:
        raise ServiceError(
            f"Unknown life event {cmd.kind!r}: use one of {', '.join(sorted(known))}.",
            usage="event add <customer|contact> <kind> [YYYY-MM-DD] [-- note]",
        )
    customer, contact = _event_subject(req, cmd)
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
    req.uow.commit()
    who = f"{contact.name} at {customer.name}" if contact else customer.name
    if kind in policy.sensitive_events:
        return ok(
            f"Noted {kind} for {who}. Upbeat nudges pause for "
            f"{policy.sensitive_suppression_days} days; a card or a personal note is due."
        )
    return ok(f"Noted {kind} for {who}: time to congratulate them.")


def _event_subject(req: Request, cmd: AddLifeEvent) -> tuple[Customer, Contact | None]:
    if cmd.customer is not None:
        customer = req.customer(cmd.customer)
        if cmd.contact is None:
            return customer, None
        contacts = [
            c
            for c in req.uow.contacts.of_customers([customer.id])
            if name_key(c.name) == name_key(cmd.contact)
        ]
        if not contacts:
            raise ServiceError(f"{customer.name} has no contact called {cmd.contact!r}.")
        return customer, contacts[0]
    if cmd.contact is None:
        raise ServiceError(
            "Say whose event it is: a customer or one of its contacts.",
            usage="event add <customer|contact> <kind> [YYYY-MM-DD] [-- note]",
        )
    scope = scope_ids(req.uow, req.person)
    owners = (
        sorted(scope)
        if scope is not None
        else [p.id for p in req.uow.people.in_workspace(req.actor.workspace.id)]
    )
    customers = {c.id: c for c in req.uow.customers.owned_by(owners)}
    wanted = name_key(cmd.contact)
    matches = [
        c for c in req.uow.contacts.of_customers(sorted(customers)) if name_key(c.name) == wanted
    ]
    if not matches:
        raise ServiceError(f"No customer or contact called {cmd.contact!r} in your book.")
    if len(matches) > 1:
        places = ", ".join(customers[c.customer_id].name for c in matches)
        raise ServiceError(
            f"{cmd.contact} is a contact at several customers ({places}): "
            "say which, e.g. event add <customer> <kind> contact=<name>."
        )
    return customers[matches[0].customer_id], matches[0]
