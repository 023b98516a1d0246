"""A digest's worst accounts of each kind (escalated longest, single-threaded most valuable,
quiet longest), read from the digest index.

Every owner's own lists (a round of digests, each team composed from them) come from one
window query per kind. One digest's lists (the worst of all its owners together) are bounded
first by its sums: each book's sums carry its worst account of each kind (``bounds``), and
the ``limit``-th worst of those is a bound the whole list lies within, since that many
accounts are at least as bad. The escalated and quiet accounts within their bounds are then
read together in one pass, and the single-threaded ones from each book's value range above
theirs. A kind that fewer than ``limit`` books have is read ordered and cut in SQL instead.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from nudges.digest import QuietAccount
from nudges.quiet import Level
from storage.repositories.digest_sql import Window, at, c, kept_levels, number
from storage.repositories.mapping import plain


@dataclass(slots=True)
class Lists:
    """An owner's worst accounts of each kind, worst first (the biggest by id)."""

    escalations: list[tuple[datetime, int]] = field(default_factory=list)
    lone: list[tuple[int, int]] = field(default_factory=list)
    quiet: list[QuietAccount] = field(default_factory=list)
    biggest: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Kinds:
    """What makes an account one of each kind at ``w.now``, and its place in the list."""

    escalated: ColumnElement[bool]
    lonely: ColumnElement[bool]
    red: ColumnElement[bool]
    cooling: ColumnElement[bool]
    quiet_order: ColumnElement[datetime]  # longest quiet first
    value: ColumnElement[int]  # most valuable first

    @classmethod
    def at(cls, w: Window) -> _Kinds:
        now = at(w.now)
        red, cooling = kept_levels(w.now)
        return cls(
            escalated=c.escalation_at <= now,
            lonely=func.coalesce(c.threads, number(0)) <= number(1),
            red=red,
            cooling=cooling,
            quiet_order=func.coalesce(c.quiet_since, now),
            value=case((c.annual_value > number(0), c.annual_value), else_=number(0)),
        )


def bounds(w: Window) -> tuple[Any, ...]:
    """Summed up with each book for one digest's lists: its worst account of each kind."""
    kinds = _Kinds.at(w)
    return (
        func.min(c.escalation_at).filter(kinds.escalated).label("first_escalated"),
        func.max(c.annual_value).filter(kinds.lonely).label("top_lone"),
        func.min(kinds.quiet_order).filter(kinds.cooling).label("first_quiet"),
    )


