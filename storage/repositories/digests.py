"""Digests and Home as sums in the database: each salesperson's book added up from the facts
kept with every customer (``nudges.facts``), plus its worst few accounts of each kind. A book
is read once, in a handful of grouped statements, whatever the number of customers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    TextClause,
    and_,
    bindparam,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from nudges.digest import ListedAccount, OwnerAggregate, share
from nudges.health import BUCKETS
from nudges.model import Offer, OfferKind, PitchState
from nudges.offers import audience, eligible_kinds
from nudges.policy import Policy
from storage.engine import in_memory, read_only_options
from storage.repositories.digest_lists import Lists, WorstAccounts, bounds
from storage.repositories.digest_sql import Window, at, c, chunks, number
from storage.repositories.ids import ids_in
from storage.repositories.mapping import plain
from storage.tables import customer_t, customer_tag_t, pitch_t, touchpoint_t
from storage.tables_digests import OWNER_LOOKUP
from storage.types import UTCDateTime

TOUCH_SCAN = 20_000  # customers from which a book's touches are read by instant
TOUCH_BESIDE = 200  # owners from whom they are read by instant beside the sums
FEW_OWNERS = 100  # owners whose customers to decide first are read through their books
HEALTH = tuple(f"health_{i}" for i in range(len(BUCKETS)))  # a book's sums of each bucket


@dataclass
class DigestRepository:
    session: Session

    def undecided(self, owner_ids: Sequence[int], *, now: datetime) -> list[int]:
        """The owners' customers whose kept facts may be out of date: due to be decided (an
        import, an edit since the last sweep), or never decided. A few owners' books are read
        through the owner index; many owners' from the index of what is due and the partial
        index of the customers never decided (both small once the sweep has run), rather
        than every one of their books."""
        stale = (c.next_due_at <= at(now), c.facts_at.is_(None))
        if len(set(owner_ids)) <= FEW_OWNERS:
            return sorted(
                self.session.scalars(select(c.id).where(self._book(owner_ids), or_(*stale)))
            )
        wanted = set(owner_ids)
        found: set[int] = set()
        for condition in stale:
            rows = self.session.execute(
                select(c.id, c.owner_id).where(condition, c.archived.is_(False))
            )
            found.update(customer_id for customer_id, owner in rows if owner in wanted)
        return sorted(found)

    def owner_aggregates(
        self,
        owner_ids: Sequence[int],
        window: Window,
        *,
        each: bool = True,
    ) -> dict[int, OwnerAggregate]:
        """Each owner's book added up (offers apart: ``offer_reach``). ``each``: every
        owner's own worst accounts (to compose several teams' digests from); otherwise only
        the worst of all these owners together (one digest), kept with their owners."""
        worst = WorstAccounts(self.session, window)
        sums: dict[int, Any] = {}
        lists: dict[int, Lists] = {}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-touches") as beside:
            ahead = self._touches_beside(beside, owner_ids, window)
            for chunk in chunks(owner_ids):
                sums.update(self._sums(chunk, window, () if each else bounds(window)))
                if each:
                    lists.update(worst.each(self._book(chunk)))
            if sums and not each:
                lists = worst.together(self._book(sorted(sums)), sums)
            for owner, biggest in self._biggest(window, sums).items():
                lists.setdefault(owner, Lists()).biggest.extend(biggest)
            if ahead is not None:
                touches = ahead.result()
            else:
                customers = sum(row.customers for row in sums.values())
                touches = self._touches(owner_ids, window, customers)
        return {
            owner: _aggregate(owner, row, lists.get(owner, NO_LISTS), touches.get(owner, (0, 0)))
            for owner, row in sums.items()
        }

    def _book(self, owner_ids: Sequence[int]) -> ColumnElement[bool]:
        return and_(ids_in(self.session, c.owner_id, owner_ids), c.archived.is_(False))

    def _sums(self, chunk: Sequence[int], w: Window, extra: Sequence[Any]) -> dict[int, Any]:
        """Each owner's sums (and the value of their most valuable customer, ``peak``), one
        row an owner, with the ``extra`` columns asked for."""
        now = at(w.now)
        red = c.red_at <= now
        amber = and_(
            or_(c.red_at.is_(None), c.red_at > now), or_(c.quiet_since.is_(None), c.amber_at <= now)
        )
        positive = c.annual_value > number(0)
        lonely = func.coalesce(c.threads, number(0)) <= number(1)
        rows = self.session.execute(
            select(
                c.owner_id,
                func.count().label("customers"),
                func.count().filter(red).label("red"),
                func.count().filter(amber).label("amber"),
                func.count().filter(c.escalation_at <= now).label("escalated"),
                func.sum(c.upcoming_dates).label("upcoming"),
                func.sum(c.annual_value).filter(positive).label("value"),
                func.max(c.annual_value).filter(positive).label("peak"),
                func.count().filter(lonely).label("lone"),
                *(
                    func.count().filter(c.health.between(number(low), number(high))).label(name)
                    for name, (_, low, high) in zip(HEALTH, BUCKETS, strict=True)
                ),
                *extra,
            )
            .where(self._book(chunk))
            .group_by(c.owner_id)
        )
        return {row.owner_id: row for row in plain(rows)}

    def _touches(
        self, owner_ids: Sequence[int], w: Window, customers: int
    ) -> dict[int, tuple[int, int]]:
        """Touches this period and the previous one, by owner. Big books (``customers``
        between them) read the periods' touches by instant, once for all the owners, each
        touch's owner by its customer's key (``_touch_owners``); small ones read their
        customers' touches."""
        wanted = set(owner_ids)
        if customers >= TOUCH_SCAN:
            params = {"start": w.previous_start, "middle": w.period_start, "end": w.now}
            rows = self.session.execute(self._touch_owners(), {**params, "no": False}).all()
        else:
            t = touchpoint_t.c
            start, middle, end = at(w.previous_start), at(w.period_start), at(w.now)
            rows = [
                row
                for chunk in chunks(owner_ids)
                for row in self.session.execute(
                    select(
                        c.owner_id,
                        func.count().filter(t.at >= middle),
                        func.count().filter(t.at < middle),
                    )
                    .select_from(touchpoint_t.join(customer_t, c.id == t.customer_id))
                    .where(self._book(chunk), t.at >= start, t.at < end)
                    .group_by(c.owner_id)
                )
            ]
        return {owner: (int(a), int(b)) for owner, a, b in rows if owner in wanted}

    def _touches_beside(
        self, pool: ThreadPoolExecutor, owner_ids: Sequence[int], w: Window
    ) -> Future[dict[int, tuple[int, int]]] | None:
        """SQLite: many owners' touches (``TOUCH_BESIDE`` or more: a big book, read by
        instant) read on a connection of their own while this one adds the books up. The two
        reads take about as long each, and SQLite runs them at once (it lets go of the
        interpreter's lock while it reads); PostgreSQL already spreads each over the cores
        (a parallel scan), and gains nothing. A transaction of its own: it sees what was
        committed, not what this session wrote and has not committed yet (deciding the
        undecided customers first writes no touch).
        None (read here, after the sums): fewer owners, PostgreSQL, a connection handed in,
        or a database only this process sees."""
        bind = self.session.get_bind()
        if len(set(owner_ids)) < TOUCH_BESIDE or not isinstance(bind, Engine):
            return None
        if bind.dialect.name != "sqlite" or in_memory(bind.url) or not _spare(bind):
            return None
        statement, wanted = self._touch_owners(), set(owner_ids)
        params = {"start": w.previous_start, "middle": w.period_start, "end": w.now, "no": False}

        def read() -> dict[int, tuple[int, int]]:
            with bind.connect().execution_options(**read_only_options(bind)) as connection:
                rows = connection.execute(statement, params).all()
            return {owner: (int(a), int(b)) for owner, a, b in rows if owner in wanted}

        return pool.submit(read)

    def _touch_owners(self) -> TextClause:
        """The two periods' touches counted by their customers' owners: the touches read
        by instant from their index, each one's owner looked up by its customer's key in
        the narrow owner index (on SQLite by name: its planner would read the wide row).
        The join on ``customer_id + 0`` keeps the planner from reading the book first and
        every customer's touches from there."""
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        lookup = f" INDEXED BY {OWNER_LOOKUP}" if sqlite else ""
        return text(
            "SELECT c.owner_id, count(*) FILTER (WHERE t.at >= :middle), "
            "count(*) FILTER (WHERE t.at < :middle) "
            f"FROM touchpoint AS t JOIN customer AS c{lookup} ON c.id = t.customer_id + 0 "
            "WHERE c.archived = :no AND t.at >= :start AND t.at < :end GROUP BY c.owner_id"
        ).bindparams(  # written into the statement, see ``digest_sql.number``
            *(
                bindparam(name, type_=UTCDateTime(), literal_execute=True)
                for name in ("start", "middle", "end")
            ),
            bindparam("no", type_=Boolean(), literal_execute=True),
        )

    def _biggest(self, w: Window, sums: dict[int, Any]) -> dict[int, list[tuple[int, int]]]:
        """Customers above the concentration share of their owner's book: read only for the
        owners whose most valuable customer is (``peak``), from the index's range of their
        customers worth that share of the smallest of their books or more."""
        values = {owner: (int(row.value or 0), int(row.peak or 0)) for owner, row in sums.items()}
        totals = {
            owner: total
            for owner, (total, peak) in values.items()
            if total > 0 and share(peak, total) > w.concentration_share
        }
        if not totals:
            return {}
        # Values are whole: the range starts at the first whole value at or above the share.
        least = math.ceil(min(totals.values()) * max(0.0, w.concentration_share - 0.001))
        rows = self.session.execute(
            select(c.id, c.owner_id, c.annual_value)
            .where(
                self._book(sorted(totals)),
                c.annual_value > number(0),
                c.annual_value >= number(least),
            )
            .order_by(c.id)
        )
        biggest: dict[int, list[tuple[int, int]]] = {}
        for customer_id, owner, value in rows:
            if share(value, totals.get(owner, 0)) > w.concentration_share:
                biggest.setdefault(owner, []).append((customer_id, value))
        return biggest

    def listed(self, ids: Sequence[int]) -> dict[int, ListedAccount]:
        """What a digest shows of the accounts it lists, by id (a narrow read of a few)."""
        rows = self.session.execute(
            select(c.id, c.name, c.owner_id, c.annual_value).where(ids_in(self.session, c.id, ids))
        )
        return {i: ListedAccount(name, owner, value) for i, name, owner, value in rows}

    def offer_reach(self, offer: Offer, policy: Policy) -> dict[int, tuple[int, int]]:
        """Per owner, the customers ``offer`` reaches (``nudges.offers.audience``) and how
        many of them were pitched it already. The eligible customers are ranked as
        ``OfferRepository.ranked`` ranks them, and an offer that reaches only its best few
        reads only those: an incentive its best ``quantity``, a product of limited quantity
        its quantity and one more for each decline (a decline frees its unit for the next)."""
        query = (
            select(c.id, c.owner_id, pitch_t.c.state)
            .select_from(
                customer_t.outerjoin(
                    pitch_t, (pitch_t.c.customer_id == c.id) & (pitch_t.c.offer_id == offer.id)
                )
            )
            .where(c.workspace_id == offer.workspace_id, c.archived.is_(False))
        )
        if offer.tiers:
            query = query.where(c.tier.in_(sorted(offer.tiers)))
        kinds = eligible_kinds(offer)
        if kinds:
            query = query.where(c.kind.in_(sorted(k.value for k in kinds)))
        if offer.tags:
            tagged = select(customer_tag_t.c.customer_id).where(
                customer_tag_t.c.tag.in_(sorted(offer.tags))
            )
            query = query.where(c.id.in_(tagged))
        query = query.order_by(c.annual_value.desc(), c.since.is_(None), c.since, c.id)
        bound = self._reach_bound(offer, policy)
        if bound is not None:
            query = query.limit(bound)
        ranked = []
        owners = {}
        for customer_id, owner, state in self.session.execute(query):
            ranked.append((customer_id, PitchState(state) if state is not None else None))
            owners[customer_id] = owner
        done = {cid for cid, state in ranked if state not in (None, PitchState.PENDING)}
        reach: dict[int, tuple[int, int]] = {}
        for customer_id in audience(offer, ranked, policy):
            owner = owners[customer_id]
            eligible, pitched = reach.get(owner, (0, 0))
            reach[owner] = (eligible + 1, pitched + (customer_id in done))
        return reach

    def _reach_bound(self, offer: Offer, policy: Policy) -> int | None:
        """How many of the best eligible customers ``offer`` can reach at most (None: all)."""
        if offer.kind is OfferKind.INCENTIVE:
            best = offer.quantity if offer.quantity is not None else policy.parity_best_customers
            return max(0, best)
        if offer.kind is not OfferKind.PRODUCT or offer.quantity is None:
            return None
        declined = self.session.scalar(
            select(func.count()).where(
                pitch_t.c.offer_id == offer.id, pitch_t.c.state == PitchState.DECLINED.value
            )
        )
        return max(0, offer.quantity) + int(declined or 0)


