"""Who is asking: people are registered on first contact, and found again by platform id."""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from datetime import datetime

from bot.commands import UserRef
from bot.commands.text import without_unstorable
from bot.services.context import Actor, Deps
from nudges.model import Person, Platform
from nudges.names import name_key
from storage import SqlUnitOfWork, run_in_transaction


def identify(
    deps: Deps,
    *,
    platform: Platform,
    team_id: str,
    team_name: str,
    user_id: str,
    display_name: str,
    timezone: str | None = None,
    email: str | None = None,
) -> Actor:
    """The actor for a platform user, registering the workspace and the person if new. A time
    zone the platform reports (Slack's ``tz``, Teams' ``localTimezone``) is kept current."""
    now = deps.clock.now()
    team_name, display_name = without_unstorable(team_name), without_unstorable(display_name)
    with deps.uow() as uow:
        # Two first messages at once (Slack sends them in parallel): the other request
        # registered the workspace or person a moment ago, and running again finds it.
        return run_in_transaction(
            uow,
            lambda: register(
                uow,
                deps,
                platform=platform,
                team_id=team_id,
                team_name=team_name,
                user_id=user_id,
                display_name=display_name,
                timezone=timezone,
                email=email,
                now=now,
            ),
            commit=True,
            what="registering a person",
        )


def known_actor(deps: Deps, *, platform: Platform, team_id: str, user_id: str) -> Actor | None:
    """The actor for a known platform user when :func:`identify` would change nothing for them
    (no name or time zone to record: they are reachable, and an admin if configured as one);
    None for a newcomer or someone to update. One read, no write lock."""
    with deps.reader() as uow:
        workspace = uow.workspaces.find(platform=platform, external_id=team_id)
        if workspace is None:
            return None
        person = uow.people.by_platform_id(workspace_id=workspace.id, platform_user_id=user_id)
    if person is None or person.unreachable:
        return None
    if user_id in deps.settings.workspace.admins and not person.is_admin:
        return None
    return Actor(workspace=workspace, person=person)


def register(
    uow: SqlUnitOfWork,
    deps: Deps,
    *,
    platform: Platform,
    team_id: str,
    team_name: str,
    user_id: str,
    display_name: str,
    timezone: str | None,
    email: str | None,
    now: datetime,
) -> Actor:
    defaults = deps.settings.workspace
    workspace = uow.workspaces.find(platform=platform, external_id=team_id)
    if workspace is None:
        workspace = uow.workspaces.add(
            platform=platform,
            external_id=team_id,
            name=team_name,
            timezone=defaults.timezone,
            holiday_country=defaults.holiday_country,
            now=now,
        )
    zone = timezone if timezone and _known_zone(timezone) else None
    person = uow.people.by_platform_id(workspace_id=workspace.id, platform_user_id=user_id)
    if person is None:
        first = not uow.people.in_workspace(workspace.id)
        admin = user_id in defaults.admins or (not defaults.admins and first)
        person = uow.people.add(
            Person(
                id=0,
                workspace_id=workspace.id,
                platform_user_id=user_id,
                display_name=display_name or user_id,
                timezone=zone or defaults.timezone,
                working_days=defaults.working_days,
                delivery_hour=defaults.delivery_hour,
                is_admin=admin,
                email=email,
            ),
            now=now,
        )
        uow.audit.record(
            "person.register",
            subject_type="person",
            subject_id=person.id,
            actor_id=person.id,
            workspace_id=workspace.id,
            at=now,
            admin=admin,
        )
    else:
        changed = replace(
            person,
            timezone=zone or person.timezone,
            display_name=display_name or person.display_name,
            email=email or person.email,
            unreachable=False,  # they are talking to us: reachable again
            # Configured admins are admins even when added to the configuration after their
            # first contact. (Rights granted with `team add … admin` are kept either way.)
            is_admin=person.is_admin or user_id in defaults.admins,
        )
        if changed != person:
            if changed.is_admin and not person.is_admin:
                uow.audit.record(
                    "person.admin",
                    subject_type="person",
                    subject_id=person.id,
                    actor_id=None,  # the configuration made them one, not a person
                    workspace_id=workspace.id,
                    at=now,
                    source="configuration",
                )
            person = uow.people.update(changed)
    return Actor(workspace=workspace, person=person)


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class UnknownPerson(LookupError):
    pass


def resolve_person(uow: SqlUnitOfWork, actor: Actor, ref: UserRef) -> Person:
    """The person a reference names, in the actor's workspace: by platform id when the
    reference carries one, else by platform user id or display name."""
    workspace_id = actor.workspace.id
    if ref.user_id:
        found = uow.people.by_platform_id(workspace_id=workspace_id, platform_user_id=ref.user_id)
        if found is not None:
            return found
    handle = (ref.name or ref.raw).lstrip("@").strip()
    if handle:
        found = uow.people.by_platform_id(workspace_id=workspace_id, platform_user_id=handle)
        if found is None:
            found = uow.people.by_platform_id(
                workspace_id=workspace_id, platform_user_id=name_key(handle)
            )
        if found is not None:
            return found
        matches = uow.people.by_name(workspace_id=workspace_id, name=handle)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UnknownPerson(
                f"{ref.raw} could mean {len(matches)} people; use their platform mention instead."
            )
    known = ", ".join(f"@{p.platform_user_id}" for p in uow.people.in_workspace(workspace_id)[:8])
    raise UnknownPerson(
        f"I don't know {ref.raw} yet: people appear here once they have talked to me"
        + (f" (known: {known})." if known else ".")
    )
