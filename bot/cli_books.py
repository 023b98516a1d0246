"""The ``nudgebot`` subcommands that bring a book in and out: ``import``, ``export`` and
``calendar``. Parsing only; each hands over to a function of ``bot.entrypoints_books``."""

from __future__ import annotations

import argparse
from typing import Any

IMPORT_DESCRIPTION = """\
Bring customers, contacts and activity history in from a CRM export (HubSpot, Salesforce,
Pipedrive, or any file with --mapping), or a whole export of this bot back (--preset generic).

Files as people have them: UTF-8 with or without BOM, UTF-16 from Excel, comma, semicolon or
tab delimiters, quoted fields with commas and newlines, dates as ISO, 2024-05-01 14:03,
05/01/2024 or 01.05.2024 (--day-first / --month-first, else the preset's default), money as
120000, 120,000.50, 120.000,50 or $120k.

Importing the same or an updated file again updates what it imported before and creates no
duplicates. Every bad row is reported with its line, column and value; the good rows are
imported unless --strict. --dry-run reports the same and what would change, and writes nothing.

Examples:
  nudgebot import customers companies.csv --preset hubspot --default-owner maria@example.com
  nudgebot import contacts contacts.csv --preset hubspot --dry-run
  nudgebot import touches activities.csv --preset salesforce --day-first
  nudgebot import customers firmen.csv --mapping crm.toml
  nudgebot import all ./export-2026-03-02 --preset generic
"""


def add_book_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """``commands``: the subparsers of the main parser; ``common``: the options every
    subcommand takes (``--config``, ``--db``, ``-v``)."""
    from bot import entrypoints_books as run

    _import(commands, common, run)
    export = commands.add_parser(
        "export",
        parents=[common],
        help="write everything the bot knows to CSV or JSON files (importable again)",
        description=(
            "Write customers, contacts, dates, life events, touches with notes, offers and "
            "pitches, nudges and their states, people and their settings, one file each, in "
            "the layout `import … --preset generic` reads back."
        ),
    )
    export.add_argument("--out", metavar="DIR", default=None, help="directory (export-<date>)")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--workspace", metavar="NAME", help="which workspace, if several")
    export.set_defaults(handler=run.export)

    calendar = commands.add_parser(
        "calendar",
        parents=[common],
        help="write a person's calendar of dates to remember (iCalendar .ics)",
        description=(
            "The same feed as /calendar/<token>.ics: birthdays, anniversaries, renewal "
            "checkpoints, custom dates and snoozed follow-ups of NAME's own customers."
        ),
    )
    calendar.add_argument("--as", dest="as_name", required=True, metavar="NAME")
    calendar.add_argument("--out", metavar="FILE.ics", required=True)
    calendar.add_argument("--workspace", metavar="NAME", help="which workspace, if several")
    calendar.set_defaults(handler=run.calendar)


def _import(commands: Any, common: argparse.ArgumentParser, run: Any) -> None:
    from bot.services.books.imports import PRESET_NAMES

    parser = commands.add_parser(
        "import",
        parents=[common],
        help="import customers, contacts or touches from a CRM export (or an export of ours)",
        description=IMPORT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "kind",
        choices=(
            "customers",
            "contacts",
            "touches",
            "people",
            "dates",
            "events",
            "offers",
            "pitches",
            "nudges",
            "workspace",
            "all",
        ),
        help="what the file holds; all: every file of an export directory, in order",
    )
    parser.add_argument("file", metavar="FILE", help="the CSV (or export JSON) file, or DIR")
    parser.add_argument(
        "--preset",
        choices=PRESET_NAMES,
        default=None,
        help="whose export it is (default: generic, our own)",
    )
    parser.add_argument("--mapping", metavar="MAP.toml", help="other column names and values")
    parser.add_argument(
        "--default-owner", metavar="NAME", help="owner of rows whose owner matches nobody"
    )
    order = parser.add_mutually_exclusive_group()
    order.add_argument(
        "--day-first",
        dest="order",
        action="store_const",
        const="day-first",
        help="05/01/2024 is 5 January",
    )
    order.add_argument(
        "--month-first",
        dest="order",
        action="store_const",
        const="month-first",
        help="05/01/2024 is May 1",
    )
    parser.add_argument(
        "--timezone",
        metavar="AREA/CITY",
        help="zone of times written without one (default: the workspace's)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would happen; write nothing"
    )
    parser.add_argument(
        "--strict", action="store_true", help="import nothing at all if any row is bad"
    )
    parser.add_argument("--workspace", metavar="NAME", help="which workspace, if several")
    parser.set_defaults(handler=run.import_file)
