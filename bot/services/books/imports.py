"""``import``: stream a file, a batch of rows at a time, into the workspace's book.

Every bad row is reported with its line, column, value and what was expected; the good rows
are imported (each batch in its own transaction, so a long import never holds the database
for long), unless ``strict``: then one transaction, and nothing at all when any row is bad.
A dry run only reads (a read-only transaction): the same report, and what would be created,
updated or left unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from bot.services.books.contacts import write_contacts
from bot.services.books.context import (
    NATIVE,
    CustomerIndex,
    ImportContext,
    Outcome,
    PeopleIndex,
)
from bot.services.books.customers import write_customers
from bot.services.books.generic import GENERIC_WRITERS, find_or_make_workspace
from bot.services.books.touches import write_touches
from bot.services.context import Deps
from bot.transfer import generic
from bot.transfer.csvfile import FileProblem, Table, open_table
from bot.transfer.fields import Choices
from bot.transfer.mapping import MappingFile, load_mapping
from bot.transfer.presets import CRM_KINDS, PRESETS, Columns, Kind
from bot.transfer.rows import ColumnPlan, Parsed, RowError, plan_columns, read_row
from bot.transfer.values import DateOrder
from nudges.model import Workspace
from nudges.names import name_key
from storage import SqlUnitOfWork

BATCH = 5000
Writer = Callable[[ImportContext, list[Parsed]], Outcome]
WRITERS: dict[Kind, Writer] = {
    Kind.CUSTOMERS: write_customers,
    Kind.CONTACTS: write_contacts,
    Kind.TOUCHES: write_touches,
    **GENERIC_WRITERS,
}
PRESET_NAMES = ("generic", *PRESETS)
STATISTICS_AFTER_ROWS = 20_000


class ImportRefused(Exception):
    """The file, its columns or the options cannot be imported at all; nothing was written."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    kind: Kind
    path: Path
    preset: str = "generic"
    mapping: Path | None = None
    default_owner: str | None = None
    dry_run: bool = False
    strict: bool = False
    order: DateOrder | None = None
    workspace: str | None = None  # name or external id; needed when there are several
    timezone: str | None = None  # of wall-clock times without an offset (default: workspace)
    actor_id: int | None = None
    batch: int = BATCH


@dataclass
class ImportReport:
    kind: Kind
    path: Path
    file: str = ""  # how it was read: "semicolon-separated, utf-16"
    source: str = ""
    rows: int = 0
    outcome: Outcome = field(default_factory=Outcome)
    seconds: float = 0.0
    dry_run: bool = False
    rolled_back: bool = False  # strict, with errors: nothing was imported

    @property
    def errors(self) -> list[RowError]:
        return self.outcome.errors


