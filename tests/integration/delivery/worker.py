"""A bot worker process for the crash and replica tests: drains the outbox once, at ``--now``.

    NUDGEBOT_DATABASE_URL=... python -m tests.integration.delivery.worker \\
        --now 2026-01-20T09:00:00Z --record sends.db --name w1 [--hang-after N] [--go FILE]

It builds the bot from the database URL in the environment, like the real process does, and
sends through a :class:`FakePlatform` sharing ``--record`` with the test. ``--hang-after N``
makes the N-th send hang once the platform has accepted the message (the test kills the process
there: sent, but not recorded as sent). ``--go FILE`` announces ``FILE.<name>.ready`` once
the bot is built, then waits for FILE to exist before draining, so several workers start their
claims together. The last line printed is a JSON
summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Settings
from bot.config.settings import DeliverySettings
from bot.console.app import parse_instant
from bot.delivery.outbox import Outbox
from bot.replies import Reply
from nudges.model import Person
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform

DATABASE_URL_ENV = "NUDGEBOT_DATABASE_URL"


class HangingAt:
    """The fake, with its ``hang_after``-th send never returning after it was accepted."""

    def __init__(self, platform: FakePlatform, hang_after: int) -> None:
        self.platform = platform
        self.hang_after = hang_after
        self.sends = 0

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        self.sends += 1
        if self.sends == self.hang_after:
            self.platform.fail_next("hang", after_delivery=True)
        return await self.platform.send(recipient, reply, delivery_id=delivery_id)

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return await self.platform.find(recipient, delivery_id=delivery_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="worker")
    parser.add_argument("--now", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--hang-after", type=int, default=0)
    parser.add_argument("--batch", type=int, default=DeliverySettings().batch_size)
    parser.add_argument("--go")
    # One send at a time by default: the crash tests stop a worker at an exact send.
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args(argv)

    now = parse_instant(args.now)
    settings = replace(
        Settings(),
        database_url=quick_commits(os.environ[DATABASE_URL_ENV]),
        delivery=replace(DeliverySettings(), batch_size=args.batch, concurrency=args.concurrency),
    )
    container = build(settings, clock=FixedClock(now), pool_size=2)
    try:
        fake = FakePlatform(record_path=args.record, delay=args.delay)
        platform = HangingAt(fake, args.hang_after) if args.hang_after else fake
        outbox = Outbox(container.deps, {p: platform for p in PlatformName}, worker=args.name)
        if args.go:
            Path(f"{args.go}.{args.name}.ready").touch()
            wait_for(Path(args.go))
        result = asyncio.run(outbox.drain(now=now))
    finally:
        container.close()
    summary = {
        "worker": args.name,
        "pid": os.getpid(),
        "sent": len(result.sent),
        "retried": result.retried,
        "failed": result.failed,
    }
    print(json.dumps(summary), flush=True)
    return 0


def quick_commits(url: str) -> str:
    """On PostgreSQL, commits that do not wait for the disk: a killed worker process loses
    nothing it committed (the server keeps running), and the test machine's disk is not what
    these tests measure."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    options = parsed.query.get("options", "")
    extra = "-c synchronous_commit=off"
    joined = f"{options} {extra}".strip() if isinstance(options, str) else extra
    return parsed.update_query_dict({"options": joined}).render_as_string(hide_password=False)


def wait_for(path: Path, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} never appeared")
        time.sleep(0.005)


if __name__ == "__main__":
    sys.exit(main())
