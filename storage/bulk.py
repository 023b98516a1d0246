"""Bulk loading: many rows per round trip, outside the ORM, for large synthetic books.

Rows are plain tuples in the order of the given columns, holding the same Python values the
tables take (aware datetimes, dates, booleans). On PostgreSQL they stream through ``COPY ...
FROM STDIN`` (psycopg adapts each value); on SQLite through ``executemany`` on the driver's
cursor, after the column types' own bind processors (so instants are stored exactly as the
ORM stores them). Ids are chosen by the caller (``next_id``), so related rows can be written
in the same batch without reading anything back; ``sync_sequences`` then moves PostgreSQL's
id sequences past them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import DBAPIError

Processor = Callable[[Any], Any] | None


class BulkLoader:
    """Writes rows into tables on one connection, inside the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self._processors: dict[tuple[str, tuple[str, ...]], list[Processor]] = {}
        self._next: dict[str, int] = {}

    @property
    def is_postgresql(self) -> bool:
        return self.dialect.name == "postgresql"

    def next_id(self, table: Table) -> int:
        """One more than the largest id in ``table`` (1 when empty)."""
        largest = self.connection.scalar(select(func.max(table.c.id)))
        return int(largest or 0) + 1

    def take_id(self, table: Table) -> int:
        """A fresh id for a new row of ``table`` (read once per table, then counted here)."""
        if table.name not in self._next:
            self._next[table.name] = self.next_id(table)
        taken = self._next[table.name]
        self._next[table.name] = taken + 1
        return taken

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Append ``rows`` (tuples in ``columns`` order) to ``table``; returns how many."""
        names = ", ".join(f'"{c}"' for c in columns)
        driver = self.connection.connection.driver_connection
        if driver is None:  # pragma: no cover - a checked-out connection always has one
            raise RuntimeError("no driver connection")
        count = 0
        if self.is_postgresql:
            with (
                driver.cursor() as cursor,
                cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        converted = list(self._converted(table, columns, rows))
        marks = ", ".join("?" for _ in columns)
        cursor = driver.cursor()
        try:
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', converted)
        finally:
            cursor.close()
        return len(converted)

    def insert_each(
        self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """``insert`` whose errors are SQLAlchemy's, as the ORM's insert's would be (a key taken
        meanwhile: ``IntegrityError``): on PostgreSQL through ``COPY``, elsewhere one
        ``INSERT`` per row (``executemany``)."""
        q = self.dialect.identifier_preparer.quote
        names = ", ".join(q(c) for c in columns)
        if self.is_postgresql:
            return self._copy(f"COPY {q(table.name)} ({names}) FROM STDIN", table, columns, rows)
        marks = ", ".join(self._mark for _ in columns)
        return self._many(
            f"INSERT INTO {q(table.name)} ({names}) VALUES ({marks})", table, columns, rows
        )

    def update_each(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        key: str = "id",
        where: str = "",
        changed_only: bool = False,
    ) -> int:
        """Set ``columns`` of the row whose ``key`` is each row's last value (``where``: a
        further condition in SQL on the table's own columns, those among ``columns``
        qualified by the table's name). On PostgreSQL the rows are copied into a temporary
        table (dropped at the commit) and set by one ``UPDATE`` joined to it; on SQLite one
        ``UPDATE`` per row. ``changed_only`` (SQLite): a row whose ``columns`` hold these
        values already is left alone. SQLite rewrites the entries of every index on a column
        an ``UPDATE`` sets, whatever its value, and comparing first costs a lookup of a row
        just read or written; PostgreSQL writes a new version of the row and of its every
        index entry for any change, so there it changes nothing."""
        q = self.dialect.identifier_preparer.quote
        if self.is_postgresql:
            return self._update_from_copy(table, columns, rows, key=key, where=where)
        if changed_only:  # numbered parameters: each value bound once, set and compared
            marks = [f"?{i}" for i in range(1, len(columns) + 2)]
            same = " AND ".join(f"{q(c)} IS {m}" for c, m in zip(columns, marks[:-1], strict=True))
            unchanged = f" AND NOT ({same})"
        else:
            marks, unchanged = [self._mark] * (len(columns) + 1), ""
        assignments = ", ".join(f"{q(c)}={m}" for c, m in zip(columns, marks[:-1], strict=True))
        condition = f"{q(key)} = {marks[-1]}{unchanged}" + (f" AND ({where})" if where else "")
        statement = f"UPDATE {q(table.name)} SET {assignments} WHERE {condition}"
        return self._many(statement, table, [*columns, key], rows)

    def _update_from_copy(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        key: str,
        where: str,
    ) -> int:
        q = self.dialect.identifier_preparer.quote
        every = [*columns, key]
        staged = q(f"nudgebot_set_{table.name}")
        typed = ", ".join(f"{q(c)} {table.c[c].type.compile(dialect=self.dialect)}" for c in every)
        self.connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staged} ({typed}) ON COMMIT DROP"
        )
        self.connection.exec_driver_sql(f"DELETE FROM {staged}")
        names = ", ".join(q(c) for c in every)
        keys: list[Any] = []

        def keyed() -> Iterator[Sequence[Any]]:  # the keys kept as the rows are copied
            for row in rows:
                keys.append(row[-1])
                yield row

        count = self._copy(f"COPY {staged} ({names}) FROM STDIN", table, every, keyed())
        if count:
            assignments = ", ".join(f"{q(c)}=s.{q(c)}" for c in columns)
            extra = f" AND ({where})" if where else ""
            # The keys once more, as an array: the planner, which knows nothing of the
            # temporary table, would otherwise join it to the whole table read in full (at
            # 100k customers 27 ms of a page's 60), not to the rows found by the key's index.
            column = f"{q(table.name)}.{q(key)}"
            array = f"{table.c[key].type.compile(dialect=self.dialect)}[]"
            self.connection.exec_driver_sql(
                f"UPDATE {q(table.name)} SET {assignments} FROM {staged} AS s "
                f"WHERE {column} = s.{q(key)} AND {column} = ANY(CAST({self._mark} AS {array}))"
                f"{extra}",
                (keys,),
            )
        return count

    def _copy(
        self, statement: str, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """PostgreSQL's ``COPY … FROM STDIN`` of ``rows``, the values converted by the columns'
        own bind processors; the driver's error raised as SQLAlchemy's (``IntegrityError`` for
        a key taken meanwhile), the transaction then to be rolled back."""
        driver = self.connection.connection.driver_connection
        if driver is None:  # pragma: no cover - a checked-out connection always has one
            raise RuntimeError("no driver connection")
        dbapi = self.dialect.loaded_dbapi
        count = 0
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for row in self._converted(table, columns, rows):
                    copy.write_row(row)
                    count += 1
        except dbapi.Error as exc:
            raise DBAPIError.instance(
                statement, None, exc, dbapi.Error, dialect=self.dialect
            ) from exc
        return count

    @property
    def _mark(self) -> str:
        return "?" if self.dialect.paramstyle == "qmark" else "%s"

    def _many(
        self, statement: str, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """``statement`` once per row, the values converted by the columns' own bind processors
        (as the ORM converts them), handed to the driver's ``executemany`` through SQLAlchemy
        (which wraps the driver's errors): no per-row statement compilation or parameter
        dictionaries."""
        converted = list(self._converted(table, columns, rows))
        if converted:
            self.connection.exec_driver_sql(statement, converted)
        return len(converted)

    def _converted(
        self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> Iterator[tuple[Any, ...]]:
        """Each of ``rows`` with its values converted by their columns' own bind processors
        (as the ORM converts them); a column without one, most of them, is not looked at: a
        sweep converts hundreds of thousands of values."""
        width = len(columns)
        converting = [
            (i, p) for i, p in enumerate(self._processors_for(table, columns)) if p is not None
        ]
        for row in rows:
            if len(row) != width:
                raise ValueError(f"{len(row)} values for the {width} columns {columns}")
            if not converting:
                yield tuple(row)
                continue
            values = list(row)
            for i, process in converting:
                if (value := values[i]) is not None:
                    values[i] = process(value)
            yield tuple(values)

    def _processors_for(self, table: Table, columns: Sequence[str]) -> list[Processor]:
        key = (table.name, tuple(columns))
        found = self._processors.get(key)
        if found is None:
            found = [
                table.c[name].type.dialect_impl(self.dialect).bind_processor(self.dialect)
                for name in columns
            ]
            self._processors[key] = found
        return found

    def sync_sequences(self, tables: Iterable[Table]) -> None:
        """After ids were chosen by hand: PostgreSQL's sequences continue past the largest."""
        if not self.is_postgresql:
            return
        for table in tables:
            self.connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table.name}"), false)'
                ),
                {"table": table.name},
            )
