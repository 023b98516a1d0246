"""Me, out of office, and the team."""

from __future__ import annotations

from dataclasses import replace

import holidays as holiday_data

from bot.commands import AddTeamMember, ListTeam, OutOfOffice, ShowSettings, UpdateSettings
from bot.config.reader import WEEKDAYS
from bot.replies import Item, Reply, Section, info, ok
from bot.services.access import require_admin
from bot.services.request import Request, ServiceError
from bot.services.wording import count, long_date
from nudges.ranking import cap_for


def _settings_item(req: Request) -> Item:
    person = req.person
    days = ", ".join(WEEKDAYS[d] for d in sorted(person.working_days))
    country = person.holiday_country or req.deps.settings.workspace.holiday_country or "none"
    fields = [
        ("Time zone", person.timezone),
        ("Delivery hour", f"{person.delivery_hour:02d}:00"),
        ("Working days", days),
        ("Holidays of", country),
        ("Daily cap", str(cap_for(person, req.deps.policy))),
    ]
    if person.ooo_until:
        cover = f", cover: {req.person_name(person.cover_id)}" if person.cover_id else ""
        fields.append(("Out of office until", long_date(person.ooo_until, today=req.today) + cover))
    if person.manager_id:
        fields.append(("Manager", req.person_name(person.manager_id)))
    if person.is_admin:
        fields.append(("Role", "admin"))
    return Item(title=person.display_name, fields=tuple(fields))


def show_settings(req: Request, cmd: ShowSettings) -> Reply:
    return info(
        "Your settings",
        Section(items=(_settings_item(req),)),
        footer="Change them with `me tz=Europe/Berlin hour=8 days=mon-fri cap=5`.",
    )


def update_settings(req: Request, cmd: UpdateSettings) -> Reply:
    person = req.person
    country = cmd.holiday_country
    if country is not None and country.upper() not in holiday_data.list_supported_countries():
        raise ServiceError(
            f"Unknown country {country!r}: use an ISO 3166 code such as US, DE or GB.",
            usage="me [tz=Area/City] [hour=0-23] [days=mon-fri] [cap=N] [country=CC]",
        )
    updated = replace(
        person,
        timezone=cmd.timezone or person.timezone,
        delivery_hour=person.delivery_hour if cmd.delivery_hour is None else cmd.delivery_hour,
        working_days=cmd.working_days or person.working_days,
        daily_cap=person.daily_cap if cmd.daily_cap is None else cmd.daily_cap,
        holiday_country=country.upper() if country else person.holiday_country,
    )
    if updated == person:
        return info("Nothing to change.", Section(items=(_settings_item(req),)))
    req.watch("person", "id", person.id)
    req.uow.people.update(updated)
    req.audit("person.settings", subject_type="person", subject_id=person.id)
    req.commit("the change to your settings")
    req.actor = replace(req.actor, person=updated)
    return ok("Settings saved.", Section(items=(_settings_item(req),)))


def out_of_office(req: Request, cmd: OutOfOffice) -> Reply:
    person = req.person
    if cmd.until is None:
        updated = replace(person, ooo_until=None, cover_id=None)
        message = "Welcome back: nudges resume at your next delivery hour."
    else:
        if cmd.until < req.today:
            raise ServiceError(
                f"{long_date(cmd.until, today=req.today)} has passed.",
                usage="ooo until=<YYYY-MM-DD> [cover=@user]",
            )
        cover = req.person_ref(cmd.cover) if cmd.cover else None
        if cover is not None and cover.id == person.id:
            raise ServiceError("You cannot cover for yourself: name a colleague, or no cover.")
        updated = replace(person, ooo_until=cmd.until, cover_id=cover.id if cover else None)
        who = f"{cover.display_name} gets your nudges" if cover else "your nudges wait for you"
        message = f"Out of office until {long_date(cmd.until, today=req.today)}: {who}."
    req.watch("person", "id", person.id)
    req.uow.people.update(updated)
    req.audit("person.ooo", subject_type="person", subject_id=person.id)
    req.commit("back in the office" if cmd.until is None else f"out of office: {message}")
    return ok(message)


def add_team_member(req: Request, cmd: AddTeamMember) -> Reply:
    require_admin(req.person, "manage the team")
    member = req.person_ref(cmd.user)
    manager = req.person_ref(cmd.manager) if cmd.manager else None
    if manager is not None:
        if manager.id == member.id:
            raise ServiceError(f"{member.display_name} cannot manage themselves.")
        # Refuse cycles: the member must not be above the new manager.
        cursor, seen = manager, {member.id}
        while cursor.manager_id is not None:
            if cursor.manager_id in seen:
                raise ServiceError(
                    f"{member.display_name} already manages {manager.display_name} "
                    "(directly or not): that would make a loop."
                )
            seen.add(cursor.id)
            above = req.uow.people.get(cursor.manager_id)
            if above is None:
                break
            cursor = above
    updated = replace(
        member,
        manager_id=manager.id if manager else member.manager_id,
        is_admin=member.is_admin or cmd.admin,
    )
    req.watch("person", "id", member.id)
    req.uow.people.update(updated)
    if updated.manager_id != member.manager_id:
        # Escalations about the member's customers now go to the new manager.
        req.uow.customers.decide_soon(owner_id=member.id, now=req.now)
    req.audit(
        "team.add",
        subject_type="person",
        subject_id=member.id,
        manager_id=updated.manager_id,
        admin=updated.is_admin,
    )
    req.commit(f"the change to {member.display_name} in the team")
    parts = []
    if manager:
        parts.append(f"reports to {manager.display_name}")
    if updated.is_admin:
        parts.append("is an admin")
    return ok(f"{member.display_name} " + (" and ".join(parts) or "is in the team") + ".")


def list_team(req: Request, cmd: ListTeam) -> Reply:
    people = req.uow.people.in_workspace(req.actor.workspace.id)
    names = {p.id: p.display_name for p in people}
    items = []
    for person in people:
        role = " (admin)" if person.is_admin else ""
        manager = f", reports to {names.get(person.manager_id, '?')}" if person.manager_id else ""
        away = (
            f", away until {long_date(person.ooo_until, today=req.today)}"
            if person.ooo_until
            else ""
        )
        items.append(
            Item(
                title=f"{person.display_name} @{person.platform_user_id}{role}{manager}{away}",
            )
        )
    return info(count(len(people), "person", "people"), Section(items=tuple(items)))
