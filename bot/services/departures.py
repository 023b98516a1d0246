"""People the chat platform says are gone (a deactivated account): they are no longer sent
anything, and whoever manages them is told which customers need a new owner."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.replies import Item, Reply, Section
from bot.services.context import Deps
from nudges.model import DeliveryKind, Person, Platform

log = logging.getLogger(__name__)


def departure_notice(person: Person, customers: list[str]) -> Reply:
    count = len(customers)
    noun = "customer needs" if count == 1 else "customers need"
    return Reply(
        text=f"{person.display_name} has left: {count} {noun} a new owner.",
        sections=(Section(items=tuple(Item(title=name) for name in customers)),),
        footer="Hand each over with `customer assign <customer> owner=@someone`.",
        kind="notice",
    )


def person_left(deps: Deps, *, platform: Platform, team_id: str, user_id: str) -> bool:
    """Mark a known person unreachable; tell their manager (else the workspace's admins)
    which of their customers need a new owner, through the outbox. False when unknown or
    already handled."""
    now = deps.clock.now()
    with deps.uow() as uow:
        workspace = uow.workspaces.find(platform=platform, external_id=team_id)
        person = (
            uow.people.by_platform_id(workspace_id=workspace.id, platform_user_id=user_id)
            if workspace is not None
            else None
        )
        if workspace is None or person is None or person.unreachable:
            return False
        uow.people.update(replace(person, unreachable=True))
        customers = [c.name for c in uow.customers.owned_by([person.id])]
        manager = uow.people.get(person.manager_id) if person.manager_id else None
        told = [manager] if manager is not None and not manager.unreachable else []
        if not told:
            told = [
                p
                for p in uow.people.in_workspace(workspace.id)
                if p.is_admin and not p.unreachable and p.id != person.id
            ]
        if customers:
            payload = departure_notice(person, customers).to_json()
            for recipient in told:
                uow.deliveries.add(
                    dedupe_key=f"left:{person.id}:{recipient.id}:{now.date().isoformat()}",
                    recipient_id=recipient.id,
                    platform=platform,
                    kind=DeliveryKind.NOTICE,
                    slot_at=now,
                    payload=payload,
                    now=now,
                )
        uow.commit()
    log.info("person %s left: %s customers to hand over", person.id, len(customers))
    return True
