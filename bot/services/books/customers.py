"""Importing customers: each row updates the customer it names (by source and external id,
else by name) or creates one; a row that changes nothing is counted as unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.services.books.context import ImportContext, Outcome, find_keyed
from bot.transfer.rows import Parsed, RowError
from nudges.model import Customer, Person, RelationshipKind
from nudges.names import name_key
from storage.repositories.books import Keyed

_PLAIN = {
    "tier": "tier", "cadence": "cadence", "since": "since", "renewal": "renewal_on",
    "value": "annual_value", "timezone": "timezone", "country": "country", "tags": "tags",
    "dnc_until": "dnc_until", "dnc_reason": "dnc_reason", "min_gap_days": "min_gap_days",
    "archived": "archived",
}  # fmt: skip


def write_customers(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    books = ctx.books
    idents = (ctx.identity(p.values.get("key")) for p in batch)
    by_key = find_keyed(ctx, idents, books.customers_by_key)
    names = [p.values["name"] for p in batch if "name" in p.values]
    names += [k.value.name for k in by_key.values()]
    by_name = books.customers_by_name(ctx.workspace.id, names)
    if ctx.dry_run:
        by_key.update({k: v for k, v in ctx.pending.items() if isinstance(k, tuple)})
        by_name.update({k: v for k, v in ctx.pending.items() if isinstance(k, str)})
    created: list[Keyed[Customer]] = []
    changed: list[Keyed[Customer]] = []
    for p in batch:
        result = _decide(ctx, p, by_key, by_name)
        if isinstance(result, RowError):
            out.errors.append(result)
            continue
        record, existing = result
        if existing is None:
            created.append(_due(record, ctx))
        elif record == existing:
            out.unchanged += 1
            continue
        else:
            changed.append(_due(record, ctx))
        if ctx.dry_run:
            if record.source and record.external_id:
                ctx.pending[(record.source, record.external_id)] = record
            ctx.pending[name_key(record.value.name)] = record
    out.created, out.updated = len(created), len(changed)
    if not ctx.dry_run:
        _write(ctx, created, changed)
    return out


def _write(
    ctx: ImportContext, created: list[Keyed[Customer]], changed: list[Keyed[Customer]]
) -> None:
    books = ctx.books
    ids = books.insert_customers(created, now=ctx.now) if created else {}
    books.update_customers(changed)
    audit = [
        ctx.audit(
            "customer.import",
            subject_type="customer",
            subject_id=ids[name_key(k.value.name)],
            change="created",
        )
        for k in created
    ]
    audit += [
        ctx.audit(
            "customer.import", subject_type="customer", subject_id=k.value.id, change="updated"
        )
        for k in changed
    ]
    books.audit_many(audit)


def _due(record: Keyed[Customer], ctx: ImportContext) -> Keyed[Customer]:
    """A customer created or changed is decided again by the next sweep."""
    due = None if record.value.archived else ctx.now
    return Keyed(replace(record.value, next_due_at=due), record.source, record.external_id)


def _decide(
    ctx: ImportContext,
    p: Parsed,
    by_key: dict[tuple[str, str], Keyed[Customer]],
    by_name: dict[str, Keyed[Customer]],
) -> tuple[Keyed[Customer], Keyed[Customer] | None] | RowError:
    values = p.values
    ident = ctx.identity(values.get("key"))
    name = values.get("name")
    existing = by_key.get(ident) if ident else None
    if existing is None and name is not None:
        existing = by_name.get(name_key(name))
        linked = (existing.source, existing.external_id) if existing else (None, None)
        if ident and linked[0] and linked[1] and linked != ident and existing is not None:
            return RowError(
                p.line,
                None,
                None,
                f"{existing.value.name!r} is already the customer with {existing.source} id "
                f"{existing.external_id}, not {ident[1]}: rename one of them",
            )
    if existing is None and name is None:
        return RowError(p.line, None, None, "no customer name: the row is skipped")
    if (
        existing is not None
        and name is not None
        and name_key(name) != name_key(existing.value.name)
    ):
        other = by_name.get(name_key(name))
        if other is not None and other.value.id != existing.value.id:
            return RowError(p.line, None, name, "another customer already has this name")
    owner = ctx.owner(
        values, p.line, "owner", fallback=existing.value.owner_id if existing else None
    )
    if isinstance(owner, RowError):
        return owner
    base = existing.value if existing else _new(ctx, name or "", owner)
    customer = _apply(ctx, base, values, owner)
    source = ident[0] if ident else (existing.source if existing else None)
    external = ident[1] if ident else (existing.external_id if existing else None)
    if existing is not None and ctx.is_native(ident):
        source, external = existing.source, existing.external_id  # our own record, as it was
    return Keyed(customer, source, external), existing


def _new(ctx: ImportContext, name: str, owner: Person) -> Customer:
    tiers = ctx.policy.tiers
    return Customer(
        id=0,
        workspace_id=ctx.workspace.id,
        name=name,
        owner_id=owner.id,
        tier=tiers[min(1, len(tiers) - 1)],
    )


def _apply(ctx: ImportContext, base: Customer, values: dict[str, Any], owner: Person) -> Customer:
    changes: dict[str, Any] = {"owner_id": owner.id}
    if "name" in values:
        changes["name"] = values["name"]
    for name, attribute in _PLAIN.items():
        if name in values:
            changes[attribute] = values[name]
    if "kind" in values:
        changes["kind"] = RelationshipKind(values["kind"])
    if "last_touch" in values:
        last = ctx.instant(values["last_touch"], owner=owner)
        own: datetime | None = last
        if "owner_last_touch" in ctx.columns:
            own_value = values.get("owner_last_touch")
            own = ctx.instant(own_value, owner=owner) if own_value is not None else None
        if base.last_touch_at is None or base.last_touch_at < last:
            changes["last_touch_at"] = last
        if own is not None and (base.owner_last_touch_at is None or base.owner_last_touch_at < own):
            changes["owner_last_touch_at"] = own
    if "added_at" in values:
        changes["added_at"] = ctx.instant(values["added_at"], owner=owner)
    return replace(base, **changes)
