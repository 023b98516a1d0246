"""The ``nudgebot`` command line. Parsing only: each subcommand hands over to one function."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from storage import SchemaOutOfDate

log = logging.getLogger("nudgebot")

DESCRIPTION = """\
nudgebot keeps the rituals of commercial dating for every salesperson: check-ins at the cadence
each customer's tier deserves, birthdays and anniversaries, renewals, get-well cards, new offers
pitched to existing customers first. It nudges the owner in Slack, Teams or the terminal.

Configuration: --config PATH, else ./config.toml, else built-in defaults (SQLite file nudgebot.db
in the working directory). Secrets come from the environment only (see config.example.toml).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nudgebot",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="PATH", help="configuration file (TOML)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    migrate = commands.add_parser(
        "migrate",
        help="create or upgrade the database schema (safe to run twice)",
        description="Apply every pending schema migration; a no-op when the schema is current.",
    )
    migrate.add_argument("--db", metavar="URL", help="database URL (overrides the config)")

    check = commands.add_parser(
        "check-config",
        help="validate the configuration and show where each part comes from",
        description="Load the configuration exactly as `run` would and report problems.",
    )
    check.add_argument("--db", metavar="URL", help="database URL (overrides the config)")
    return parser


def load(args: argparse.Namespace) -> Settings:
    env = dict(os.environ)
    if getattr(args, "db", None):
        env["NUDGEBOT_DATABASE_URL"] = args.db
    return load_settings(args.config, env=env, cwd=Path.cwd())


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = load(args)
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except SchemaOutOfDate as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot import entrypoints

    handler = getattr(entrypoints, args.command.replace("-", "_"))
    result: int = handler(args, settings)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
