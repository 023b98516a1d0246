"""The ``nudgebot`` command line. Parsing only: each subcommand hands over to one function."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

from bot.config import ConfigError, Settings, load_settings
from storage import SchemaOutOfDate, display_url, unusable_reason

log = logging.getLogger("nudgebot")

DESCRIPTION = """\
nudgebot keeps the rituals of commercial dating for every salesperson: check-ins at the cadence
each customer's tier deserves, birthdays and anniversaries, renewals, get-well cards, new offers
pitched to existing customers first. It nudges the owner in Slack, Teams or the terminal.

Configuration: --config PATH, else ./config.toml, else built-in defaults (SQLite file nudgebot.db
in the working directory). Secrets come from the environment only (see config.example.toml).
"""


CONSOLE_DESCRIPTION = """\
Chat with the bot in the terminal, exactly as in Slack or Teams, with no credentials.
Reads commands line by line from the terminal or from a pipe; messages the bot sends to the
person you act as are shown like direct messages.

Console commands:
  :as NAME          act as NAME (registered on first use; the first person is the admin)
  :time ISO-8601    set the console clock (e.g. 2026-12-01T09:00:00+01:00)
  :tick             run one scheduler cycle now and show what is delivered

Examples:
  printf ':as Maria\\ncustomer add "Acme Corp" tier=key\\ntouch acme coffee\\n' | nudgebot console
  nudgebot console --as Maria --now 2026-12-01T08:00:00Z
