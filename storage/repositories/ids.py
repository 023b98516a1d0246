"""``column IN (ids)`` for the many-id reads of a sweep, written the way each database takes it
best: one parameter, whatever the number of ids, so that the statement is compiled once and
its text never re-rendered: on PostgreSQL an array (``= ANY(:ids)``), on SQLite a JSON list
(``IN (SELECT value FROM json_each(:ids))``). A short list is the usual ``IN`` list."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, String, any_, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

SHORT = 16  # a list this short is as well an IN list (a handful of statement texts in all)


def ids_in(session: Session, column: ColumnElement[Any], ids: Iterable[int]) -> ColumnElement[bool]:
    values = [int(i) for i in ids]
    if len(values) <= SHORT:
        return column.in_(values)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return column == any_(literal(values, ARRAY(BigInteger)))
    if dialect == "sqlite":
        each = func.json_each(literal(json.dumps(values), String())).table_valued("value")
        return column.in_(select(each.c.value))
    return column.in_(values)