NO_LISTS = Lists()


def _spare(engine: Engine) -> bool:
    """Whether the engine's pool has a connection to spare without growing past its size: a
    digest never waits for a second connection while holding its first (many digests at
    once, each holding one, could otherwise wait for each other until the pool times out)."""
    pool = engine.pool
    size, out = getattr(pool, "size", None), getattr(pool, "checkedout", None)
    if not callable(size) or not callable(out):
        return False
    return bool(out() < size())


def _aggregate(owner: int, row: Any, lists: Lists, touches: tuple[int, int]) -> OwnerAggregate:
    """One owner's book, made once from its sums, its lists and its touches."""
    reds, ambers = int(row.red or 0), int(row.amber or 0)
    return OwnerAggregate(
        owner_id=owner,
        customers=int(row.customers),
        amber=ambers,
        red=reds,
        escalated=int(row.escalated or 0),
        escalations=tuple(lists.escalations),
        touches_this_period=touches[0],
        touches_previous_period=touches[1],
        upcoming_dates=int(row.upcoming or 0),
        health=tuple(int(getattr(row, name) or 0) for name in HEALTH),
        book_value=int(row.value or 0),
        biggest=tuple(lists.biggest),
        single_threaded=int(row.lone or 0),
        single_threaded_top=tuple(lists.lone),
        quiet=reds + ambers,
        quiet_top=tuple(lists.quiet),
    )