def run_import(
    deps: Deps,
    options: ImportOptions,
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    started = perf_counter()
    mapping = _mapping(options, deps)
    source = mapping.source or options.preset
    with _open(options.path) as table:
        plan = _plan(options, table, mapping, deps)
        report = ImportReport(
            options.kind, options.path, table.described, source, dry_run=options.dry_run
        )
        with ExitStack() as stack:
            shared = _Shared(deps, options, now=now, source=source, plan=plan, stack=stack)
            for batch in _batches(table, plan, report, options, shared):
                shared.write(batch, report)
                if progress is not None:
                    progress(report.rows)
            shared.finish(report)
    report.outcome.errors.sort(key=lambda e: e.line)
    report.seconds = perf_counter() - started
    return report


def _open(path: Path) -> Table:
    try:
        return open_table(path)
    except FileProblem as problem:
        raise ImportRefused(str(problem)) from None


def _mapping(options: ImportOptions, deps: Deps) -> MappingFile:
    if options.preset not in PRESET_NAMES:
        raise ImportRefused(
            f"Unknown preset {options.preset!r}; one of: {', '.join(PRESET_NAMES)}."
        )
    if options.mapping is None:
        return MappingFile()
    try:
        return load_mapping(options.mapping, tiers=deps.policy.tiers)
    except FileProblem as problem:
        raise ImportRefused(str(problem)) from None


def _plan(options: ImportOptions, table: Table, mapping: MappingFile, deps: Deps) -> ColumnPlan:
    kind = options.kind
    if options.preset == "generic":
        columns: Columns = generic.columns(kind)
        order, values = generic.DATE_ORDER, {}
    else:
        if kind not in CRM_KINDS:
            raise ImportRefused(
                f"{kind.value} come only from an export of this bot: use --preset generic."
            )
        preset = PRESETS[options.preset]
        columns, order, values = preset.columns[kind], preset.order, dict(preset.values)
    columns = {**columns, **mapping.columns.get(kind, {})}
    values.update(mapping.values)
    choices = Choices(
        order=options.order or mapping.order or order,
        tiers=deps.policy.tiers,
        values=values,
        bands=mapping.bands,
    )
    try:
        return plan_columns(kind, table.headers, columns, choices=choices, where=str(table.path))
    except FileProblem as problem:
        raise ImportRefused(str(problem)) from None


def _identity(kind: Kind, parsed: Parsed) -> set[Any]:
    """What makes two rows of one batch the same record (they go in separate batches)."""
    found: set[Any] = set()
    if "key" in parsed.values:
        found.add(("key", parsed.values["key"]))
    if kind is Kind.CUSTOMERS and "name" in parsed.values:
        found.add(("name", name_key(parsed.values["name"])))
    if kind is Kind.OFFERS and "title" in parsed.values:
        found.add(("title", name_key(parsed.values["title"])))
    return found


def _batches(
    table: Table, plan: ColumnPlan, report: ImportReport, options: ImportOptions, shared: _Shared
) -> Iterator[list[Parsed]]:
    batch: list[Parsed] = []
    seen: set[Any] = set()
    for row in table.rows():
        report.rows += 1
        result = read_row(row, plan)
        if isinstance(result, list):
            report.outcome.errors.extend(result)
            continue
        ident = _identity(options.kind, result)
        if len(batch) >= options.batch or (ident & seen):
            yield batch
            batch, seen = [], set()
        batch.append(result)
        seen |= ident
    if batch:
        yield batch


class _Shared:
    """The units of work of one import: one per batch, or one for the whole file."""

    def __init__(
        self,
        deps: Deps,
        options: ImportOptions,
        *,
        now: datetime,
        source: str,
        plan: ColumnPlan,
        stack: ExitStack,
    ) -> None:
        self.deps, self.options, self.now, self.source, self.plan = deps, options, now, source, plan
        self.whole: SqlUnitOfWork | None = None
        if options.dry_run:
            self.whole = stack.enter_context(deps.reader())
        elif options.strict:
            self.whole = stack.enter_context(deps.uow())
        with deps.reader() as uow:
            self.workspace = self._workspace(uow)
        self.base: ImportContext | None = None
        self._analysed = 0  # rows written when the tables' statistics were last taken
        self._since = 0  # rows written since

    def _workspace(self, uow: SqlUnitOfWork) -> Workspace | None:
        if self.options.kind is Kind.WORKSPACE:
            return None  # made or found from the file's own row
        return find_workspace(uow, self.options.workspace)

    def context(self, uow: SqlUnitOfWork) -> ImportContext:
        if self.base is None:
            workspace = self.workspace or find_or_make_workspace(uow, self.options, now=self.now)
            people = PeopleIndex(uow.people.in_workspace(workspace.id))
            default = None
            if self.options.default_owner:
                found = people.match(self.options.default_owner)
                if isinstance(found, str):
                    raise ImportRefused(f"--default-owner {self.options.default_owner}: {found}.")
                default = found
            needs_index = self.options.kind not in (Kind.CUSTOMERS, Kind.PEOPLE, Kind.WORKSPACE)
            self.base = ImportContext(
                uow=uow,
                workspace=workspace,
                source=self.source,
                generic=self.options.preset == "generic",
                columns=self.plan.has,
                policy=self.deps.policy,
                zone=self.options.timezone or workspace.timezone,
                now=self.now,
                dry_run=self.options.dry_run,
                people=people,
                default_owner=default,
                customers=(
                    CustomerIndex.load(uow.books, workspace.id) if needs_index else CustomerIndex()
                ),
                native=native_source(uow, workspace.id) if workspace.id else None,
                headers=dict(self.plan.columns),
                actor_id=self.options.actor_id,
            )
        return replace(self.base, uow=uow)

    def write(self, batch: list[Parsed], report: ImportReport) -> None:
        writer = WRITERS[self.options.kind]
        if self.whole is not None:
            report.outcome.add(writer(self.context(self.whole), batch))
            if not self.options.dry_run:  # --strict: one transaction, whose rows count too
                self._keep_statistics(len(batch), self.whole)
            return
        with self.deps.uow() as uow:
            outcome = writer(self.context(uow), batch)
            self._keep_statistics(len(batch), uow)
            uow.commit()
        report.outcome.add(outcome)

    def _keep_statistics(self, written: int, uow: SqlUnitOfWork) -> None:
        """The tables' statistics taken again (in ``uow``, after its batch) each time the rows
        written since the last time are as many as before it (a few times per import, never
        per batch)."""
        self._since += written
        if self._since < max(STATISTICS_AFTER_ROWS, self._analysed):
            return
        uow.books.refresh_statistics(self.options.kind.value)
        self._analysed += self._since
        self._since = 0

    def finish(self, report: ImportReport) -> None:
        if self.whole is None or self.options.dry_run:
            return
        if report.errors:
            self.whole.rollback()
            report.rolled_back = True
        else:
            self.whole.commit()


def native_source(uow: SqlUnitOfWork, workspace_id: int) -> str | None:
    key = uow.workspaces.known_export_key(workspace_id)
    return f"{NATIVE}{key}" if key else None


def find_workspace(uow: SqlUnitOfWork, wanted: str | None) -> Workspace:
    """The workspace to import into: the one named, else the only one there is."""
    workspaces = uow.workspaces.all()
    if wanted is not None:
        matches = [
            w
            for w in workspaces
            if wanted in (w.external_id, str(w.id)) or name_key(w.name) == name_key(wanted)
        ]
        if len(matches) == 1:
            return matches[0]
        names = ", ".join(f"{w.name} ({w.external_id})" for w in workspaces) or "none yet"
        raise ImportRefused(f"--workspace {wanted}: no such workspace; there are: {names}.")
    if len(workspaces) == 1:
        return workspaces[0]
    if not workspaces:
        raise ImportRefused(
            "There is no workspace yet: start the bot and say hello to it (or import an "
            "export's workspace.csv and people.csv first), then import again."
        )
    names = ", ".join(f"{w.name} ({w.external_id})" for w in workspaces)
    raise ImportRefused(f"There are several workspaces ({names}): choose one with --workspace.")
