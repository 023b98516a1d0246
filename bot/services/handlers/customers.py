"""Customers and what hangs off them: contacts, important dates, life events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import holidays as holiday_data

from bot.commands import (
    AddCustomer,
    ArchiveCustomer,
    AssignCustomer,
    CustomerFields,
    EditCustomer,
    ListCustomers,
    ShowCustomer,
    UnarchiveCustomer,
)
from bot.replies import Item, Reply, Section, info, ok
from bot.services.access import require_person_access, scope_ids
from bot.services.handlers.contacts import describe_contact
from bot.services.handlers.escalations import hand_over
from bot.services.handlers.history import touch_items
from bot.services.nudge_text import ReadContext, is_actionable
from bot.services.onboarding import last_touched, since_last_touch
from bot.services.present import money, nudge_item
from bot.services.request import Request, ServiceError
from bot.services.wording import count, long_date
from nudges.dates import upcoming
from nudges.model import Customer, NudgeState, Person
from nudges.quiet import quiet_status

LIST_LIMIT = 50
ARCHIVED = "archived"  # the reason a nudge ended when its customer was archived
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
    req.created("customer", id=customer.id)
    req.audit("customer.add", subject_type="customer", subject_id=customer.id)
    req.refresh(customer.id)
    req.commit(f"the new customer {customer.name}")
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
    said = "; ".join(_described(req, customer, updated))
    req.commit(f"the change to {customer.name}: {said}")
    return ok(f"Updated {customer.name}: {said}.")


def _described(req: Request, before: Customer, after: Customer) -> list[str]:
    """What changed on a customer, in words: no field names from the database."""

    def day(value: date | None) -> str | None:
        return long_date(value, today=req.today) if value else None

    def cadence(c: Customer) -> str | None:
        return f"{c.cadence.ideal_days}/{c.cadence.max_days} days" if c.cadence else None

    shown: list[tuple[str, str | None, str | None]] = [
        ("tier", before.tier, after.tier),
        ("kind", before.kind.value, after.kind.value),
        ("value", money(before.annual_value), money(after.annual_value)),
        ("customer since", day(before.since), day(after.since)),
        ("renewal", day(before.renewal_on), day(after.renewal_on)),
        ("time zone", before.timezone, after.timezone),
        ("country", before.country, after.country),
        ("cadence", cadence(before), cadence(after)),
        ("tags", ", ".join(sorted(before.tags)) or None, ", ".join(sorted(after.tags)) or None),
        ("owner", req.person_name(before.owner_id), req.person_name(after.owner_id)),
    ]
    out = []
    for label, old, new in shown:
        if old == new:
            continue
        if new is None:
            out.append(f"{label} removed (was {old})")
        elif old is None:
            out.append(f"{label} now {new}")
        else:
            out.append(f"{label} {old} → {new}")
    return out


SHOWN_TOUCHES = 5


def show_customer(req: Request, cmd: ShowCustomer) -> Reply:
    customer = req.visible_customer(cmd.customer)
    policy = req.deps.policy
    today = req.today
    owner = req.uow.people.get(customer.owner_id) or req.person
    status = quiet_status(customer, now=req.now, policy=policy, tz_name=owner.timezone)
    last_touch_text = since_last_touch(customer, status, now=req.now, tz_name=owner.timezone)
    facts = [
        ("Owner", owner.display_name),
        ("Tier", f"{customer.tier} ({customer.kind.value})"),
        ("Cadence", f"ideal {status.cadence.ideal_days}, max {status.cadence.max_days} days"),
        ("Status", f"{status.level} — {last_touch_text}"),
        ("Value", money(customer.annual_value)),
    ]
    if customer.since:
        facts.append(("Customer since", long_date(customer.since, today=today)))
    if customer.renewal_on:
        renewal = long_date(customer.renewal_on, today=today)
        if customer.renewal_on < today:
            renewal += f" (passed: `customer edit {customer.name} renewal=YYYY-MM-DD`)"
        facts.append(("Renewal", renewal))
    if customer.timezone:
        facts.append(("Time zone", customer.timezone))
    if customer.tags:
        facts.append(("Tags", ", ".join(sorted(customer.tags))))
    if customer.dnc_until and customer.dnc_until >= today:
        why = f" ({customer.dnc_reason})" if customer.dnc_reason else ""
        facts.append(("Do not contact until", long_date(customer.dnc_until, today=today) + why))
    contacts = req.uow.contacts.of_customers([customer.id])
    dates = req.uow.dates.of_customers([customer.id])
    soon = upcoming(
        customer=customer, contacts=contacts, dates=dates, today=today, policy=policy, days=60
    )
    sections = [Section(items=(Item(title=customer.name, fields=tuple(facts)),))]
    if contacts:
        sections.append(
            Section("Contacts", tuple(Item(title=describe_contact(c)) for c in contacts))
        )
    touches = req.uow.touches.history(customer.id, limit=SHOWN_TOUCHES)
    if touches:
        total = req.uow.touches.count(customer.id)
        more = f"`history {customer.name}` shows more." if total > len(touches) else None
        sections.append(Section("Last touches", touch_items(req, touches), note=more))
    if soon:
        sections.append(
            Section(
                "Coming up",
                tuple(Item(title=f"{long_date(e.on, today=today)} — {e.label}") for e in soon),
            )
        )
    here = ReadContext(timezone=req.person.timezone)
    stored = req.uow.nudges.live_for_customer(customer.id)
    waiting = [n for n in stored if n.state is NudgeState.SNOOZED]
    live = [
        n
        for n in stored
        if n.state is not NudgeState.SNOOZED
        and is_actionable(n, customer, now=req.now, policy=policy, timezone=here.timezone)
    ]
    if (live or waiting) and not customer.archived:
        later = f"{count(len(waiting), 'more', 'more')} snoozed or held until later."
        sections.append(
            Section(
                "Open nudges",
                tuple(
                    nudge_item(n, customer, policy=policy, now=req.now, context=here) for n in live
                ),
                note=later if waiting else None,
            )
        )
    if customer.archived:
        return info(
            f"{customer.name} (archived)",
            *sections,
            footer=f"Archived: no nudges about it. `customer unarchive {customer.name}` brings "
            "it back.",
        )
    return info(f"{customer.name}", *sections)


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
    for nudge in req.uow.nudges.live_for_customer(customer.id):
        # Marked, so that bringing the customer back reopens what was still due.
        req.uow.nudges.set_state(nudge.id or 0, NudgeState.EXPIRED, now=req.now, reason=ARCHIVED)
    req.audit("customer.archive", subject_type="customer", subject_id=customer.id)
    req.refresh(customer.id)
    req.commit(f"archiving {customer.name}")
    return ok(f"Archived {customer.name}: no more nudges about it.")


def unarchive_customer(req: Request, cmd: UnarchiveCustomer) -> Reply:
    customer = req.customer(cmd.customer)
    if not customer.archived:
        return info(f"{customer.name} is not archived.")
    req.uow.customers.update(replace(customer, archived=False, next_due_at=req.now))
    req.uow.nudges.reopen(customer.id, ended_because=ARCHIVED, now=req.now)
    req.audit("customer.unarchive", subject_type="customer", subject_id=customer.id)
    req.refresh(customer.id)
    req.commit(f"bringing {customer.name} back from the archive")
    return ok(f"{customer.name} is back: its nudges resume.")


def assign_customer(req: Request, cmd: AssignCustomer) -> Reply:
    customer = req.customer(cmd.customer)
    owner = req.person_ref(cmd.owner)
    require_person_access(req.uow, req.person, owner)
    if owner.id == customer.owner_id:
        return info(f"{customer.name} is already {owner.display_name}'s.")
    previous = req.person_name(customer.owner_id)
    hand_over(req, customer, owner)
    req.commit(f"handing {customer.name} to {owner.display_name} (it was {previous}'s)")
    return ok(
        f"{customer.name} is now {owner.display_name}'s (it was {previous}'s); their own "
        "clock starts today."
    )