"""


def _global_options(*, at_top: bool) -> argparse.ArgumentParser:
    """``--config``, ``--db`` and ``-v``: accepted before the subcommand and after it alike
    (``nudgebot --config x.toml run`` and ``nudgebot run --config x.toml``). After it, an option
    not given leaves what was given before it alone (its default is "not given")."""
    options = argparse.ArgumentParser(add_help=False)
    default: Any = None if at_top else argparse.SUPPRESS
    options.add_argument("--config", metavar="PATH", default=default, help="configuration file")
    options.add_argument(
        "--db", metavar="URL", default=default, help="database URL (overrides the config)"
    )
    options.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if at_top else argparse.SUPPRESS,
        help="log debug details (the scheduler's own lines too)",
    )
    return options


Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _parser() -> argparse.ArgumentParser:
    from bot.cli_books import add_book_commands
    from bot.commands import render_help

    parser = argparse.ArgumentParser(
        prog="nudgebot",
        description=DESCRIPTION,
        epilog="The chat grammar (console, Slack, Teams):\n\n" + render_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_global_options(at_top=True)],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _global_options(at_top=False)
    for add in (
        _add_migrate,
        _add_run,
        _add_console,
        _add_tick,
        _add_demo,
        _add_teams_package,
        _add_check_config,
        add_book_commands,
    ):
        add(commands, common)
    return parser


def _add_migrate(commands: Commands, common: argparse.ArgumentParser) -> None:
    commands.add_parser(
        "migrate",
        parents=[common],
        help="create or upgrade the database schema (safe to run twice)",
        description="Apply every pending schema migration; a no-op when the schema is current.",
    )


def _add_run(commands: Commands, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser(
        "run",
        parents=[common],
        help="run the bot: scheduler plus Slack/Teams, or the console without credentials",
        description=(
            "Start the scheduler and every platform whose credentials are in the environment. "
            "With no Slack or Teams credentials, the terminal console runs instead. SIGTERM "
            "stops it gracefully: sends in flight finish, unsent deliveries are handed back."
        ),
    )
    run.add_argument("--as", dest="as_name", metavar="NAME", help="console: act as NAME")


def _add_console(commands: Commands, common: argparse.ArgumentParser) -> None:
    console = commands.add_parser(
        "console",
        parents=[common],
        help="chat with the bot in the terminal (reads a terminal or a pipe)",
        description=CONSOLE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    console.add_argument("--as", dest="as_name", metavar="NAME", help="act as NAME")
    console.add_argument("--now", metavar="ISO-8601", help="pin the console clock")


def _add_tick(commands: Commands, common: argparse.ArgumentParser) -> None:
    tick = commands.add_parser(
        "tick",
        parents=[common],
        help="run one scheduler cycle and print what was (or would be) delivered",
        description="Sweep for due nudges, then deliver what is due, at --now (default: now).",
    )
    tick.add_argument("--now", metavar="ISO-8601", help="the instant to run the cycle at")
    tick.add_argument(
        "--dry-run", action="store_true", help="show what would happen; change nothing"
    )


def _add_demo(commands: Commands, common: argparse.ArgumentParser) -> None:
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="fill a database with a realistic synthetic book of customers",
        description=(
            "Create salespeople (with managers, on several continents), customers in every tier, "
            "contacts with birthdays (some on February 29), renewals, two years of touch history "
            "and a live offer. Deterministic for a given --seed."
        ),
    )
    demo.add_argument("--customers", type=int, default=1000, metavar="N", help="customers (1000)")
    demo.add_argument(
        "--owners",
        type=int,
        default=None,
        metavar="M",
        help="salespeople (default: one per 100 customers)",
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (1)")
    demo.add_argument("--now", metavar="ISO-8601", help="the present of the book (default: now)")


def _add_teams_package(commands: Commands, common: argparse.ArgumentParser) -> None:
    package = commands.add_parser(
        "teams-package",
        parents=[common],
        help="build the Microsoft Teams app package (manifest and icons, zipped)",
        description="Build the zip to upload in Teams (Apps > Manage your apps > Upload an app).",
    )
    package.add_argument("--app-id", required=True, metavar="GUID", help="the bot's Entra app id")
    package.add_argument("--out", metavar="FILE", default="nudgebot-teams.zip", help="zip to write")
    _teams_package_options(package)


def _add_check_config(commands: Commands, common: argparse.ArgumentParser) -> None:
    commands.add_parser(
        "check-config",
        parents=[common],
        help="validate the configuration and show where each part comes from",
        description="Load the configuration exactly as `run` would and report problems.",
    )


def _teams_package_options(package: argparse.ArgumentParser) -> None:
    """What Teams shows on the app's page, and single sign-on."""
    package.add_argument("--name", default="nudgebot", help="the app's name in Teams (30 chars)")
    package.add_argument("--version", help="the app's version, MAJOR.MINOR.PATCH")
    package.add_argument("--developer-name", metavar="NAME", help="who publishes the app")
    package.add_argument("--website", metavar="URL", help="the publisher's https:// website")
    package.add_argument("--privacy-url", metavar="URL", help="the privacy statement (https://)")
    package.add_argument("--terms-url", metavar="URL", help="the terms of use (https://)")
    package.add_argument(
        "--app-id-uri",
        metavar="URI",
        help="the Entra app's Application ID URI (api://...): adds webApplicationInfo",
    )
    package.add_argument(
        "--valid-domain",
        action="append",
        default=[],
        metavar="HOST",
        help="a domain the app opens (repeatable)",
    )


def load(args: argparse.Namespace) -> Settings:
    env = dict(os.environ)
    if getattr(args, "db", None):
        env["NUDGEBOT_DATABASE_URL"] = args.db
    return load_settings(args.config, env=env, cwd=Path.cwd())


def main(argv: Sequence[str] | None = None) -> int:
    from bot.config import LoggingSettings
    from bot.ops import logs

    args = _parser().parse_args(argv)
    logs.configure(LoggingSettings(), verbose=args.verbose)
    settings: Settings | None = None
    try:
        settings = load(args)
        logs.configure(settings.logging, verbose=args.verbose)
        for notice in settings.deprecations:
            log.warning("%s", notice)
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except SchemaOutOfDate as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        reason = unusable_reason(exc)
        if reason is None or settings is None:
            raise
        url = display_url(settings.database_url)
        print(
            f"Database error: the database in [database] url / NUDGEBOT_DATABASE_URL ({url}) "
            f"cannot be used: {reason}.",
            file=sys.stderr,
        )
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot import entrypoints

    handler = getattr(args, "handler", None) or getattr(entrypoints, args.command.replace("-", "_"))
    result: int = handler(args, settings)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
