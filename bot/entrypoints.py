"""What each ``nudgebot`` subcommand does, given parsed arguments and loaded settings."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from storage import make_engine, schema_status
from storage import migrate as apply_migrations


def migrate(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        before, after = apply_migrations(engine)
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        print(f"Schema of {where} is already at {after}: nothing to do.")
    else:
        print(f"Schema of {where} migrated from {before or 'empty'} to {after}.")
    return 0


def check_config(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        status = schema_status(engine)
    finally:
        engine.dispose()
    secrets = settings.secrets
    print(f"Configuration: {settings.source}")
    print(f"Database: {engine.url.render_as_string(hide_password=True)}")
    print(
        f"Schema: {status.current or 'empty'} (this version needs {status.head})"
        + ("" if status.up_to_date else " - run `nudgebot migrate`")
    )
    print(f"Slack: {'configured' if secrets.slack_configured else 'no credentials'}")
    teams = settings.teams
    if secrets.teams_configured or teams.enabled:
        from bot.teams.auth import registration

        print(f"Teams: {registration(settings)}")
    else:
        print("Teams: no credentials")
    server = settings.server
    print(
        f"HTTP server: {server.host}:{server.port}, metrics "
        f"{'on' if settings.metrics_enabled else 'off'}, "
        f"{server.shutdown_grace_seconds:g} s to stop gracefully"
    )
    print(f"Logs: {settings.logging.format.value}, {settings.logging.level.lower()}")
    print(f"Tiers: {', '.join(settings.policy.tiers)}")
    for notice in settings.deprecations:
        print(f"Deprecated: {notice}")
    return 0


def console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build
    from bot.console.app import Console, ConsoleClock, parse_instant, prompt_lines

    quiet_logs(args)
    pinned = parse_instant(args.now) if args.now else None
    clock = ConsoleClock(pinned)
    container = build(settings, clock=clock)
    try:
        session = Console(container, clock=clock, interactive=sys.stdin.isatty())
        if args.as_name:
            session.become(args.as_name)
        session.loop(prompt_lines(session, sys.stdin))
    finally:
        container.close()
    return 0


def tick(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.bootstrap import build, senders
    from bot.clock import FixedClock, SystemClock
    from bot.console.app import parse_instant
    from bot.delivery.cycle import run_cycle

    now = parse_instant(args.now) if args.now else SystemClock().now()
    container = build(settings, clock=FixedClock(now))
    try:
        if not args.dry_run and (busy := _live_elsewhere(container, now)):
            print(busy, file=sys.stderr)
            return 2
        platforms = {} if args.dry_run else senders(container)
        report = asyncio.run(
            run_cycle(container, now=now, platforms=platforms, dry_run=args.dry_run)
        )
        print(describe_cycle(container, report, dry_run=args.dry_run))
    finally:
        container.close()
    return 0


#: How far ``tick --now`` may be from the database's clock and still count as the present.
PRESENT = 300  # seconds


def _live_elsewhere(container: Any, now: Any) -> str | None:
    """Why a tick at ``now`` (not the present) must not run against this database: another
    worker holds live deliveries, which a cycle at another time would disturb."""
    with container.deps.reader() as uow:
        real = uow.database_now()
        if abs((now - real).total_seconds()) <= PRESENT:
            return None
        live = uow.deliveries.live_leases(now=real)
    if not live:
        return None
    return (
        f"Refusing to tick at {now.isoformat()}: the database's clock says "
        f"{real.isoformat(timespec='seconds')}, and another worker is sending {live} "
        "deliveries right now. A cycle at another time would disturb it: use --dry-run to "
        "see what would happen then, or leave out --now."
    )


def describe_cycle(container: Any, report: Any, *, dry_run: bool) -> str:
    from bot.replies import render_text

    verb = "would be" if dry_run else "were"
    swept = report.sweep
    lines = [
        f"Cycle at {report.now.isoformat()}" + (" (dry run: nothing changed)" if dry_run else ""),
        f"  decided {swept.customers} customers and {swept.offers} offers; "
        f"{swept.nudges} nudges written, {swept.expired} expired",
        f"  {len(swept.deliveries)} daily messages and {len(swept.digests)} digests planned",
    ]
    if dry_run:
        lines.append(f"  {len(report.messages)} messages {verb} sent:")
        for person, reply in report.messages:
            lines.append(f"  → {person.display_name} ({person.platform_user_id})")
            lines.extend("    " + line for line in render_text(reply).splitlines())
    else:
        drained = report.drain
        lines.append(
            f"  {len(drained.sent)} messages {verb} sent, {drained.retried} to retry, "
            f"{drained.failed} failed, {drained.unreachable} unreachable"
        )
        with container.deps.uow() as uow:
            for delivery_id, recipient_id, ref in drained.sent:
                person = uow.people.get(recipient_id)
                who = person.display_name if person else f"#{recipient_id}"
                lines.append(f"  → delivery {delivery_id} to {who}: {ref or 'nothing left to say'}")
    return "\n".join(lines)


def teams_package(args: argparse.Namespace, settings: Settings) -> int:
    from bot.teams.package import Developer, PackageError, build_package, describe

    default = Developer()
    developer = Developer(
        name=args.developer_name or default.name,
        website_url=args.website or default.website_url,
        privacy_url=args.privacy_url or default.privacy_url,
        terms_of_use_url=args.terms_url or default.terms_of_use_url,
    )
    try:
        path = build_package(
            app_id=args.app_id,
            out=Path(args.out),
            name=args.name,
            version=args.version,
            developer=developer,
            valid_domains=args.valid_domain,
            app_id_uri=args.app_id_uri,
        )
    except PackageError as exc:
        print(f"Cannot build the package: {exc}", file=sys.stderr)
        return 2
    print(describe(path))
    return 0


def quiet_logs(args: argparse.Namespace) -> None:
    """In a terminal conversation, log lines would interrupt it: warnings only."""
    if not args.verbose:
        logging.getLogger().setLevel(logging.WARNING)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_bot

    secrets = settings.secrets
    if not (secrets.slack_configured or secrets.teams_configured or settings.teams.enabled):
        quiet_logs(args)
    return run_bot(settings, as_name=args.as_name)


def demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clock import SystemClock
    from bot.console.app import parse_instant
    from bot.demo import generate

    if args.customers < 1:
        print("--customers must be at least 1.", file=sys.stderr)
        return 2
    owners = args.owners if args.owners is not None else max(1, args.customers // 100)
    if not 1 <= owners <= args.customers:
        print(f"--owners must be from 1 to --customers ({args.customers}).", file=sys.stderr)
        return 2
    now = parse_instant(args.now) if args.now else SystemClock().now()
    report = generate(settings, customers=args.customers, owners=owners, seed=args.seed, now=now)
    print(report)
    return 0
