"""Importing contacts: found by source and external id, else by name at their customer; the
customer by its key, else by name."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.services.books.context import ImportContext, Outcome, find_keyed
from bot.transfer.rows import Parsed, RowError
from nudges.model import Contact
from nudges.names import name_key
from storage.repositories.books import Keyed


def find_customer(ctx: ImportContext, p: Parsed) -> tuple[int, int] | RowError:
    """(customer id, owner id) of the customer a row belongs to."""
    index = ctx.customers
    key = p.values.get("customer_key")
    if key is not None:
        ident = ctx.identity(key)
        if ident is not None and ctx.is_native(ident):
            found = index.by_id.get(int(ident[1]))
        else:
            found = index.by_key.get(ident) if ident else None
        if found is not None:
            return found
    name = p.values.get("customer")
    if name is not None:
        found = index.by_name.get(name_key(name))
        if found is not None:
            return found
        return RowError(
            p.line, ctx.column("customer"), name, "no customer of that name: import customers first"
        )
    if key is not None:
        return RowError(
            p.line,
            ctx.column("customer_key"),
            key,
            "no customer with that id: import customers first",
        )
    return RowError(p.line, None, None, "no customer given: the row is skipped")


def write_contacts(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    books = ctx.books
    resolved: list[tuple[Parsed, int]] = []
    for p in batch:
        if "name" not in p.values:
            out.errors.append(RowError(p.line, None, None, "no contact name: the row is skipped"))
            continue
        found = find_customer(ctx, p)
        if isinstance(found, RowError):
            out.errors.append(found)
            continue
        resolved.append((p, found[0]))
    idents = (ctx.identity(p.values.get("key")) for p, _ in resolved)
    by_key = find_keyed(ctx, idents, books.contacts_by_key)
    by_name: dict[tuple[int, str], Keyed[Contact]] = {}
    for k in books.contacts_of(sorted({cid for _, cid in resolved})):
        by_name.setdefault((k.value.customer_id, name_key(k.value.name)), k)
    created: list[Keyed[Contact]] = []
    changed: list[Keyed[Contact]] = []
    for p, customer_id in resolved:
        ident = ctx.identity(p.values.get("key"))
        existing = by_key.get(ident) if ident else None
        if existing is None:
            existing = by_name.get((customer_id, name_key(p.values["name"])))
            if existing is not None and ident and existing.external_id and existing.source:
                existing = None if (existing.source, existing.external_id) != ident else existing
        base = existing.value if existing else Contact(id=0, customer_id=customer_id, name="")
        keep = existing is not None and (ident is None or ctx.is_native(ident))
        record = Keyed(
            _apply(base, p.values, customer_id),
            existing.source if keep and existing else (ident[0] if ident else None),
            existing.external_id if keep and existing else (ident[1] if ident else None),
        )
        if existing is None:
            created.append(record)
        elif record == existing:
            out.unchanged += 1
        else:
            changed.append(record)
    out.created, out.updated = len(created), len(changed)
    if not ctx.dry_run:
        books.insert_contacts(created, now=ctx.now)
        books.update_contacts(changed)
        books.mark_due({k.value.customer_id for k in (*created, *changed)}, now=ctx.now)
    return out


def _apply(base: Contact, values: dict[str, Any], customer_id: int) -> Contact:
    changes: dict[str, Any] = {"customer_id": customer_id, "name": values["name"]}
    for name in ("role", "email"):
        if name in values:
            changes[name] = values[name]
    if "birthday" in values:
        month, day, year = values["birthday"]
        changes.update(birthday_month=month, birthday_day=day, birth_year=year)
    return replace(base, **changes)
