"""Row <-> domain value conversions: the only place that knows both shapes."""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Result, Row

from nudges.model import (
    AuditEntry,
    Cadence,
    Contact,
    Customer,
    Delivery,
    DeliveryKind,
    DeliveryState,
    ImportantDate,
    LifeEvent,
    Nudge,
    NudgeReason,
    NudgeState,
    Offer,
    OfferKind,
    Person,
    Pitch,
    PitchState,
    Platform,
    RelationshipKind,
    Touch,
    Workspace,
)
from storage.tables import (
    AuditLogRow,
    ContactRow,
    CustomerRow,
    DeliveryRow,
    ImportantDateRow,
    LifeEventRow,
    NudgeRow,
    OfferRow,
    PersonRow,
    PitchRow,
    TouchpointRow,
    WorkspaceRow,
)


def days_to_mask(days: frozenset[int]) -> int:
    return sum(1 << d for d in days)


@lru_cache(maxsize=128)  # seven bits: every mask there is
def mask_to_days(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


def join_set(values: frozenset[str]) -> str:
    return ",".join(sorted(values))


def split_set(value: str) -> frozenset[str]:
    return frozenset(v for v in value.split(",") if v)


# Each function maps an ORM row or a Core row of the same table (a bulk read skips the ORM's
# identity map and instance state: several times faster per row, and these are read-only).


def plain(result: Result[Any]) -> Iterator[Any]:
    """The rows of ``result`` as named tuples, one at a time, for reads of thousands of rows
    used attribute by attribute: a row looks each attribute up by its name (about a
    microsecond), a named tuple by its place."""
    shape = _shape(tuple(result.keys()))
    return map(shape._make, result)


@lru_cache(maxsize=64)
def _shape(keys: Sequence[str]) -> Any:
    return namedtuple("Plain", keys, rename=True)


def _id(value: int | None) -> int:
    if value is None:  # pragma: no cover - rows read back always have ids
        raise ValueError("row has no id yet: flush before mapping")
    return value


def workspace(row: WorkspaceRow | Row[Any]) -> Workspace:
    return Workspace(
        id=_id(row.id),
        platform=Platform(row.platform),
        external_id=row.external_id,
        name=row.name,
        timezone=row.timezone,
        holiday_country=row.holiday_country,
    )


def person(row: PersonRow | Row[Any]) -> Person:
    return Person(
        id=_id(row.id),
        workspace_id=row.workspace_id,
        platform_user_id=row.platform_user_id,
        display_name=row.display_name,
        timezone=row.timezone,
        working_days=mask_to_days(row.working_days),
        delivery_hour=row.delivery_hour,
        holiday_country=row.holiday_country,
        manager_id=row.manager_id,
        ooo_until=row.ooo_until,
        cover_id=row.cover_id,
        daily_cap=row.daily_cap,
        is_admin=row.is_admin,
        unreachable=row.unreachable,
        email=row.email,
    )


def customer(row: CustomerRow | Row[Any], tags: frozenset[str] = frozenset()) -> Customer:
    cadence = None
    if row.cadence_ideal_days is not None and row.cadence_max_days is not None:
        cadence = Cadence(ideal_days=row.cadence_ideal_days, max_days=row.cadence_max_days)
    return Customer(
        id=_id(row.id),
        workspace_id=row.workspace_id,
        name=row.name,
        owner_id=row.owner_id,
        tier=row.tier,
        kind=RelationshipKind(row.kind),
        cadence=cadence,
        since=row.since,
        renewal_on=row.renewal_on,
        annual_value=row.annual_value,
        timezone=row.timezone,
        country=row.country,
        tags=tags,
        dnc_until=row.dnc_until,
        dnc_reason=row.dnc_reason,
        min_gap_days=row.min_gap_days,
        archived=row.archived,
        last_touch_at=row.last_touch_at,
        owner_last_touch_at=row.owner_last_touch_at,
        next_due_at=row.next_due_at,
        added_at=row.created_at,
    )


def contact(row: ContactRow | Row[Any]) -> Contact:
    return Contact(
        id=_id(row.id),
        customer_id=row.customer_id,
        name=row.name,
        role=row.role,
        birthday_month=row.birthday_month,
        birthday_day=row.birthday_day,
        birth_year=row.birth_year,
        email=row.email,
    )


def touch(row: TouchpointRow | Row[Any]) -> Touch:
    return Touch(
        id=_id(row.id),
        customer_id=row.customer_id,
        person_id=row.person_id,
        ritual=row.ritual,
        at=row.at,
        contact_id=row.contact_id,
        note=row.note,
    )


def important_date(row: ImportantDateRow | Row[Any]) -> ImportantDate:
    return ImportantDate(
        id=_id(row.id),
        customer_id=row.customer_id,
        label=row.label,
        on=row.on,
        yearly=row.yearly,
        lead_days=row.lead_days,
        contact_id=row.contact_id,
    )


def life_event(row: LifeEventRow | Row[Any]) -> LifeEvent:
    return LifeEvent(
        id=_id(row.id),
        customer_id=row.customer_id,
        kind=row.kind,
        on=row.on,
        contact_id=row.contact_id,
        note=row.note,
    )


def offer(row: OfferRow | Row[Any]) -> Offer:
    return Offer(
        id=_id(row.id),
        workspace_id=row.workspace_id,
        title=row.title,
        kind=OfferKind(row.kind),
        existing_first_on=row.existing_first_on,
        public_on=row.public_on,
        quantity=row.quantity,
        tiers=split_set(row.tiers),
        kinds=frozenset(RelationshipKind(k) for k in split_set(row.kinds)),
        tags=split_set(row.tags),
        description=row.description,
    )


def pitch(row: PitchRow | Row[Any]) -> Pitch:
    return Pitch(
        offer_id=row.offer_id,
        customer_id=row.customer_id,
        state=PitchState(row.state),
        at=row.at,
    )


def nudge(row: NudgeRow | Row[Any]) -> Nudge:
    return Nudge(
        id=row.id,
        dedupe_key=row.dedupe_key,
        customer_id=row.customer_id,
        recipient_id=row.recipient_id,
        reason=NudgeReason(row.reason),
        due_on=row.due_on,
        priority=row.priority,
        ritual=row.ritual,
        detail=row.detail,
        state=NudgeState(row.state),
        snoozed_until=row.snoozed_until,
        level=row.level,
        offer_id=row.offer_id,
        contact_id=row.contact_id,
        facts=tuple((str(k), str(v)) for k, v in json.loads(row.facts)),
        deliver_on=row.deliver_on,
    )


def delivery(row: DeliveryRow | Row[Any]) -> Delivery:
    return Delivery(
        id=_id(row.id),
        dedupe_key=row.dedupe_key,
        recipient_id=row.recipient_id,
        platform=Platform(row.platform),
        kind=DeliveryKind(row.kind),
        slot_at=row.slot_at,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        payload=row.payload,
        message_ref=row.message_ref,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )


def audit(row: AuditLogRow | Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        actor_id=row.actor_id,
        workspace_id=row.workspace_id,
        detail=row.detail,
        at=row.at,
    )
