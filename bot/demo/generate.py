"""Fill a database with a synthetic book, in streaming batches, and decide every customer.

Per batch of customers: draw them (``bot.demo.book``), ask the engine what is due for each
(``nudges.engine.decide_customer`` over the values just drawn, so nothing is read back), and
bulk-write the rows (``storage.bulk``). A customer with something due now gets
``next_due_at = now``, so the first sweep writes its nudges; every other customer gets the
instant the engine says something can next change. Memory stays flat: one batch at a time.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from time import perf_counter

from sqlalchemy import Connection, func, insert, select, text

from bot.config import Settings
from bot.demo.book import BookMaker, Generated, Ids
from bot.demo.facts import FACT_COLUMNS, fact_values, kept_facts
from bot.demo.report import Tally, add_time, peak_rss_mb, report
from bot.demo.team import Team, build_team
from bot.demo.vocabulary import PRODUCTS
from nudges.engine import CustomerView, decide_customer
from nudges.facts import CustomerFacts
from nudges.model import Nudge, NudgeState, NudgeStatus, OfferKind, Person, Platform
from nudges.names import name_key
from nudges.policy import Policy
from storage import make_engine, migrate
from storage.bulk import BulkLoader
from storage.tables import (
    contact_t,
    customer_t,
    customer_tag_t,
    important_date_t,
    life_event_t,
    nudge_t,
    offer_t,
    person_t,
    touchpoint_t,
    workspace_t,
)

log = logging.getLogger(__name__)

BATCH = 5_000
WORKSPACE = ("console", "Console")  # the console's workspace: `:as NAME` acts as a demo person

CUSTOMER_COLUMNS = (
    "id", "workspace_id", "name", "name_key", "owner_id", "tier", "kind", "cadence_ideal_days",
    "cadence_max_days", "since", "renewal_on", "annual_value", "timezone", "country",
    "dnc_until", "dnc_reason", "min_gap_days", "archived", "last_touch_at",
    "owner_last_touch_at", "next_due_at", "created_at", *FACT_COLUMNS,
)  # fmt: skip
PERSON_COLUMNS = (
    "id", "workspace_id", "platform_user_id", "display_name", "name_key", "email", "timezone",
    "working_days", "delivery_hour", "holiday_country", "manager_id", "ooo_until", "cover_id",
    "daily_cap", "is_admin", "unreachable", "created_at",
)  # fmt: skip
CONTACT_COLUMNS = (
    "id", "customer_id", "name", "role", "birthday_month", "birthday_day", "birth_year",
    "created_at",
)  # fmt: skip
TOUCH_COLUMNS = ("id", "customer_id", "person_id", "contact_id", "ritual", "note", "at")
DATE_COLUMNS = ("id", "customer_id", "contact_id", "label", "on", "yearly", "lead_days")
EVENT_COLUMNS = ("id", "customer_id", "contact_id", "kind", "on", "note")
NUDGE_COLUMNS = (
    "id", "dedupe_key", "customer_id", "recipient_id", "reason", "level", "due_on", "deliver_on",
    "priority", "ritual", "detail", "facts", "state", "snoozed_until", "state_reason", "offer_id",
    "contact_id", "created_at", "updated_at",
)  # fmt: skip
HANDLED_AFTER = timedelta(days=10)  # a dated nudge delivered this long ago was acted on


def generate(settings: Settings, *, customers: int, owners: int, seed: int, now: datetime) -> str:
    """Create the book and return a report of what was written (counts, timing, memory)."""
    started = perf_counter()
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        tally = Tally()
        with engine.connect() as connection:
            team = _write(
                connection,
                settings,
                customers=customers,
                owners=owners,
                seed=seed,
                now=now,
                tally=tally,
            )
        where = engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()
    return report(
        tally, team=team, where=where, seed=seed, now=now, seconds=perf_counter() - started
    )


def _write(
    connection: Connection,
    settings: Settings,
    *,
    customers: int,
    owners: int,
    seed: int,
    now: datetime,
    tally: Tally,
) -> Team:
    rng = random.Random(seed)
    policy = settings.policy
    loader = BulkLoader(connection)
    with connection.begin():
        workspace_id = _workspace(connection, settings, now=now)
        ids = Ids(
            contact=loader.next_id(contact_t),
            touch=loader.next_id(touchpoint_t),
            date=loader.next_id(important_date_t),
            event=loader.next_id(life_event_t),
        )
        first_customer = loader.next_id(customer_t)
        earlier_customers = _count(connection, customer_t, workspace_id)
        earlier_people = _count(connection, person_t, workspace_id)
        team = build_team(
            rng,
            workspace_id=workspace_id,
            owners=owners,
            first_id=loader.next_id(person_t),
            first_name=earlier_people,
            today=now.date(),
        )
        tally.rows["person"] += loader.insert(
            person_t, PERSON_COLUMNS, [_person_row(p, now) for p in team.everyone]
        )
        _offer(connection, workspace_id, policy=policy, customers=customers, now=now, rng=rng)
        tally.rows["offer"] += 1
    maker = BookMaker(
        rng=rng,
        team=team,
        policy=policy,
        now=now,
        customers=customers,
        workspace_id=workspace_id,
        first_name=earlier_customers,
        ids=ids,
    )
    owners_by_id = {p.id: p for p in team.everyone}
    step = max(BATCH, customers // 10)
    for start in range(0, customers, BATCH):
        size = min(BATCH, customers - start)
        clock = perf_counter()
        batch = [maker.make(start + i, first_customer + start + i) for i in range(size)]
        add_time(tally.seconds, "draw", perf_counter() - clock)
        clock = perf_counter()
        due = [_next_due(g, owners_by_id, policy=policy, now=now, tally=tally) for g in batch]
        add_time(tally.seconds, "decide", perf_counter() - clock)
        clock = perf_counter()
        facts = [kept_facts(g, owners_by_id, policy=policy, now=now) for g in batch]
        add_time(tally.seconds, "facts", perf_counter() - clock)
        clock = perf_counter()
        with connection.begin():
            _write_batch(loader, batch, due, facts, now=now, tally=tally)
        add_time(tally.seconds, "write", perf_counter() - clock)
        if (start + size) % step < BATCH or start + size == customers:
            log.info("demo: %s of %s customers written", start + size, customers)
    clock = perf_counter()
    with connection.begin():
        loader.sync_sequences(
            (person_t, customer_t, contact_t, touchpoint_t, important_date_t, life_event_t, nudge_t)
        )
    # Fresh planner statistics: the first sweep's queries should plan like production ones.
    connection.execute(text("ANALYZE"))
    connection.commit()
    add_time(tally.seconds, "analyze", perf_counter() - clock)
    return team


def _workspace(connection: Connection, settings: Settings, *, now: datetime) -> int:
    platform, name = WORKSPACE
    found = connection.scalar(
        select(workspace_t.c.id).where(
            workspace_t.c.platform == Platform.CONSOLE.value, workspace_t.c.external_id == platform
        )
    )
    if found is not None:
        return int(found)
    made = connection.execute(
        insert(workspace_t)
        .values(
            platform=Platform.CONSOLE.value,
            external_id=platform,
            name=name,
            timezone=settings.workspace.timezone,
            holiday_country=settings.workspace.holiday_country,
            created_at=now,
        )
        .returning(workspace_t.c.id)
    ).scalar_one()
    return int(made)


def _count(connection: Connection, table: object, workspace_id: int) -> int:
    column = customer_t.c.workspace_id if table is customer_t else person_t.c.workspace_id
    found = connection.scalar(select(func.count()).where(column == workspace_id))
    return int(found or 0)


def _offer(
    connection: Connection,
    workspace_id: int,
    *,
    policy: Policy,
    customers: int,
    now: datetime,
    rng: random.Random,
) -> None:
    """One live offer in its existing-customers-first window, limited to the best tier's
    most valuable customers."""
    product = rng.choice(PRODUCTS)
    taken = set(
        connection.scalars(
            select(offer_t.c.title_key).where(offer_t.c.workspace_id == workspace_id)
        )
    )
    title = f"Early access: {product}"
    serial = 2
    while name_key(title) in taken:
        title = f"Early access: {product} {serial}"
        serial += 1
    today = now.date()
    connection.execute(
        insert(offer_t).values(
            workspace_id=workspace_id,
            title=title,
            title_key=name_key(title),
            kind=OfferKind.PRODUCT.value,
            existing_first_on=today - timedelta(days=2),
            public_on=today + timedelta(days=12),
            quantity=max(1, customers // 500),
            tiers=policy.tiers[0],
            kinds="",
            tags="",
            description=f"{product}: existing customers hear of it before it goes public.",
            next_due_at=now,
            created_at=now,
        )
    )


def _next_due(
    made: Generated,
    owners: dict[int, Person],
    *,
    policy: Policy,
    now: datetime,
    tally: Tally,
) -> tuple[datetime | None, list[Nudge]]:
    """When the customer is next due, and the nudges its owner already acted on (dated ones
    that came a while ago: a book in use has answered those)."""
    customer = made.customer
    if customer.archived:
        return None, []
    recent_since = now - timedelta(days=max(policy.ritual_variety_days, 1))
    view = CustomerView(
        customer=customer,
        owner=owners[customer.owner_id],
        contacts=tuple(made.contacts),
        recent_touches=tuple(t for t in made.touches if t.at >= recent_since),
        dates=tuple(made.dates),
        life_events=tuple(made.events),
    )
    decision = decide_customer(view, now=now, policy=policy)
    handled_before = now.date() - HANDLED_AFTER
    handled = [
        n for n in decision.nudges if n.deliver_on is not None and n.deliver_on <= handled_before
    ]
    if handled:
        done = {n.dedupe_key: NudgeStatus(NudgeState.DONE) for n in handled}
        decision = decide_customer(replace(view, existing=done), now=now, policy=policy)
    if decision.nudges:
        tally.due_now += 1
        tally.reasons.update(str(n.reason) for n in decision.nudges)
        return now, handled  # due already: the first sweep writes these nudges
    return decision.next_due_at, handled


def _write_batch(
    loader: BulkLoader,
    batch: list[Generated],
    due: list[tuple[datetime | None, list[Nudge]]],
    facts: list[CustomerFacts],
    *,
    now: datetime,
    tally: Tally,
) -> None:
    Row = tuple[object, ...]
    customers: list[Row] = []
    tags: list[Row] = []
    contacts: list[Row] = []
    touches: list[Row] = []
    dates: list[Row] = []
    events: list[Row] = []
    nudges: list[Row] = []
    for made, (next_due, handled), kept in zip(batch, due, facts, strict=True):
        c = made.customer
        tally.tiers[c.tier] += 1
        customers.append(
            (
                c.id,
                c.workspace_id,
                c.name,
                name_key(c.name),
                c.owner_id,
                c.tier,
                c.kind.value,
                c.cadence.ideal_days if c.cadence else None,
                c.cadence.max_days if c.cadence else None,
                c.since,
                c.renewal_on,
                c.annual_value,
                c.timezone,
                c.country,
                c.dnc_until,
                c.dnc_reason,
                c.min_gap_days,
                c.archived,
                c.last_touch_at,
                c.owner_last_touch_at,
                next_due,
                now,
                *fact_values(kept),
            )
        )
        tags.extend((c.id, tag) for tag in sorted(c.tags))
        for k in made.contacts:
            if k.birthday_month == 2 and k.birthday_day == 29:
                tally.feb29 += 1
            contacts.append(
                (
                    k.id,
                    k.customer_id,
                    k.name,
                    k.role,
                    k.birthday_month,
                    k.birthday_day,
                    k.birth_year,
                    now,
                )
            )
        touches.extend(
            (t.id, t.customer_id, t.person_id, t.contact_id, t.ritual, t.note, t.at)
            for t in made.touches
        )
        dates.extend(
            (d.id, d.customer_id, d.contact_id, d.label, d.on, d.yearly, d.lead_days)
            for d in made.dates
        )
        events.extend(
            (e.id, e.customer_id, e.contact_id, e.kind, e.on, e.note) for e in made.events
        )
        nudges.extend(_handled_row(loader, n) for n in handled)
    tally.rows["customer"] += loader.insert(customer_t, CUSTOMER_COLUMNS, customers)
    tally.rows["customer_tag"] += loader.insert(customer_tag_t, ("customer_id", "tag"), tags)
    tally.rows["contact"] += loader.insert(contact_t, CONTACT_COLUMNS, contacts)
    tally.rows["touchpoint"] += loader.insert(touchpoint_t, TOUCH_COLUMNS, touches)
    tally.rows["important_date"] += loader.insert(important_date_t, DATE_COLUMNS, dates)
    tally.rows["life_event"] += loader.insert(life_event_t, EVENT_COLUMNS, events)
    tally.rows["nudge"] += loader.insert(nudge_t, NUDGE_COLUMNS, nudges)


def _handled_row(loader: BulkLoader, n: Nudge) -> tuple[object, ...]:
    assert n.deliver_on is not None
    on = datetime(n.deliver_on.year, n.deliver_on.month, n.deliver_on.day, 9, tzinfo=UTC)
    return (
        loader.take_id(nudge_t), n.dedupe_key, n.customer_id, n.recipient_id, n.reason.value,
        n.level, n.due_on, n.deliver_on, n.priority, n.ritual, n.detail,
        json.dumps([list(f) for f in n.facts]), NudgeState.DONE.value, None, None, n.offer_id,
        n.contact_id, on, on + timedelta(days=1),
    )  # fmt: skip


def _person_row(p: Person, now: datetime) -> tuple[object, ...]:
    days = sum(1 << d for d in p.working_days)
    return (
        p.id, p.workspace_id, p.platform_user_id, p.display_name, name_key(p.display_name),
        p.email, p.timezone, days, p.delivery_hour, p.holiday_country, p.manager_id,
        p.ooo_until, p.cover_id, p.daily_cap, p.is_admin, p.unreachable, now,
    )  # fmt: skip


__all__ = ["generate", "peak_rss_mb"]
