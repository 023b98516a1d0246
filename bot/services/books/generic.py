"""Importing what only an export holds: the workspace, people, dates, life events, offers,
pitches and nudges (``--preset generic``). Records are found by their key, else by what
identifies them naturally (a date by customer, label and day; an offer by title)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

from bot.platforms import names as platform_names
from bot.platforms import one_of
from bot.services.books.contacts import find_customer
from bot.services.books.context import ImportContext, Outcome
from bot.transfer.nudge_keys import local
from bot.transfer.presets import Kind
from bot.transfer.rows import Parsed, RowError
from nudges.model import (
    ImportantDate,
    LifeEvent,
    Nudge,
    NudgeReason,
    NudgeState,
    Offer,
    OfferKind,
    Person,
    Pitch,
    PitchState,
    Platform,
    RelationshipKind,
    Workspace,
)
from storage import SqlUnitOfWork
from storage.repositories.books import Keyed

T = TypeVar("T")


def find_or_make_workspace(uow: SqlUnitOfWork, options: Any, *, now: datetime) -> Workspace:
    """For a workspace file: the only workspace there is, else a placeholder (the file's own
    row says which to find or make)."""
    found = uow.workspaces.all()
    if len(found) == 1:
        return found[0]
    return Workspace(0, Platform.CONSOLE, "", "", "UTC", None)


def _workspace(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    for p in batch:
        v = p.values
        if "platform" not in v or "external_id" not in v:
            out.errors.append(RowError(p.line, None, None, "no platform or external_id"))
            continue
        if v["platform"] not in platform_names():
            out.errors.append(RowError(p.line, "platform", v["platform"], f"not {one_of()}"))
            continue
        platform = Platform(v["platform"])
        existing = ctx.uow.workspaces.find(platform=platform, external_id=v["external_id"])
        others = ctx.uow.workspaces.all()
        if existing is not None or (len(others) == 1 and ctx.workspace.id):
            out.unchanged += 1
            continue
        if not ctx.dry_run:
            ctx.uow.workspaces.add(
                platform=platform,
                external_id=v["external_id"],
                name=v.get("name", v["external_id"]),
                timezone=v.get("timezone", "UTC"),
                holiday_country=v.get("holiday_country"),
                now=ctx.now,
            )
        out.created += 1
    return out


_PERSON_FIELDS = (
    "display_name", "email", "timezone", "working_days", "delivery_hour", "holiday_country",
    "ooo_until", "daily_cap", "is_admin", "unreachable",
)  # fmt: skip


def _people(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    uow = ctx.uow
    saved: list[tuple[Parsed, Person]] = []
    for p in batch:
        v = p.values
        if "key" not in v:
            out.errors.append(RowError(p.line, None, None, "no key (platform handle)"))
            continue
        existing = uow.people.by_platform_id(
            workspace_id=ctx.workspace.id, platform_user_id=v["key"]
        )
        base = existing or Person(
            0, ctx.workspace.id, v["key"], v.get("display_name", v["key"]), "UTC"
        )
        changes: dict[str, Any] = {}
        for name in _PERSON_FIELDS:
            if name in v:
                changes[name] = v[name]
        person = replace(base, **changes)
        if existing is not None and person == existing and "manager" not in v and "cover" not in v:
            out.unchanged += 1
            continue
        if ctx.dry_run:
            out.created += existing is None
            out.updated += existing is not None
            continue
        if existing is None:
            person = uow.people.add(person, now=ctx.now)
            out.created += 1
        elif person != existing:
            person = uow.people.update(person)
            out.updated += 1
        else:
            out.unchanged += 1
        saved.append((p, person))
    for p, person in saved:  # managers and covers may come later in the file
        links: dict[str, Any] = {}
        for name in ("manager", "cover"):
            ref = p.values.get(name)
            if ref is None:
                continue
            other = uow.people.by_platform_id(workspace_id=ctx.workspace.id, platform_user_id=ref)
            if other is None:
                out.errors.append(
                    RowError(p.line, name, ref, "no such person in the file or the bot")
                )
                continue
            links[f"{name}_id"] = other.id
        if links and replace(person, **links) != person:
            uow.people.update(replace(person, **links))
    return out


def _rows_of(
    ctx: ImportContext, batch: list[Parsed], load: Callable[[Sequence[int]], list[Keyed[T]]]
) -> tuple[list[tuple[Parsed, int]], list[Keyed[T]], dict[tuple[str, str], int]]:
    """Each row's customer, the customers' stored records, and their contacts by key."""
    out: list[tuple[Parsed, int]] = []
    for p in batch:
        found = find_customer(ctx, p)
        if isinstance(found, RowError):
            raise _Skip(found)
        out.append((p, found[0]))
    ids = sorted({cid for _, cid in out})
    contacts = {}
    for k in ctx.uow.books.contacts_of(ids):
        contacts[(str(ctx.native), str(k.value.id))] = k.value.id
        if k.source and k.external_id:
            contacts[(k.source, k.external_id)] = k.value.id
    return out, load(ids), contacts


class _Skip(Exception):
    def __init__(self, error: RowError) -> None:
        self.error = error


def _dated(ctx: ImportContext, batch: list[Parsed], *, dates: bool) -> Outcome:
    out = Outcome()
    restore = ctx.uow.restore
    good = []
    for p in batch:
        found = find_customer(ctx, p)
        if isinstance(found, RowError):
            out.errors.append(found)
        else:
            good.append(p)
    load: Callable[[Sequence[int]], list[Keyed[Any]]] = (
        restore.dates_of if dates else restore.events_of
    )
    rows, stored, contacts = _rows_of(ctx, good, load)
    by_key = {(str(ctx.native), str(k.value.id)): k for k in stored}
    by_key.update({(k.source, k.external_id): k for k in stored if k.source and k.external_id})
    for p, customer_id in rows:
        v = p.values
        need = ("label", "on") if dates else ("kind", "on")
        if any(n not in v for n in need):
            out.errors.append(RowError(p.line, None, None, f"no {' or '.join(need)}"))
            continue
        ident = ctx.identity(v.get("key"))
        contact = contacts.get(ctx.identity(v.get("contact_key")) or ("", ""))
        existing = by_key.get(ident) if ident else None
        if existing is None:
            existing = next(
                (k for k in stored if _same(k.value, v, customer_id, contact, dates)), None
            )
        value: Any
        ident_id = existing.value.id if existing else 0
        if dates:
            value = ImportantDate(
                id=ident_id,
                customer_id=customer_id,
                label=v["label"],
                on=v["on"],
                yearly=v.get("yearly", True),
                lead_days=v.get("lead_days"),
                contact_id=contact,
            )
        else:
            value = LifeEvent(
                id=ident_id,
                customer_id=customer_id,
                kind=v["kind"],
                on=v["on"],
                contact_id=contact,
                note=v.get("note"),
            )
        keep = existing is not None and (ident is None or ctx.is_native(ident))
        record = Keyed(
            value,
            existing.source if keep and existing else (ident[0] if ident else None),
            existing.external_id if keep and existing else (ident[1] if ident else None),
        )
        if existing is not None and record == existing:
            out.unchanged += 1
            continue
        out.created += existing is None
        out.updated += existing is not None
        if not ctx.dry_run:
            if dates:
                restore.save_date(record)
            else:
                restore.save_event(record)
            ctx.uow.books.mark_due([customer_id], now=ctx.now)
    return out


def _same(
    value: Any, v: dict[str, Any], customer_id: int, contact: int | None, dates: bool
) -> bool:
    if value.customer_id != customer_id or value.on != v["on"] or value.contact_id != contact:
        return False
    return bool(value.label == v["label"]) if dates else bool(value.kind == v["kind"])


def _offers(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    for p in batch:
        v = p.values
        if any(n not in v for n in ("title", "kind", "existing_first_on", "public_on")):
            out.errors.append(
                RowError(p.line, None, None, "no title, kind, existing_first_on or public_on")
            )
            continue
        existing = ctx.uow.offers.by_title(workspace_id=ctx.workspace.id, title=v["title"])
        offer = Offer(
            id=existing.id if existing else 0,
            workspace_id=ctx.workspace.id,
            title=v["title"],
            kind=OfferKind(v["kind"]),
            existing_first_on=v["existing_first_on"],
            public_on=v["public_on"],
            quantity=v.get("quantity"),
            tiers=frozenset(v.get("tiers", ())),
            kinds=frozenset(RelationshipKind(k) for k in v.get("kinds", ())),
            tags=frozenset(v.get("tags", ())),
            description=v.get("description"),
        )
        if existing is not None and offer == existing:
            out.unchanged += 1
            continue
        out.created += existing is None
        out.updated += existing is not None
        if not ctx.dry_run:
            added = ctx.instant(v["added_at"]) if "added_at" in v else ctx.now
            ctx.uow.restore.save_offer(offer, created_at=added)
    return out


def _pitches(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    for p in batch:
        v = p.values
        found = find_customer(ctx, p)
        offer = ctx.uow.offers.by_title(workspace_id=ctx.workspace.id, title=v.get("offer", ""))
        if isinstance(found, RowError) or offer is None or "state" not in v or "at" not in v:
            problem = (
                found
                if isinstance(found, RowError)
                else RowError(p.line, "offer", v.get("offer"), "no such offer, or no state or at")
            )
            out.errors.append(problem)
            continue
        person = ctx.people.match(v["person"]) if "person" in v else None
        pitch = Pitch(offer.id, found[0], PitchState(v["state"]), ctx.instant(v["at"]))
        existing = ctx.uow.pitches.get(offer_id=offer.id, customer_id=found[0])
        if existing == pitch:
            out.unchanged += 1
            continue
        out.created += existing is None
        out.updated += existing is not None
        if not ctx.dry_run:
            ctx.uow.restore.save_pitch(
                pitch, person_id=person.id if isinstance(person, Person) else None
            )
    return out


def _nudges(ctx: ImportContext, batch: list[Parsed]) -> Outcome:
    out = Outcome()
    restore = ctx.uow.restore
    for p in batch:
        v = p.values
        found = find_customer(ctx, p)
        if isinstance(found, RowError):
            out.errors.append(found)
            continue
        recipient = ctx.people.match(v.get("recipient", ""))
        if not isinstance(recipient, Person) or any(
            n not in v for n in ("key", "reason", "state", "due_on")
        ):
            out.errors.append(
                RowError(
                    p.line,
                    "recipient",
                    v.get("recipient"),
                    "no such person, or no key, reason, state or due_on",
                )
            )
            continue
        ids = _nudge_ids(ctx, v, customer_id=found[0])
        key = local(v["key"], ids)
        if key is None:
            out.errors.append(RowError(p.line, "key", v["key"], "refers to a record not imported"))
            continue
        nudge = Nudge(
            dedupe_key=key,
            customer_id=found[0],
            recipient_id=recipient.id,
            reason=NudgeReason(v["reason"]),
            due_on=v["due_on"],
            priority=v.get("priority", 0.0),
            ritual=v.get("ritual"),
            detail=v.get("detail", ""),
            state=NudgeState(v["state"]),
            snoozed_until=v.get("snoozed_until"),
            level=v.get("level"),
            offer_id=ids.get("offer"),
            contact_id=ids.get("contact"),
            facts=v.get("facts", ()),
            deliver_on=v.get("deliver_on"),
        )
        existing = ctx.uow.nudges.by_key(key)
        if existing is not None and replace(existing, id=None) == nudge:
            out.unchanged += 1
            continue
        out.created += existing is None
        out.updated += existing is not None
        if not ctx.dry_run:
            created = ctx.instant(v["added_at"]) if "added_at" in v else ctx.now
            updated = ctx.instant(v["updated_at"]) if "updated_at" in v else ctx.now
            restore.save_nudge(
                nudge, created_at=created, updated_at=updated, state_reason=v.get("state_reason")
            )
    return out


def _nudge_ids(ctx: ImportContext, v: dict[str, Any], *, customer_id: int) -> dict[str, int]:
    ids = {"customer": customer_id}
    restore = ctx.uow.restore
    books = ctx.uow.books
    for name, load in (
        ("contact_key", books.contacts_of),
        ("date_key", restore.dates_of),
        ("event_key", restore.events_of),
    ):
        ident = ctx.identity(v.get(name))
        if ident is None:
            continue
        for k in load([customer_id]):
            same = (k.source, k.external_id) == ident
            if same or (ctx.is_native(ident) and str(k.value.id) == ident[1]):
                ids[name.removesuffix("_key")] = k.value.id
    if "offer" in v:
        offer = ctx.uow.offers.by_title(workspace_id=ctx.workspace.id, title=v["offer"])
        if offer is not None:
            ids["offer"] = offer.id
    if "person_key" in v:
        person = ctx.people.match(v["person_key"])
        if isinstance(person, Person):
            ids["person"] = person.id
    return ids


GENERIC_WRITERS: dict[Kind, Callable[[ImportContext, list[Parsed]], Outcome]] = {
    Kind.WORKSPACE: _workspace,
    Kind.PEOPLE: _people,
    Kind.DATES: lambda ctx, batch: _dated(ctx, batch, dates=True),
    Kind.EVENTS: lambda ctx, batch: _dated(ctx, batch, dates=False),
    Kind.OFFERS: _offers,
    Kind.PITCHES: _pitches,
    Kind.NUDGES: _nudges,
}
