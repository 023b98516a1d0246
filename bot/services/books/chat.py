"""The chat side of bringing a book in and out: how to import, an export link, erasing a
customer or a colleague (with a confirm step), the audit log, the calendar feed's address."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.commands.books import (
    EraseCustomer,
    ErasePerson,
    ExportBook,
    ImportHelp,
    ShowAudit,
    ShowCalendar,
)
from bot.replies import Item, Reply, Section, Tone, info, ok
from bot.services.access import Forbidden, require_admin, scope_ids
from bot.services.books.feed import calendar_token, feed_path
from bot.services.request import Request, ServiceError
from nudges.calendar import start_of_day, zone
from nudges.model import AuditEntry

DOWNLOAD_MINUTES = 15
AUDIT_LIMIT = 50
_PRESETS = "hubspot, salesforce or pipedrive (any other CRM: --mapping MAP.toml)"


def download_path(token: str) -> str:
    return f"/download/{token}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def import_help(req: Request, cmd: ImportHelp) -> Reply:
    kinds = [cmd.kind] if cmd.kind else ["customers", "contacts", "touches"]
    lines = [
        f"nudgebot import {kind} {kind}.csv --preset hubspot --default-owner "
        f"{req.person.email or req.person.platform_user_id} --dry-run"
        for kind in kinds
    ]
    return info(
        "Imports run on the bot's server, from your CRM's CSV export. Try it first with "
        "--dry-run (it reports every bad row and writes nothing), then run it again without:",
        Section(items=tuple(Item(title=line) for line in lines)),
        footer=f"--preset: {_PRESETS}. Import customers first, then contacts and touches. "
        "Importing again updates, never doubles. See `nudgebot import --help`.",
    )


def export_book(req: Request, cmd: ExportBook) -> Reply:
    if cmd.everything:
        require_admin(req.person, "export the whole workspace")
    token = secrets.token_urlsafe(24)
    req.uow.links.add_download(
        token_hash=token_digest(token),
        person_id=req.person.id,
        everything=cmd.everything,
        fmt=cmd.fmt,
        now=req.now,
        expires_at=req.now + timedelta(minutes=DOWNLOAD_MINUTES),
    )
    req.audit("book.export", subject_type="person", subject_id=req.person.id, all=cmd.everything)
    req.uow.commit()
    what = "the whole workspace" if cmd.everything else "your book"
    path = download_path(token)
    url = req.deps.settings.links.url(path)
    where = url or f"{path} on the bot's web address (your admin sets [links] base_url)"
    return ok(
        f"Your export of {what} ({cmd.fmt.upper()} files in a zip): {where}",
        footer=f"The link works once, for {DOWNLOAD_MINUTES} minutes. On the server: "
        f"nudgebot export --format {cmd.fmt} --out DIR",
    )


def erase_customer(req: Request, cmd: EraseCustomer) -> Reply:
    customer = req.customer(cmd.customer)
    if not (req.person.is_admin or customer.owner_id == req.person.id):
        raise Forbidden(f"Only {req.person_name(customer.owner_id)} or an admin can erase it.")
    erase = req.uow.erase
    if not cmd.confirmed:
        f = erase.footprint(customer.id)
        return Reply(
            text=f"This erases {customer.name} for good: {f.contacts} contacts, {f.touches} "
            f"touches with their notes, {f.dates} dates, {f.events} life events, {f.nudges} "
            f"nudges and {f.pitches} pitches; its name is removed from the audit log and from "
            "messages waiting to be sent. It cannot be undone (an export keeps a copy).",
            tone=Tone.WARNING,
            footer=f"To go ahead: customer erase {customer.name} confirm",
        )
    erase.erase_customer(customer.id)
    req.audit("customer.erase", subject_type="customer", subject_id=customer.id)
    req.uow.commit()
    erase.after_commit()
    return ok(
        "Erased: nothing of it is left in the bot's tables (messages already delivered in chat "
        "stay as they are)."
    )


def erase_person(req: Request, cmd: ErasePerson) -> Reply:
    require_admin(req.person, "erase a colleague")
    person = req.person_ref(cmd.user)
    if person.id == req.person.id:
        raise ServiceError("You cannot erase yourself; ask another admin.")
    erase = req.uow.erase
    owned = erase.customers_owned(person.id)
    if owned:
        shown = ", ".join(owned[:5]) + (f" and {len(owned) - 5} more" if len(owned) > 5 else "")
        raise ServiceError(
            f"{person.display_name} still owns {len(owned)} customers ({shown}). Reassign them "
            f"first: customer assign <customer> @someone."
        )
    if not cmd.confirmed:
        return Reply(
            text=f"This erases {person.display_name} for good: their settings, their nudges and "
            "messages, and their name and e-mail from the audit log and other messages. The "
            "touches they logged stay with their customers, by a former colleague.",
            tone=Tone.WARNING,
            footer=f"To go ahead: person erase {cmd.user.raw} confirm",
        )
    erase.erase_person(person.id)
    req.audit("person.erase", subject_type="person", subject_id=person.id)
    req.uow.commit()
    erase.after_commit()
    return ok(
        "Erased: nothing of them is left in the bot's tables (messages already delivered in "
        "chat stay as they are)."
    )


def show_audit(req: Request, cmd: ShowAudit) -> Reply:
    customer = req.customer(cmd.customer) if cmd.customer else None
    scope = scope_ids(req.uow, req.person)
    since = start_of_day(cmd.since, req.person.timezone) if cmd.since else None
    entries, total = req.uow.audit.search(
        workspace_id=req.actor.workspace.id,
        since=since,
        customer_id=customer.id if customer else None,
        owner_ids=sorted(scope) if scope is not None else None,
        limit=AUDIT_LIMIT,
    )
    about = f" about {customer.name}" if customer else ""
    if not entries:
        return info(f"Nothing in the audit log{about} yet.")
    items = tuple(Item(title=_line(req, e)) for e in entries)
    more = total - len(entries)
    return info(
        f"Who changed what{about}, newest first",
        Section(items=items),
        footer=f"…and {more} older: narrow with since=YYYY-MM-DD." if more > 0 else None,
    )


def _line(req: Request, entry: AuditEntry) -> str:
    when = entry.at.astimezone(zone(req.person.timezone)).strftime("%Y-%m-%d %H:%M")
    who = req.person_name(entry.actor_id) if entry.actor_id else "the bot"
    subject = _subject(req, entry)
    detail = _detail(entry.detail)
    return f"{when} — {who}: {entry.action}{subject}{detail}"


def _subject(req: Request, entry: AuditEntry) -> str:
    if entry.subject_id is None:
        return ""
    if entry.subject_type == "customer":
        found = req.uow.customers.get(entry.subject_id)
        return f" {found.name}" if found else " (an erased customer)"
    if entry.subject_type == "person":
        return f" {req.person_name(entry.subject_id)}"
    return f" {entry.subject_type} #{entry.subject_id}"


def _detail(raw: str) -> str:
    try:
        values = json.loads(raw)
    except ValueError:
        return ""
    shown = []
    for key, value in sorted(values.items()):
        if key.endswith("_id") or value in (None, "", [], False):
            continue
        shown.append(", ".join(value) if isinstance(value, list) else f"{key} {value}")
    return f" ({'; '.join(shown)})" if shown else ""


def show_calendar(req: Request, cmd: ShowCalendar) -> Reply:
    token = calendar_token(req.uow, req.person, reset=cmd.reset)
    req.uow.commit()
    path = feed_path(token)
    url = req.deps.settings.links.url(path)
    where = url or f"{path} on the bot's web address (your admin sets [links] base_url)"
    lead = (
        "Your new calendar address (the old one no longer works)"
        if cmd.reset
        else ("Your calendar address")
    )
    return ok(
        f"{lead}: {where}",
        footer="Subscribe to it in Google Calendar (Other calendars > From URL), Outlook (Add "
        "calendar > Subscribe from web) or Apple Calendar (File > New Calendar Subscription). "
        "Keep it to yourself: anyone with it sees your dates. `calendar reset` makes a new one.",
    )


HANDLERS: dict[type, Callable[[Request, Any], Reply]] = {
    ImportHelp: import_help,
    ExportBook: export_book,
    EraseCustomer: erase_customer,
    ErasePerson: erase_person,
    ShowAudit: show_audit,
    ShowCalendar: show_calendar,
}
READ_ONLY: frozenset[type] = frozenset({ImportHelp, ShowAudit})
