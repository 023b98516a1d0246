"""Every table round-trips its domain value on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from nudges.model import (
    Cadence,
    Contact,
    Customer,
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
)
from storage import SqlUnitOfWork, make_engine

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Europe moves its clocks forward


@pytest.fixture
def uow(session_factory):  # type: ignore[no-untyped-def]
    return SqlUnitOfWork(session_factory)


def _seed(uow: SqlUnitOfWork) -> tuple[int, Person, Customer]:
    workspace = uow.workspaces.add(
        platform=Platform.CONSOLE,
        external_id="console",
        name="Console",
        timezone="Europe/Berlin",
        holiday_country="DE",
        now=NOW,
    )
    maria = uow.people.add(
        Person(
            id=0,
            workspace_id=workspace.id,
            platform_user_id="maria",
            display_name="Maria Keller",
            timezone="Pacific/Auckland",
            working_days=frozenset({0, 1, 2, 3, 5}),
            delivery_hour=8,
            holiday_country="NZ",
            daily_cap=7,
            is_admin=True,
            ooo_until=date(2026, 4, 3),
            email="maria@example.com",
        ),
        now=NOW,
    )
    acme = uow.customers.add(
        Customer(
            id=0,
            workspace_id=workspace.id,
            name="Acme  Corp",
            owner_id=maria.id,
            tier="key",
            kind=RelationshipKind.PARTNER,
            cadence=Cadence(ideal_days=10, max_days=20),
            since=date(2020, 2, 29),
            renewal_on=date(2027, 1, 31),
            annual_value=125_000,
            timezone="America/Los_Angeles",
            country="US",
            tags=frozenset({"fintech", "emea"}),
            dnc_until=date(2026, 4, 1),
            dnc_reason="Audit season",
            min_gap_days=5,
            last_touch_at=datetime(2026, 3, 1, 23, 59, tzinfo=ZoneInfo("America/Los_Angeles")),
            next_due_at=NOW + timedelta(days=3),
        ),
        now=NOW,
    )
    return workspace.id, maria, acme


def test_people_and_customers_round_trip_with_aware_instants(uow: SqlUnitOfWork) -> None:
    with uow:
        workspace_id, maria, acme = _seed(uow)
        uow.commit()
    with uow:
        assert uow.people.get(maria.id) == maria
        stored = uow.customers.get(acme.id)
        assert stored == acme
        assert stored is not None and stored.last_touch_at is not None
        assert stored.last_touch_at.tzinfo is not None
        # 23:59 in Los Angeles on March 1st is 07:59 UTC on March 2nd: the instant survives.
        assert stored.last_touch_at == datetime(2026, 3, 2, 7, 59, tzinfo=UTC)
        assert uow.customers.by_name(workspace_id=workspace_id, name="acme corp") == acme
        assert uow.people.by_platform_id(workspace_id=workspace_id, platform_user_id="maria") == (
            maria
        )


def test_a_february_29_birthday_and_custom_dates_round_trip(uow: SqlUnitOfWork) -> None:
    with uow:
        _, _, acme = _seed(uow)
        leap = uow.contacts.add(
            Contact(
                id=0,
                customer_id=acme.id,
                name="Lea Sprung",
                role="CFO",
                birthday_month=2,
                birthday_day=29,
                birth_year=1988,
            ),
            now=NOW,
        )
        renewal_party = uow.dates.add(
            ImportantDate(
                id=0,
                customer_id=acme.id,
                label="Founding day",
                on=date(1999, 1, 31),
                yearly=True,
                lead_days=5,
                contact_id=leap.id,
            )
        )
        event = uow.life_events.add(
            LifeEvent(
                id=0, customer_id=acme.id, kind="illness", on=date(2026, 3, 20), contact_id=leap.id
            )
        )
        uow.commit()
    with uow:
        assert uow.contacts.get(leap.id) == leap
        assert uow.contacts.of_customers([acme.id]) == [leap]
        assert uow.dates.get(renewal_party.id) == renewal_party
        assert uow.life_events.get(event.id) == event


def test_touches_move_the_last_touch_clocks_forward_never_back(uow: SqlUnitOfWork) -> None:
    with uow:
        workspace_id, maria, acme = _seed(uow)
        colleague = uow.people.add(
            Person(
                id=0,
                workspace_id=workspace_id,
                platform_user_id="bob",
                display_name="Bob",
                timezone="Europe/Berlin",
            ),
            now=NOW,
        )
        late = datetime(2026, 3, 20, 9, 0, tzinfo=timezone(timedelta(hours=13)))
        touch = uow.touches.add(
            Touch(
                id=0,
                customer_id=acme.id,
                person_id=colleague.id,
                ritual="coffee",
                at=late,
                note="Flat white, talked about Q2",
            ),
            owner_id=maria.id,
        )
        uow.touches.add(
            Touch(
                id=0,
                customer_id=acme.id,
                person_id=maria.id,
                ritual="call",
                at=datetime(2026, 3, 10, tzinfo=UTC),
            ),
            owner_id=maria.id,
        )
        uow.commit()
    with uow:
        assert uow.touches.get(touch.id) == touch
        stored = uow.customers.get(acme.id)
        assert stored is not None
        assert stored.last_touch_at == late  # the older call did not move it back
        assert stored.owner_last_touch_at == datetime(2026, 3, 10, tzinfo=UTC)


def test_offers_pitches_nudges_deliveries_and_audit_round_trip(uow: SqlUnitOfWork) -> None:
    with uow:
        workspace_id, maria, acme = _seed(uow)
        offer = uow.offers.add(
            Offer(
                id=0,
                workspace_id=workspace_id,
                title="Pro Analytics",
                kind=OfferKind.PRODUCT,
                existing_first_on=date(2026, 4, 1),
                public_on=date(2026, 5, 1),
                quantity=3,
                tiers=frozenset({"key"}),
                kinds=frozenset({RelationshipKind.CUSTOMER}),
                tags=frozenset({"fintech"}),
                description="Dashboards",
            ),
            now=NOW,
        )
        pitch = uow.pitches.record(
            Pitch(offer_id=offer.id, customer_id=acme.id, state=PitchState.PITCHED, at=NOW),
            person_id=maria.id,
        )
        nudge = uow.nudges.upsert(
            Nudge(
                dedupe_key=f"quiet:{acme.id}:2026-03-01",
                customer_id=acme.id,
                recipient_id=maria.id,
                reason=NudgeReason.QUIET,
                due_on=date(2026, 3, 29),
                priority=71.5,
                ritual="coffee",
                detail="Quiet for 28 days",
                level="red",
                facts=(("tier", "key"),),
                deliver_on=date(2026, 3, 30),
            ),
            now=NOW,
        )
        delivery = uow.deliveries.add(
            dedupe_key=f"nudges:{maria.id}:2026-03-29T19:00Z",
            recipient_id=maria.id,
            platform=Platform.SLACK,
            kind=DeliveryKind.NUDGES,
            slot_at=NOW + timedelta(hours=18),
            payload='{"waiting": 2}',
            nudge_ids=[nudge.id or 0],
            now=NOW,
        )
        entry = uow.audit.record(
            "touch.log",
            subject_type="customer",
            subject_id=acme.id,
            actor_id=maria.id,
            workspace_id=workspace_id,
            at=NOW,
            ritual="call",
        )
        uow.commit()
    with uow:
        assert uow.offers.get(offer.id) == offer
        assert uow.offers.live(on=date(2026, 4, 15)) == [offer]
        assert uow.offers.live(on=date(2026, 5, 1)) == []
        assert uow.pitches.get(offer_id=offer.id, customer_id=acme.id) == pitch
        assert uow.nudges.get(nudge.id or 0) == nudge
        stored = uow.deliveries.get(delivery.id)
        assert stored == delivery
        assert stored is not None and stored.state is DeliveryState.PENDING
        assert uow.deliveries.nudges_of(delivery.id) == [nudge]
        assert uow.audit.entries() == [entry]


def test_upserting_a_nudge_keeps_one_row_and_never_revives_a_finished_one(
    uow: SqlUnitOfWork,
) -> None:
    with uow:
        _, maria, acme = _seed(uow)
        first = Nudge(
            dedupe_key="quiet:x",
            customer_id=acme.id,
            recipient_id=maria.id,
            reason=NudgeReason.QUIET,
            due_on=date(2026, 3, 29),
            priority=10.0,
            ritual="call",
            detail="Quiet for 15 days",
            level="amber",
        )
        stored = uow.nudges.upsert(first, now=NOW)
        again = uow.nudges.upsert(replace(first, priority=20.0, level="red"), now=NOW)
        assert again.id == stored.id and again.priority == 20.0 and again.level == "red"
        uow.nudges.set_state(
            stored.id or 0,
            NudgeState.SNOOZED,
            now=NOW,
            snoozed_until=date(2026, 4, 5),
            reason="after Easter",
        )
        assert uow.nudges.statuses([acme.id])["quiet:x"].snoozed_until == date(2026, 4, 5)
        still = replace(first, state=NudgeState.SNOOZED, snoozed_until=date(2026, 4, 9))
        kept = uow.nudges.upsert(still, now=NOW)
        assert kept.snoozed_until == date(2026, 4, 5)  # the same state keeps its snooze date
        reopened = uow.nudges.upsert(replace(first, priority=30.0), now=NOW)  # snooze over
        assert reopened.state is NudgeState.OPEN and reopened.priority == 30.0
        uow.nudges.set_state(stored.id or 0, NudgeState.DONE, now=NOW)
        after = uow.nudges.upsert(replace(first, priority=99.0), now=NOW)
        assert after.state is NudgeState.DONE and after.priority == 30.0
        assert uow.nudges.expire(["quiet:x"], now=NOW) == 0
        uow.commit()


def test_the_unit_of_work_rolls_back_unless_committed(uow: SqlUnitOfWork) -> None:
    with uow:
        _seed(uow)
    with uow:
        assert uow.customers.count() == 0

    def fail_after_the_commit() -> None:
        with uow:
            _seed(uow)
            uow.commit()
            uow.audit.record(
                "customer.edit",
                subject_type="customer",
                subject_id=None,
                actor_id=None,
                workspace_id=None,
                at=NOW,
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_after_the_commit()
    with uow:
        assert uow.customers.count() == 1
        assert uow.audit.entries() == []


def test_foreign_keys_are_enforced(uow: SqlUnitOfWork) -> None:
    with uow, pytest.raises(IntegrityError):
        uow.contacts.add(Contact(id=0, customer_id=4242, name="Nobody"), now=NOW)


def test_dedupe_keys_of_deliveries_are_unique(uow: SqlUnitOfWork) -> None:
    with uow:
        _, maria, _ = _seed(uow)
        for _ in range(2):
            uow.deliveries.add(
                dedupe_key="nudges:1:slot",
                recipient_id=maria.id,
                platform=Platform.CONSOLE,
                kind=DeliveryKind.NUDGES,
                slot_at=NOW,
                payload="{}",
                now=NOW,
            ) if _ == 0 else None
        with pytest.raises(IntegrityError):
            uow.deliveries.add(
                dedupe_key="nudges:1:slot",
                recipient_id=maria.id,
                platform=Platform.CONSOLE,
                kind=DeliveryKind.NUDGES,
                slot_at=NOW,
                payload="{}",
                now=NOW,
            )


def test_a_naive_datetime_is_refused_before_it_reaches_the_database(uow: SqlUnitOfWork) -> None:
    with uow:
        _, maria, acme = _seed(uow)
        with pytest.raises(Exception, match="naive datetime"):
            uow.touches.add(
                Touch(
                    id=0,
                    customer_id=acme.id,
                    person_id=maria.id,
                    ritual="call",
                    at=datetime(2026, 3, 1, 12, 0),  # noqa: DTZ001 - what is refused
                ),
                owner_id=maria.id,
            )


def test_due_customers_are_found_by_an_index_range(uow: SqlUnitOfWork) -> None:
    with uow:
        _, _, acme = _seed(uow)
        assert uow.customers.due_ids(now=NOW, limit=10) == []
        assert uow.customers.due_ids(now=NOW + timedelta(days=3), limit=10) == [acme.id]
        uow.customers.update(replace(acme, archived=True))
        assert uow.customers.due_ids(now=NOW + timedelta(days=30), limit=10) == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    engine.dispose()
