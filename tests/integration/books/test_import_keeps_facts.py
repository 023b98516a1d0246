"""An import leaves what it changed due: the digest asked for right after it (before any
sweep) counts the imported customers as they are, with their facts kept."""

from __future__ import annotations

import pytest

from bot.services.digests import DigestBooks
from tests.integration.books.conftest import NOW, Shop
from tests.integration.digests.facts import afresh, kept

pytestmark = pytest.mark.db


def test_imported_customers_are_in_the_next_digest_with_their_facts(shop: Shop) -> None:
    shop.run("customers", "hubspot_companies.csv", preset="hubspot")
    sam = shop.people["sam"].person
    with shop.container.deps.uow() as uow:
        books = DigestBooks(now=NOW, policy=shop.container.deps.policy)
        mine = books.of(uow, [sam])[sam.id]
        uow.commit()
    acme = shop.customer("Acme Corp")
    assert mine.customers == 2  # Acme and Globex are Sam's
    assert kept(shop.container, acme.id) == afresh(shop.container, acme.id, now=NOW)
    assert mine.red + mine.amber == sum(
        1
        for name in ("Acme Corp", "Globex, Inc.")
        if (f := kept(shop.container, shop.customer(name).id)) is not None
        and (f.quiet_since is None or (f.amber_at is not None and f.amber_at <= NOW))
    )
