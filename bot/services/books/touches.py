"""Importing touch history (calls, meetings, e-mails): never twice. A row is known by its
source and external id, or, without an id column, by a digest of what it says; a record
exported from this bot is also found again by customer, instant, ritual and person."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.services.books.contacts import find_customer
from bot.services.books.context import ImportContext, Outcome, find_keyed
from bot.transfer.rows import Parsed, RowError
from nudges.model import Person, Touch
from nudges.names import name_key
from storage.repositories.books import Keyed

DEFAULT_RITUAL = "activity"


@dataclass(frozen=True, slots=True)
class _Draft:
    touch: Touch
    source: str | None
    external_id: str
    owner_id: int


def write_touches(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    drafts = _drafts(ctx, batch, out)
    if not drafts:
        return out
    books = ctx.books
    existing = find_keyed(
        ctx, ((d.source or "", d.external_id) for d in drafts), books.touches_by_key
    )
    seen: set[tuple[str, str]] = set()
    created: list[Keyed[Touch]] = []
    changed: list[Keyed[Touch]] = []
    clocks: dict[int, tuple[datetime, datetime | None]] = {}
    for d in drafts:
        t = d.touch
        if (d.source or "", d.external_id) in seen:
            out.unchanged += 1  # the same row twice in one file
            continue
        seen.add((d.source or "", d.external_id))
        found = existing.get((d.source or "", d.external_id))
        keyed_as: tuple[str | None, str | None] = (d.source, d.external_id)
        if found is not None and ctx.native is not None and d.source == ctx.native:
            keyed_as = (found.source, found.external_id)
        record = Keyed(t if found is None else _same_id(t, found.value), *keyed_as)
        if found is None:
            created.append(record)
        elif record == found:
            out.unchanged += 1
            continue
        else:
            changed.append(record)
        last, own = clocks.get(t.customer_id, (t.at, None))
        mine = t.at if t.person_id == d.owner_id else None
        clocks[t.customer_id] = (max(last, t.at), max((x for x in (own, mine) if x), default=None))
    out.created, out.updated = len(created), len(changed)
    if not ctx.dry_run:
        books.insert_touches(created)
        books.update_touches(changed)
        books.move_clocks(clocks, now=ctx.now)
    return out


def _same_id(touch: Touch, found: Touch) -> Touch:
    return Touch(
        id=found.id,
        customer_id=touch.customer_id,
        person_id=touch.person_id,
        ritual=touch.ritual,
        at=touch.at,
        contact_id=touch.contact_id,
        note=touch.note,
    )


def _drafts(ctx: ImportContext, batch: list[Parsed], out: Outcome) -> list[_Draft]:
    books = ctx.books
    resolved: list[tuple[Parsed, int, int]] = []
    for p in batch:
        if p.values.get("done") is False:
            out.skipped += 1  # a planned activity, not a touch yet
            continue
        if "at" not in p.values:
            out.errors.append(RowError(p.line, None, None, "no date: the row is skipped"))
            continue
        found = find_customer(ctx, p)
        if isinstance(found, RowError):
            out.errors.append(found)
            continue
        resolved.append((p, *found))
    contacts: dict[tuple[int, str], int] = {}
    keyed_contacts: dict[tuple[str, str], int] = {}
    if any("contact" in p.values or "contact_key" in p.values for p, _, _ in resolved):
        for k in books.contacts_of(sorted({cid for _, cid, _ in resolved})):
            contacts.setdefault((k.value.customer_id, name_key(k.value.name)), k.value.id)
            if k.source and k.external_id:
                keyed_contacts[(k.source, k.external_id)] = k.value.id
            if ctx.native is not None:
                keyed_contacts[(ctx.native, str(k.value.id))] = k.value.id
    drafts = []
    for p, customer_id, owner_id in resolved:
        person = ctx.owner(p.values, p.line, "person", fallback=owner_id)
        if isinstance(person, RowError):
            out.errors.append(person)
            continue
        owner = ctx.people.by_id.get(owner_id)
        at = ctx.instant(p.values["at"], owner=owner or person)
        if at > ctx.now:
            out.skipped += 1  # not happened yet
            continue
        draft = _draft(ctx, p.values, customer_id=customer_id, person=person, at=at)
        contact_id = _contact(ctx, p.values, customer_id, contacts, keyed_contacts)
        drafts.append(
            _Draft(
                Touch(
                    id=0,
                    customer_id=customer_id,
                    person_id=person.id,
                    ritual=draft["ritual"],
                    at=at,
                    contact_id=contact_id,
                    note=p.values.get("note") or None,
                ),
                draft["source"],
                draft["external_id"],
                owner_id,
            )
        )
    return drafts


def _draft(
    ctx: ImportContext, values: dict[str, Any], *, customer_id: int, person: Person, at: datetime
) -> dict[str, Any]:
    ritual = values.get("ritual") or DEFAULT_RITUAL
    ident = ctx.identity(values.get("key"))
    if ident is not None:
        return {"ritual": ritual, "source": ident[0], "external_id": ident[1]}
    digest = hashlib.sha1(
        "\x1f".join(
            (str(customer_id), at.isoformat(), ritual, str(person.id), values.get("note") or "")
        ).encode(),
        usedforsecurity=False,
    ).hexdigest()[:32]
    return {"ritual": ritual, "source": ctx.source, "external_id": f"sha1:{digest}"}


def _contact(
    ctx: ImportContext,
    values: dict[str, Any],
    customer_id: int,
    contacts: Mapping[tuple[int, str], int],
    keyed: Mapping[tuple[str, str], int],
) -> int | None:
    ident = ctx.identity(values.get("contact_key"))
    if ident is not None and ident in keyed:
        return keyed[ident]
    name = values.get("contact")
    return contacts.get((customer_id, name_key(name))) if name else None
