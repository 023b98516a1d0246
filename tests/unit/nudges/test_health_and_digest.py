from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nudges.digest import team_digest
from nudges.health import health, health_score
from nudges.model import CustomerSummary
from nudges.policy import Policy

from .factories import NOW, customer, person

POLICY = Policy()


def summary(**over):
    c = over.pop("customer", customer(since=date(2015, 1, 1)))
    values = {
        "touches_last_90_days": 6,
        "touches_previous_90_days": 6,
        "distinct_contacts_touched": 3,
        "recent_contacts_touched": 2,
        "pitches_accepted": 1,
    }
    values.update(over)
    return CustomerSummary(customer=c, **values)


def points(h):
    return {f.name: f.points for f in h.factors}


def test_a_healthy_relationship_scores_full_marks_with_explanations():
    h = health(summary(), now=NOW, policy=POLICY)
    assert h.score == 100
    assert points(h) == {
        "recency": 40,
        "trend": 20,
        "breadth": 15,
        "pitch_response": 15,
        "tenure": 10,
    }
    assert all(f.explanation for f in h.factors)


@pytest.mark.parametrize(
    ("days", "expected"), [(30, 40), (45, 25), (60, 10), (90, 5), (120, 0), (400, 0)]
)
def test_recency_falls_past_the_ideal_and_the_maximum(days, expected):
    c = customer(since=date(2015, 1, 1), last_touch_at=NOW - timedelta(days=days))
    assert points(health(summary(customer=c), now=NOW, policy=POLICY))["recency"] == expected


def test_a_falling_touch_frequency_lowers_the_trend():
    h = health(summary(touches_last_90_days=2, touches_previous_90_days=8), now=NOW, policy=POLICY)
    assert points(h)["trend"] == 5


def test_breadth_counts_distinct_contacts():
    assert (
        points(health(summary(distinct_contacts_touched=1), now=NOW, policy=POLICY))["breadth"] == 5
    )


def test_declined_pitches_lower_the_score():
    h = health(summary(pitches_accepted=1, pitches_declined=3), now=NOW, policy=POLICY)
    assert points(h)["pitch_response"] == 4
    assert (
        points(health(summary(pitches_accepted=0), now=NOW, policy=POLICY))["pitch_response"] == 8
    )


def test_the_tenure_risk_window_costs_points():
    inside = customer(since=date(2025, 1, 1))
    assert points(health(summary(customer=inside), now=NOW, policy=POLICY))["tenure"] == 0
    new = customer(since=date(2026, 3, 1))
    assert points(health(summary(customer=new), now=NOW, policy=POLICY))["tenure"] == 10


def test_the_team_digest_per_salesperson():
    ann, bob = person(id=1), person(id=2, platform_user_id="U2")
    rows = [
        summary(
            customer=customer(id=1, owner_id=1, annual_value=100),
            touches_this_period=3,
            touches_previous_period=1,
            upcoming_dates=2,
            live_offers_eligible=2,
            live_offers_pitched=1,
        ),
        summary(
            customer=customer(
                id=2, owner_id=1, annual_value=100, last_touch_at=NOW - timedelta(days=40)
            )
        ),
        summary(
            customer=customer(
                id=3, owner_id=1, annual_value=100, last_touch_at=NOW - timedelta(days=80)
            )
        ),
        summary(
            customer=customer(id=4, owner_id=2, annual_value=10_000),
            distinct_contacts_touched=1,
            recent_contacts_touched=1,
        ),
        summary(customer=customer(id=5, owner_id=2, archived=True)),
        summary(customer=customer(id=6, owner_id=99)),
    ]
    d = team_digest(manager=person(id=9), team=[ann, bob], summaries=rows, now=NOW, policy=POLICY)
    a, b = d.sellers
    assert (a.person_id, a.customers, a.amber, a.red) == (1, 3, 1, 1)
    assert a.coverage == pytest.approx(1 / 3, abs=1e-3)
    assert a.escalations == 1
    assert (a.touches_this_period, a.touches_previous_period, a.upcoming_dates) == (3, 1, 2)
    assert (a.offers_pitched, a.offers_eligible, a.pitch_coverage) == (1, 2, 0.5)
    assert (b.customers, b.coverage, b.pitch_coverage) == (1, 1.0, None)
    assert d.escalations == (3,)
    assert (d.single_threaded, d.single_threaded_top) == (1, (4,))
    # Each risk once: Bob's one customer is most of the team's book, listed for the team.
    risky = {(r.customer_id, r.owner_id) for r in d.concentration}
    assert risky == {(1, 1), (2, 1), (3, 1), (4, None)}
    assert sum(count for _, count in d.health) == 4
    assert [(q.customer_id, q.level) for q in d.quiet_top] == [(3, "red"), (2, "amber")]


def test_an_account_with_no_contact_touched_lately_is_single_threaded():
    ann = person(id=1)
    rows = [
        summary(customer=customer(id=1, owner_id=1), recent_contacts_touched=0),  # none at all
        summary(customer=customer(id=2, owner_id=1), recent_contacts_touched=1),
        summary(customer=customer(id=3, owner_id=1), recent_contacts_touched=2),
    ]
    d = team_digest(manager=ann, team=[ann], summaries=rows, now=NOW, policy=POLICY)
    assert (d.single_threaded, sorted(d.single_threaded_top)) == (2, [1, 2])


def test_long_digest_lists_keep_their_worst_and_say_how_many():
    ann = person(id=1)
    rows = [
        summary(
            customer=customer(
                id=i, owner_id=1, annual_value=i, last_touch_at=NOW - timedelta(days=100 + i)
            ),
            recent_contacts_touched=0,
        )
        for i in range(1, 8)
    ]
    policy = Policy(digest_list_limit=3)
    d = team_digest(manager=ann, team=[ann], summaries=rows, now=NOW, policy=policy)
    assert (d.quiet, [q.customer_id for q in d.quiet_top]) == (7, [7, 6, 5])
    assert (d.single_threaded, d.single_threaded_top) == (7, (7, 6, 5))
    assert d.escalated == 7 and d.escalations == (7, 6, 5)


@given(
    days_quiet=st.one_of(st.none(), st.integers(0, 2_000)),
    since=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2026, 12, 31))),
    last_90=st.integers(0, 50),
    previous_90=st.integers(0, 50),
    contacts=st.integers(0, 6),
    accepted=st.integers(0, 5),
    declined=st.integers(0, 5),
    tenure=st.tuples(st.integers(0, 40), st.integers(0, 80)),
)
def test_the_score_alone_is_the_score_the_factors_add_up_to(
    days_quiet, since, last_90, previous_90, contacts, accepted, declined, tenure
):
    """What the sweep keeps (``health_score``) is what the health view shows."""
    touched = None if days_quiet is None else NOW - timedelta(days=days_quiet)
    policy = replace(POLICY, tenure_risk_months=tenure)
    s = summary(
        customer=customer(since=since, last_touch_at=touched),
        touches_last_90_days=last_90,
        touches_previous_90_days=previous_90,
        distinct_contacts_touched=contacts,
        pitches_accepted=accepted,
        pitches_declined=declined,
    )
    full = health(s, now=NOW, policy=policy)
    assert health_score(s, now=NOW, policy=policy) == full.score
    assert full.score == max(0, min(100, sum(f.points for f in full.factors)))
