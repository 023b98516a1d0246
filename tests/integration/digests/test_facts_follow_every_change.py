"""The facts kept with a customer follow every path that changes them: a touch, a decision
of the sweep, a new owner, archiving, erasing (and importing: tests/integration/books)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.delivery.sweep import sweep
from bot.services.digests import DigestBooks
from tests.integration.digests.facts import afresh, kept
from tests.integration.services.team import NOW, Team, build_team, day

pytestmark = pytest.mark.db


@pytest.fixture
def team(database: str) -> Iterator[Team]:
    built = build_team(database)
    built.join("sam", timezone="Pacific/Auckland")
    built.book("sam", ["Acme", "Globex"], quiet_days=50)  # red: 50 days untouched
    yield built
    built.close()


def book_of(team: Team, who: str) -> tuple[int, int, int]:
    """(customers, amber, red) in ``who``'s digest book right now."""
    person = team.actor(who).person
    with team.container.deps.uow() as uow:
        books = DigestBooks(now=team.clock.now(), policy=team.container.deps.policy)
        mine = books.of(uow, [person])[person.id]
    return mine.customers, mine.amber, mine.red


def test_a_new_customer_is_decided_with_its_facts(team: Team) -> None:
    acme = team.customer("Acme").id
    assert kept(team.container, acme) == afresh(team.container, acme, now=NOW)
    assert book_of(team, "sam") == (2, 0, 2)


def test_a_touch_keeps_the_new_facts_at_once(team: Team) -> None:
    team.clock.set(NOW + timedelta(hours=2))
    team.do("sam", "touch Acme call")
    acme = team.customer("Acme").id
    facts = kept(team.container, acme)
    assert facts == afresh(team.container, acme, now=NOW + timedelta(hours=2))
    assert facts is not None and facts.quiet_since == NOW + timedelta(hours=2)
    assert book_of(team, "sam") == (2, 0, 1)  # Acme is green again


def test_the_sweep_keeps_the_facts_of_what_it_decides(team: Team) -> None:
    due = team.customer("Globex").next_due_at
    assert due is not None
    later = due + timedelta(minutes=1)
    team.clock.set(later)
    sweep(team.container.deps, now=later)
    globex = team.customer("Globex").id
    facts = kept(team.container, globex)
    assert facts is not None and facts.decided_at == later
    assert facts == afresh(team.container, globex, now=later)


def test_a_new_owner_takes_the_customer_and_its_facts(team: Team) -> None:
    team.join("sue", timezone="America/Los_Angeles")
    team.clock.set(NOW + timedelta(hours=1))
    team.do("maria", "customer assign Acme owner=@sue")
    acme = team.customer("Acme").id
    assert kept(team.container, acme) == afresh(team.container, acme, now=team.clock.now())
    assert book_of(team, "sam") == (1, 0, 1)
    assert book_of(team, "sue") == (1, 0, 1)


def test_an_archived_customer_leaves_the_digest_and_comes_back(team: Team) -> None:
    team.do("sam", "customer archive Acme")
    assert book_of(team, "sam") == (1, 0, 1)
    team.do("sam", "customer unarchive Acme")
    assert book_of(team, "sam") == (2, 0, 2)


def test_an_erased_customer_leaves_the_digest(team: Team) -> None:
    acme = team.customer("Acme").id
    team.do("maria", "customer erase Acme confirm")
    assert kept(team.container, acme) is None
    assert book_of(team, "sam") == (1, 0, 1)


def test_levels_move_with_time_without_deciding_again(team: Team) -> None:
    team.do("sam", "touch Acme call")
    facts = kept(team.container, team.customer("Acme").id)
    assert facts is not None and facts.amber_at is not None
    # Nothing decided since: the kept instants say when Acme turns amber.
    team.clock.set(facts.amber_at - timedelta(seconds=1))
    assert book_of(team, "sam")[1:] == (0, 1)
    team.clock.set(facts.amber_at)
    assert book_of(team, "sam")[1:] == (1, 1)


def test_a_pitch_answer_reaches_the_kept_health_with_the_next_sweep(team: Team) -> None:
    team.do("mia", f"offer add Launch kind=product from={day(-1)} public={day(30)}")
    acme = team.customer("Acme").id
    before = afresh(team.container, acme, now=NOW).health
    team.do("sam", "offer pitched Launch Acme accepted")
    sweep(team.container.deps, now=NOW)
    facts = kept(team.container, acme)
    assert facts == afresh(team.container, acme, now=NOW)
    # 15 points for the pitch answered yes, against 8 with none answered.
    assert facts is not None and facts.health == before + 7
