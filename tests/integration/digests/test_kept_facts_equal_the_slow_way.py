"""Digests and Home from the kept facts are the digests built customer by customer: on a
seeded demo book, for every manager and for the head of sales, same counts, same lists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.digests import plan_digests
from bot.delivery.sweep import sweep
from bot.demo import generate
from bot.replies import Reply
from bot.services.context import Actor
from bot.services.digests import DigestBooks
from bot.services.handlers.insights import digest_reply, render_digest
from bot.services.request import Request
from bot.services.summaries import build_summaries
from nudges.digest import TeamDigest, compose_digest, team_digest
from nudges.model import Person, PitchState
from nudges.policy import Policy
from storage.repositories import digest_sql
from storage.repositories import digests as digest_reads
from storage.tables import customer_t, pitch_t

pytestmark = pytest.mark.db

NOW = datetime(2027, 6, 7, 6, 0, tzinfo=UTC)  # a Monday
TICK = datetime(2027, 6, 7, 6, 30, tzinfo=UTC)
c = customer_t.c


@pytest.fixture
def demo(database: str) -> Iterator[Container]:
    # 1,200 customers, 12 salespeople: a head of sales over managers over salespeople.
    generate(Settings(database_url=database), customers=1_200, owners=12, seed=7, now=NOW)
    container = build(Settings(database_url=database), clock=FixedClock(TICK))
    with container.engine.begin() as connection:
        # Concentration risks: one customer most of the whole team's book, another half of its
        # salesperson's book only.
        first, second = connection.execute(
            select(c.id, c.owner_id).where(c.archived.is_(False)).order_by(c.id).limit(2)
        ).all()
        book = connection.scalar(
            select(func.sum(c.annual_value)).where(c.owner_id == second.owner_id)
        )
        connection.execute(update(customer_t).where(c.id == first.id).values(annual_value=10**9))
        connection.execute(update(customer_t).where(c.id == second.id).values(annual_value=book))
    with container.deps.uow() as uow:
        # The live offer's best customers declined it, but one: its units go further down.
        (offer,) = uow.offers.live(on=TICK.date())
        for n, (customer_id, _) in enumerate(uow.offers.ranked(offer)[:4]):
            state = PitchState.ACCEPTED if n == 1 else PitchState.DECLINED
            uow.session.execute(
                insert(pitch_t).values(
                    offer_id=offer.id, customer_id=customer_id, state=state.value, at=NOW
                )
            )
            # Answered: decided again by the first tick (the pitch is part of its health).
            uow.session.execute(
                update(customer_t).where(c.id == customer_id).values(next_due_at=NOW)
            )
        uow.commit()
    sweep(container.deps, now=TICK)  # the first tick decides the customers due
    yield container
    container.close()


def slow(container: Container, manager: Person, team: list[Person]) -> tuple[TeamDigest, Reply]:
    """The digest the way it was built before facts were kept: every customer read and
    scored one by one."""
    deps = container.deps
    with deps.uow() as uow:
        workspace = uow.workspaces.get(manager.workspace_id)
        assert workspace is not None
        request = Request(deps, uow, Actor(workspace, manager), TICK)
        customers = uow.customers.owned_by([p.id for p in team])
        owners = {p.id: p for p in team}
        summaries = build_summaries(uow, customers, owners=owners, now=TICK, policy=deps.policy)
        digest = team_digest(
            manager=manager, team=team, summaries=summaries, now=TICK, policy=deps.policy
        )
        return digest, render_digest(digest, team=owners, req=request)


def fast(
    container: Container, manager: Person, team: list[Person], books: DigestBooks
) -> tuple[TeamDigest, Reply]:
    deps = container.deps
    with deps.uow() as uow:
        workspace = uow.workspaces.get(manager.workspace_id)
        assert workspace is not None
        request = Request(deps, uow, Actor(workspace, manager), TICK)
        digest = compose_digest(
            manager=manager,
            team=team,
            aggregates=books.of(uow, team),
            now=TICK,
            policy=deps.policy,
        )
        reply = digest_reply(request, manager=manager, team=team, books=books)
        return digest, reply


@pytest.mark.parametrize(
    ("touch_scan", "beside", "chunk"),
    [(0, 10**12, digest_sql.CHUNK), (10**12, 10**12, 2), (10**12, 1, digest_sql.CHUNK)],
    ids=[
        "touches-by-instant",
        "touches-by-customer-owners-two-at-a-time",
        "touches-by-instant-beside-the-sums",  # on SQLite; PostgreSQL reads them after
    ],
)
def test_every_managers_digest_from_kept_facts_equals_the_slow_way(
    demo: Container, touch_scan: int, beside: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(digest_reads, "TOUCH_SCAN", touch_scan)
    monkeypatch.setattr(digest_reads, "TOUCH_BESIDE", beside)
    monkeypatch.setattr(digest_sql, "CHUNK", chunk)  # owners read per statement
    books = DigestBooks(now=TICK, policy=demo.deps.policy)
    with demo.deps.uow() as uow:
        managers = uow.people.managers()
        teams = {m.id: uow.people.reports_of(m.id) for m in managers}
    assert len(managers) >= 3  # a head of sales and their managers
    head = max(managers, key=lambda m: len(teams[m.id]))
    assert len(teams[head.id]) > max(len(t) for m, t in teams.items() if m != head.id)
    for manager in managers:
        expected_digest, expected_reply = slow(demo, manager, teams[manager.id])
        digest, reply = fast(demo, manager, teams[manager.id], books)
        assert digest == expected_digest, manager.display_name
        assert reply == expected_reply, manager.display_name
        assert digest.customers > 0 and digest.quiet > 0 and digest.single_threaded > 0
        assert digest.escalated > 0
    head_digest = fast(demo, head, teams[head.id], books)[0]
    assert {r.owner_id is None for r in head_digest.concentration} == {True, False}
    # The offer reaches past its quantity: two units, three declines, one acceptance.
    reached = sum(s.offers_eligible for s in head_digest.sellers)
    assert reached == 5 and sum(s.offers_pitched for s in head_digest.sellers) == 4


def test_each_salesperson_digest_from_kept_facts_equals_the_slow_way(demo: Container) -> None:
    books = DigestBooks(now=TICK, policy=demo.deps.policy)
    with demo.deps.uow() as uow:
        sellers = [p for p in uow.people.in_workspace(uow.people.managers()[0].workspace_id)]
    for seller in sellers:
        assert fast(demo, seller, [seller], books) == slow(demo, seller, [seller])


def test_the_head_of_sales_home_team_part_equals_the_slow_way(demo: Container) -> None:
    with demo.deps.uow() as uow:
        managers = uow.people.managers()
        head = max(managers, key=lambda m: len(uow.people.reports_of(m.id)))
        team = uow.people.reports_of(head.id)
        workspace = uow.workspaces.get(head.workspace_id)
    assert workspace is not None
    # Home's "My team" part is the reply to `digest team`.
    shown = demo.commands.handle_text(Actor(workspace, head), "digest team")
    assert shown == slow(demo, head, team)[1]


def test_the_scheduled_digests_are_the_slow_way_too(demo: Container) -> None:
    planned = plan_digests(demo.deps, now=TICK, horizon=TICK + timedelta(days=1))
    assert planned
    for manager_id, slot in planned:
        with demo.deps.uow() as uow:
            manager = uow.people.get(manager_id)
            team = uow.people.reports_of(manager_id)
            written = uow.deliveries.by_key(f"digest:{manager_id}:{slot.date().isoformat()}")
        assert manager is not None and written is not None
        assert written.payload == slow(demo, manager, team)[1].to_json()


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_one_digests_lists_bounded_by_each_books_worst_equal_the_slow_way(
    demo: Container, database: str, limit: int
) -> None:
    # Lists shorter than the number of books with accounts of each kind: one digest's lists
    # are read within the bounds its books' worst accounts give.
    policy = replace(Policy(), digest_list_limit=limit)
    container = build(Settings(database_url=database, policy=policy), clock=FixedClock(TICK))
    try:
        with container.deps.uow() as uow:
            managers = uow.people.managers()
            teams = {m.id: uow.people.reports_of(m.id) for m in managers}
        for manager in managers:
            books = DigestBooks(now=TICK, policy=policy, shared=False)
            expected = slow(container, manager, teams[manager.id])
            assert fast(container, manager, teams[manager.id], books) == expected
        head = max(managers, key=lambda m: len(teams[m.id]))
        books = DigestBooks(now=TICK, policy=policy, shared=False)
        with container.deps.uow() as uow:
            found = books.of(uow, teams[head.id]).values()
        assert sum(a.escalated > 0 for a in found) > limit
        assert sum(a.quiet > 0 for a in found) > limit
        assert sum(a.single_threaded > 0 for a in found) > limit
    finally:
        container.close()
