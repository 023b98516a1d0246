"""What a digest counts, in SQL: the window of one digest run, the levels the kept facts give
at an instant, and owners in chunks of one statement each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, literal, or_

from storage.tables import customer_t
from storage.types import UTCDateTime

# Owners per statement: a head of sales' 11,250 books in one (PostgreSQL reads the whole table
# once a statement, however few of its owners the statement asks for).
CHUNK = 20_000
c = customer_t.c


@dataclass(frozen=True, slots=True)
class Window:
    """What the digest counts: levels at ``now``, touches in ``period_start``..``now``
    against ``previous_start``..``period_start``."""

    now: datetime
    period_start: datetime
    previous_start: datetime
    concentration_share: float
    limit: int


def kept_levels(now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """``nudges.facts.level_at`` in SQL, over the facts kept with each customer: (red, amber
    or red) at ``now``."""
    instant = at(now)
    red = c.red_at <= instant
    return red, or_(red, c.quiet_since.is_(None), c.amber_at <= instant)


def at(instant: datetime) -> ColumnElement[datetime]:
    """An instant written into the statement (see ``number``)."""
    return literal(instant, type_=UTCDateTime(), literal_execute=True)


def number(value: float) -> ColumnElement[Any]:
    """A constant written into the statement rather than bound as a parameter: SQLite
    compares a million index entries with a literal markedly faster (a head of sales' digest
    at 1M customers: a quarter of its reads' time), and the statement is still compiled once."""
    return literal(value, literal_execute=True)


def chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    """``ids`` sorted, without repeats, in pieces of ``CHUNK`` (one statement each)."""
    ordered = sorted(set(ids))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]
