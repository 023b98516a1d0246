"""The drain against a platform that enforces its rate limit: how close does it come to the
rate the platform allows?

A fake Teams-like platform accepts ``--allowed`` sends a second per tenant (a token bucket on
its side) and answers every send beyond that with a 429 and ``Retry-After``; the outbox is
configured for more than that (Teams' documented 30 a second), so at first about one call in
three is rate-limited, and the pacer has to learn the real rate from the 429s. One DM to each
of ``--dms`` people in one tenant, sent by one worker in real time.

    .venv/bin/python -m benchmarks.rate_limits            # 450 DMs, 20/s allowed
    .venv/bin/python -m benchmarks.rate_limits --dms 900 --allowed 10

Prints the rate reached, the achievable rate, their ratio (the target: at least 80 %), the
429s met, and how long the whole drain took.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.bootstrap import build
from bot.clock import SystemClock
from bot.config import DeliverySettings, Settings
from bot.delivery.outbox import Outbox
from bot.delivery.ports import RateLimited
from bot.replies import Reply
from nudges.model import DeliveryKind, Person, Platform
from storage.tables import person_t, workspace_t


@dataclass
class LimitedPlatform:
    """Accepts ``allowed`` sends a second (a bucket of ``burst``); a 429 beyond."""

    allowed: float
    burst: int = 5
    sent: int = 0
    limited: int = 0
    _due: float = field(default=float("-inf"))

    async def send(self, recipient: Person, reply: Reply, *, delivery_id: int) -> str:
        await asyncio.sleep(0.01)  # the round trip
        now = time.monotonic()
        slack = (self.burst - 1) / self.allowed
        due = max(self._due, now)
        if due - now > slack:
            self.limited += 1
            raise RateLimited(round(due - now - slack + 1 / self.allowed, 3), "teams 429")
        self._due = due + 1 / self.allowed
        self.sent += 1
        return f"msg-{delivery_id}"

    async def find(self, recipient: Person, *, delivery_id: int) -> str | None:
        return None


def _book(url: str, *, dms: int) -> None:
    container = build(Settings(database_url=url), clock=SystemClock())
    now = datetime.now(UTC)
    with container.engine.begin() as connection:
        workspace = connection.execute(
            workspace_t.insert().values(
                platform="teams",
                external_id="tenant",
                name="Tenant",
                timezone="UTC",
                created_at=now,
            )
        ).inserted_primary_key[0]
        connection.execute(
            person_t.insert(),
            [
                {
                    "workspace_id": workspace,
                    "platform_user_id": f"u{i}",
                    "display_name": f"Person {i}",
                    "name_key": f"person {i}",
                    "timezone": "UTC",
                    "working_days": 0b11111,
                    "created_at": now,
                }
                for i in range(dms)
            ],
        )
    with container.deps.uow() as uow:
        people = uow.people.in_workspace(workspace)
        for person in people:
            uow.deliveries.add(
                dedupe_key=f"bench:{person.id}",
                recipient_id=person.id,
                platform=Platform.TEAMS,
                kind=DeliveryKind.DIGEST,
                slot_at=now - timedelta(minutes=1),
                payload=Reply(text="Good morning", kind="digest").to_json(),
                now=now - timedelta(minutes=1),
            )
        uow.commit()
    container.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.rate_limits")
    parser.add_argument("--dms", type=int, default=450)
    parser.add_argument("--allowed", type=float, default=20.0, help="sends a second allowed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'rate.db'}"
        _book(url, dms=args.dms)
        settings = replace(
            Settings(database_url=url),
            delivery=replace(DeliverySettings(), batch_size=100, concurrency=8),
        )
        container = build(settings, clock=SystemClock())
        platform = LimitedPlatform(allowed=args.allowed)
        outbox = Outbox(container.deps, {Platform.TEAMS: platform}, worker="bench")
        started = time.monotonic()
        sent = 0
        while sent < args.dms and time.monotonic() - started < 600:
            result = asyncio.run(outbox.drain())
            sent += len(result.sent)
            if not result.sent:
                time.sleep(0.2)  # what waits is due again in a moment
        elapsed = time.monotonic() - started
        container.close()
    achievable = min(args.allowed, args.dms / (args.dms / args.allowed))
    reached = sent / elapsed if elapsed else 0.0
    print(f"DMs sent: {sent} of {args.dms} in {elapsed:.1f} s")
    print(f"rate reached: {reached:.1f}/s; achievable: {achievable:.1f}/s")
    print(f"ratio: {reached / achievable:.0%} (target: at least 80%)")
    print(f"429s: {platform.limited} ({platform.limited / max(platform.sent, 1):.1%} of sends)")


if __name__ == "__main__":
    main()
