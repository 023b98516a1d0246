"""The change log behind ``undo``: the rows a change touched, as they were before and after.

A use case names what it is about to change (a *watch*: the rows of a table whose column has
a value, e.g. a customer's contacts) and the rows it creates. When it commits, the rows are
read again and the difference is kept: rows created, rows removed, and for rows changed, the
columns that changed with their old and new values. Undo puts the old values back — but only
if nothing changed those same columns since (someone else's later change is never lost),
except in tables the bot derives by itself (nudges), which are simply put back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, delete, insert, select, update
from sqlalchemy.orm import Session

from storage.tables import change_log_t, metadata

#: Tables the bot keeps in line by itself: put back as they were, whatever changed since.
DERIVED: frozenset[str] = frozenset({"nudge", "delivery_item"})
#: Columns the bot recomputes: never a reason to refuse an undo.
RECOMPUTED: frozenset[tuple[str, str]] = frozenset(
    {
        ("customer", "next_due_at"),
        ("offer", "next_due_at"),
        *(
            ("customer", column)
            for column in (
                "quiet_since",
                "amber_at",
                "red_at",
                "escalation_at",
                "health",
                "upcoming_dates",
                "threads",
                "facts_at",
            )
        ),
    }
)
KEEP = timedelta(days=1)  # how long a change stays in the log (``undo`` reaches back minutes)

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Watch:
    table: str
    column: str
    value: Any


@dataclass(frozen=True, slots=True)
class Image:
    """One row a change touched, before and after it: ``before`` None: it created the row;
    ``after`` None: it removed it."""

    table: str
    key: Row
    before: Row | None
    after: Row | None


@dataclass(frozen=True, slots=True)
class Change:
    id: int
    person_id: int
    at: datetime
    summary: str
    images: tuple[Image, ...]


@dataclass
class Recorder:
    """What one use case watches, and the rows as they were when it started watching."""

    watches: list[Watch] = field(default_factory=list)
    before: dict[tuple[str, tuple[Any, ...]], Row] = field(default_factory=dict)
    created: list[tuple[str, Row]] = field(default_factory=list)


class Conflict(Exception):
    """A row changed since the change being undone: undoing it would lose that later change."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


