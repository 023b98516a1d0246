"""Ritual suggestion: one concrete ritual from the playbook for each nudge.

A ritual fits when its tiers and reasons are empty or contain the customer's tier and the
nudge's reason. Rituals used with the customer within ``policy.ritual_variety_days`` are passed
over; among the rest the choice is a stable hash of the dedupe key (same inputs, same ritual,
yet different customers get different rituals). When every fitting ritual was used recently,
the least recently used one is suggested.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from nudges.calendar import days_delta
from nudges.model import NudgeReason, Touch
from nudges.policy import Policy, Ritual

# Rituals too festive or too salesy right after bad news, and the quiet ones to use instead.
UPBEAT_RITUALS: frozenset[str] = frozenset({"lunch", "pitch", "workshop", "case_study", "gift"})
QUIET_RITUALS: frozenset[str] = frozenset({"card", "call", "email"})


def fitting(*, tier: str, reason: NudgeReason, policy: Policy) -> tuple[Ritual, ...]:
    """The playbook's rituals for ``tier`` and ``reason``, in playbook order (worked out once
    for each playbook, tier and reason: a sweep asks for every nudge it decides)."""
    playbook = policy.playbook
    key = (id(playbook), tier, reason)
    known = _FITTING.get(key)
    if known is not None and known[0] is playbook:  # the very playbook (ids are reused)
        return known[1]
    found = tuple(
        r
        for r in playbook
        if (not r.tiers or tier in r.tiers) and (not r.reasons or reason in r.reasons)
    )
    if len(_FITTING) >= 4096:  # policies come and go (tests, a reloaded configuration)
        _FITTING.clear()
    _FITTING[key] = (playbook, found)
    return found


_FITTING: dict[tuple[int, str, NudgeReason], tuple[tuple[Ritual, ...], tuple[Ritual, ...]]] = {}


def last_used(touches: Iterable[Touch]) -> dict[str, datetime]:
    """The latest use of each ritual among ``touches``."""
    latest: dict[str, datetime] = {}
    for touch in touches:
        seen = latest.get(touch.ritual)
        if seen is None or touch.at > seen:
            latest[touch.ritual] = touch.at
    return latest


def suggest_ritual(
    *,
    tier: str,
    reason: NudgeReason,
    used: dict[str, datetime],
    now: datetime,
    policy: Policy,
    seed: str,
    subdued: bool = False,
) -> str | None:
    """The name of the ritual to suggest, or None when the playbook has none that fits.
    ``subdued``: after a sensitive life event, no upbeat ritual (lunch, a pitch, a workshop)."""
    candidates: Sequence[Ritual] = fitting(tier=tier, reason=reason, policy=policy)
    if subdued:
        candidates = [r for r in candidates if r.name not in UPBEAT_RITUALS] or [
            r for r in policy.playbook if r.name in QUIET_RITUALS
        ]
    if not candidates:
        return None
    horizon = now - days_delta(max(0, policy.ritual_variety_days))
    fresh = [r for r in candidates if r.name not in used or used[r.name] < horizon]
    if fresh:
        return fresh[zlib.crc32(seed.encode()) % len(fresh)].name
    # All used recently: the least recently used (playbook order breaks ties).
    order = {r.name: i for i, r in enumerate(candidates)}
    return min(candidates, key=lambda r: (used[r.name], order[r.name])).name


def shared_ritual(
    rituals: Iterable[str | None], *, tier: str, reasons: Iterable[NudgeReason], policy: Policy
) -> str | None:
    """One ritual for a customer due for several reasons at once: the first of the nudges' own
    suggestions (most important first) that fits every reason, else the first playbook ritual
    that does, else the most important nudge's own."""
    wanted = list(rituals)
    why = set(reasons)
    fit = {
        r.name
        for r in policy.playbook
        if (not r.tiers or tier in r.tiers) and (not r.reasons or why <= r.reasons)
    }
    for name in wanted:
        if name in fit:
            return name
    for ritual in policy.playbook:
        if ritual.name in fit:
            return ritual.name
    return next((name for name in wanted if name), None)
