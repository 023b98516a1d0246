"""Erasing a customer or a colleague leaves no trace in any table (read raw, on both
engines); the audit log shows who changed what and when."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import String, Text, func, or_, select

from bot.delivery.sweep import sweep
from bot.replies import Tone, render_text
from storage.tables import metadata
from tests.integration.books.conftest import NOW, Shop

pytestmark = pytest.mark.db

SECRET_NOTE = "Zeppelin-7 pricing, confidential"


def traces(shop: Shop, *words: str) -> list[str]:
    """Every table.column whose raw value holds one of ``words``."""
    found = []
    with shop.container.engine.connect() as connection:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for column in columns:
                hits = connection.execute(
                    select(func.count()).where(or_(*(column.like(f"%{w}%") for w in words)))
                ).scalar_one()
                if hits:
                    found.append(f"{table.name}.{column.name}")
    return found


def _acme_with_history(shop: Shop) -> None:
    shop.do("sam", "customer add Acme Corp tier=key value=900k last=2026-01-05")
    shop.do("sam", 'contact add acme "Lea Sprung" birthday=1985-03-09 role=CFO')
    shop.do("sam", "date add acme go-live 2026-04-01 yearly")
    shop.do("sam", 'event add acme promotion contact="Lea Sprung" -- new CFO title')
    shop.do("sue", f"touch acme lunch -- {SECRET_NOTE}")
    shop.do("maria", "team add @sam manager=@maria")
    sweep(shop.container.deps, now=NOW)


def test_customer_erase_asks_first_then_leaves_no_trace_in_any_table(shop: Shop) -> None:
    _acme_with_history(shop)
    shop.do("sam", "customer add Globex tier=core")
    assert traces(shop, "Acme Corp", "Lea Sprung", SECRET_NOTE)
    warning = shop.do("sam", "customer erase acme")
    assert warning.tone is Tone.WARNING
    assert "1 contacts, 1 touches with their notes, 1 dates, 1 life events" in warning.text
    assert warning.footer == "To go ahead: customer erase Acme Corp confirm"
    assert shop.count("customer") == 2  # nothing happened yet
    done = shop.do("sam", "customer erase acme confirm")
    assert done.tone is Tone.SUCCESS
    assert traces(shop, "Acme Corp", "Lea Sprung", SECRET_NOTE, "Zeppelin") == []
    assert shop.count("customer") == 1 and shop.count("contact") == 0


def test_on_sqlite_the_file_itself_keeps_no_copy_of_what_was_erased(shop: Shop) -> None:
    url = shop.container.settings.database_url
    if not url.startswith("sqlite"):
        pytest.skip("PostgreSQL keeps dead rows until VACUUM; the tables hold no trace")
    _acme_with_history(shop)
    shop.do("sam", "customer erase acme confirm")
    shop.container.engine.dispose()
    raw = Path(url.removeprefix("sqlite:///")).read_bytes()
    assert SECRET_NOTE.encode() not in raw
    assert b"Lea Sprung" not in raw


def test_only_the_owner_or_an_admin_may_erase_a_customer(shop: Shop) -> None:
    _acme_with_history(shop)
    refused = shop.say("sue", "customer erase acme confirm")
    assert refused.tone is Tone.ERROR
    assert shop.count("customer") == 1


def test_person_erase_waits_for_reassignment_then_removes_the_colleague_but_not_the_history(
    shop: Shop,
) -> None:
    _acme_with_history(shop)
    refused = shop.say("maria", "person erase @sam confirm")
    assert "still owns 1 customers (Acme Corp). Reassign them first" in refused.text
    shop.do("maria", "customer assign acme @sue")
    assert shop.do("maria", "person erase @sam").tone is Tone.WARNING
    shop.do("maria", "person erase @sam confirm")
    assert traces(shop, "Sam Seller", "sam@example.com") == []
    assert shop.count("person") == 2
    assert shop.count("touchpoint") == 1  # Sue's lunch stays with Acme
    assert shop.say("sue", "person erase @maria confirm").tone is Tone.ERROR  # admins only


def test_audit_shows_who_changed_what_and_when_about_one_customer(shop: Shop) -> None:
    _acme_with_history(shop)
    shop.do("sam", "customer edit acme tier=core value=1m")
    shop.do("sam", "customer add Globex tier=core")
    reply = shop.do("maria", "audit acme")
    lines = [item.title for section in reply.sections for item in section.items]
    assert lines[0] == "2026-03-02 05:00 — Sam Seller: customer.edit Acme Corp (annual_value, tier)"
    assert any("contact.add contact #" in line for line in lines)
    assert not any("Globex" in line for line in lines)
    everything = render_text(shop.do("maria", "audit since=2026-03-02"))
    assert "customer.add Globex" in everything
    assert "Nothing in the audit log" in shop.do("maria", "audit since=2026-04-01").text


def test_a_salesperson_sees_the_audit_of_their_own_customers_only(shop: Shop) -> None:
    _acme_with_history(shop)
    shop.do("sue", "customer add Initech tier=core")
    mine = render_text(shop.do("sue", "audit"))
    assert "Initech" in mine and "customer.add Acme Corp" not in mine
