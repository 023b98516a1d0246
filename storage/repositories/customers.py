"""Customers and their tags."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from nudges.model import Customer
from nudges.names import name_key
from storage.repositories import mapping
from storage.repositories.digest_sql import chunks, kept_levels
from storage.repositories.ids import ids_in
from storage.repositories.kept_facts import write_decided_rows
from storage.tables import CustomerRow, customer_t, customer_tag_t
from storage.types import UTCDateTime


@dataclass
class CustomerRepository:
    session: Session

    def add(self, customer: Customer, *, now: datetime) -> Customer:
        row = CustomerRow(**self._values(customer), created_at=now)
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        self._set_tags(row.id, customer.tags)
        return mapping.customer(row, customer.tags)

    def update(self, customer: Customer) -> Customer:
        row = self.session.get(CustomerRow, customer.id)
        if row is None:
            raise LookupError(f"no customer with id {customer.id}")
        for key, value in self._values(customer).items():
            setattr(row, key, value)
        self.session.flush()
        self._set_tags(customer.id, customer.tags)
        return mapping.customer(row, customer.tags)

    @staticmethod
    def _values(customer: Customer) -> dict[str, Any]:
        return {
            "workspace_id": customer.workspace_id,
            "name": customer.name,
            "name_key": name_key(customer.name),
            "owner_id": customer.owner_id,
            "tier": customer.tier,
            "kind": customer.kind.value,
            "cadence_ideal_days": customer.cadence.ideal_days if customer.cadence else None,
            "cadence_max_days": customer.cadence.max_days if customer.cadence else None,
            "since": customer.since,
            "renewal_on": customer.renewal_on,
            "annual_value": customer.annual_value,
            "timezone": customer.timezone,
            "country": customer.country,
            "dnc_until": customer.dnc_until,
            "dnc_reason": customer.dnc_reason,
            "min_gap_days": customer.min_gap_days,
            "archived": customer.archived,
            "last_touch_at": customer.last_touch_at,
            "owner_last_touch_at": customer.owner_last_touch_at,
            "next_due_at": None if customer.archived else customer.next_due_at,
        }

    customer_values = _values  # the column values of a customer, for bulk writes

    def _set_tags(self, customer_id: int, tags: frozenset[str]) -> None:
        self.session.execute(
            delete(customer_tag_t).where(customer_tag_t.c.customer_id == customer_id)
        )
        if tags:
            self.session.execute(
                insert(customer_tag_t),
                [{"customer_id": customer_id, "tag": t} for t in sorted(tags)],
            )

    def _tags_of(self, ids: Iterable[int]) -> dict[int, frozenset[str]]:
        found: dict[int, set[str]] = {}
        id_list = list(ids)
        for start in range(0, len(id_list), 500):
            rows = self.session.execute(
                select(customer_tag_t.c.customer_id, customer_tag_t.c.tag).where(
                    ids_in(self.session, customer_tag_t.c.customer_id, id_list[start : start + 500])
                )
            )
            for customer_id, tag in rows.all():
                found.setdefault(customer_id, set()).add(tag)
        return {k: frozenset(v) for k, v in found.items()}

    def _many(self, rows: Sequence[CustomerRow | Row[Any] | Any]) -> list[Customer]:
        tags = self._tags_of(r.id for r in rows if r.id is not None)
        return [mapping.customer(r, tags.get(r.id or 0, frozenset())) for r in rows]

    def get(self, customer_id: int) -> Customer | None:
        row = self.session.get(CustomerRow, customer_id)
        if row is None:
            return None
        return mapping.customer(row, self._tags_of([customer_id]).get(customer_id, frozenset()))

    def get_many(self, ids: Sequence[int]) -> list[Customer]:
        rows: list[Any] = []
        for start in range(0, len(ids), 500):
            rows.extend(
                mapping.plain(
                    self.session.execute(
                        select(*DOMAIN_COLUMNS).where(
                            ids_in(self.session, customer_t.c.id, ids[start : start + 500])
                        )
                    )
                )
            )
        rows.sort(key=lambda r: int(r.id))
        return self._many(rows)

    def by_name(self, *, workspace_id: int, name: str) -> Customer | None:
        row = self.session.scalars(
            select(CustomerRow).where(
                customer_t.c.workspace_id == workspace_id,
                customer_t.c.name_key == name_key(name),
            )
        ).first()
        return self._many([row])[0] if row else None

    def names_by_key(self, *, workspace_id: int, keys: Sequence[str]) -> dict[str, str]:
        """The names of the workspace's live customers among these name keys, by key."""
        if not keys:
            return {}
        rows = self.session.execute(
            select(customer_t.c.name_key, customer_t.c.name).where(
                customer_t.c.workspace_id == workspace_id,
                customer_t.c.archived.is_(False),
                customer_t.c.name_key.in_(sorted(set(keys))),
            )
        )
        return {str(key): str(name) for key, name in rows}

    def owned_by(
        self, owner_ids: Sequence[int], *, include_archived: bool = False
    ) -> list[Customer]:
        query = select(CustomerRow).where(customer_t.c.owner_id.in_(owner_ids))
        if not include_archived:
            query = query.where(customer_t.c.archived.is_(False))
        return self._many(self.session.scalars(query.order_by(customer_t.c.name_key)).all())

    def possibly_quiet(
        self,
        owner_ids: Sequence[int],
        *,
        by_kind: Mapping[str, datetime],
        by_tier: Mapping[str, datetime],
        otherwise: datetime,
        since_before: date,
    ) -> list[Customer]:
        """The owners' customers that may have gone quiet (without their tags): last touched
        at or before the bound of their kind (``by_kind``), else of their tier (``by_tier``),
        else ``otherwise``; never touched and customers since before ``since_before`` or of
        unknown tenure; or with a cadence of their own. The caller decides exactly."""
        c = customer_t.c

        def at(value: datetime) -> ColumnElement[datetime]:
            return literal(value, type_=UTCDateTime())

        whens = [(c.kind == k, at(b)) for k, b in by_kind.items()]
        whens += [(c.tier == t, at(b)) for t, b in by_tier.items()]
        bound = case(*whens, else_=at(otherwise)) if whens else at(otherwise)
        found: list[Customer] = []
        for start in range(0, len(owner_ids), 500):
            rows = self.session.execute(
                select(*DOMAIN_COLUMNS)
                .where(
                    ids_in(self.session, c.owner_id, owner_ids[start : start + 500]),
                    c.archived.is_(False),
                    or_(
                        c.cadence_ideal_days.is_not(None),
                        c.last_touch_at <= bound,
                        c.last_touch_at.is_(None) & (c.since.is_(None) | (c.since < since_before)),
                    ),
                )
                .order_by(c.name_key)
            )
            found.extend(mapping.customer(r) for r in rows)
        return found

    def quiet_counts(
        self, owner_ids: Sequence[int], *, now: datetime, leave_out: Collection[int] = ()
    ) -> tuple[int, int]:
        """(amber or red, red) among the owners' customers at ``now``, from the facts kept at
        their last decision (``nudges.facts.level_at``), ``leave_out`` left out."""
        c = customer_t.c
        red, quiet = kept_levels(now)
        sums = (func.sum(case((quiet, 1), else_=0)), func.sum(case((red, 1), else_=0)))

        def counted(column: ColumnElement[int], ids: Sequence[int]) -> tuple[int, int]:
            total = [0, 0]
            for chunk in chunks(ids):
                where = [ids_in(self.session, column, chunk), c.archived.is_(False)]
                row = self.session.execute(select(*sums).where(*where)).one()
                total = [total[0] + int(row[0] or 0), total[1] + int(row[1] or 0)]
            return total[0], total[1]

        book, left = counted(c.owner_id, owner_ids), counted(c.id, sorted(leave_out))
        return book[0] - left[0], book[1] - left[1]

    def most_overdue_ids(self, owner_ids: Sequence[int], *, now: datetime, limit: int) -> list[int]:
        """Among the owners' customers amber or red at ``now`` by their kept facts, those that
        turned red first: the first ``limit``, and every other that turned red less than a day
        after the last of them (quiet for as many whole days past their cadence), and those
        whose quiet clock has no start (their quiet days are not counted from one)."""
        c = customer_t.c
        _, quiet = kept_levels(now)
        found: dict[int, datetime] = {}
        unstarted: set[int] = set()
        for chunk in chunks(owner_ids):
            book = (ids_in(self.session, c.owner_id, chunk), c.archived.is_(False))
            rows = self.session.execute(
                select(c.id, c.red_at)
                .where(*book, quiet, c.red_at.is_not(None))
                .order_by(c.red_at, c.id)
                .limit(limit)
            ).all()
            found.update({int(i): r for i, r in rows})
            unstarted.update(
                self.session.scalars(select(c.id).where(*book, c.quiet_since.is_(None)))
            )
        ranked = sorted(found.items(), key=lambda pair: (pair[1], pair[0]))
        chosen = {i for i, _ in ranked[:limit]} | unstarted
        if len(ranked) < limit:
            return sorted(chosen)
        bound = literal(ranked[limit - 1][1] + timedelta(days=1), type_=UTCDateTime())
        for chunk in chunks(owner_ids):
            chosen.update(
                self.session.scalars(
                    select(c.id).where(
                        ids_in(self.session, c.owner_id, chunk),
                        c.archived.is_(False),
                        quiet,
                        c.red_at <= bound,
                    )
                )
            )
        return sorted(chosen)

    def names(self, *, workspace_id: int, include_archived: bool = False) -> list[str]:
        query = select(customer_t.c.name).where(customer_t.c.workspace_id == workspace_id)
        if not include_archived:
            query = query.where(customer_t.c.archived.is_(False))
        return list(self.session.scalars(query.order_by(customer_t.c.name_key)))

    def count(self, *, workspace_id: int | None = None) -> int:
        query = select(func.count()).select_from(customer_t)
        if workspace_id is not None:
            query = query.where(customer_t.c.workspace_id == workspace_id)
        return int(self.session.scalar(query) or 0)

    def set_next_due(self, customer_id: int, next_due_at: datetime | None) -> None:
        self.session.execute(
            update(customer_t)
            .where(customer_t.c.id == customer_id, customer_t.c.archived.is_(False))
            .values(next_due_at=next_due_at)
        )

    def decide_soon(self, *, owner_id: int, now: datetime) -> int:
        """Have the next sweep decide every customer of this owner again (e.g. they got a
        manager, who escalations now go to); returns how many."""
        result = self.session.execute(
            update(customer_t)
            .where(
                customer_t.c.owner_id == owner_id,
                customer_t.c.archived.is_(False),
                (customer_t.c.next_due_at.is_(None)) | (customer_t.c.next_due_at > now),
            )
            .values(next_due_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def write_decided(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Each decided customer's next-due instant and the facts kept from the same decision,
        as rows (``kept_facts.decided_rows``, ``write_decided_rows``)."""
        write_decided_rows(self.session.connection(), rows)

    def due_ids(self, *, now: datetime, limit: int, skip_locked: bool = False) -> list[int]:
        """Customers whose next-due instant has come: an index range scan, oldest first. With
        ``skip_locked`` (PostgreSQL), the rows are locked until the transaction ends and rows
        another transaction holds are left out (SQLite's one writer needs no row locks)."""
        query = (
            select(customer_t.c.id)
            .where(customer_t.c.next_due_at <= now)
            .order_by(customer_t.c.next_due_at, customer_t.c.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return list(self.session.scalars(query))

    def due_page(
        self,
        *,
        now: datetime,
        after: tuple[datetime, int] | None,
        limit: int,
    ) -> list[tuple[int, datetime]]:
        """The next ``limit`` due customers after ``after`` (an earlier page's last
        ``(next_due_at, id)``), oldest first, with their next-due instants: a sweep pages
        through what is due while earlier pages are still being decided. Each page is an
        index range (``ix_customer_next_due_at_id``), however many customers share an
        instant (an imported book: all of them)."""
        due, key = customer_t.c.next_due_at, customer_t.c.id
        found: list[tuple[int, datetime]] = []
        if after is not None:
            at, last = after
            # The rest of the last page's instant, then the instants after it: two ranges of
            # the index (SQLite would scan a row comparison from the instant's first row).
            same = select(key, due).where(due == at, key > last).order_by(key).limit(limit)
            found = [(row[0], row[1]) for row in self.session.execute(same)]
        if len(found) < limit:
            later = select(key, due).where(due <= now).order_by(due, key)
            if after is not None:
                later = later.where(due > after[0])
            later = later.limit(limit - len(found))
            found += [(row[0], row[1]) for row in self.session.execute(later)]
        return found

    def lock_due(self, ids: Sequence[int], *, now: datetime) -> list[int]:
        """Of ``ids``, those still due, locked until the transaction ends; rows another
        transaction holds are left out (PostgreSQL; SQLite has no row locks)."""
        c = customer_t.c
        due = ids_in(self.session, c.id, ids)
        query = select(c.id).where(due, c.next_due_at <= now).order_by(c.id)
        if self.session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        return list(self.session.scalars(query))

    def due_count(self, *, now: datetime, up_to: int) -> int:
        """How many customers are due, counted up to ``up_to`` (an index range, never more)."""
        due = select(customer_t.c.id).where(customer_t.c.next_due_at <= now).limit(up_to)
        return int(self.session.scalar(select(func.count()).select_from(due.subquery())) or 0)


#: The columns a ``Customer`` is made of (``mapping.customer``): bulk reads leave out the kept
#: facts, five more instants per row to convert.
DOMAIN_COLUMNS = tuple(
    customer_t.c[name]
    for name in (
        "id", "workspace_id", "name", "owner_id", "tier", "kind", "cadence_ideal_days",
        "cadence_max_days", "since", "renewal_on", "annual_value", "timezone", "country",
        "dnc_until", "dnc_reason", "min_gap_days", "archived", "last_touch_at",
        "owner_last_touch_at", "next_due_at", "created_at",
    )
)  # fmt: skip
