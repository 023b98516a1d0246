"""One synthetic customer at a time: the customer, its contacts, two years of touches, dates
and life events, as the domain values the engine decides on.

Everything is drawn from one ``random.Random`` in a fixed order, so a seed gives the same book.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.demo.team import Team
from bot.demo.vocabulary import (
    INDUSTRIES,
    NOTES,
    REGIONS,
    ROLES,
    company_name,
    person_name,
)
from nudges.model import (
    Cadence,
    Contact,
    Customer,
    ImportantDate,
    LifeEvent,
    RelationshipKind,
    Touch,
)
from nudges.policy import Policy

HISTORY_DAYS = 730  # two years of touches
RECENT_DAYS = 90  # always kept in full; older touches are thinned for very large books
TOUCH_BUDGET = 3_000_000  # touch rows for the whole book, at most (about)
FEB29_EVERY = 97  # one customer in this many has a contact born on February 29

_KIND_WEIGHTS = (
    (RelationshipKind.CUSTOMER, 0.85),
    (RelationshipKind.PARTNER, 0.07),
    (RelationshipKind.SUPPLIER, 0.04),
    (RelationshipKind.REFERRER, 0.04),
)
_RITUALS_BY_RANK = (
    ("coffee", "lunch", "meeting", "workshop", "call", "call", "email", "audit", "gift"),
    ("call", "call", "email", "coffee", "meeting", "audit", "lunch", "case_study"),
    ("email", "email", "call", "case_study"),
)
_CUSTOM_DATES = (
    ("Go-live anniversary", True),
    ("Founders' day", True),
    ("Board meeting", False),
    ("Contract review", False),
)
_LIFE_EVENTS = (
    "new_role",
    "promotion",
    "new_baby",
    "wedding",
    "award",
    "illness",
    "bereavement",
    "accident",
)
_RENEWAL_SHARE = (0.9, 0.6, 0.2)  # contracts with a renewal date, by tier rank
_FALLBACK_CADENCE = Cadence(ideal_days=30, max_days=60)


def tier_shares(tiers: tuple[str, ...]) -> list[float]:
    """Share of the book per tier, best first: 10/30/60 for three tiers, else each tier
    twice the size of the one above."""
    if len(tiers) == 3:
        return [0.1, 0.3, 0.6]
    weights = [2.0**k for k in range(len(tiers))]
    total = sum(weights)
    return [w / total for w in weights]


@dataclass
class Ids:
    """The next free id of each table (chosen here, so nothing is read back)."""

    contact: int
    touch: int
    date: int
    event: int


@dataclass(slots=True)
class Generated:
    """One customer and everything hanging off it."""

    customer: Customer
    contacts: list[Contact]
    touches: list[Touch]  # oldest first
    dates: list[ImportantDate] = field(default_factory=list)
    events: list[LifeEvent] = field(default_factory=list)


@dataclass
class BookMaker:
    rng: random.Random
    team: Team
    policy: Policy
    now: datetime
    customers: int  # the size of the book (thins the touch history of very large books)
    workspace_id: int
    first_name: int  # names continue after an earlier demo in the same database
    ids: Ids
    _shares: list[float] = field(init=False)
    _older_keep: float = field(init=False)
    _today: date = field(init=False)
    _manager_of: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self._manager_of = {
            p.id: p.manager_id for p in self.team.salespeople if p.manager_id is not None
        }
        self._shares = tier_shares(self.policy.tiers)
        self._today = self.now.date()
        self._older_keep = self._thinning()

    def _thinning(self) -> float:
        """Probability of keeping a touch older than ``RECENT_DAYS``, so that the book holds
        about ``TOUCH_BUDGET`` touches at most."""
        recent = older = 0.0
        for tier, share in zip(self.policy.tiers, self._shares, strict=True):
            ideal = self._cadence(tier).ideal_days
            recent += share * RECENT_DAYS / ideal
            older += share * (HISTORY_DAYS - RECENT_DAYS) / ideal
        per_customer = TOUCH_BUDGET / max(1, self.customers)
        if recent + older <= per_customer:
            return 1.0
        return max(0.02, (per_customer - recent) / older)

    def _cadence(self, tier: str) -> Cadence:
        return self.policy.cadence.get(tier, _FALLBACK_CADENCE)

    def make(self, index: int, customer_id: int) -> Generated:
        rng = self.rng
        rank = self._tier_rank(rng.random())
        tier = self.policy.tiers[rank]
        owner = self.team.salespeople[rng.randrange(len(self.team.salespeople))]
        region = self.team.region_of[owner.id]
        if rng.random() < 0.2:  # a customer abroad
            region = rng.choice(REGIONS)
        since = self._today - timedelta(days=int(rng.random() ** 1.3 * 3650))
        if rng.random() < 0.01:  # just won
            since = self._today - timedelta(days=rng.randint(0, 40))
        renewal = self._renewal(since) if rng.random() < _RENEWAL_SHARE[min(rank, 2)] else None
        value = int(math.exp(rng.gauss(math.log(250_000 / 5**rank), 0.8)) // 100 * 100)
        kind = self._kind(rng.random())
        tags = {region.tag}
        if rng.random() < 0.85:
            tags.add(rng.choice(INDUSTRIES))
        if rank == 0 and rng.random() < 0.3:
            tags.add("strategic")
        cadence = Cadence(ideal_days=7, max_days=21) if rng.random() < 0.02 else None
        dnc_until = dnc_reason = None
        if rng.random() < 0.005:
            dnc_until = self._today + timedelta(days=rng.randint(5, 60))
            dnc_reason = "Asked for a pause during their merger"
        contacts = self._contacts(index, customer_id, rank)
        touches = self._touches(customer_id, owner.id, rank, tier, cadence, since, contacts)
        owner_touches = [t.at for t in touches if t.person_id == owner.id]
        customer = Customer(
            id=customer_id,
            workspace_id=self.workspace_id,
            name=company_name(self.first_name + index),
            owner_id=owner.id,
            tier=tier,
            kind=kind,
            cadence=cadence,
            since=since,
            renewal_on=renewal,
            annual_value=max(100, value),
            timezone=region.timezone,
            country=region.country,
            tags=frozenset(tags),
            dnc_until=dnc_until,
            dnc_reason=dnc_reason,
            min_gap_days=7 if rng.random() < 0.02 else None,
            archived=rng.random() < 0.005,
            last_touch_at=touches[-1].at if touches else None,
            owner_last_touch_at=max(owner_touches) if owner_touches else None,
            added_at=self.now,  # stored as its row's created_at: the bot learns of it now
        )
        made = Generated(customer, contacts, touches)
        if rng.random() < 0.04:
            label, yearly = rng.choice(_CUSTOM_DATES)
            offset = rng.randint(-400, -30) if yearly else rng.randint(1, 60)
            made.dates.append(
                ImportantDate(
                    id=self._take("date"),
                    customer_id=customer_id,
                    label=label,
                    on=self._today + timedelta(days=offset),
                    yearly=yearly,
                )
            )
        if rng.random() < 0.015 and contacts:
            made.events.append(
                LifeEvent(
                    id=self._take("event"),
                    customer_id=customer_id,
                    kind=rng.choice(_LIFE_EVENTS),
                    on=self._today - timedelta(days=rng.randint(0, 40)),
                    contact_id=rng.choice(contacts).id,
                )
            )
        return made

    def _take(self, table: str) -> int:
        value: int = getattr(self.ids, table)
        setattr(self.ids, table, value + 1)
        return value

    def _tier_rank(self, u: float) -> int:
        for rank, share in enumerate(self._shares):
            if u < share:
                return rank
            u -= share
        return len(self._shares) - 1

    @staticmethod
    def _kind(u: float) -> RelationshipKind:
        for kind, weight in _KIND_WEIGHTS:
            if u < weight:
                return kind
            u -= weight
        return RelationshipKind.CUSTOMER

    def _renewal(self, since: date) -> date:
        """The next anniversary of the contract, within the coming year."""
        day = min(since.day, 28)
        candidate = date(self._today.year, since.month, day)
        if candidate <= self._today:
            candidate = date(self._today.year + 1, since.month, day)
        return candidate

    def _contacts(self, index: int, customer_id: int, rank: int) -> list[Contact]:
        rng = self.rng
        low, high = ((2, 4), (1, 3), (1, 2))[min(rank, 2)]
        made = []
        for n in range(rng.randint(low, high)):
            month = day = year = None
            if index % FEB29_EVERY == 13 and n == 0:
                month, day, year = 2, 29, rng.choice((1972, 1980, 1988, 1996))
            elif rng.random() < 0.75:
                year_drawn = rng.randint(1955, 2000)
                born = date(year_drawn, 1, 1) + timedelta(days=rng.randrange(365))
                month, day = born.month, born.day
                year = year_drawn if rng.random() < 0.6 else None
            made.append(
                Contact(
                    id=self._take("contact"),
                    customer_id=customer_id,
                    name=person_name(rng.randrange(3600)),
                    role=rng.choice(ROLES),
                    birthday_month=month,
                    birthday_day=day,
                    birth_year=year,
                )
            )
        return made

    def _touches(
        self,
        customer_id: int,
        owner_id: int,
        rank: int,
        tier: str,
        cadence: Cadence | None,
        since: date,
        contacts: list[Contact],
    ) -> list[Touch]:
        rng, now = self.rng, self.now
        cad = cadence or self._cadence(tier)
        ideal, most = cad.ideal_days, cad.max_days
        start = max(now - timedelta(days=HISTORY_DAYS), _midnight(since, now))
        if (now - start).days < 45 and rng.random() < 0.5:
            return []  # a new customer nobody has called yet
        u = rng.random()
        if u < 0.85:
            gap = rng.uniform(0, ideal * 0.95)
        elif u < 0.95:
            gap = rng.uniform(ideal, most)
        else:
            gap = rng.uniform(most, most * 2)
        at = now - timedelta(days=gap, seconds=rng.randrange(3600))
        owner_stays_away = rng.random() < 0.02  # colleagues call, the owner does not
        teammates = self.team.teammates.get(owner_id, ())
        manager = self._manager_of.get(owner_id)
        rituals = _RITUALS_BY_RANK[min(rank, 2)]
        recent_edge = now - timedelta(days=RECENT_DAYS)
        drawn: list[tuple[datetime, int, str, int | None, str | None]] = []
        first = True
        while at >= start:
            if first or at >= recent_edge or rng.random() < self._older_keep:
                who = owner_id
                u = rng.random()
                if teammates and owner_stays_away and at >= recent_edge:
                    who = rng.choice(teammates)
                elif manager is not None and u > 0.95 and rank < 2:
                    who = manager
                elif teammates and u > (0.83 if rank < 2 else 0.97):
                    who = rng.choice(teammates)
                contact = rng.choice(contacts).id if contacts and rng.random() < 0.8 else None
                note = rng.choice(NOTES) if rng.random() < 0.1 else None
                drawn.append((at, who, rng.choice(rituals), contact, note))
            first = False
            at -= timedelta(days=ideal * rng.uniform(0.6, 1.4))
        drawn.reverse()
        return [
            Touch(
                id=self._take("touch"),
                customer_id=customer_id,
                person_id=who,
                ritual=ritual,
                at=at,
                contact_id=contact,
                note=note,
            )
            for at, who, ritual, contact, note in drawn
        ]


def _midnight(day: date, like: datetime) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=like.tzinfo)
