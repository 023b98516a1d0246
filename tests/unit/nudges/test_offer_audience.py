"""Who an offer reaches: paying customers unless kinds= says otherwise; best first; a limited
quantity walks past those who declined. One rule for the nudges, `offer show` and digests."""

from nudges.model import OfferKind, PitchState, RelationshipKind
from nudges.offers import OfferCandidate, audience, decide_offer, eligible_kinds, is_eligible
from nudges.policy import Policy

from .factories import NOW, customer, offer

POLICY = Policy()
KIND = RelationshipKind


def test_a_product_offer_goes_to_paying_customers_only_unless_kinds_widens_it():
    product = offer(kind=OfferKind.PRODUCT)
    kinds = [customer(id=i, kind=k) for i, k in enumerate(KIND, start=1)]

    assert [c.kind for c in kinds if is_eligible(product, c)] == [KIND.CUSTOMER]
    widened = offer(kind=OfferKind.PRODUCT, kinds=frozenset({KIND.CUSTOMER, KIND.PARTNER}))
    assert [c.kind for c in kinds if is_eligible(widened, c)] == [KIND.CUSTOMER, KIND.PARTNER]
    nudged = decide_offer(
        product, [OfferCandidate(c) for c in kinds], now=NOW, policy=POLICY
    ).nudges
    assert [n.customer_id for n in nudged] == [1]


def test_an_incentive_is_for_paying_customers_and_news_is_for_everyone():
    assert eligible_kinds(offer(kind=OfferKind.INCENTIVE)) == frozenset({KIND.CUSTOMER})
    assert eligible_kinds(offer(kind=OfferKind.CASE_STUDY)) == frozenset()  # every kind
    assert eligible_kinds(offer(kind=OfferKind.WIN)) == frozenset()
    internal = customer(id=1, kind=KIND.INTERNAL)
    assert is_eligible(offer(kind=OfferKind.WIN), internal)
    assert not is_eligible(offer(kind=OfferKind.INCENTIVE), internal)


def test_the_audience_of_a_limited_offer_walks_past_who_declined_best_first():
    ranked = [
        (1, PitchState.ACCEPTED),
        (2, PitchState.DECLINED),
        (3, None),
        (4, PitchState.DECLINED),
        (5, PitchState.PITCHED),
        (6, None),
    ]
    three = offer(kind=OfferKind.PRODUCT, quantity=3)

    assert audience(three, ranked, POLICY) == [1, 2, 3, 4, 5]
    assert audience(offer(kind=OfferKind.PRODUCT), ranked, POLICY) == [1, 2, 3, 4, 5, 6]
    two = offer(kind=OfferKind.INCENTIVE, quantity=2)
    assert audience(two, ranked, POLICY) == [1, 2]  # parity: the best two, whatever they said


def test_the_nudges_go_to_the_audience_without_a_pitch():
    cands = [
        OfferCandidate(customer(id=i, owner_id=10 * i, annual_value=1000 * (10 - i)), pitch=p)
        for i, p in ((1, PitchState.ACCEPTED), (2, PitchState.DECLINED), (3, None), (4, None))
    ]
    decision = decide_offer(offer(quantity=2), cands, now=NOW, policy=POLICY)

    assert [n.customer_id for n in decision.nudges] == [3]
