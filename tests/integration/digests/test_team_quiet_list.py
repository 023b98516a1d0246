"""A manager's `quiet` (and their Home's "Quiet relationships"): counted from the facts kept
with each customer and the most overdue read from them, it says what working out every
customer of the team says: the same counts, the same most overdue accounts in the same order,
whatever has come due since the last sweep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.bootstrap import Container, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.sweep import sweep
from bot.demo import generate
from bot.services.context import Actor
from bot.services.decisions import refresh_customers
from nudges.model import Person
from nudges.policy import Policy
from nudges.quiet import Level, cadence_for, quiet_status
from storage.tables import customer_t

pytestmark = pytest.mark.db

NOW = datetime(2027, 6, 7, 6, 0, tzinfo=UTC)  # a Monday
TICK = datetime(2027, 6, 7, 6, 30, tzinfo=UTC)
LIMIT = 25
c = customer_t.c


@pytest.fixture
def demo(database: str) -> Iterator[Container]:
    # 1,500 customers, 15 salespeople: a head of sales over managers over salespeople.
    generate(Settings(database_url=database), customers=1_500, owners=15, seed=11, now=NOW)
    settings = replace(Settings(database_url=database), policy=Policy(digest_list_limit=LIMIT))
    container = build(settings, clock=FixedClock(TICK))
    sweep(container.deps, now=TICK)
    yield container
    container.close()


def head_of_sales(container: Container) -> tuple[Actor, list[Person]]:
    with container.deps.uow() as uow:
        managers = uow.people.managers()
        head = max(managers, key=lambda m: len(uow.people.reports_of(m.id)))
        workspace = uow.workspaces.get(head.workspace_id)
        team = [head, *uow.people.reports_of(head.id)]
    assert workspace is not None
    return Actor(workspace, head), team


def worked_out(container: Container, team: list[Person], now: datetime) -> tuple[int, int, list]:
    """Every customer of the team read and its quiet status worked out: (quiet, red, the most
    overdue first)."""
    owners = {p.id: p for p in team}
    with container.deps.uow() as uow:
        ids = list(
            uow.session.scalars(
                select(c.id).where(c.owner_id.in_(list(owners)), c.archived.is_(False))
            )
        )
        customers = uow.customers.get_many(ids)
    policy = container.deps.policy
    rows = []
    for customer in customers:
        status = quiet_status(
            customer, now=now, policy=policy, tz_name=owners[customer.owner_id].timezone
        )
        if status.level is not Level.GREEN:
            rows.append((status, customer))
    rows.sort(key=lambda r: (-(r[0].days_quiet - r[0].cadence.max_days), r[1].name))
    red = sum(1 for s, _ in rows if s.level is Level.RED)
    return len(rows), red, [customer.name for _, customer in rows]


@pytest.mark.parametrize("later", [timedelta(minutes=5), timedelta(days=3), timedelta(days=40)])
def test_a_team_quiet_list_from_kept_facts_is_the_one_worked_out_customer_by_customer(
    demo: Container, later: timedelta
) -> None:
    """Days (or weeks) after the last sweep, with no sweep since: levels have moved on by
    the kept instants alone, and customers have come due (their facts possibly out of date);
    a touch and an edit meanwhile changed a few more."""
    actor, team = head_of_sales(demo)
    now = TICK + later
    demo.deps.clock.set(now)  # type: ignore[attr-defined]
    with demo.engine.begin() as connection:
        # Two customers edited behind the bot's back and due to be decided again: their kept
        # facts say nothing true now (one looks red, the other green).
        first, second = connection.execute(
            select(c.id).where(c.archived.is_(False)).order_by(c.id).limit(2)
        ).scalars()
        connection.execute(
            update(customer_t)
            .where(c.id == first)
            .values(last_touch_at=now - timedelta(hours=1), next_due_at=now)
        )
        connection.execute(
            update(customer_t)
            .where(c.id == second)
            .values(last_touch_at=now - timedelta(days=400), red_at=None, next_due_at=now)
        )

    reply = demo.commands.handle_text(actor, "quiet")

    quiet, red, names = worked_out(demo, team, now)
    assert quiet > LIMIT  # the list is cut: the count says how many there are
    assert reply.text == f"Your team: {quiet} quiet relationships ({red} red), most overdue first"
    (section,) = reply.sections
    shown = [item.title.split(" — ")[0] for item in section.items]
    assert shown == names[:LIMIT]
    assert section.note == (
        f"The {LIMIT} most overdue of {quiet}; `quiet @user` lists all of one person's."
    )


def test_accounts_as_overdue_as_the_last_one_listed_are_listed_by_name(demo: Container) -> None:
    """Accounts quiet for as many whole days past their cadence rank by name, whichever
    turned red first: the list's last places are filled by name, not by the instant."""
    actor, team = head_of_sales(demo)
    policy = demo.deps.policy
    with demo.deps.uow() as uow:
        ids = list(
            uow.session.scalars(
                select(c.id)
                .where(c.owner_id.in_([p.id for p in team]), c.archived.is_(False))
                .order_by(c.id)
                .limit(2 * LIMIT + 10)
            )
        )
        for minutes, customer in enumerate(uow.customers.get_many(ids)):
            # 1,000 whole days past its cadence, each a minute apart: the most overdue of all.
            quiet = timedelta(days=cadence_for(customer, policy).max_days + 1000, minutes=minutes)
            uow.session.execute(
                update(customer_t)
                .where(c.id == customer.id)
                .values(last_touch_at=TICK - quiet, cadence_ideal_days=None)
            )
        refresh_customers(uow, ids, now=TICK, policy=policy)
        uow.commit()

    reply = demo.commands.handle_text(actor, "quiet")

    _, _, names = worked_out(demo, team, TICK)
    shown = [item.title.split(" — ")[0] for item in reply.sections[0].items]
    assert shown == names[:LIMIT]
    assert shown == sorted(shown)  # all as overdue as each other
