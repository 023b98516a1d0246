"""The SQL name directory answers the grammar as the in-memory one does (with its prepared
questions answered in one statement), and read-only units of work read without writing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.commands.names import Found, NameIndex, NotFound, resolve_leading, resolve_whole
from nudges.model import Customer, Person, Platform
from storage import ReadOnlyError, SqlUnitOfWork, is_sqlite, make_session_factory
from storage.repositories.names import SqlKnownNames

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
WORKSPACE: dict[str, Any] = {
    "platform": Platform.CONSOLE,
    "external_id": "console",
    "name": "Console",
    "timezone": "UTC",
    "holiday_country": "US",
    "now": NOW,
}

NAMES = [
    "Acme",
    "Acme Corp",
    "Acme Corp Berlin",
    "Acme Labs",
    "Acme Labs North",
    "Acme Labs South",
    "Acme Labs East",
    "Acme Labs West",
    "Acme Labs Central",
    "Acme Labs Pacific",
    "Acmeco",
    "Globex Inc",
    "Umbrella Corporation of America",
    "Zeta",
    "Ötzi Bergführer GmbH",
    "Eagle Freight",
    "Echo Ltd",
    "Edison Power",
]

TEXTS = [
    "acme call",
    "acme corp call",
    "acme corp berlin coffee -- lunch",
    "acme labs call",
    "acme labs north",
    "acmeco",
    "acme crop",
    "globex call",
    "umbrella call",
    "umbrella corporation of america",
    "zeta zeta zeta zeta zeta zeta zeta zeta zeta zeta",
    "ötzi call",
    "nobody here",
    "ACME   CORP   call",
    "ecme call",  # a typo in the first letter, with names starting with the typed one
    "ecme corp call",
    "cme labs call",  # the first letter left out
    "xacme call",  # one letter too many in front
]


def _seed(engine: Engine) -> int:
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        workspace = uow.workspaces.add(**WORKSPACE)
        owner = uow.people.add(
            Person(
                id=0,
                workspace_id=workspace.id,
                platform_user_id="sam",
                display_name="Sam",
                timezone="UTC",
            ),
            now=NOW,
        )
        for name in NAMES:
            _customer(uow, workspace.id, owner.id, name)
        uow.commit()
        return workspace.id


def _customer(uow: SqlUnitOfWork, workspace_id: int, owner_id: int, name: str) -> None:
    uow.customers.add(
        Customer(
            id=0,
            workspace_id=workspace_id,
            name=name,
            owner_id=owner_id,
            tier="standard",
            since=date(2024, 1, 1),
        ),
        now=NOW,
    )


@pytest.mark.parametrize("text", TEXTS)
def test_sql_names_resolve_as_the_in_memory_index_does(engine: Engine, text: str) -> None:
    workspace_id = _seed(engine)
    words = text.split()
    memory = NameIndex(NAMES)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        known = SqlKnownNames(uow.session, workspace_id)
        assert resolve_leading(words, known) == resolve_leading(words, memory)
        assert resolve_whole(words, SqlKnownNames(uow.session, workspace_id)) == resolve_whole(
            words, memory
        )
        assert resolve_leading(words, known, max_words=2) == resolve_leading(
            words, memory, max_words=2
        )


def test_a_typo_in_the_first_letter_is_found_in_a_large_book(engine: Engine) -> None:
    workspace_id = _seed(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        owner = uow.people.by_platform_id(workspace_id=workspace_id, platform_user_id="sam")
        assert owner is not None
        for n in range(2500):  # more names starting with "e" than a typo search compares
            _customer(uow, workspace_id, owner.id, f"Endeavour {n:04d}")
        uow.commit()
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        found = resolve_whole(["ecme", "corp"], SqlKnownNames(uow.session, workspace_id))
    assert isinstance(found, NotFound)
    assert found.suggestions[0] == "Acme Corp"


WORDS = ["acme", "corp", "berlin", "coffee"]


def test_a_found_name_costs_one_statement(engine: Engine) -> None:
    workspace_id = _seed(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        uow.session.connection()  # the transaction's own statements are not counted
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        known = SqlKnownNames(uow.session, workspace_id)
        found = resolve_leading(WORDS, known)
    assert found == resolve_leading(WORDS, NameIndex(NAMES)) == Found("Acme Corp Berlin", 3)
    assert len(statements) == 1


def test_a_read_only_unit_of_work_cannot_commit(engine: Engine) -> None:
    readers = make_session_factory(engine, read_only=True)
    with SqlUnitOfWork(readers, read_only=True) as uow:
        assert uow.workspaces.find(platform=Platform.CONSOLE, external_id="x") is None
        with pytest.raises(ReadOnlyError, match="cannot commit"):
            uow.commit()


def test_a_reader_does_not_wait_for_a_writer(engine: Engine) -> None:
    """On SQLite a writer holds the file's write lock from its BEGIN IMMEDIATE; a reader reads
    the last committed state meanwhile instead of queueing behind it."""
    workspace_id = _seed(engine)
    writers = make_session_factory(engine)
    readers = make_session_factory(engine, read_only=True)
    read: list[str | None] = []
    with SqlUnitOfWork(writers) as writer:
        owner = writer.people.by_platform_id(workspace_id=workspace_id, platform_user_id="sam")
        assert owner is not None
        _customer(writer, workspace_id, owner.id, "Initech")
        writer.session.flush()

        def reader() -> None:
            with SqlUnitOfWork(readers, read_only=True) as uow:
                read.append(SqlKnownNames(uow.session, workspace_id).exact("initech"))
                read.append(SqlKnownNames(uow.session, workspace_id).exact("zeta"))

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(timeout=5)
        assert not thread.is_alive(), "the reader waited for the writer"
        writer.commit()
    assert read == [None, "Zeta"]


def test_postgresql_refuses_a_write_in_a_read_only_unit_of_work(engine: Engine) -> None:
    if is_sqlite(str(engine.url)):
        pytest.skip("PostgreSQL enforces read-only transactions; SQLite relies on commit()")
    from sqlalchemy.exc import InternalError

    readers = make_session_factory(engine, read_only=True)
    with (
        SqlUnitOfWork(readers, read_only=True) as uow,
        pytest.raises(InternalError, match="read-only"),
    ):
        uow.workspaces.add(**WORKSPACE)
