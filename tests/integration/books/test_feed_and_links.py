"""The calendar feed and export downloads, over the bot's HTTP server: the feed parses with two
independent iCalendar parsers, keeps its UIDs from one reading to the next, holds only the
person's own data, and a reset token gets 404; an export link works once."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import AsyncIterator
from datetime import date

import icalendar
import pytest
import vobject
from aiohttp.test_utils import TestClient, TestServer

from bot.config.settings import LinkSettings
from bot.delivery.sweep import sweep
from bot.server import build_web_app
from tests.integration.books.conftest import NOW, Shop

pytestmark = pytest.mark.db

Client = TestClient  # type: ignore[type-arg]


@pytest.fixture
async def client(shop: Shop) -> AsyncIterator[Client]:
    container = shop.container
    container.settings = dataclasses.replace(
        container.settings, links=LinkSettings(base_url="https://bot.example.com")
    )
    container.deps = dataclasses.replace(container.deps, settings=container.settings)
    container.commands.deps = container.deps
    app, _ = build_web_app(container)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def _path(text: str) -> str:
    return text.split("https://bot.example.com", 1)[1].split()[0]


def _dates_for_sam_and_sue(shop: Shop) -> None:
    shop.do("sam", "customer add Acme Corp tier=key since=2019-03-20 renewal=2026-09-30")
    shop.do("sam", 'contact add acme "Lea Sprung" birthday=1985-03-09')
    shop.do("sam", "date add acme go-live 2026-04-01 yearly")
    shop.do("sue", "customer add Globex tier=core since=2020-03-25")
    shop.do("sue", 'contact add globex "Hank Scorpio" birthday=03-12')


async def test_the_feed_parses_keeps_its_uids_and_holds_only_ones_own_dates(
    shop: Shop, client: Client
) -> None:
    _dates_for_sam_and_sue(shop)
    reply = shop.do("sam", "calendar")
    path = _path(reply.text)
    assert path.startswith("/calendar/") and path.endswith(".ics")
    first = await client.get(path)
    assert first.status == 200 and first.content_type == "text/calendar"
    body = await first.text()
    second = await (await client.get(path)).text()

    parsed = icalendar.Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    again = {str(e["uid"]) for e in icalendar.Calendar.from_ical(second).walk("VEVENT")}
    assert set(events) == again  # a calendar reading twice finds the same events
    summaries = {str(e["summary"]): e["dtstart"].dt for e in events.values()}
    assert summaries["Acme Corp: Lea Sprung turns 41"] == date(2026, 3, 9)
    assert summaries["Acme Corp: go-live"] == date(2026, 4, 1)
    assert summaries["Acme Corp: renewal"] == date(2026, 9, 30)
    assert summaries["Acme Corp: 7 years as a customer"] == date(2026, 3, 20)
    assert not any("Globex" in s or "Hank" in s for s in summaries)  # Sue's, not Sam's
    assert all(type(e["dtstart"].dt) is date for e in events.values())  # all-day events
    assert str(parsed["x-wr-timezone"]) == "America/New_York"

    other = vobject.readOne(body)  # a second, independent parser
    assert sorted(str(e.uid.value) for e in other.vevent_list) == sorted(events)
    assert {e.summary.value for e in other.vevent_list} == set(summaries)


async def test_a_snoozed_nudge_is_a_follow_up_in_the_feed(shop: Shop, client: Client) -> None:
    shop.do("sam", "customer add Acme Corp tier=key last=2026-01-01")
    sweep(shop.container.deps, now=NOW)
    shop.do("sam", "snooze acme 2026-03-10")
    body = await (await client.get(_path(shop.do("sam", "calendar").text))).text()
    [follow_up] = [
        e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if "Follow up" in e["summary"]
    ]
    assert (str(follow_up["summary"]), follow_up["dtstart"].dt) == (
        "Follow up: Acme Corp",
        date(2026, 3, 11),
    )


async def test_calendar_reset_revokes_the_old_address(shop: Shop, client: Client) -> None:
    old = _path(shop.do("sam", "calendar").text)
    assert _path(shop.do("sam", "calendar").text) == old  # the same address when asked again
    new = _path(shop.do("sam", "calendar reset").text)
    assert new != old
    assert (await client.get(old)).status == 404
    assert (await client.get(new)).status == 200
    assert (await client.get("/calendar/not-a-token.ics")).status == 404


async def test_an_export_link_downloads_the_owners_book_once(shop: Shop, client: Client) -> None:
    _dates_for_sam_and_sue(shop)
    path = _path(shop.do("sam", "export").text)
    response = await client.get(path)
    assert response.status == 200 and response.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    customers = archive.read("customers.csv").decode("utf-8-sig")
    assert "Acme Corp" in customers and "Globex" not in customers
    assert set(archive.namelist()) >= {"customers.csv", "contacts.csv", "nudges.csv"}
    assert (await client.get(path)).status == 404  # once only
    refused = shop.say("sam", "export all")
    assert "Only admins can export the whole workspace" in refused.text
    everything = await client.get(_path(shop.do("maria", "export all json").text))
    names = zipfile.ZipFile(io.BytesIO(await everything.read())).read("customers.json").decode()
    assert "Acme Corp" in names and "Globex" in names
