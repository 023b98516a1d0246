"""The bot's server process for the graceful-stop tests: ``nudgebot run``'s own serving loop
(HTTP server, scheduler, outbox, signal handling) sending through a :class:`FakePlatform` that
shares ``--record`` with the test.

    NUDGEBOT_DATABASE_URL=... python -m tests.integration.delivery.serving \\
        --record sends.db --port 8123 --grace 5 [--delay 0.01] [--hang-after N]

The outbox runs every second; the sweep once at start-up. ``--hang-after N``: the N-th send is
accepted by the platform and then never returns (a stop has to give up on it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import replace

from bot.config import LoggingSettings, SchedulerSettings, ServerSettings, Settings
from bot.ops import logs
from bot.server import serve_async
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.delivery.worker import DATABASE_URL_ENV, HangingAt, quick_commits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="serving")
    parser.add_argument("--record", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--grace", type=float, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--hang-after", type=int, default=0)
    args = parser.parse_args(argv)
    settings = replace(
        Settings(),
        database_url=quick_commits(os.environ[DATABASE_URL_ENV]),
        scheduler=SchedulerSettings(sweep_minutes=1440, deliver_seconds=1),
        server=ServerSettings(host="127.0.0.1", port=args.port, shutdown_grace_seconds=args.grace),
    )
    logs.configure(LoggingSettings())
    fake = FakePlatform(record_path=args.record, delay=args.delay)
    platform = HangingAt(fake, args.hang_after) if args.hang_after else fake
    asyncio.run(serve_async(settings, platforms={p: platform for p in PlatformName}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
