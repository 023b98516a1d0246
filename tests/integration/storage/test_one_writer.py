"""SQLite's one writer: the page cache it is given lasts as long as its block, and a SQLite
engine can give every connection a page cache of a chosen size."""

from __future__ import annotations

from pathlib import Path

from storage.engine import make_engine
from storage.one_writer import OneWriter


def _cache_size(connection: object) -> int:
    return int(connection.exec_driver_sql("PRAGMA cache_size").scalar())  # type: ignore[attr-defined]


def test_the_writers_page_cache_lasts_as_long_as_its_block(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'book.db'}")
    try:
        with engine.connect() as connection:
            default = _cache_size(connection)
            raw = connection.connection.driver_connection
        with OneWriter(engine, cache_kib=8 * 1024) as writer:
            inside = _cache_size(writer.connection)
            same = writer.connection.connection.driver_connection is raw
        with engine.connect() as connection:
            after = _cache_size(connection)
            again = connection.connection.driver_connection is raw
    finally:
        engine.dispose()
    assert same and again  # the pool's one connection, lent and given back
    assert (default, inside, after) == (-2000, -8 * 1024, -2000)


def test_an_engine_gives_each_connection_the_page_cache_asked_for(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'book.db'}", sqlite_cache_kib=4 * 1024)
    first, second = engine.raw_connection(), engine.raw_connection()  # two at once
    try:
        sizes = [c.cursor().execute("PRAGMA cache_size").fetchone()[0] for c in (first, second)]
        distinct = first.driver_connection is not second.driver_connection
    finally:
        first.close()
        second.close()
        engine.dispose()
    assert distinct
    assert sizes == [-4 * 1024, -4 * 1024]