@dataclass
class WorstAccounts:
    session: Session
    w: Window

    def each(self, book: ColumnElement[bool]) -> dict[int, Lists]:
        """Every owner's own worst accounts of each kind (one window query a kind), the
        quiet ones with their names."""
        kinds, limit = _Kinds.at(self.w), self.w.limit
        found: dict[int, Lists] = {}
        order: tuple[Any, ...] = (c.escalation_at, c.id)
        for row in self._ranked(book, (c.id, c.escalation_at), kinds.escalated, order, limit):
            _of(found, row.owner_id).escalations.append((row.escalation_at, row.id))
        order = (kinds.value.desc(), c.id)
        for row in self._ranked(book, (c.id, c.annual_value), kinds.lonely, order, limit):
            _of(found, row.owner_id).lone.append((row.id, max(0, row.annual_value)))
        quiet = (c.id, c.annual_value, c.quiet_since, kinds.red.label("red"), c.name)
        order = (kinds.quiet_order, c.id)
        for row in self._ranked(book, quiet, kinds.cooling, order, limit):
            _of(found, row.owner_id).quiet.append(_quiet(row, row.name, self.w.now))
        return found

    def together(self, book: ColumnElement[bool], sums: Mapping[int, Any]) -> dict[int, Lists]:
        """The worst accounts of all the books together (kept with their owners), bounded by
        each book's worst in ``sums`` (``bounds``)."""
        kinds, limit, now = _Kinds.at(self.w), self.w.limit, self.w.now
        if limit <= 0:
            return {}
        first_escalated = _nth(limit, (r.first_escalated for r in sums.values()))
        first_quiet = _nth(limit, (r.first_quiet for r in sums.values()))
        top_lone = _nth(limit, (r.top_lone for r in sums.values()), largest=True)
        # The bound first: most accounts are past it, and it is cheaper than the kind.
        within = {}
        if first_escalated is not None:
            within["in_escalated"] = and_(c.escalation_at <= at(first_escalated), kinds.escalated)
        if first_quiet is not None:
            within["in_quiet"] = and_(kinds.quiet_order <= at(first_quiet), kinds.cooling)
        rows: list[Any] = []
        if within:  # one pass for both kinds: each row says which it is within
            flags = (condition.label(name) for name, condition in within.items())
            columns = (c.id, c.escalation_at, c.annual_value, c.quiet_since, kinds.red.label("red"))
            query = select(c.owner_id, *columns, *flags).where(book, or_(*within.values()))
            rows = list(plain(self.session.execute(query)))
        escalated = [r for r in rows if r.in_escalated] if "in_escalated" in within else []
        quiet = [r for r in rows if r.in_quiet] if "in_quiet" in within else []
        if first_escalated is None:
            escalated = self._top(
                book, (c.id, c.escalation_at), kinds.escalated, (c.escalation_at, c.id), limit
            )
        if first_quiet is None:
            shown = (c.id, c.annual_value, c.quiet_since, kinds.red.label("red"))
            quiet = self._top(book, shown, kinds.cooling, (kinds.quiet_order, c.id), limit)
        lonely = kinds.lonely
        if top_lone is not None and top_lone > 0:  # a range of each book's values
            lonely = and_(lonely, c.annual_value >= number(top_lone))
        lone = self._top(book, (c.id, c.annual_value), lonely, (kinds.value.desc(), c.id), limit)
        found: dict[int, Lists] = {}
        for row in heapq.nsmallest(limit, escalated, key=lambda r: (r.escalation_at, r.id)):
            _of(found, row.owner_id).escalations.append((row.escalation_at, row.id))
        for row in lone:
            _of(found, row.owner_id).lone.append((row.id, max(0, row.annual_value)))
        quiet = heapq.nsmallest(limit, quiet, key=lambda r: (r.quiet_since or now, r.id))
        listed = select(c.id, c.name).where(c.id.in_(sorted(r.id for r in quiet)))
        names = {i: n for i, n in self.session.execute(listed)}
        for row in quiet:
            _of(found, row.owner_id).quiet.append(_quiet(row, names[row.id], now))
        return found

    def _top(
        self,
        book: ColumnElement[bool],
        columns: Sequence[Any],
        where: ColumnElement[bool],
        order: Sequence[Any],
        limit: int,
    ) -> list[Any]:
        """The first ``limit`` rows in ``order`` of all the books together."""
        query = select(c.owner_id, *columns).where(book, where).order_by(*order).limit(limit)
        return list(plain(self.session.execute(query)))

    def _ranked(
        self,
        book: ColumnElement[bool],
        columns: Sequence[Any],
        where: ColumnElement[bool],
        order: Sequence[Any],
        limit: int,
    ) -> Iterator[Any]:
        """The first ``limit`` rows in ``order`` of each owner's book."""
        rank = func.row_number().over(partition_by=c.owner_id, order_by=list(order)).label("rank")
        ranked = select(c.owner_id, *columns, rank).where(book, where).subquery()
        return plain(self.session.execute(select(ranked).where(ranked.c.rank <= limit)))


def _nth(n: int, values: Iterable[Any], *, largest: bool = False) -> Any:
    """The ``n``-th smallest (or largest) of the ``values`` there are (None: not one); None
    when there are fewer."""
    present = [v for v in values if v is not None]
    if len(present) < n:
        return None
    pick = heapq.nlargest if largest else heapq.nsmallest
    return pick(n, present)[-1]


def _of(found: dict[int, Lists], owner: int) -> Lists:
    lists = found.get(owner)
    if lists is None:
        lists = found[owner] = Lists()
    return lists


def _quiet(row: Any, name: str, now: datetime) -> QuietAccount:
    """A quiet account as a list shows it (``row.red``: whether it is red at ``now``)."""
    since = row.quiet_since
    return QuietAccount(
        customer_id=row.id,
        name=name,
        owner_id=row.owner_id,
        level=Level.RED if row.red else Level.AMBER,
        quiet_since=since,
        days_quiet=max(0, (now - since).days) if since is not None else 0,
        annual_value=row.annual_value,
    )
