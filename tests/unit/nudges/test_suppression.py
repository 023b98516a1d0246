from datetime import date, timedelta

from nudges.engine import decide_customer
from nudges.model import NudgeReason, NudgeState, NudgeStatus
from nudges.policy import Policy
from nudges.suppress import route_recipient

from .factories import NOW, at, contact, customer, life_event, person, view

POLICY = Policy()
QUIET = customer(
    last_touch_at=NOW - timedelta(days=40), owner_last_touch_at=NOW - timedelta(days=40)
)
QUIET_KEY = f"quiet:100:{(NOW - timedelta(days=40)).isoformat()}:amber"
BIRTHDAY = (contact(birthday_month=6, birthday_day=12),)


def decide(policy=POLICY, **over):
    return decide_customer(view(**over), now=NOW, policy=policy)


def test_do_not_contact_holds_everything_and_says_why():
    c = customer(
        last_touch_at=NOW - timedelta(days=40),
        dnc_until=date(2026, 6, 10),
        dnc_reason="legal review",
    )
    d = decide(customer=c, contacts=BIRTHDAY)
    assert not d.nudges
    assert {h.why for h in d.held} == {"do_not_contact"}
    assert all("legal review" in h.detail for h in d.held)
    assert {h.reason for h in d.held} == {NudgeReason.QUIET, NudgeReason.BIRTHDAY}


def test_do_not_contact_ends_after_its_last_day():
    c = customer(last_touch_at=NOW - timedelta(days=40), dnc_until=date(2026, 6, 9))
    assert decide(customer=c).nudges


def test_no_reach_out_within_the_minimum_gap_after_a_touch():
    c = customer(last_touch_at=NOW - timedelta(days=1), since=date(2020, 6, 15))
    d = decide(customer=c)
    assert not d.nudges
    assert [h.why for h in d.held] == ["min_gap"]


def test_a_customers_own_minimum_gap_overrides_the_policy():
    c = customer(last_touch_at=NOW - timedelta(days=5), since=date(2020, 6, 15), min_gap_days=7)
    assert not decide(customer=c).nudges
    assert decide(
        customer=customer(last_touch_at=NOW - timedelta(days=5), since=date(2020, 6, 15))
    ).nudges


def test_birthdays_and_life_events_come_anyway_within_the_minimum_gap():
    c = customer(last_touch_at=NOW - timedelta(days=1))
    d = decide(customer=c, contacts=BIRTHDAY, life_events=(life_event(kind="promotion"),))
    assert {n.reason for n in d.nudges} == {NudgeReason.BIRTHDAY, NudgeReason.LIFE_EVENT}
    strict = decide(customer=c, contacts=BIRTHDAY, policy=Policy(heart_dates_ignore_min_gap=False))
    assert not strict.nudges


def test_a_snoozed_nudge_is_held_until_its_date_then_reopens():
    snoozed = {QUIET_KEY: NudgeStatus(NudgeState.SNOOZED, snoozed_until=date(2026, 6, 10))}
    d = decide(customer=QUIET, existing=snoozed)
    assert not d.nudges
    assert d.held[0].why == "snoozed"
    passed = {QUIET_KEY: NudgeStatus(NudgeState.SNOOZED, snoozed_until=date(2026, 6, 9))}
    [n] = decide(customer=QUIET, existing=passed).nudges
    assert n.state is NudgeState.OPEN


def test_skipped_done_and_expired_nudges_never_come_back():
    for state in (NudgeState.SKIPPED, NudgeState.DONE, NudgeState.EXPIRED):
        d = decide(customer=QUIET, existing={QUIET_KEY: NudgeStatus(state)})
        assert not d.nudges
        assert not d.held


def test_a_delivered_nudge_keeps_its_state():
    d = decide(customer=QUIET, existing={QUIET_KEY: NudgeStatus(NudgeState.DELIVERED)})
    assert [n.state for n in d.nudges] == [NudgeState.DELIVERED]


def test_a_touch_expires_the_open_quiet_nudge_of_the_previous_cycle():
    touched = customer(last_touch_at=NOW - timedelta(days=4))
    d = decide(customer=touched, existing={QUIET_KEY: NudgeStatus(NudgeState.OPEN)})
    assert d.expired == (QUIET_KEY,)


def test_archived_customers_get_nothing():
    c = customer(archived=True, last_touch_at=None, since=None)
    d = decide(customer=c, contacts=BIRTHDAY, existing={QUIET_KEY: NudgeStatus(NudgeState.OPEN)})
    assert (d.nudges, d.held, d.next_due_at) == ((), (), None)
    assert d.expired == (QUIET_KEY,)


def test_a_sensitive_event_suggests_a_card_and_holds_upbeat_nudges():
    d = decide(
        contacts=BIRTHDAY, life_events=(life_event(kind="bereavement", on=date(2026, 6, 1)),)
    )
    [n] = d.nudges
    assert n.reason is NudgeReason.LIFE_EVENT
    assert "card" in n.detail
    assert [(h.reason, h.why) for h in d.held] == [(NudgeReason.BIRTHDAY, "sensitive_event")]


def test_sensitive_suppression_ends_after_its_days():
    event = life_event(kind="illness", on=NOW.date() - timedelta(days=31))
    d = decide(contacts=BIRTHDAY, life_events=(event,))
    assert [n.reason for n in d.nudges] == [NudgeReason.BIRTHDAY]


def test_a_happy_event_suggests_congratulations():
    [n] = decide(life_events=(life_event(kind="new_baby"),)).nudges
    assert "Congratulate" in n.detail


def test_old_life_events_no_longer_nudge():
    old = life_event(kind="promotion", on=NOW.date() - timedelta(days=15))
    assert not decide(life_events=(old,)).nudges


def test_a_salesperson_out_of_office_is_covered():
    cover = person(id=2, platform_user_id="U2")
    away = person(ooo_until=date(2026, 6, 12), cover_id=2)
    people = {1: away, 2: cover}
    assert route_recipient(away, now=NOW, people=people) == 2
    assert route_recipient(away, now=at(2026, 6, 13), people=people) == 1


def test_out_of_office_is_a_day_in_the_persons_own_zone():
    away = person(timezone="Pacific/Auckland", ooo_until=date(2026, 6, 12), cover_id=2)
    people = {1: away, 2: person(id=2)}
    # 2026-06-12 13:00 UTC is already Saturday 01:00 in Auckland: back from leave.
    assert route_recipient(away, now=at(2026, 6, 12, 13), people=people) == 1
    assert route_recipient(away, now=at(2026, 6, 12, 11), people=people) == 2


def test_without_an_available_cover_nudges_wait_for_the_return():
    away = person(ooo_until=date(2026, 6, 12), cover_id=2)
    also_away = person(id=2, ooo_until=date(2026, 6, 30))
    assert route_recipient(away, now=NOW, people={1: away, 2: also_away}) == 1
    assert route_recipient(away, now=NOW, people={1: away}) == 1
