"""What each ``nudgebot`` subcommand does, given parsed arguments and loaded settings."""

from __future__ import annotations

import argparse

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
    print(f"Teams: {'configured' if secrets.teams_configured else 'no credentials'}")
    print(f"Tiers: {', '.join(settings.policy.tiers)}")
    return 0