@dataclass
class ChangeLog:
    session: Session

    # --- recording -------------------------------------------------------------------------

    def watch(self, recorder: Recorder, table: str, column: str, value: Any) -> None:
        """Remember the rows of ``table`` whose ``column`` is ``value``, as they are now."""
        watch = Watch(table, column, value)
        if watch in recorder.watches:
            return
        recorder.watches.append(watch)
        for row in self._rows(watch):
            recorder.before.setdefault((table, _pk(table, row)), row)

    def created(self, recorder: Recorder, table: str, key: Row) -> None:
        recorder.created.append((table, key))

    def record(
        self,
        recorder: Recorder,
        *,
        person_id: int,
        workspace_id: int,
        at: datetime,
        summary: str,
    ) -> int | None:
        """Keep what changed since the watches began; None when nothing did."""
        after: dict[tuple[str, tuple[Any, ...]], Row] = {}
        for watch in recorder.watches:
            for row in self._rows(watch):
                after[(watch.table, _pk(watch.table, row))] = row
        for table, key in recorder.created:
            found = self._row(table, key)
            if found is not None:
                after[(table, _pk(table, found))] = found
        for table, pk in set(recorder.before) - set(after):
            # Gone from what was watched: removed, or only moved out of it (a touch whose
            # contact was removed keeps its row, without the contact).
            found = self._row(table, _key(table, recorder.before[(table, pk)]))
            if found is not None:
                after[(table, pk)] = found
        images = _images(recorder.before, after)
        if not images:
            return None
        self.session.execute(
            delete(change_log_t).where(
                change_log_t.c.person_id == person_id,
                change_log_t.c.at < at - KEEP,
            )
        )
        return int(
            self.session.execute(
                insert(change_log_t)
                .values(
                    workspace_id=workspace_id,
                    person_id=person_id,
                    at=at,
                    summary=summary,
                    images=json.dumps([_encode_image(i) for i in images]),
                )
                .returning(change_log_t.c.id)
            ).scalar_one()
        )

    # --- undoing ---------------------------------------------------------------------------

    def last(self, *, person_id: int, workspace_id: int, since: datetime) -> Change | None:
        """The person's newest change not undone yet, made at or after ``since``."""
        row = self.session.execute(
            select(change_log_t)
            .where(
                change_log_t.c.person_id == person_id,
                change_log_t.c.workspace_id == workspace_id,
                change_log_t.c.undone_at.is_(None),
                change_log_t.c.at >= since,
            )
            .order_by(change_log_t.c.at.desc(), change_log_t.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        images = tuple(_decode_image(i) for i in json.loads(row.images))
        return Change(int(row.id), row.person_id, row.at, row.summary, images)

    def newest_at(self, *, person_id: int, workspace_id: int) -> datetime | None:
        at: datetime | None = self.session.scalar(
            select(change_log_t.c.at)
            .where(
                change_log_t.c.person_id == person_id,
                change_log_t.c.workspace_id == workspace_id,
                change_log_t.c.undone_at.is_(None),
            )
            .order_by(change_log_t.c.at.desc())
            .limit(1)
        )
        return at

    def undo(self, change: Change, *, at: datetime, keep: Sequence[Image] = ()) -> None:
        """Put the rows back as they were before ``change`` (but the rows it created that are
        in ``keep``); raises :class:`Conflict` (and writes nothing) when a row changed since."""
        order = [t.name for t in metadata.sorted_tables]  # parents before children
        images = [i for i in change.images if i not in keep]
        for image in images:
            self._check(image)
        created = [i for i in images if i.before is None]
        for image in sorted(created, key=lambda i: order.index(i.table), reverse=True):
            self.session.execute(delete(_table(image.table)).where(_match(image.table, image.key)))
        removed = [i for i in images if i.after is None and i.before is not None]
        for image in sorted(removed, key=lambda i: order.index(i.table)):
            if self._row(image.table, image.key) is None:
                self.session.execute(insert(_table(image.table)).values(**image.before or {}))
        for image in images:
            if image.before is not None and image.after is not None:
                old = image.before
                self.session.execute(
                    update(_table(image.table))
                    .where(_match(image.table, image.key))
                    .values({c: old[c] for c in _changed(old, image.after)})
                )
        self.session.execute(
            update(change_log_t).where(change_log_t.c.id == change.id).values(undone_at=at)
        )

    def _check(self, image: Image) -> None:
        if image.table in DERIVED or image.before is None:
            return  # created rows are removed again, whatever they hold now
        current = self._row(image.table, image.key)
        if image.after is None:
            if current is not None:
                raise Conflict(image.table)
            return
        if current is None:
            raise Conflict(image.table)
        for column in _changed(image.before, image.after):
            if (image.table, column) in RECOMPUTED:
                continue
            if current.get(column) != image.after[column]:
                raise Conflict(image.table)

    # --- rows --------------------------------------------------------------------------------

    def _rows(self, watch: Watch) -> list[Row]:
        table = _table(watch.table)
        rows = self.session.execute(select(table).where(table.c[watch.column] == watch.value))
        return [dict(r._mapping) for r in rows]

    def _row(self, table: str, key: Row) -> Row | None:
        found = self.session.execute(select(_table(table)).where(_match(table, key))).first()
        return dict(found._mapping) if found is not None else None


def _table(name: str) -> Table:
    return metadata.tables[name]


def _pk(table: str, row: Row) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in _table(table).primary_key.columns)


def _key(table: str, row: Row) -> Row:
    return {c.name: row[c.name] for c in _table(table).primary_key.columns}


def _match(table: str, key: Row) -> Any:
    columns = _table(table).c
    return and_(*(columns[name] == value for name, value in key.items()))


def _images(
    before: dict[tuple[str, tuple[Any, ...]], Row], after: dict[tuple[str, tuple[Any, ...]], Row]
) -> list[Image]:
    images: list[Image] = []
    for ident in sorted(set(before) | set(after), key=repr):
        table = ident[0]
        old, new = before.get(ident), after.get(ident)
        if old is None and new is not None:
            images.append(Image(table, _key(table, new), None, new))
        elif new is None and old is not None:
            images.append(Image(table, _key(table, old), old, None))
        elif old is not None and new is not None and _changed(old, new):
            images.append(Image(table, _key(table, old), old, new))
    return images


def _changed(before: Row, after: Row) -> list[str]:
    return [c for c in before if before[c] != after.get(c)]


# --- JSON, keeping dates and instants ------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$instant": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$instant" in value:
            return datetime.fromisoformat(value["$instant"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value


def _encode_row(row: Row | None) -> Row | None:
    return None if row is None else {k: _encode(v) for k, v in row.items()}


def _decode_row(row: Row | None) -> Row | None:
    return None if row is None else {k: _decode(v) for k, v in row.items()}


def _encode_image(image: Image) -> Row:
    return {
        "table": image.table,
        "key": _encode_row(image.key),
        "before": _encode_row(image.before),
        "after": _encode_row(image.after),
    }


def _decode_image(data: Row) -> Image:
    key = _decode_row(data["key"]) or {}
    return Image(data["table"], key, _decode_row(data["before"]), _decode_row(data["after"]))


def tables_of(images: Iterable[Image]) -> set[str]:
    return {i.table for i in images}


def values_of(images: Sequence[Image], table: str, column: str) -> set[Any]:
    """The values a column had in the rows of ``table`` the change touched."""
    found: set[Any] = set()
    for image in images:
        if image.table != table:
            continue
        for row in (image.key, image.before, image.after):
            if row is not None and column in row and row[column] is not None:
                found.add(row[column])
    return found
