"""Importing a CRM's export: created, re-imported without duplicates, updated, every bad row
reported with its line, a dry run that writes nothing, --strict, owners matched."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.services.books.imports import ImportRefused
from nudges.model import RelationshipKind
from tests.integration.books.conftest import FIXTURES, Shop

pytestmark = pytest.mark.db


def errors(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in report.errors]


def test_hubspot_companies_are_created_with_their_owners_values_and_last_activity(
    shop: Shop,
) -> None:
    report = shop.run("customers", "hubspot_companies.csv", preset="hubspot")
    assert (report.outcome.created, report.outcome.updated, report.rows) == (3, 0, 6)
    assert report.file == "comma-separated, utf-8-sig"
    acme = shop.customer("Acme Corp")
    assert acme.owner_id == shop.people["sam"].person.id
    assert (acme.annual_value, acme.timezone, acme.country) == (120_000, "America/New_York", "US")
    assert (acme.kind, acme.tags, acme.since) == (
        RelationshipKind.CUSTOMER,
        frozenset({"computer-software"}),
        date(2019, 3, 1),
    )
    # the later of "Last Activity Date" and "Last Contacted", in the workspace's zone
    assert acme.last_touch_at == datetime(2026, 2, 20, 19, 3, tzinfo=UTC)
    assert acme.owner_last_touch_at == acme.last_touch_at
    globex = shop.customer("Globex, Inc.")
    assert (globex.owner_id, globex.kind) == (
        shop.people["sam"].person.id,
        RelationshipKind.PARTNER,
    )
    assert globex.last_touch_at is None
    assert shop.customer("Initech").annual_value == 1_200_000


def test_every_bad_row_is_reported_with_its_line_column_and_value(shop: Shop) -> None:
    report = shop.run("customers", "hubspot_companies.csv", preset="hubspot")
    assert errors(report) == [
        'line 6, "Last Activity Date" = "31/02/2024": not a date like 2024-05-01 or 05/01/2024 '
        "(month-first)",
        'line 7, "Annual Revenue" = "abc": not an amount like 120000, 120,000.50, 120.000,50 '
        "or $120k",
        'line 8, "Company owner" = "Nobody Known": matches nobody in the bot (by e-mail, handle '
        "or name); or give --default-owner",
    ]


def test_the_same_file_again_changes_nothing_and_an_updated_file_updates(
    shop: Shop, tmp_path: Path
) -> None:
    shop.run("customers", "hubspot_companies.csv", preset="hubspot")
    before = shop.count("customer")
    again = shop.run("customers", "hubspot_companies.csv", preset="hubspot")
    assert (again.outcome.created, again.outcome.updated, again.outcome.unchanged) == (0, 0, 3)
    assert shop.count("customer") == before
    changed = (FIXTURES / "hubspot_companies.csv").read_bytes().replace(b'"$120,000"', b"150k")
    changed = changed.replace(b'1002,"Globex, Inc."', b"1002,Globex Corporation")
    (tmp_path / "companies.csv").write_bytes(changed)
    updated = shop.run("customers", tmp_path / "companies.csv", preset="hubspot")
    assert (updated.outcome.created, updated.outcome.updated) == (0, 2)
    assert shop.customer("Acme Corp").annual_value == 150_000
    assert shop.customer("Globex Corporation").kind is RelationshipKind.PARTNER  # renamed
    assert shop.count("customer") == before


def test_a_default_owner_takes_the_rows_whose_owner_matches_nobody(shop: Shop) -> None:
    report = shop.run(
        "customers", "hubspot_companies.csv", preset="hubspot", default_owner="maria@example.com"
    )
    assert report.outcome.created == 4
    vandelay = shop.customer("Vandelay Industries")
    assert (vandelay.owner_id, vandelay.kind) == (
        shop.people["maria"].person.id,
        RelationshipKind.SUPPLIER,
    )


def test_a_dry_run_reports_the_same_and_writes_nothing(shop: Shop) -> None:
    before = shop.snapshot()
    report = shop.run("customers", "hubspot_companies.csv", preset="hubspot", dry_run=True)
    assert (report.outcome.created, len(report.errors)) == (3, 3)
    assert shop.snapshot() == before


def test_strict_imports_nothing_when_any_row_is_bad(shop: Shop) -> None:
    report = shop.run("customers", "hubspot_companies.csv", preset="hubspot", strict=True)
    assert report.rolled_back and len(report.errors) == 3
    assert shop.count("customer") == 0


def test_a_file_without_the_presets_key_columns_is_refused_with_what_was_seen_and_expected(
    shop: Shop,
) -> None:
    with pytest.raises(ImportRefused) as refused:
        shop.run("customers", "hubspot_contacts.csv", preset="salesforce")
    message = str(refused.value)
    assert "no column for customers name: expected 'account name'" in message
    assert "'Record ID', 'First Name'" in message


def test_a_file_that_is_not_a_csv_is_refused_at_once(shop: Shop, tmp_path: Path) -> None:
    workbook = tmp_path / "companies.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(ImportRefused, match="not a CSV file; it looks like an Excel workbook"):
        shop.run("customers", workbook, preset="hubspot")


def test_hubspot_contacts_join_their_companies_and_keep_birthdays(shop: Shop) -> None:
    shop.run("customers", "hubspot_companies.csv", preset="hubspot")
    report = shop.run("contacts", "hubspot_contacts.csv", preset="hubspot")
    assert (report.outcome.created, errors(report)) == (
        3,
        [
            'line 5, "Associated Company" = "No Such Company": no customer of that name: '
            "import customers first"
        ],
    )
    with shop.container.deps.uow() as uow:
        [lea] = uow.contacts.of_customers([shop.customer("Acme Corp").id])
    assert (lea.name, lea.role, lea.email) == ("Lea Sprung", "CFO", "lea@acme.example")
    assert (lea.birthday_month, lea.birthday_day, lea.birth_year) == (11, 29, 1985)
    again = shop.run("contacts", "hubspot_contacts.csv", preset="hubspot")
    assert (again.outcome.created, again.outcome.unchanged) == (0, 3)
    assert shop.count("contact") == 3


def test_salesforce_accounts_saved_as_utf16_with_us_dates(shop: Shop) -> None:
    report = shop.run("customers", "salesforce_accounts.csv", preset="salesforce")
    assert report.file == "comma-separated, utf-16"
    assert report.outcome.created == 2
    assert errors(report) == [
        'line 4, "Last Activity" = "13/45/2025": not a date like 2024-05-01 or 05/01/2024 '
        "(month-first)"
    ]
    stark = shop.customer("Stark Industries")
    assert (stark.annual_value, stark.since, stark.country) == (1_500_000, date(2018, 5, 1), "US")
    assert shop.customer("Wayne Enterprises").kind is RelationshipKind.PARTNER


def test_salesforce_activities_become_touches_once_and_move_the_clocks(shop: Shop) -> None:
    shop.run("customers", "salesforce_accounts.csv", preset="salesforce")
    report = shop.run("touches", "salesforce_activities.csv", preset="salesforce")
    assert report.outcome.created == 3
    assert errors(report) == [
        'line 6, "Account Name" = "Unknown Corp": no customer of that name: import customers first'
    ]
    stark = shop.customer("Stark Industries")
    # The account's "Last Activity" (2/25) is later than its touches: the clock never goes back.
    assert stark.last_touch_at == datetime(2026, 2, 25, 5, 0, tzinfo=UTC)
    with shop.container.deps.uow() as uow:
        touches = uow.touches.recent([stark.id], since=datetime(2026, 1, 1, tzinfo=UTC))
    review = next(t for t in touches if t.ritual == "meeting")
    assert review.note == "Quarterly review\n\nWent well; they want\nthe new dashboard"
    again = shop.run("touches", "salesforce_activities.csv", preset="salesforce")
    assert (again.outcome.created, again.outcome.unchanged) == (0, 3)
    assert shop.count("touchpoint") == 3


def test_pipedrive_from_europe_semicolons_day_first_and_decimal_commas(shop: Shop) -> None:
    report = shop.run("customers", "pipedrive_organizations.csv", preset="pipedrive")
    assert report.file == "semicolon-separated, utf-8-sig"
    assert (report.outcome.created, errors(report)) == (3, [])
    mueller = shop.customer("Müller & Söhne GmbH")
    assert (mueller.annual_value, mueller.country, mueller.tags) == (
        120_000,
        "DE",
        frozenset({"vip", "hot-lead"}),
    )
    assert mueller.last_touch_at == datetime(2026, 2, 1, 5, 0, tzinfo=UTC)
    assert shop.customer("Nordlicht AB").annual_value == 1_250_000
    people = shop.run("contacts", "pipedrive_persons.csv", preset="pipedrive")
    assert people.outcome.created == 2
    touches = shop.run("touches", "pipedrive_activities.csv", preset="pipedrive")
    assert (touches.outcome.created, touches.outcome.skipped) == (2, 1)  # "To do" is no touch
    mueller = shop.customer("Müller & Söhne GmbH")  # Sue's own meeting on 20.02.2026
    assert (
        mueller.last_touch_at
        == mueller.owner_last_touch_at
        == datetime(2026, 2, 20, 5, 0, tzinfo=UTC)
    )


def test_touches_without_an_id_column_are_still_never_imported_twice(
    shop: Shop, tmp_path: Path
) -> None:
    shop.run("customers", "pipedrive_organizations.csv", preset="pipedrive")
    file = tmp_path / "activities.csv"
    original = (FIXTURES / "pipedrive_activities.csv").read_text(encoding="utf-8")
    file.write_text(
        "\n".join(";".join(line.split(";")[1:]) for line in original.splitlines()),
        encoding="utf-8",
    )
    first = shop.run("touches", file, preset="pipedrive")
    second = shop.run("touches", file, preset="pipedrive")
    assert (first.outcome.created, second.outcome.created, second.outcome.unchanged) == (2, 0, 2)


def test_a_mapping_file_names_other_columns_values_and_revenue_bands(
    shop: Shop, tmp_path: Path
) -> None:
    (tmp_path / "firmen.csv").write_text(
        "Nr;Firma;Betreuer;Art;Umsatz;Letzter Kontakt\n"
        "1;Alpha AG;Sue Park;Partner;2.500.000;03.02.2026\n"
        "2;Beta KG;sam@example.com;Kunde;40.000;\n"
        "3;Gamma OHG;Sam Seller;Lieferant;900;\n",
        encoding="cp1252",
    )
    (tmp_path / "crm.toml").write_text(
        'source = "mycrm"\ndate_order = "day-first"\n'
        '[customers]\nkey = "Nr"\nname = "Firma"\nowner = "Betreuer"\nkind = "Art"\n'
        'value = "Umsatz"\nlast_touch = ["Letzter Kontakt"]\n'
        '[values.kind]\n"Partner" = "partner"\n"Lieferant" = "supplier"\n"*" = "customer"\n'
        "[tiers]\nkey = 1000000\ncore = 10000\nlong-tail = 0\n",
        encoding="utf-8",
    )
    report = shop.run("customers", tmp_path / "firmen.csv", mapping=tmp_path / "crm.toml")
    assert (report.outcome.created, errors(report), report.source) == (3, [], "mycrm")
    alpha, beta, gamma = (shop.customer(n) for n in ("Alpha AG", "Beta KG", "Gamma OHG"))
    assert [(c.tier, c.kind.value) for c in (alpha, beta, gamma)] == [
        ("key", "partner"),
        ("core", "customer"),
        ("long-tail", "supplier"),
    ]
    assert alpha.last_touch_at == datetime(2026, 2, 3, 5, 0, tzinfo=UTC)
