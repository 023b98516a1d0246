"""The reads a digest is made of, each against its definition on a seeded demo book: whom a
live offer reaches (the audience of the whole ranking, whatever the offer's kind, limit,
declines and pitches), and a book's touches of the two periods (read by instant or by
customer: the same counts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.sweep import sweep
from bot.demo import generate
from bot.services.digests import DigestBooks
from nudges.model import Offer, OfferKind, PitchState, RelationshipKind
from nudges.offers import audience
from storage.tables import customer_t, pitch_t, touchpoint_t

pytestmark = pytest.mark.db

NOW = datetime(2027, 6, 7, 6, 0, tzinfo=UTC)  # a Monday
TICK = datetime(2027, 6, 7, 6, 30, tzinfo=UTC)
c = customer_t.c


@pytest.fixture
def demo(database: str) -> Iterator[Container]:
    generate(Settings(database_url=database), customers=600, owners=6, seed=11, now=NOW)
    container = build(Settings(database_url=database), clock=FixedClock(TICK))
    sweep(container.deps, now=TICK)
    yield container
    container.close()


def _offers(container: Container) -> list[Offer]:
    """Offers of every kind of reach: limited and not, narrowed by tier, kind and tag."""
    today = TICK.date()
    with container.deps.uow() as uow:
        workspace = uow.people.managers()[0].workspace_id
        tier = uow.session.scalar(select(c.tier).order_by(c.id).limit(1))
        tag = uow.session.scalar(select(func.min(c.id)))  # no such tag: reaches nobody
        made = []
        for n, (kind, quantity, tiers, kinds, tags) in enumerate(
            (
                (OfferKind.PRODUCT, 5, frozenset(), frozenset(), frozenset()),
                (OfferKind.PRODUCT, 3, frozenset({tier}), frozenset(), frozenset()),
                (OfferKind.PRODUCT, 0, frozenset(), frozenset(), frozenset()),
                (OfferKind.PRODUCT, None, frozenset(), frozenset(), frozenset()),
                (OfferKind.INCENTIVE, 4, frozenset(), frozenset(), frozenset()),
                (OfferKind.INCENTIVE, None, frozenset(), frozenset(), frozenset()),
                (OfferKind.CASE_STUDY, None, frozenset(), frozenset(), frozenset()),
                (OfferKind.WIN, 2, frozenset(), frozenset({RelationshipKind.PARTNER}), frozenset()),
                (OfferKind.PRODUCT, 2, frozenset(), frozenset(), frozenset({f"none-{tag}"})),
            )
        ):
            offer = Offer(
                id=0,
                workspace_id=workspace,
                title=f"Reach {n}",
                kind=kind,
                existing_first_on=today - timedelta(days=1),
                public_on=today + timedelta(days=20),
                quantity=quantity,
                tiers=tiers,
                kinds=kinds,
                tags=tags,
            )
            made.append(uow.offers.add(offer, now=TICK))
        uow.commit()
    return made


def _pitch(container: Container, offer: Offer, states: list[PitchState]) -> None:
    """The offer's best eligible customers, in rank order, pitched with ``states``."""
    with container.deps.uow() as uow:
        ranked = uow.offers.ranked(offer)
        for (customer_id, _), state in zip(ranked, states, strict=False):
            uow.session.execute(
                insert(pitch_t).values(
                    offer_id=offer.id, customer_id=customer_id, state=state.value, at=TICK
                )
            )
        uow.commit()


def _expected(container: Container, offer: Offer) -> dict[int, tuple[int, int]]:
    """Per owner: reached and pitched, from the whole ranking (as the slow way counts)."""
    with container.deps.uow() as uow:
        ranked = uow.offers.ranked(offer)
        owners = {cid: owner for cid, owner in uow.session.execute(select(c.id, c.owner_id))}
    done = {cid for cid, state in ranked if state not in (None, PitchState.PENDING)}
    expected: dict[int, tuple[int, int]] = {}
    for customer_id in audience(offer, ranked, container.deps.policy):
        eligible, pitched = expected.get(owners[customer_id], (0, 0))
        expected[owners[customer_id]] = (eligible + 1, pitched + (customer_id in done))
    return expected


