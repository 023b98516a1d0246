"""Export, then import the files into an empty database, then export again: the same files.
And importing a workspace's own export into it again changes nothing."""

from __future__ import annotations

import filecmp
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.delivery.sweep import sweep
from bot.services.books.exports import export_to_directory
from bot.transfer.generic import ORDER
from nudges.model import NudgeState
from storage import is_sqlite
from storage.tables import metadata
from tests.integration.books.conftest import NOW, Shop

pytestmark = pytest.mark.db


def _a_lived_in_book(shop: Shop) -> None:
    """Records from a CRM and typed in chat, with everything that hangs off them."""
    shop.do("maria", "team add @sue manager=@maria")
    shop.do("sam", "me tz=Europe/Berlin hour=8 cap=7")
    shop.run("customers", "hubspot_companies.csv", preset="hubspot", default_owner="maria")
    shop.run("contacts", "hubspot_contacts.csv", preset="hubspot")
    shop.run("customers", "salesforce_accounts.csv", preset="salesforce")
    shop.run("touches", "salesforce_activities.csv", preset="salesforce")
    shop.do(
        "sue",
        'customer add "Tyrell Corp" tier=key since=2020-02-29 renewal=2026-06-30 value=2m '
        "tz=Asia/Tokyo country=JP tags=replicants,asia cadence=10/20 last=2026-02-01",
    )
    shop.do("sue", 'contact add tyrell "Rachael Tyrell" birthday=1990-04-12 role=Assistant')
    shop.do("sue", "date add tyrell founding day 2026-05-01 yearly")
    shop.do("sue", 'event add tyrell promotion 2026-02-27 contact="Rachael Tyrell" -- now VP')
    shop.do("sue", 'touch tyrell coffee contact="Rachael Tyrell" -- talked about "Nexus", 7 ideas')
    shop.do("maria", "offer add Owl Analytics kind=product from=2026-03-01 public=2026-04-01 qty=2")
    shop.do("sue", "offer pitched owl tyrell accepted")
    shop.do("sam", "dnc acme corp until=2026-03-20 -- legal review")
    sweep(shop.container.deps, now=NOW + timedelta(days=20))
    with shop.container.deps.uow() as uow:
        nudges = uow.nudges.live_for_customer(shop.customer("Initech").id)
        assert nudges
        uow.nudges.set_state(
            nudges[0].id or 0, NudgeState.SNOOZED, now=NOW, snoozed_until=NOW.date(), reason="x"
        )
        uow.commit()


def _wipe(shop: Shop) -> None:
    with shop.container.engine.begin() as connection:
        if is_sqlite(shop.container.settings.database_url):
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        else:
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _export(shop: Shop, out: Path, fmt: str) -> None:
    with shop.container.deps.reader() as uow:
        [workspace] = uow.workspaces.all()
    export_to_directory(shop.container.deps, workspace=workspace, out=out, fmt=fmt)


def _import_all(shop: Shop, directory: Path, fmt: str) -> dict[str, tuple[int, int, int]]:
    counts = {}
    for kind in ORDER:
        report = shop.run(kind.value, directory / f"{kind.value}.{fmt}")
        assert report.errors == [], (kind, [str(e) for e in report.errors])
        o = report.outcome
        counts[kind.value] = (o.created, o.updated, o.unchanged)
    return counts


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_an_empty_database_gives_the_same_export(
    shop: Shop, tmp_path: Path, fmt: str
) -> None:
    _a_lived_in_book(shop)
    first, second = tmp_path / "first", tmp_path / "second"
    _export(shop, first, fmt)
    rows_before = {t.name: shop.count(t.name) for t in metadata.sorted_tables}
    _wipe(shop)
    _import_all(shop, first, fmt)
    _export(shop, second, fmt)
    names = [f"{kind.value}.{fmt}" for kind in ORDER]
    match, mismatch, missing = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, missing) == ([], [])
    assert len(match) == 10
    for table in ("customer", "contact", "touchpoint", "important_date", "life_event", "nudge",
                  "offer", "pitch", "person", "customer_tag"):  # fmt: skip
        assert shop.count(table) == rows_before[table], table


def test_importing_a_workspaces_own_export_again_changes_nothing(
    shop: Shop, tmp_path: Path
) -> None:
    _a_lived_in_book(shop)
    _export(shop, tmp_path / "export", "csv")
    before = shop.snapshot()
    counts = _import_all(shop, tmp_path / "export", "csv")
    changed = {k: v for k, v in counts.items() if v[0] or v[1]}
    assert changed == {}
    assert shop.snapshot() == before
