"""Housekeeping: nudges nobody answered for too long expire (their next cycle brings a fresh
one); processed-event ids past Slack's retry window and expired OAuth states are pruned;
expired leases need nothing here, claims take them over."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.context import Deps
from storage.repositories.slack import ProcessedEventRepository, SlackOAuthStateRepository

EVENT_MEMORY = timedelta(days=2)  # Slack retries an event for minutes, never for days


def housekeeping(deps: Deps, *, now: datetime) -> int:
    """Returns how many stale nudges expired."""
    cutoff = now - timedelta(days=deps.settings.delivery.expire_after_days)
    with deps.uow() as uow:
        expired = uow.nudges.expire_stale(before=cutoff, now=now)
        ProcessedEventRepository(uow.session).prune(before=now - EVENT_MEMORY)
        SlackOAuthStateRepository(uow.session).prune(now=now)
        uow.commit()
    return expired
