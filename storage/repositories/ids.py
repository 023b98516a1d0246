"""``column IN (ids)`` for the many-id reads of a sweep, written the way each database takes it
best: on PostgreSQL one array parameter (``= ANY(:ids)``: one statement text whatever the
number of ids, so it is compiled once and never re-parsed by the driver); elsewhere the usual
``IN`` list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

SHORT = 16  # a list this short is as well an IN list (a handful of statement texts in all)


def ids_in(session: Session, column: ColumnElement[Any], ids: Iterable[int]) -> ColumnElement[bool]:
    values = [int(i) for i in ids]
    if len(values) > SHORT and session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(values, ARRAY(BigInteger)))
    return column.in_(values)
