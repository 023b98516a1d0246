"""The unit of work: one transaction, rolled back unless ``commit()`` is called."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType

from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.clock import database_now
from storage.engine import LOCK_AT_FIRST_WRITE
from storage.repositories.audit import AuditLog
from storage.repositories.backlog import BacklogRepository
from storage.repositories.books import BooksRepository
from storage.repositories.changes import ChangeLog
from storage.repositories.channels import DigestChannelRepository
from storage.repositories.customers import CustomerRepository
from storage.repositories.digests import DigestRepository
from storage.repositories.erase import EraseRepository
from storage.repositories.exports import ExportRepository
from storage.repositories.links import LinkRepository
from storage.repositories.lists import ShownListRepository
from storage.repositories.names import SqlKnownNames
from storage.repositories.nudges import NudgeRepository
from storage.repositories.offers import OfferRepository, PitchRepository
from storage.repositories.outbox import DeliveryRepository
from storage.repositories.people import PersonRepository, WorkspaceRepository
from storage.repositories.records import (
    ContactRepository,
    ImportantDateRepository,
    LifeEventRepository,
    TouchRepository,
)
from storage.repositories.restore import RestoreRepository
from storage.repositories.slack import (
    ProcessedEventRepository,
    SlackInstallationRepository,
    SlackOAuthStateRepository,
)
from storage.repositories.stats import StatsRepository
from storage.repositories.teams import TeamsCardRepository, TeamsConversationRepository
from storage.tables import offer_t


class ReadOnlyError(RuntimeError):
    """A write attempted through a unit of work opened for reading (a programming error)."""


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without a commit rolls back."""

    session: Session

    def __init__(self, session_factory: Callable[[], Session], *, read_only: bool = False) -> None:
        self._session_factory = session_factory
        self.read_only = read_only

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._session_factory()
        self.workspaces = WorkspaceRepository(self.session)
        self.people = PersonRepository(self.session)
        self.customers = CustomerRepository(self.session)
        self.contacts = ContactRepository(self.session)
        self.touches = TouchRepository(self.session)
        self.dates = ImportantDateRepository(self.session)
        self.life_events = LifeEventRepository(self.session)
        self.offers = OfferRepository(self.session)
        self.pitches = PitchRepository(self.session)
        self.nudges = NudgeRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        self.audit = AuditLog(self.session)
        self.stats = StatsRepository(self.session)
        self.digests = DigestRepository(self.session)
        self.backlog = BacklogRepository(self.session)
        self.shown = ShownListRepository(self.session)
        self.changes = ChangeLog(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()  # a no-op after commit(); discards anything uncommitted
        finally:
            self.session.close()

    def customer_names(self, workspace_id: int, *, archived: bool = False) -> SqlKnownNames:
        """The workspace's customer names (``archived``: archived customers' too)."""
        return SqlKnownNames(self.session, workspace_id, include_archived=archived)

    def offer_titles(self, workspace_id: int) -> SqlKnownNames:
        return SqlKnownNames(self.session, workspace_id, table=offer_t)

    # -- the repositories of one part of the bot each, made when asked for ------------------

    @property
    def books(self) -> BooksRepository:
        return BooksRepository(self.session)

    @property
    def restore(self) -> RestoreRepository:
        return RestoreRepository(self.session)

    @property
    def erase(self) -> EraseRepository:
        return EraseRepository(self.session)

    @property
    def links(self) -> LinkRepository:
        return LinkRepository(self.session)

    def exports(self, workspace_id: int, owner_ids: frozenset[int] | None) -> ExportRepository:
        return ExportRepository(self.session, workspace_id, owner_ids)

    @property
    def digest_channels(self) -> DigestChannelRepository:
        return DigestChannelRepository(self.session)

    @property
    def teams_conversations(self) -> TeamsConversationRepository:
        return TeamsConversationRepository(self.session)

    @property
    def teams_cards(self) -> TeamsCardRepository:
        return TeamsCardRepository(self.session)

    @property
    def slack_installations(self) -> SlackInstallationRepository:
        return SlackInstallationRepository(self.session)

    @property
    def slack_oauth_states(self) -> SlackOAuthStateRepository:
        return SlackOAuthStateRepository(self.session)

    @property
    def processed_events(self) -> ProcessedEventRepository:
        return ProcessedEventRepository(self.session)

    def commit(self) -> None:
        if self.read_only:
            raise ReadOnlyError("a read-only unit of work cannot commit: use deps.uow() to write")
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def database_now(self) -> datetime:
        """The database's clock (see :mod:`storage.clock`)."""
        return database_now(self.session)

    def lock_at_first_write(self) -> None:
        """Before the transaction's first statement: on SQLite, read without the write lock and
        take it at the first write, so that other writers are not kept waiting while this one
        reads and works out what to write. That first write fails at once (``is_busy``) if
        another connection wrote since this transaction's first read: what was read may be out
        of date, and the work must run again. Elsewhere (row locks): nothing changes."""
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.connection(execution_options={LOCK_AT_FIRST_WRITE: True})

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction that an error undoes on its own (the error is raised;
        what was written before the savepoint stays)."""
        with self.session.begin_nested():
            yield

    def tally_until_commit(
        self, key: str, on_commit: Callable[[Counter[str]], None]
    ) -> Counter[str]:
        """A tally kept with this transaction under ``key``: ``on_commit`` gets it when the
        transaction commits; a rollback empties it (work decided again is counted once)."""
        info = self.session.info
        tally: Counter[str] | None = info.get(key)
        if tally is None:
            kept: Counter[str] = Counter()
            info[key] = tally = kept

            def committed(session: Session) -> None:
                on_commit(kept)
                kept.clear()

            event.listen(self.session, "after_commit", committed)
            event.listen(self.session, "after_rollback", lambda session: kept.clear())
        return tally
