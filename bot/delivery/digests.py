"""The digest job: each manager's scheduled team digest, at their own local day and hour, once
a week. Separate from the sweep (a Monday's digests do not hold up the morning's nudges), one
transaction per manager, and each salesperson's book read once for the whole round.

A weekly digest missed by less than a day still goes out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.delivery.compose import digest_slot
from bot.ops import lifecycle
from bot.services.context import Actor, Deps
from bot.services.digests import DigestBooks
from bot.services.handlers.insights import digest_reply
from bot.services.request import Request
from nudges.model import DeliveryKind
from storage import is_conflict

log = logging.getLogger(__name__)

DIGEST_GRACE = timedelta(days=1)


def plan_digests(deps: Deps, *, now: datetime, horizon: datetime) -> list[tuple[int, datetime]]:
    """Write the digests whose slot falls before ``horizon``: (manager id, slot) of each."""
    planned: list[tuple[int, datetime]] = []
    with deps.uow() as uow:
        managers = uow.people.managers()
        due = [
            (manager, slot, f"digest:{manager.id}:{slot.date().isoformat()}")
            for manager in managers
            if not manager.unreachable
            and (slot := digest_slot(manager, schedule=deps.settings.digest, until=horizon))
            >= now - DIGEST_GRACE
        ]
        # Most beats of the week find every digest written already: one read says so.
        written = uow.deliveries.existing_keys([key for _, _, key in due])
        due = [(manager, slot, key) for manager, slot, key in due if key not in written]
        # Every team of the round from one read of the hierarchy.
        teams = uow.people.teams(manager.id for manager, _, _ in due) if due else {}
    books = DigestBooks(now=now, policy=deps.policy)
    for manager, slot, key in due:
        if lifecycle.requested():  # stopping: the next round plans the rest
            break
        with deps.uow() as uow:
            if uow.deliveries.by_key(key) is not None:  # another replica, a moment ago
                continue
            workspace = uow.workspaces.get(manager.workspace_id)
            if workspace is None:  # pragma: no cover - a foreign key
                continue
            team = teams[manager.id]
            request = Request(deps, uow, Actor(workspace, manager), now)
            reply = digest_reply(request, manager=manager, team=team, books=books)
            try:  # flushed at once: a digest another replica just wrote fails here
                uow.deliveries.add(
                    dedupe_key=key,
                    recipient_id=manager.id,
                    platform=workspace.platform,
                    kind=DeliveryKind.DIGEST,
                    slot_at=slot,
                    payload=reply.to_json(),
                    now=now,
                )
                uow.commit()
            except Exception as exc:  # another replica wrote this digest a moment ago
                uow.rollback()
                if not is_conflict(exc):
                    raise
                continue
        planned.append((manager.id, slot))
        log.info("digest planned for person %s at %s", manager.id, slot.isoformat())
    return planned
