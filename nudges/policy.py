"""The business rules' knobs, as one immutable value handed to the engine.

The shell builds a ``Policy`` from configuration; the engine never reads configuration itself.
Every default here is also the documented default in ``config.example.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from nudges.model import Cadence, NudgeReason


class Feb29Policy(StrEnum):
    """Where a February 29 date falls in a common year."""

    FEB_28 = "feb28"
    MAR_1 = "mar1"


class ShiftPolicy(StrEnum):
    """Where a dated nudge goes when its day is a weekend or a holiday for the recipient."""

    BEFORE = "before"  # the working day before: a Sunday birthday is nudged on Friday
    AFTER = "after"


@dataclass(frozen=True, slots=True)
class Ritual:
    """One entry of the ritual playbook."""

    name: str
    label: str
    tiers: frozenset[str] = frozenset()  # empty: fits every tier
    reasons: frozenset[NudgeReason] = frozenset()  # empty: fits every reason


def _frozen(mapping: Mapping[str, Cadence]) -> Mapping[str, Cadence]:
    return MappingProxyType(dict(mapping))


DEFAULT_TIERS: tuple[str, ...] = ("key", "core", "long-tail")

DEFAULT_CADENCE: Mapping[str, Cadence] = _frozen(
    {
        "key": Cadence(ideal_days=14, max_days=30),
        "core": Cadence(ideal_days=30, max_days=60),
        "long-tail": Cadence(ideal_days=90, max_days=180),
    }
)

_ALL_QUIET = frozenset({NudgeReason.QUIET, NudgeReason.OWNER_QUIET})
_CELEBRATE = frozenset({NudgeReason.BIRTHDAY, NudgeReason.ANNIVERSARY, NudgeReason.CUSTOM_DATE})
_OFFERS = frozenset({NudgeReason.OFFER, NudgeReason.PARITY, NudgeReason.ABREAST})

DEFAULT_PLAYBOOK: tuple[Ritual, ...] = (
    Ritual("coffee", "Invite them for a coffee", reasons=_ALL_QUIET),
    Ritual("call", "Give them a call", reasons=_ALL_QUIET | _OFFERS | {NudgeReason.RENEWAL}),
    Ritual("lunch", "Take them to lunch", tiers=frozenset({"key", "core"}), reasons=_ALL_QUIET),
    Ritual(
        "audit",
        "Offer a free account review",
        tiers=frozenset({"key", "core"}),
        reasons=_ALL_QUIET | {NudgeReason.RENEWAL},
    ),
    Ritual(
        "workshop",
        "Run a workshop with their team",
        tiers=frozenset({"key"}),
        reasons=_ALL_QUIET | _OFFERS,
    ),
    Ritual("case_study", "Share a relevant case study", reasons=_ALL_QUIET | _OFFERS),
    Ritual("card", "Send a handwritten card", reasons=_CELEBRATE | {NudgeReason.LIFE_EVENT}),
    Ritual(
        "gift",
        "Send a small gift",
        tiers=frozenset({"key"}),
        reasons=_CELEBRATE | {NudgeReason.LIFE_EVENT},
    ),
    Ritual("meeting", "Book a meeting", reasons=_OFFERS | {NudgeReason.RENEWAL}),
    Ritual("email", "Write a personal email", reasons=_ALL_QUIET | _OFFERS | _CELEBRATE),
    Ritual("pitch", "Pitch it to them", reasons=_OFFERS),
)


@dataclass(frozen=True, slots=True)
class Policy:
    tiers: tuple[str, ...] = DEFAULT_TIERS  # best first
    cadence: Mapping[str, Cadence] = field(default_factory=lambda: DEFAULT_CADENCE)
    kind_cadence: Mapping[str, Cadence] = field(default_factory=lambda: _frozen({}))
    feb29: Feb29Policy = Feb29Policy.FEB_28
    shift: ShiftPolicy = ShiftPolicy.BEFORE
    daily_cap: int = 5
    escalation_after_days: int = 14  # red for longer than this: an escalation
    new_customer_grace_days: int = 7  # an untouched new account's first check-in comes this late
    late_until_hour: int = 17  # a missed daily slot still goes out the same day until this hour
    owner_quiet_days: int = 60  # colleagues touched it, the owner has not for this long
    birthday_lead_days: int = 2
    anniversary_lead_days: int = 3
    custom_date_lead_days: int = 3
    renewal_checkpoints: tuple[int, ...] = (90, 30, 7)  # days before the renewal date
    min_gap_days: int = 3  # no "reach out" nudge this soon after any touch
    heart_dates_ignore_min_gap: bool = True  # birthdays and life events come anyway
    sensitive_events: frozenset[str] = frozenset({"illness", "bereavement", "accident", "funeral"})
    happy_events: frozenset[str] = frozenset(
        {"promotion", "new_role", "new_baby", "wedding", "award"}
    )
    sensitive_suppression_days: int = 30  # no upbeat nudges this long after a sensitive event
    life_event_window_days: int = 14  # a life event older than this no longer nudges
    playbook: tuple[Ritual, ...] = DEFAULT_PLAYBOOK
    ritual_variety_days: int = 60  # a ritual used with a customer this recently is not suggested
    parity_best_customers: int = 10  # owners of this many best customers hear of an incentive
    tenure_risk_months: tuple[int, int] = (6, 36)  # relationships most often end in this window
    concentration_share: float = 0.25  # one customer above this share of a book is a risk
    digest_upcoming_days: int = 14
    single_threaded_days: int = 180  # at most one contact touched this long: single-threaded
    digest_list_limit: int = 30  # accounts a digest lists of each kind (the worst first)
    dated_lookahead_days: int = 7  # a dated nudge exists this long before its delivery day
    renewal_term_months: int = 12  # a passed renewal date rolls forward by this term
    digest_period_days: int = 7  # "touches this period vs the previous period"
