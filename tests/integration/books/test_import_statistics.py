"""A large import keeps PostgreSQL's table statistics fresh: each batch looks up the rows it
may update by source and external id, and a planner that still believes the table empty
filters every row instead of using the index (an unchanged re-import of 100,000 customers took
over ten minutes that way)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.services.books import imports
from tests.integration.books.conftest import Shop

pytestmark = pytest.mark.db


def _estimated_rows(shop: Shop, table: str) -> float:
    with shop.container.engine.connect() as connection:
        return float(
            connection.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = :name"), {"name": table}
            ).scalar_one()
        )


@pytest.mark.parametrize("strict", [False, True], ids=["batches", "strict"])
def test_an_import_takes_the_statistics_of_the_tables_it_grows(
    shop: Shop, database: str, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    if not database.startswith("postgresql"):
        pytest.skip("SQLite plans without table statistics")
    monkeypatch.setattr(imports, "STATISTICS_AFTER_ROWS", 2)
    assert _estimated_rows(shop, "customer") < 1  # never analysed

    report = shop.run(
        "customers", "hubspot_companies.csv", preset="hubspot", batch=1, strict=strict
    )

    assert report.outcome.created == 3
    assert _estimated_rows(shop, "customer") >= 2
