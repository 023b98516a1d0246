"""``export``: everything the bot knows about a workspace (or one person's book), one file per
kind, in the layout ``import … --preset generic`` reads back losslessly."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bot.services.books.context import NATIVE
from bot.services.context import Deps
from bot.transfer import generic
from bot.transfer.nudge_keys import portable
from bot.transfer.presets import Kind
from bot.transfer.writer import TableWriter
from nudges.model import Customer, Workspace
from storage.repositories.books import Keyed
from storage.repositories.exports import ExportRepository

Opener = Callable[[str], IO[str]]  # file name -> an open text stream


@dataclass
class ExportReport:
    rows: dict[Kind, int] = field(default_factory=dict)


def export_book(
    deps: Deps,
    *,
    workspace: Workspace,
    open_file: Opener,
    fmt: str = "csv",
    owner_ids: frozenset[int] | None = None,
) -> ExportReport:
    """Write every file (``open_file(name)`` gives the stream); one read-only transaction, so
    the files agree with each other."""
    with deps.uow() as uow:
        key = uow.workspaces.export_key(workspace.id)
        uow.commit()
    native = f"{NATIVE}{key}"
    report = ExportReport()
    with deps.reader() as uow:
        repo = uow.exports(workspace.id, owner_ids)
        refs = _Refs(native, repo)
        for kind in generic.ORDER:
            stream = open_file(f"{kind.value}.{fmt}")
            try:
                writer = TableWriter(stream, generic.COLUMNS[kind], fmt=fmt)
                for values in _ROWS[kind](repo, refs):
                    writer.write(values)
                writer.close()
            finally:
                stream.close()
            report.rows[kind] = writer.rows
    return report


class _Refs:
    """How records refer to each other in the files: keys, handles and titles."""

    def __init__(self, native: str, repo: ExportRepository) -> None:
        self.native = native
        self.people = repo.every_person()
        self.customers: dict[int, tuple[str, str]] = {}  # id -> (key, name)
        self.contacts = repo.refs("contact")
        self.dates = repo.refs("date")
        self.events = repo.refs("event")
        self.offers: dict[int, str] = {}

    def key(self, record: Keyed[Any]) -> str:
        if record.source and record.external_id:
            return f"{record.source}:{record.external_id}"
        return f"{self.native}:{record.value.id}"

    def of(self, table: dict[int, tuple[str, str]], record_id: int | None) -> str | None:
        if record_id is None:
            return None
        found = table.get(record_id)
        return f"{found[0]}:{found[1]}" if found else f"{self.native}:{record_id}"

    def customer(self, customer_id: int) -> dict[str, str]:
        key, name = self.customers[customer_id]
        return {"customer_key": key, "customer": name}

    def person(self, person_id: int | None) -> str | None:
        return self.people.get(person_id) if person_id is not None else None


def _workspace(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    w = repo.workspace()
    yield {"platform": w.platform.value, "external_id": w.external_id, "name": w.name,
           "timezone": w.timezone, "holiday_country": w.holiday_country}  # fmt: skip


def _people(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for p in repo.people():
        yield {
            "key": p.platform_user_id, "display_name": p.display_name, "email": p.email,
            "timezone": p.timezone,
            "working_days": ",".join(str(d) for d in sorted(p.working_days)),
            "delivery_hour": p.delivery_hour, "holiday_country": p.holiday_country,
            "manager": refs.person(p.manager_id), "ooo_until": p.ooo_until,
            "cover": refs.person(p.cover_id), "daily_cap": p.daily_cap, "is_admin": p.is_admin,
            "unreachable": p.unreachable,
        }  # fmt: skip


def _customers(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for k in repo.customers():
        c: Customer = k.value
        key = refs.key(k)
        refs.customers[c.id] = (key, c.name)
        cadence = f"{c.cadence.ideal_days}/{c.cadence.max_days}" if c.cadence else None
        yield {
            "key": key, "name": c.name, "owner": refs.person(c.owner_id), "tier": c.tier,
            "kind": c.kind.value, "cadence": cadence, "since": c.since, "renewal": c.renewal_on,
            "value": c.annual_value, "timezone": c.timezone, "country": c.country,
            "tags": c.tags, "dnc_until": c.dnc_until, "dnc_reason": c.dnc_reason,
            "min_gap_days": c.min_gap_days, "archived": c.archived, "last_touch": c.last_touch_at,
            "owner_last_touch": c.owner_last_touch_at, "added_at": c.added_at,
        }  # fmt: skip


def _contacts(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for k in repo.contacts():
        c = k.value
        birthday = None
        if c.birthday_month and c.birthday_day:
            birthday = f"{c.birthday_month:02d}-{c.birthday_day:02d}"
            if c.birth_year:
                birthday = f"{c.birth_year:04d}-{birthday}"
        yield {"key": refs.key(k), **refs.customer(c.customer_id), "name": c.name,
               "role": c.role, "email": c.email, "birthday": birthday}  # fmt: skip


def _dates(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for k in repo.dates():
        d = k.value
        yield {"key": refs.key(k), **refs.customer(d.customer_id),
               "contact_key": refs.of(refs.contacts, d.contact_id), "label": d.label, "on": d.on,
               "yearly": d.yearly, "lead_days": d.lead_days}  # fmt: skip


def _events(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for k in repo.events():
        e = k.value
        yield {"key": refs.key(k), **refs.customer(e.customer_id),
               "contact_key": refs.of(refs.contacts, e.contact_id), "kind": e.kind, "on": e.on,
               "note": e.note}  # fmt: skip


def _touches(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for k in repo.touches():
        t = k.value
        yield {"key": refs.key(k), **refs.customer(t.customer_id),
               "person": refs.person(t.person_id),
               "contact_key": refs.of(refs.contacts, t.contact_id), "ritual": t.ritual,
               "at": t.at, "note": t.note}  # fmt: skip


def _offers(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for o, created_at in repo.offers():
        refs.offers[o.id] = o.title
        yield {"title": o.title, "kind": o.kind.value, "existing_first_on": o.existing_first_on,
               "public_on": o.public_on, "quantity": o.quantity, "tiers": o.tiers,
               "kinds": frozenset(k.value for k in o.kinds), "tags": o.tags,
               "description": o.description, "added_at": created_at}  # fmt: skip


def _pitches(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for p, person_id in repo.pitches():
        yield {"offer": refs.offers.get(p.offer_id), **refs.customer(p.customer_id),
               "state": p.state.value, "at": p.at, "person": refs.person(person_id)}  # fmt: skip


def _nudges(repo: ExportRepository, refs: _Refs) -> Iterator[dict[str, Any]]:
    for record in repo.nudges():
        n = record.nudge
        template, ids = portable(n.dedupe_key)
        offer_id = ids.get("offer", n.offer_id)
        yield {
            "key": template, **refs.customer(n.customer_id),
            "recipient": refs.person(n.recipient_id), "reason": n.reason.value,
            "level": n.level, "due_on": n.due_on, "deliver_on": n.deliver_on,
            "priority": n.priority, "ritual": n.ritual, "detail": n.detail,
            "facts": json.dumps([list(f) for f in n.facts]), "state": n.state.value,
            "snoozed_until": n.snoozed_until, "state_reason": record.state_reason,
            "offer": refs.offers.get(offer_id) if offer_id else None,
            "contact_key": refs.of(refs.contacts, ids.get("contact", n.contact_id)),
            "date_key": refs.of(refs.dates, ids.get("date")),
            "event_key": refs.of(refs.events, ids.get("event")),
            "person_key": refs.person(ids.get("person")),
            "added_at": record.created_at, "updated_at": record.updated_at,
        }  # fmt: skip


_ROWS: dict[Kind, Callable[[ExportRepository, _Refs], Iterator[dict[str, Any]]]] = {
    Kind.WORKSPACE: _workspace,
    Kind.PEOPLE: _people,
    Kind.CUSTOMERS: _customers,
    Kind.CONTACTS: _contacts,
    Kind.DATES: _dates,
    Kind.EVENTS: _events,
    Kind.TOUCHES: _touches,
    Kind.OFFERS: _offers,
    Kind.PITCHES: _pitches,
    Kind.NUDGES: _nudges,
}


def export_to_directory(
    deps: Deps,
    *,
    workspace: Workspace,
    out: Path,
    fmt: str,
    owner_ids: frozenset[int] | None = None,
) -> ExportReport:
    out.mkdir(parents=True, exist_ok=True)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    return export_book(
        deps,
        workspace=workspace,
        open_file=lambda name: (out / name).open("w", encoding=encoding, newline=""),
        fmt=fmt,
        owner_ids=owner_ids,
    )