def test_an_offers_reach_is_the_audience_of_its_whole_ranking(demo: Container) -> None:
    offers = _offers(demo)
    declines = [PitchState.DECLINED, PitchState.DECLINED, PitchState.ACCEPTED]
    for offer in offers:
        # Declines among the best free their units for the next best: a limited offer
        # reaches further down its ranking than its quantity.
        _pitch(demo, offer, [*declines, PitchState.PENDING, PitchState.PITCHED, *declines])
    reached_further = 0
    for offer in offers:
        expected = _expected(demo, offer)
        with demo.deps.uow() as uow:
            assert uow.digests.offer_reach(offer, demo.deps.policy) == expected, offer
        if offer.kind is OfferKind.PRODUCT and offer.quantity:
            reached_further += sum(e for e, _ in expected.values()) > offer.quantity
    assert reached_further == 2


def test_a_books_touches_read_by_instant_are_those_read_by_customer(
    demo: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.repositories import digests

    books = DigestBooks(now=TICK, policy=demo.deps.policy)
    with demo.deps.uow() as uow:
        owners = sorted(uow.session.scalars(select(c.owner_id).distinct()))
        # An archived customer's touches are not counted, wherever they are read from.
        archived = uow.session.scalar(
            select(touchpoint_t.c.customer_id)
            .where(touchpoint_t.c.at >= books.window.previous_start)
            .limit(1)
        )
        uow.session.execute(update(customer_t).where(c.id == archived).values(archived=True))
        uow.commit()
    found = {}
    # By instant; by customer; by instant on a connection of its own, beside the sums
    # (SQLite; PostgreSQL reads them after the sums).
    ways = {"instant": (0, 10**12), "customer": (10**12, 10**12), "beside": (10**12, 1)}
    for way, (scan, beside) in ways.items():
        monkeypatch.setattr(digests, "TOUCH_SCAN", scan)
        monkeypatch.setattr(digests, "TOUCH_BESIDE", beside)
        with demo.deps.uow() as uow:
            for chunk in (owners, owners[:2], owners[-1:]):
                books_read = uow.digests.owner_aggregates(chunk, books.window)
                found[way, tuple(chunk)] = {
                    o: (a.touches_this_period, a.touches_previous_period)
                    for o, a in books_read.items()
                }
    for chunk in (owners, owners[:2], owners[-1:]):
        assert found["instant", tuple(chunk)] == found["customer", tuple(chunk)]
        assert found["beside", tuple(chunk)] == found["customer", tuple(chunk)]
        assert set(found["instant", tuple(chunk)]) == set(chunk)
    with demo.deps.uow() as uow:
        t = touchpoint_t.c
        touched = uow.session.scalar(
            select(func.count())
            .select_from(touchpoint_t.join(customer_t, c.id == t.customer_id))
            .where(
                c.archived.is_(False),
                t.at >= books.window.previous_start,
                t.at < books.window.now,
            )
        )
    assert sum(a + b for a, b in found["beside", tuple(owners)].values()) == touched > 0


@pytest.mark.parametrize("few", [100, 0], ids=["through-the-books", "from-what-is-due"])
def test_the_customers_a_digest_decides_first_are_those_due_or_never_decided(
    demo: Container, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.repositories import digests

    monkeypatch.setattr(digests, "FEW_OWNERS", few)
    later = TICK + timedelta(days=30)
    with demo.deps.uow() as uow:
        first, second, third = uow.session.execute(
            select(c.id, c.owner_id).where(c.archived.is_(False)).order_by(c.id).limit(3)
        ).all()
        uow.session.execute(update(customer_t).values(next_due_at=later))
        uow.session.execute(update(customer_t).where(c.id == first.id).values(facts_at=None))
        uow.session.execute(update(customer_t).where(c.id == second.id).values(next_due_at=TICK))
        uow.session.execute(
            update(customer_t).where(c.id == third.id).values(facts_at=None, archived=True)
        )
        uow.commit()
        owners = [second.owner_id]  # one salesperson's: another's customers are not theirs
        everyone = sorted(uow.session.scalars(select(c.owner_id).distinct()))
        assert uow.digests.undecided(everyone, now=TICK) == [first.id, second.id]
        expected = [r.id for r in (first, second) if r.owner_id in owners]
        assert uow.digests.undecided(owners, now=TICK) == expected
        assert uow.digests.undecided(everyone, now=TICK - timedelta(minutes=1)) == [first.id]
