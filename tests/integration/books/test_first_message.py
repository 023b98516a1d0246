"""After a 500-account import with no history: nobody is red or escalated on day one, and the
first daily message, when the onboarding window ends, shows the most valuable accounts first
and says how many more need a first check-in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.delivery.cycle import run_cycle
from bot.delivery.sweep import sweep
from nudges.model import NudgeReason
from nudges.model import Platform as PlatformName
from tests.fakes import FakePlatform
from tests.integration.books.conftest import NOW, Shop

pytestmark = pytest.mark.db

ACCOUNTS = 500


def _book(path: Path) -> Path:
    """500 companies, customers since the autumns of 2010-2014 (no anniversary near), no
    activity; values 1k to 500k."""
    lines = ["Record ID,Company name,Company owner,Create Date,Annual Revenue,Type"]
    for n in range(1, ACCOUNTS + 1):
        value = (n * 7919) % ACCOUNTS + 1  # every value once, in no particular order
        lines.append(f"{n},Account {n:03d},Sam Seller,201{n % 5}-1{n % 3}-15,{value}k,Customer")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_the_first_message_after_a_big_import_ranks_by_value_and_counts_the_rest(
    shop: Shop, tmp_path: Path
) -> None:
    report = shop.run("customers", _book(tmp_path / "companies.csv"), preset="hubspot")
    assert report.outcome.created == ACCOUNTS
    deps = shop.container.deps

    # Day one and the days after: nothing is due, nobody is escalated.
    for day in range(7):
        sweep(deps, now=NOW + timedelta(days=day))
    with deps.uow() as uow:
        assert uow.nudges.recipients_with_open() == []

    # The window ends: Sam's first message at his 09:00 (New York, summer time) a week later.
    fake = FakePlatform()
    slot = NOW.replace(hour=13, minute=5) + timedelta(days=7)
    shop.clock.set(slot)
    await run_cycle(shop.container, now=slot, platforms={PlatformName.CONSOLE: fake})
    [message] = fake.sent_to(shop.people["sam"].person)
    titles = [item.title for section in message.reply.sections for item in section.items]
    assert titles == [f"Account {n:03d} — gone quiet (amber)" for n in _most_valuable(5)]
    assert message.reply.footer == (
        "495 more accounts need a first check-in; the most valuable come first."
    )
    with deps.uow() as uow:
        open_now = uow.nudges.open_for_recipients([shop.people["sam"].person.id])
    assert {n.reason for n in open_now[shop.people["sam"].person.id]} == {NudgeReason.QUIET}


def _most_valuable(count: int) -> list[int]:
    values = {n: (n * 7919) % ACCOUNTS + 1 for n in range(1, ACCOUNTS + 1)}
    return sorted(values, key=lambda n: -values[n])[:count]
