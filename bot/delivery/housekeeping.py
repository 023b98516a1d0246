"""Housekeeping: nudges nobody answered for too long expire (their next cycle brings a fresh
one); expired leases need nothing here, claims take them over."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.context import Deps


def housekeeping(deps: Deps, *, now: datetime) -> int:
    cutoff = now - timedelta(days=deps.settings.delivery.expire_after_days)
    with deps.uow() as uow:
        expired = uow.nudges.expire_stale(before=cutoff, now=now)
        uow.commit()
    return expired
