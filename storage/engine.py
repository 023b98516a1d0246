"""Engines and sessions, built by the composition root from a URL (never at import time)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "nudgebot_read_only"  # an execution option: the units of work that only read
#: An execution option: on SQLite, a transaction that takes the write lock at its first write
#: (plain ``BEGIN``), not when it begins; that write fails at once if another connection wrote
#: since this one's first read (see ``SqlUnitOfWork.lock_at_first_write``).
LOCK_AT_FIRST_WRITE = "nudgebot_lock_at_first_write"


SUPPORTED = ("sqlite", "postgresql")


class DatabaseUnusable(Exception):
    """The configured database cannot work; ``reason`` says why, for the admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_url(url: str) -> None:
    """Refuse a URL that cannot work before anything connects: an unsupported database, or a
    SQLite file whose directory is missing or read-only (or the file itself read-only)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnusable(
            f"{url!r} is not a database URL (expected postgresql://... or sqlite:///...)"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED and backend != "postgres":
        raise DatabaseUnusable(
            f"{backend} is not supported: use PostgreSQL (postgresql://...) or SQLite "
            "(sqlite:///path/to/nudgebot.db)"
        )
    if backend != "sqlite" or in_memory(parsed):
        return
    path = Path(str(parsed.database))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DatabaseUnusable(f"the directory {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseUnusable(f"the directory {folder} is not writable")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseUnusable(f"the file {path} is read-only")


def unusable_reason(exc: BaseException) -> str | None:
    """Why the database could not be used, in one line, when ``exc`` says so (it cannot be
    reached, refuses us, does not exist, the URL names an unknown driver); else None."""
    if isinstance(exc, DatabaseUnusable):
        return exc.reason
    if isinstance(exc, NoSuchModuleError):
        return f"unknown database driver ({exc})"
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    text = " ".join(str(exc.orig).split())
    text = re.sub(r"^connection failed: ", "", text)
    text = text.replace("FATAL: ", "").split(" Is the server running")[0]
    if "failed to resolve host" in text:
        return f"unknown host: {text}"
    if "unable to open database file" in text:
        return "the SQLite file cannot be opened (check the path and its permissions)"
    return text


def has_password(url: str) -> bool:
    """Whether ``url`` is a database URL that carries a password (False when not a URL)."""
    try:
        return bool(make_url(url).password)
    except ArgumentError:
        return False  # not a URL at all: reported by the other [database] checks


def display_url(url: str) -> str:
    """``url`` as it may be shown or logged: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


def normalize_url(url: str) -> str:
    """Accept the URLs admins write (``postgres://``, ``postgresql://``) and pick psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def in_memory(url: str | URL) -> bool:
    """A database only the process that opens it sees (SQLite in memory)."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def make_engine(
    url: str, *, pool_size: int = 10, echo: bool = False, sqlite_cache_kib: int | None = None
) -> Engine:
    """An engine for ``url``; ``sqlite_cache_kib``: each SQLite connection's page cache (by
    default SQLite's own, 2 MB)."""
    check_url(url)
    url = normalize_url(url)
    if is_sqlite(url):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine, cache_kib=sqlite_cache_kib)
        return engine
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def _configure_sqlite(engine: Engine, *, cache_kib: int | None = None) -> None:
    """WAL, a busy timeout, enforced foreign keys, and transactions that take the write lock
    up front (BEGIN IMMEDIATE), so concurrent writers queue instead of failing on upgrade."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        if cache_kib:
            cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(READ_ONLY) or options.get(LOCK_AT_FIRST_WRITE):
            connection.exec_driver_sql("BEGIN")  # a snapshot, no lock on the file until a write
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for units of work; ``read_only`` ones never take SQLite's write lock (so they
    never queue behind a writer), and PostgreSQL refuses writes in them."""
    if read_only:
        engine = engine.execution_options(**read_only_options(engine))
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def read_only_options(engine: Engine) -> dict[str, Any]:
    """The execution options of a connection that only reads (see ``make_session_factory``)."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return options
