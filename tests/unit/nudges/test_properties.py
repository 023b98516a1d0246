"""Properties that hold for any valid input."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nudges.delivery import may_deliver_by, plan_delivery
from nudges.engine import CustomerView, decide_customer
from nudges.model import (
    Cadence,
    Contact,
    Customer,
    ImportantDate,
    LifeEvent,
    NudgeReason,
    NudgeState,
    NudgeStatus,
    Person,
    RelationshipKind,
    Touch,
)
from nudges.policy import Feb29Policy, Policy, ShiftPolicy
from nudges.quiet import cadence_for
from nudges.ranking import by_customer, capped
from nudges.timing import is_working_day, next_slot, slot_for_nudge

from .factories import nudge

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Auckland",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "America/Santiago",
    "Not/AZone",
]
# hypothesis takes naive bounds and makes the values aware with ``timezones``
LOW = datetime(2020, 1, 1)  # noqa: DTZ001
HIGH = datetime(2032, 12, 31)  # noqa: DTZ001
EARLIEST = datetime(2018, 1, 1)  # noqa: DTZ001
instants = st.datetimes(min_value=LOW, max_value=HIGH, timezones=st.just(UTC))
days = st.dates(min_value=date(2018, 1, 1), max_value=date(2034, 12, 31))
policies = st.builds(
    Policy,
    feb29=st.sampled_from(Feb29Policy),
    shift=st.sampled_from(ShiftPolicy),
    daily_cap=st.integers(0, 6),
    min_gap_days=st.integers(0, 10),
    escalation_after_days=st.integers(0, 30),
    renewal_checkpoints=st.lists(st.integers(0, 120), max_size=3).map(tuple),
    heart_dates_ignore_min_gap=st.booleans(),
)
people = st.builds(
    Person,
    id=st.just(1),
    workspace_id=st.just(1),
    platform_user_id=st.just("U1"),
    display_name=st.just("Sam"),
    timezone=st.sampled_from(ZONES),
    working_days=st.frozensets(st.integers(0, 6)),
    delivery_hour=st.integers(0, 23),
    manager_id=st.one_of(st.none(), st.just(9)),
    ooo_until=st.one_of(st.none(), days),
    daily_cap=st.one_of(st.none(), st.integers(0, 6)),
)


@st.composite
def views(draw):
    now = draw(instants)
    last = draw(
        st.one_of(
            st.none(),
            st.datetimes(
                min_value=EARLIEST, max_value=now.replace(tzinfo=None), timezones=st.just(UTC)
            ),
        )
    )
    own = draw(st.one_of(st.none(), st.just(last))) if last else None
    c = Customer(
        id=100,
        workspace_id=1,
        name="Acme",
        owner_id=1,
        tier=draw(st.sampled_from(["key", "core", "long-tail", "unknown"])),
        kind=draw(st.sampled_from(RelationshipKind)),
        cadence=draw(
            st.one_of(st.none(), st.builds(Cadence, st.integers(-3, 90), st.integers(-3, 200)))
        ),
        since=draw(st.one_of(st.none(), days)),
        renewal_on=draw(st.one_of(st.none(), days)),
        annual_value=draw(st.integers(-10, 10**9)),
        dnc_until=draw(st.one_of(st.none(), days)),
        min_gap_days=draw(st.one_of(st.none(), st.integers(-1, 10))),
        archived=draw(st.booleans()),
        last_touch_at=last,
        owner_last_touch_at=own,
    )
    contacts = tuple(
        Contact(
            id=500 + i,
            customer_id=100,
            name=f"C{i}",
            birthday_month=draw(st.one_of(st.none(), st.integers(0, 13))),
            birthday_day=draw(st.one_of(st.none(), st.integers(0, 32))),
            birth_year=draw(st.one_of(st.none(), st.integers(1900, 2030))),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    dates = tuple(
        ImportantDate(
            id=70 + i,
            customer_id=100,
            label="d",
            on=draw(days),
            yearly=draw(st.booleans()),
            lead_days=draw(st.one_of(st.none(), st.integers(-2, 30))),
        )
        for i in range(draw(st.integers(0, 2)))
    )
    events = tuple(
        LifeEvent(
            id=80 + i,
            customer_id=100,
            kind=draw(st.sampled_from(["illness", "promotion", "other"])),
            on=draw(days),
        )
        for i in range(draw(st.integers(0, 2)))
    )
    touches = tuple(
        Touch(
            id=i,
            customer_id=100,
            person_id=1,
            ritual=draw(st.sampled_from(["call", "coffee", "card", "email"])),
            at=draw(instants),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    view = CustomerView(
        customer=c,
        owner=draw(people),
        contacts=contacts,
        recent_touches=touches,
        dates=dates,
        life_events=events,
    )
    return view, now


@FAST
@given(views(), policies)
def test_deciding_never_raises_and_is_idempotent(case, policy):
    view, now = case
    first = decide_customer(view, now=now, policy=policy)
    assert first == decide_customer(view, now=now, policy=policy)
    keys = [n.dedupe_key for n in first.nudges]
    assert len(keys) == len(set(keys))
    assert first.next_due_at is None or first.next_due_at > now


@FAST
@given(views(), policies)
def test_applying_a_decision_and_deciding_again_changes_nothing(case, policy):
    view, now = case
    first = decide_customer(view, now=now, policy=policy)
    stored = {n.dedupe_key: NudgeStatus(n.state) for n in first.nudges}
    stored |= {k: NudgeStatus(NudgeState.EXPIRED) for k in first.expired}
    again = decide_customer(replace(view, existing=stored), now=now, policy=policy)
    assert again.nudges == first.nudges
    assert again.expired == ()


@FAST
@given(views(), policies)
def test_nothing_changes_before_next_due_at(case, policy):
    view, now = case
    first = decide_customer(view, now=now, policy=policy)
    if first.next_due_at is None or first.next_due_at - now < timedelta(seconds=2):
        return
    later = decide_customer(view, now=first.next_due_at - timedelta(seconds=1), policy=policy)

    def shape(d):
        return (
            {(n.dedupe_key, n.level, n.state, n.recipient_id) for n in d.nudges},
            {(h.dedupe_key, h.why) for h in d.held},
            d.expired,
        )

    assert shape(later) == shape(first)


@FAST
@given(views(), policies, st.integers(0, 200))
def test_a_customer_touched_within_cadence_never_gets_a_quiet_nudge(case, policy, ago):
    view, now = case
    ideal = cadence_for(view.customer, policy).ideal_days
    touched = now - timedelta(days=ago % ideal, seconds=1)
    c = replace(view.customer, last_touch_at=touched)
    d = decide_customer(replace(view, customer=c), now=now, policy=policy)
    assert NudgeReason.QUIET not in {n.reason for n in d.nudges}
    assert NudgeReason.ESCALATION not in {n.reason for n in d.nudges}


nudge_lists = st.lists(
    st.builds(
        nudge,
        dedupe_key=st.text("abcdef:0123", min_size=1, max_size=8),
        priority=st.floats(0, 100, allow_nan=False).map(lambda p: round(p, 1)),
        deliver_on=st.one_of(st.none(), days),
        customer_id=st.integers(1, 6),
    ),
    max_size=20,
    unique_by=lambda n: n.dedupe_key,
)


@FAST
@given(nudge_lists, st.integers(0, 8), st.randoms(use_true_random=False))
def test_the_cap_holds_and_the_order_is_total_and_stable(nudges, cap, rnd):
    kept, waiting = capped(nudges, limit=cap)
    customers = {n.customer_id for n in nudges}
    shown = {n.customer_id for n in kept}
    assert len(shown) == min(cap, len(customers))  # the cap counts customers
    assert len(shown) + waiting == len(customers)
    assert all(n in kept for n in nudges if n.customer_id in shown)  # an entry is whole
    shuffled = list(nudges)
    rnd.shuffle(shuffled)
    assert capped(shuffled, limit=cap) == (kept, waiting)
    heads = [(-e[0].priority, e[0].dedupe_key) for e in by_customer(kept)]
    assert heads == sorted(heads)


@FAST
@given(
    people,
    nudge_lists,
    instants,
    policies,
    st.frozensets(st.dates(min_value=date(2019, 12, 1), max_value=date(2034, 12, 31)), max_size=30),
)
def test_every_delivery_falls_on_a_working_non_holiday_day_at_the_local_hour(
    person, nudges, now, policy, holidays
):
    person = replace(person, timezone=person.timezone.replace("Not/AZone", "UTC"))
    tz = ZoneInfo(person.timezone)
    plan = plan_delivery(person, nudges, now=now, policy=policy, holidays=holidays)
    assert len({n.customer_id for n in plan.nudges}) <= (
        person.daily_cap if person.daily_cap is not None else policy.daily_cap
    )
    for n in nudges:
        slot = slot_for_nudge(person, n, now=now, holidays=holidays, policy=policy)
        assert slot >= now
        local = slot.astimezone(tz)
        assert is_working_day(person, local.date(), holidays)
        assert person.ooo_until is None or local.date() > person.ooo_until
        wall = datetime.combine(local.date(), datetime.min.time()).replace(
            hour=person.delivery_hour
        )
        exact = local.replace(tzinfo=None) == wall
        # In a spring-forward gap: the first instant after the missing hour.
        gap = (
            local.replace(tzinfo=None) > wall
            and (slot - timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None) < wall
        )
        assert exact or gap


@FAST
@given(
    people,
    instants,
    st.integers(0, 72 * 60),
    st.frozensets(st.dates(min_value=date(2019, 12, 1), max_value=date(2034, 12, 31)), max_size=30),
)
def test_a_sweep_skips_only_people_whose_slot_is_certainly_past_the_horizon(
    person, now, minutes, holidays
):
    """``may_deliver_by`` ignores holidays; whatever the holidays, a person it rules out has
    no slot by the horizon."""
    horizon = now + timedelta(minutes=minutes)
    real = next_slot(person, after=now, holidays=holidays)
    if real <= horizon:
        assert may_deliver_by(person, after=now, horizon=horizon)
    if not may_deliver_by(person, after=now, horizon=horizon):
        assert real > horizon
