from datetime import date, timedelta

from nudges.model import NudgeReason, NudgeState, NudgeStatus, OfferKind, PitchState
from nudges.offers import OfferCandidate, decide_offer
from nudges.policy import Policy

from .factories import NOW, at, customer, life_event, offer

POLICY = Policy()


def cand(cid, **over):
    pitch = over.pop("pitch", None)
    events = over.pop("life_events", ())
    existing = over.pop("existing", {})
    values = {"id": cid, "owner_id": cid * 10, "annual_value": 1000 * cid}
    values.update(over)
    return OfferCandidate(customer(**values), pitch=pitch, life_events=events, existing=existing)


def customers_nudged(decision):
    return [n.customer_id for n in decision.nudges]


def test_every_eligible_customer_without_a_pitch_hears_of_it_first():
    d = decide_offer(
        offer(), [cand(1), cand(2), cand(3, pitch=PitchState.PITCHED)], now=NOW, policy=POLICY
    )
    assert sorted(customers_nudged(d)) == [1, 2]
    assert {(n.recipient_id, n.reason) for n in d.nudges} == {
        (10, NudgeReason.OFFER),
        (20, NudgeReason.OFFER),
    }
    assert d.eligible == 3


def test_nothing_outside_the_existing_first_window():
    o = offer(existing_first_on=date(2026, 6, 11), public_on=date(2026, 7, 1))
    d = decide_offer(o, [cand(1)], now=NOW, policy=POLICY)
    assert not d.nudges
    assert d.next_due_at == date(2026, 6, 11)
    gone_public = decide_offer(
        offer(public_on=date(2026, 6, 10)), [cand(1)], now=NOW, policy=POLICY
    )
    assert not gone_public.nudges


def test_eligibility_by_tier_kind_and_tags_and_never_archived():
    o = offer(tiers=frozenset({"key"}), tags=frozenset({"emea", "apac"}))
    cands = [
        cand(1, tier="key", tags=frozenset({"emea"})),
        cand(2, tier="core"),
        cand(3, tier="key"),
        cand(4, tier="key", tags=frozenset({"apac"}), archived=True),
    ]
    assert customers_nudged(decide_offer(o, cands, now=NOW, policy=POLICY)) == [1]


def test_a_limited_quantity_goes_to_the_best_customers_first():
    cands = [
        cand(1, annual_value=500),
        cand(2, annual_value=900),
        cand(3, annual_value=900, since=date(2010, 1, 1)),
        cand(4, annual_value=100),
    ]
    d = decide_offer(offer(quantity=2), cands, now=NOW, policy=POLICY)
    assert sorted(customers_nudged(d)) == [2, 3]


def test_ties_in_value_and_tenure_are_broken_by_id():
    cands = [cand(5, annual_value=1), cand(4, annual_value=1)]
    d = decide_offer(offer(quantity=1), cands, now=NOW, policy=POLICY)
    assert customers_nudged(d) == [4]


def test_a_declined_customer_frees_a_unit_for_the_next_best():
    cands = [cand(3, pitch=PitchState.DECLINED), cand(2), cand(1)]
    d = decide_offer(offer(quantity=1), cands, now=NOW, policy=POLICY)
    assert customers_nudged(d) == [2]


def test_an_incentive_asks_owners_of_the_best_customers_to_offer_the_same():
    cands = [cand(i) for i in range(1, 6)]
    d = decide_offer(
        offer(kind=OfferKind.INCENTIVE), cands, now=NOW, policy=Policy(parity_best_customers=2)
    )
    assert sorted(customers_nudged(d)) == [4, 5]
    assert {n.reason for n in d.nudges} == {NudgeReason.PARITY}
    assert "same" in d.nudges[0].detail


def test_an_incentive_with_a_quantity_uses_it():
    cands = [cand(i) for i in range(1, 6)]
    d = decide_offer(offer(kind=OfferKind.INCENTIVE, quantity=3), cands, now=NOW, policy=POLICY)
    assert sorted(customers_nudged(d)) == [3, 4, 5]


def test_a_case_study_keeps_relevant_customers_abreast():
    o = offer(kind=OfferKind.CASE_STUDY, tags=frozenset({"retail"}))
    d = decide_offer(o, [cand(1, tags=frozenset({"retail"})), cand(2)], now=NOW, policy=POLICY)
    assert [(n.customer_id, n.reason) for n in d.nudges] == [(1, NudgeReason.ABREAST)]
    win = decide_offer(offer(kind=OfferKind.WIN), [cand(1)], now=NOW, policy=POLICY)
    assert [n.reason for n in win.nudges] == [NudgeReason.ABREAST]


def test_offers_are_held_after_a_sensitive_event_and_during_do_not_contact():
    grieving = cand(1, life_events=(life_event(customer_id=1, kind="bereavement"),))
    blocked = cand(2, dnc_until=date(2026, 7, 1))
    recent = cand(3, last_touch_at=NOW - timedelta(hours=3))
    d = decide_offer(offer(), [grieving, blocked, recent], now=NOW, policy=POLICY)
    assert not d.nudges
    assert sorted((h.dedupe_key, h.why) for h in d.held) == [
        ("offer:1:40", "sensitive_event"),
        ("offer:2:40", "do_not_contact"),
        ("offer:3:40", "min_gap"),
    ]


def test_a_pitched_offer_expires_its_open_nudge():
    c = cand(1, pitch=PitchState.PITCHED, existing={"offer:1:40": NudgeStatus(NudgeState.OPEN)})
    assert decide_offer(offer(), [c], now=NOW, policy=POLICY).expired == ("offer:1:40",)


def test_a_skipped_offer_nudge_does_not_come_back():
    c = cand(1, existing={"offer:1:40": NudgeStatus(NudgeState.SKIPPED)})
    assert not decide_offer(offer(), [c], now=NOW, policy=POLICY).nudges


def test_deciding_an_offer_twice_gives_the_same_nudges():
    cands = [cand(i) for i in range(1, 8)]
    first = decide_offer(offer(quantity=4), cands, now=at(2026, 6, 12), policy=POLICY)
    again = decide_offer(
        offer(quantity=4), list(reversed(cands)), now=at(2026, 6, 12), policy=POLICY
    )
    assert sorted(first.nudges, key=lambda n: n.dedupe_key) == sorted(
        again.nudges, key=lambda n: n.dedupe_key
    )
    assert first.eligible == 7
