"""Contacts at a customer: added, corrected, removed, and found by what was typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from bot.commands import AddContact, EditContact, RemoveContact
from bot.replies import Reply, info, ok
from bot.services.request import Request, ServiceError
from bot.services.wording import count, day_of_year, listing
from nudges.model import Contact, Customer
from nudges.names import name_key

T = TypeVar("T")

# --- finding a contact (or a date) by what was typed ---------------------------------------


def matching(typed: str, items: Mapping[int, T], name: Callable[[T], str]) -> list[T]:
    """The items whose name is ``typed``; else whose name starts with its words ("Claire" for
    Claire Dubois); else whose name holds its words ("Dubois"). Case and spaces do not count."""
    key = name_key(typed)
    keys = {i: name_key(name(item)) for i, item in items.items()}
    for rule in (
        lambda k: k == key,
        lambda k: k.startswith(key + " "),
        lambda k: f" {key} " in f" {k} ",
    ):
        found = [items[i] for i, k in keys.items() if rule(k)]
        if found:
            return found
    return []


def find_contact(req: Request, customer: Customer, typed: str) -> Contact:
    contacts = {c.id: c for c in req.uow.contacts.of_customers([customer.id])}
    found = matching(typed, contacts, lambda c: c.name)
    if len(found) == 1:
        return found[0]
    if found:
        names = listing([c.name for c in found])
        raise ServiceError(
            f"{typed!r} could be {names} at {customer.name}: say which.", field="contact"
        )
    known = ", ".join(c.name for c in contacts.values()) or "none yet"
    raise ServiceError(
        f"{customer.name} has no contact called {typed!r} (contacts: {known}).",
        usage="contact add <customer> <name> [birthday=MM-DD] [role=…]",
        field="contact",
    )


# --- contacts --------------------------------------------------------------------------------


def describe_contact(contact: Contact) -> str:
    parts = [contact.name]
    if contact.role:
        parts.append(contact.role)
    if contact.birthday_month and contact.birthday_day:
        born = day_of_year(contact.birthday_month, contact.birthday_day, contact.birth_year)
        parts.append(f"birthday {born}")
    if contact.email:
        parts.append(contact.email)
    return ", ".join(parts)


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
            email=cmd.email,
        ),
        now=req.now,
    )
    req.audit("contact.add", subject_type="contact", subject_id=contact.id, customer_id=customer.id)
    req.refresh(customer.id)
    req.commit(f"adding {contact.name} at {customer.name}")
    return ok(f"Added {contact.name} at {customer.name}.")


def edit_contact(req: Request, cmd: EditContact) -> Reply:
    customer = req.customer(cmd.customer)
    contact = find_contact(req, customer, cmd.contact)
    birthday = cmd.birthday
    updated = replace(
        contact,
        name=cmd.name or contact.name,
        role=None if "role" in cmd.clear else cmd.role or contact.role,
        email=None if "email" in cmd.clear else cmd.email or contact.email,
    )
    if "birthday" in cmd.clear:
        updated = replace(updated, birthday_month=None, birthday_day=None, birth_year=None)
    elif birthday is not None:
        updated = replace(
            updated,
            birthday_month=birthday.month,
            birthday_day=birthday.day,
            birth_year=birthday.year,
        )
    if updated == contact:
        return info(f"Nothing to change on {contact.name} at {customer.name}.")
    if updated.name != contact.name and any(
        name_key(c.name) == name_key(updated.name)
        for c in req.uow.contacts.of_customers([customer.id])
        if c.id != contact.id
    ):
        raise ServiceError(f"{customer.name} has another contact called {updated.name} already.")
    req.uow.contacts.update(updated)
    changed = _changes(contact, updated)
    req.audit(
        "contact.edit",
        subject_type="contact",
        subject_id=contact.id,
        customer_id=customer.id,
        fields=[field for field, _ in changed],
    )
    req.refresh(customer.id)
    said = "; ".join(f"{field} {text}" for field, text in changed)
    req.commit(f"the change to {contact.name} at {customer.name}: {said}")
    return ok(f"Updated {updated.name} at {customer.name}: {said}.")


def _changes(before: Contact, after: Contact) -> list[tuple[str, str]]:
    """What changed on a contact, in words (no field names from the database)."""
    out: list[tuple[str, str]] = []
    if after.name != before.name:
        out.append(("name", f"now {after.name} (was {before.name})"))
    if after.role != before.role:
        out.append(("role", f"now {after.role}" if after.role else "removed"))
    born = (after.birthday_month, after.birthday_day, after.birth_year)
    if born != (before.birthday_month, before.birthday_day, before.birth_year):
        text = "removed"
        if after.birthday_month and after.birthday_day:
            text = "now " + day_of_year(after.birthday_month, after.birthday_day, after.birth_year)
        out.append(("birthday", text))
    if after.email != before.email:
        out.append(("email", f"now {after.email}" if after.email else "removed"))
    return out


def remove_contact(req: Request, cmd: RemoveContact) -> Reply:
    customer = req.customer(cmd.customer)
    contact = find_contact(req, customer, cmd.contact)
    touched = req.uow.touches.count(customer.id, contact_id=contact.id)
    req.watch("touchpoint", "contact_id", contact.id)  # they lose the name; undo gives it back
    req.uow.contacts.remove(contact.id)
    req.audit(
        "contact.remove", subject_type="contact", subject_id=contact.id, customer_id=customer.id
    )
    req.refresh(customer.id)
    req.commit(f"removing {contact.name} from {customer.name}")
    stay = "stays" if touched == 1 else "stay"
    kept = f" The {count(touched, 'touch', 'touches')} with them {stay} in its history."
    kept = kept if touched else ""
    return ok(f"Removed {contact.name} from {customer.name}.{kept}")
