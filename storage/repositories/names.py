"""Customer and offer names as the command grammar looks them up, straight from the indexes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, literal, select, union_all
from sqlalchemy.orm import Session

from nudges.names import name_key
from storage.similarity import closest
from storage.tables import customer_t, offer_t

_SCAN_FOR_TYPOS = 2000  # names sharing a first letter (or the next two) compared for typos


_END = "\U0010ffff"  # sorts after every character a key can hold


def _like(text: str) -> str:
    """``text`` matched literally in a LIKE pattern (escaped with a backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class SqlKnownNames:
    """``bot.commands.KnownNames`` over one workspace's customers (or offers): an exact match
    and a prefix are index range scans on ``(workspace_id, name_key)``.

    The questions the grammar announces with :meth:`prepare` ("acme", "acme corp", … and the
    names longer than each) are answered in one statement, then from memory."""

    session: Session
    workspace_id: int
    table: Table = customer_t
    include_archived: bool = False
    _exact: dict[str, str | None] = field(default_factory=dict, repr=False)
    _longer: dict[str, tuple[list[str], bool]] = field(default_factory=dict, repr=False)

    def _base(self) -> tuple[Select[Any], ColumnElement[str]]:
        if self.table is offer_t:
            name, key = offer_t.c.title, offer_t.c.title_key
        else:
            name, key = customer_t.c.name, customer_t.c.name_key
        query = select(name).where(self.table.c.workspace_id == self.workspace_id)
        if self.table is customer_t and not self.include_archived:
            query = query.where(customer_t.c.archived.is_(False))
        return query, key

    def prepare(self, keys: Sequence[str], *, limit: int) -> None:
        wanted = [k for k in dict.fromkeys(keys) if k and k not in self._exact]
        if not wanted:
            return
        query, column = self._base()
        parts = [query.add_columns(column, literal(-1)).where(column.in_(wanted))]
        for i, key in enumerate(wanted):
            parts.append(
                query.add_columns(column, literal(i))
                .where(column >= key + " ", column < key + " " + _END)
                .order_by(column)
                .limit(limit)
                .subquery()
                .select()
            )
        rows = self.session.execute(union_all(*parts)).all()
        longer: dict[int, list[tuple[str, str]]] = {}
        self._exact.update(dict.fromkeys(wanted))
        for name, key, part in rows:
            if part == -1:
                self._exact[key] = name
            else:
                longer.setdefault(part, []).append((key, name))
        for i, key in enumerate(wanted):
            found = sorted(longer.get(i, []))
            self._longer[key + " "] = ([name for _, name in found], len(found) < limit)

    def exact(self, key: str) -> str | None:
        if key in self._exact:
            return self._exact[key]
        query, column = self._base()
        return self.session.scalars(query.where(column == key).limit(1)).first()

    def starting_with(self, prefix: str, *, limit: int) -> Sequence[str]:
        known = self._longer.get(prefix)
        if known is not None:
            names, complete = known
            if complete or limit <= len(names):
                return names[:limit]
        query, column = self._base()
        query = query.where(column >= prefix)
        if prefix:
            query = query.where(column < prefix + _END)
        return list(self.session.scalars(query.order_by(column).limit(limit)))

    def similar_to(self, key: str, *, limit: int) -> Sequence[tuple[str, float]]:
        if not key:
            return []
        query, column = self._base()
        # A typo may be in the first letter: besides the names sharing it, compare the names
        # sharing the letters after it (the first one changed, left out or added in front).
        wheres: list[ColumnElement[bool]] = [(column >= key[0]) & (column < key[0] + _END)]
        if len(key) >= 3:
            patterns = ("_" + _like(key[1:3]), "_" + _like(key[:2]), _like(key[1:3]))
            wheres += [column.like(p + "%", escape="\\") for p in dict.fromkeys(patterns)]
        pool: list[str] = []
        for where in wheres:
            scan = query.where(where).order_by(column).limit(_SCAN_FOR_TYPOS)
            pool += self.session.scalars(scan)
        if len(pool) < limit:
            pool += list(self.session.scalars(query.order_by(column).limit(_SCAN_FOR_TYPOS)))
        by_key = {name_key(n): n for n in pool}
        return [(by_key[k], score) for k, score in closest(key, sorted(by_key), limit=limit)]
