"""Customer and offer names as the command grammar looks them up, straight from the indexes."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, select
from sqlalchemy.orm import Session

from nudges.names import name_key
from storage.tables import customer_t, offer_t

_SCAN_FOR_TYPOS = 2000  # names sharing a first letter to compare when nothing matched


@dataclass
class SqlKnownNames:
    """``bot.commands.KnownNames`` over one workspace's customers (or offers): an exact match
    and a prefix are index range scans on ``(workspace_id, name_key)``."""

    session: Session
    workspace_id: int
    table: Table = customer_t
    include_archived: bool = False

    def _base(self) -> tuple[Select[Any], ColumnElement[str]]:
        if self.table is offer_t:
            name, key = offer_t.c.title, offer_t.c.title_key
        else:
            name, key = customer_t.c.name, customer_t.c.name_key
        query = select(name).where(self.table.c.workspace_id == self.workspace_id)
        if self.table is customer_t and not self.include_archived:
            query = query.where(customer_t.c.archived.is_(False))
        return query, key

    def exact(self, key: str) -> str | None:
        query, column = self._base()
        return self.session.scalars(query.where(column == key).limit(1)).first()

    def starting_with(self, prefix: str, *, limit: int) -> Sequence[str]:
        query, column = self._base()
        query = query.where(column >= prefix)
        if prefix:
            query = query.where(column < prefix + "\U0010ffff")
        return list(self.session.scalars(query.order_by(column).limit(limit)))

    def similar_to(self, key: str, *, limit: int) -> Sequence[str]:
        if not key:
            return []
        query, column = self._base()
        pool = list(
            self.session.scalars(
                query.where(column >= key[0], column < key[0] + "\U0010ffff")
                .order_by(column)
                .limit(_SCAN_FOR_TYPOS)
            )
        )
        if len(pool) < limit:
            pool += list(self.session.scalars(query.order_by(column).limit(_SCAN_FOR_TYPOS)))
        by_key = {name_key(n): n for n in pool}
        close = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
        return [by_key[k] for k in close]
