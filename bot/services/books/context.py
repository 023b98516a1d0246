"""What every import writer needs: the workspace, who may own what (people matched by e-mail,
handle or display name), the customers already known, and how a record is identified."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from bot.transfer.rows import RowError
from nudges.calendar import UTC, start_of_day, zone
from nudges.model import Person, Workspace
from nudges.names import name_key
from nudges.policy import Policy
from storage import SqlUnitOfWork
from storage.repositories.books import BooksRepository, Keyed

T = TypeVar("T")
NATIVE = "nudgebot-"  # the source of a record exported from a database of this bot


class PeopleIndex:
    """People of a workspace, found by e-mail, platform handle or display name."""

    def __init__(self, people: list[Person]) -> None:
        self.by_id = {p.id: p for p in people}
        self._matched: dict[str, Person | str] = {}
        self._exact: dict[str, list[Person]] = defaultdict(list)
        for p in people:
            keys = {p.platform_user_id.casefold(), name_key(p.display_name)}
            if p.email:
                keys.add(p.email.casefold())
            for key in keys:
                self._exact[key].append(p)

    def match(self, ref: str) -> Person | str:
        """The one person ``ref`` names, or why not."""
        found = self._matched.get(ref)
        if found is None:
            found = self._matched[ref] = self._match(ref)
        return found

    def _match(self, ref: str) -> Person | str:
        wanted = ref.strip().lstrip("@")
        found = self._exact.get(wanted.casefold()) or self._exact.get(name_key(wanted)) or []
        unique = list({p.id: p for p in found}.values())
        if len(unique) == 1:
            return unique[0]
        if unique:
            return f"matches {len(unique)} people; use their e-mail or handle"
        return "matches nobody in the bot (by e-mail, handle or name)"


@dataclass
class CustomerIndex:
    """Every customer of the workspace by id, name key and source + external id (id, owner)."""

    by_name: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    by_id: dict[int, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, books: BooksRepository, workspace_id: int) -> CustomerIndex:
        index = cls()
        for cid, name, owner, source, external_id in books.customer_index(workspace_id):
            index.by_name[name_key(name)] = (cid, owner)
            index.by_id[cid] = (cid, owner)
            if source is not None and external_id is not None:
                index.by_key[(source, external_id)] = (cid, owner)
        return index


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.errors.extend(other.errors)


@dataclass
class ImportContext:
    uow: SqlUnitOfWork
    workspace: Workspace
    source: str  # the file's source: a preset's name, or the mapping's ``source``
    generic: bool  # keys carry their own source ("hubspot:123", "nudgebot-5f3a:17")
    columns: frozenset[str]  # the fields the file has a column for
    policy: Policy
    zone: str  # the zone of wall-clock times written without an offset
    now: datetime
    dry_run: bool
    people: PeopleIndex
    default_owner: Person | None
    customers: CustomerIndex = field(default_factory=CustomerIndex)
    native: str | None = None  # the source of this workspace's own exported records
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> its columns
    actor_id: int | None = None
    pending: dict[Any, Any] = field(default_factory=dict)  # dry run: what "was" written

    @property
    def books(self) -> BooksRepository:
        return self.uow.books

    def identity(self, key: str | None) -> tuple[str, str] | None:
        """(source, external id) of a record's key."""
        if key is None:
            return None
        if self.generic:
            source, sep, external = key.partition(":")
            if sep and source and external:
                return (source[:32], external)
            return ("import", key)
        return (self.source, key)

    def column(self, name: str) -> str:
        """The file's header for a field, for error messages."""
        found = self.headers.get(name)
        return found[0] if found else name

    def is_native(self, ident: tuple[str, str] | None) -> bool:
        return ident is not None and ident[0] == self.native and ident[1].isdigit()

    def owner(
        self, values: dict[str, Any], line: int, column: str, *, fallback: int | None
    ) -> Person | RowError:
        """The person a row names (``column``), else ``fallback`` (an existing owner), else
        ``--default-owner``."""
        ref = values.get(column)
        if ref is not None:
            found = self.people.match(ref)
            if isinstance(found, Person):
                return found
            if self.default_owner is not None:
                return self.default_owner
            return RowError(line, self.column(column), ref, f"{found}; or give --default-owner")
        if fallback is not None and fallback in self.people.by_id:
            return self.people.by_id[fallback]
        if self.default_owner is not None:
            return self.default_owner
        return RowError(line, None, None, f"no {column}: give the column or --default-owner")

    def instant(self, value: date | datetime, *, owner: Person | None = None) -> datetime:
        """A day from midnight in the owner's zone; a wall-clock time in the file's zone."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=zone(self.zone))
            return value.astimezone(UTC)
        return start_of_day(value, owner.timezone if owner else self.zone)

    def audit(
        self, action: str, *, subject_type: str, subject_id: int | None, **detail: Any
    ) -> dict[str, Any]:
        return {
            "workspace_id": self.workspace.id,
            "actor_id": self.actor_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "detail": json.dumps({"source": self.source, **detail}, sort_keys=True),
            "at": self.now,
        }


class Fetch(Protocol[T]):
    def __call__(
        self, workspace_id: int, source: str, external_ids: Sequence[str], *, native: bool
    ) -> Mapping[str, Keyed[T]]: ...


def find_keyed(
    ctx: ImportContext, idents: Iterable[tuple[str, str] | None], fetch: Fetch[T]
) -> dict[tuple[str, str], Keyed[T]]:
    """Stored records by (source, external id), a query per source."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for ident in idents:
        if ident is not None:
            wanted[ident[0]].append(ident[1])
    found: dict[tuple[str, str], Keyed[T]] = {}
    for source, keys in wanted.items():
        stored = fetch(ctx.workspace.id, source, keys, native=source == ctx.native)
        found.update({(source, ext): k for ext, k in stored.items()})
    return found
