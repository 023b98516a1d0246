"""Housekeeping: nudges nobody answered for too long expire (their next cycle brings a fresh
one); processed-event ids past Slack's retry window, expired OAuth states and Teams cards too
old to be answered are pruned; expired leases need nothing here, claims take them over."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.context import Deps

EVENT_MEMORY = timedelta(days=2)  # Slack retries an event for minutes, never for days
CARD_MEMORY = timedelta(days=60)  # a Teams card's buttons: its nudges expire well before


def housekeeping(deps: Deps, *, now: datetime) -> int:
    """Returns how many stale nudges expired."""
    cutoff = now - timedelta(days=deps.settings.delivery.expire_after_days)
    with deps.uow() as uow:
        expired = uow.nudges.expire_stale(before=cutoff, now=now)
        uow.processed_events.prune(before=now - EVENT_MEMORY)
        uow.slack_oauth_states.prune(now=now)
        uow.teams_cards.prune(before=now - CARD_MEMORY)
        uow.commit()
    return expired
