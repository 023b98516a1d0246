"""Units of work for a dry run: they all share one outer transaction, rolled back at the end,
so everything they commit is seen by the units after them and then undone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.uow import SqlUnitOfWork


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Callable[[], SqlUnitOfWork]]:
    with engine.connect() as connection:
        outer = connection.begin()

        def factory() -> Session:
            return Session(
                bind=connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
                autoflush=False,
            )

        try:
            yield lambda: SqlUnitOfWork(factory)
        finally:
            outer.rollback()
