"""What ``nudgebot import``, ``export`` and ``calendar`` do, given parsed arguments."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.bootstrap import Container
    from bot.services.books.imports import ImportReport
    from bot.transfer.presets import Kind
    from nudges.model import Workspace
    from storage import SqlUnitOfWork

SHOWN_ERRORS = 50  # more go to FILE.errors.txt
PROGRESS_FROM = 5_000  # rows: smaller files finish before a bar is worth drawing


def import_file(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build
    from bot.clock import SystemClock
    from bot.services.books.imports import ImportRefused
    from bot.transfer.generic import ORDER
    from bot.transfer.presets import Kind as Kinds

    preset = args.preset or "generic"
    path = Path(args.file)
    if args.kind == "all":
        if preset != "generic" or not path.is_dir():
            print("import all reads a directory written by `nudgebot export` (--preset generic).",
                  file=sys.stderr)  # fmt: skip
            return 2
        jobs = [(k, f) for k in ORDER if (f := _export_file(path, k.value)) is not None]
        if not jobs:
            print(f"{path}: no export files in it (customers.csv, …).", file=sys.stderr)
            return 2
    else:
        jobs = [(Kinds(args.kind), path)]
    now = SystemClock().now()
    container = build(settings)
    status = 0
    try:
        for kind, file in jobs:
            try:
                status = max(
                    status, _one(container, args, kind=kind, path=file, preset=preset, now=now)
                )
            except ImportRefused as refused:
                print(f"Not imported: {refused}", file=sys.stderr)
                return 2
    finally:
        container.close()
    return status


def _export_file(directory: Path, stem: str) -> Path | None:
    for suffix in (".csv", ".json"):
        if (directory / f"{stem}{suffix}").is_file():
            return directory / f"{stem}{suffix}"
    return None


def _one(
    container: Container,
    args: argparse.Namespace,
    *,
    kind: Kind,
    path: Path,
    preset: str,
    now: datetime,
) -> int:
    from bot.services.books.imports import ImportOptions, run_import
    from bot.transfer.values import DateOrder

    options = ImportOptions(
        kind=kind,
        path=path,
        preset=preset,
        mapping=Path(args.mapping) if args.mapping else None,
        default_owner=args.default_owner,
        dry_run=args.dry_run,
        strict=args.strict,
        order=DateOrder(args.order) if args.order else None,
        workspace=args.workspace,
        timezone=args.timezone,
    )
    with _progress(path) as tick:
        report = run_import(container.deps, options, now=now, progress=tick)
    print(describe_import(report))
    return 1 if report.errors else 0


@contextmanager
def _progress(path: Path) -> Iterator[Callable[[int], None] | None]:
    """A progress bar (rows/s, ETA) on a terminal, for files of more than a few thousand rows."""
    if not sys.stderr.isatty():
        yield None
        return
    lines = _count_lines(path)
    if lines < PROGRESS_FROM:
        yield None
        return
    from tqdm import tqdm

    size = shutil.get_terminal_size((100, 24))  # a terminal may say it has 0 columns, 0 rows
    with tqdm(
        total=lines,
        unit=" rows",
        unit_scale=True,
        file=sys.stderr,
        leave=False,
        ncols=size.columns or 100,
        nrows=size.lines or 24,
    ) as bar:

        def tick(rows: int) -> None:
            bar.update(rows - bar.n)

        yield tick


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def describe_import(report: ImportReport) -> str:
    o = report.outcome
    verb = "Would import" if report.dry_run else "Imported"
    lines = [
        f"{verb} {report.kind.value} from {report.path.name} ({report.file}, {report.source}): "
        f"{o.created} created, {o.updated} updated, {o.unchanged} unchanged, "
        f"{o.skipped} skipped, {len(o.errors)} with errors, of {report.rows} rows "
        f"in {report.seconds:.1f} s."
    ]
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    if report.rolled_back:
        lines.append("--strict: some rows are bad, so nothing was imported.")
    for error in o.errors[:SHOWN_ERRORS]:
        lines.append(f"  {error}")
    if len(o.errors) > SHOWN_ERRORS:
        target = report.path.with_name(report.path.name + ".errors.txt")
        target.write_text("\n".join(str(e) for e in o.errors) + "\n", encoding="utf-8")
        lines.append(f"  …and {len(o.errors) - SHOWN_ERRORS} more: every error is in {target}")
    return "\n".join(lines)


def _workspace(uow: SqlUnitOfWork, args: argparse.Namespace, *, what: str) -> Workspace | None:
    from bot.services.books.imports import ImportRefused, find_workspace

    try:
        return find_workspace(uow, args.workspace)
    except ImportRefused as refused:
        print(f"{what}: {refused}", file=sys.stderr)
        return None


def export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build
    from bot.clock import SystemClock
    from bot.services.books.exports import export_to_directory

    now = SystemClock().now()
    out = Path(args.out or f"nudgebot-export-{now.date().isoformat()}")
    container = build(settings)
    try:
        with container.deps.reader() as uow:
            workspace = _workspace(uow, args, what="Not exported")
        if workspace is None:
            return 2
        report = export_to_directory(container.deps, workspace=workspace, out=out, fmt=args.format)
    finally:
        container.close()
    counts = ", ".join(f"{n} {k.value}" for k, n in report.rows.items())
    print(f"Exported {workspace.name} to {out}/ ({args.format}): {counts}.")
    print(f"Read it back with: nudgebot import all {out} --preset generic")
    return 0


def calendar(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build
    from bot.clock import SystemClock
    from bot.services.books.context import PeopleIndex
    from bot.services.books.feed import person_feed

    now = SystemClock().now()
    container = build(settings)
    try:
        with container.deps.reader() as uow:
            workspace = _workspace(uow, args, what="No calendar")
            if workspace is None:
                return 2
            found = PeopleIndex(uow.people.in_workspace(workspace.id)).match(args.as_name)
            if isinstance(found, str):
                print(f"--as {args.as_name}: {found}.", file=sys.stderr)
                return 2
            body = person_feed(uow, found, now=now, policy=container.deps.policy)
    finally:
        container.close()
    Path(args.out).write_bytes(body)
    print(f"Wrote {body.count(b'BEGIN:VEVENT')} events for {found.display_name} to {args.out}.")
    return 0
