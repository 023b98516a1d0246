"""Commands about offers: adding one, listing and showing them, and how a pitch went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nudges.model import OfferKind, PitchState, RelationshipKind


@dataclass(frozen=True, slots=True)
class AddOffer:
    title: str
    kind: OfferKind
    existing_first_on: date
    public_on: date
    quantity: int | None = None
    tiers: frozenset[str] = frozenset()
    kinds: frozenset[RelationshipKind] = frozenset()
    tags: frozenset[str] = frozenset()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ListOffers:
    pass


@dataclass(frozen=True, slots=True)
class ShowOffer:
    offer: str


@dataclass(frozen=True, slots=True)
class RecordPitch:
    offer: str
    customer: str
    state: PitchState = PitchState.PITCHED
