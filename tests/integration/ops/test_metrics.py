"""``/metrics`` after real work: commands over Slack, a tick that sweeps and delivers through
the loopback Slack Web API (rate-limited once), and the outbox read from the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Secrets, Settings, SlackMode, SlackSettings
from bot.delivery.cycle import run_cycle
from bot.delivery.outbox import Outbox
from bot.server import build_web_app
from tests.integration.slack.harness import SECRET, FakeSlack, Harness, eventually, settle

pytestmark = pytest.mark.db

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # a Monday, 09:00 in Los Angeles
LATER = START + timedelta(days=91)  # a Monday, 10:00 in Los Angeles: Acme has gone quiet

FAMILIES = {
    "nudgebot_sweep_duration_seconds": "histogram",
    "nudgebot_customers_decided": "counter",
    "nudgebot_nudges_created": "counter",
    "nudgebot_deliveries": "counter",
    "nudgebot_outbox_pending": "gauge",
    "nudgebot_outbox_oldest_pending_seconds": "gauge",
    "nudgebot_command_duration_seconds": "histogram",
    "nudgebot_platform_rate_limited_seconds": "counter",
}


@pytest.fixture
async def served(database: str) -> AsyncIterator[tuple[Harness, FixedClock]]:
    """The production HTTP app (Slack's HTTP mode, so /metrics is on) over the fake Web API."""
    clock = FixedClock(START)
    async with FakeSlack() as fake:
        fake.add_user("W222", tz="America/Los_Angeles", real_name="Sam Sales")
        settings = Settings(
            database_url=database,
            slack=SlackSettings(mode=SlackMode.HTTP, api_url=fake.url),
            secrets=Secrets(slack_bot_token="xoxb-test", slack_signing_secret=SECRET),
        )
        assert settings.metrics_enabled
        container = build(settings, clock=clock, pool_size=2)
        app, serving = build_web_app(container)
        async with TestClient(TestServer(app)) as client:
            yield Harness(fake=fake, container=container, client=client), clock
            await settle()
        for served in serving:
            await served.stop()
        container.close()


async def scrape(harness: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with harness.client.get("/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await response.text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name, kind in FAMILIES.items():
        assert families[name].type == kind, name
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in families.values()
        for s in family.samples
    }


def delta(after: dict[Any, float], before: dict[Any, float], name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after[key] - before.get(key, 0.0)


async def test_metrics_count_commands_sweeps_nudges_deliveries_and_rate_limits(
    served: tuple[Harness, FixedClock],
) -> None:
    harness, clock = served
    before = await scrape(harness)

    await harness.slash('customer add "Acme Corp" tier=key', user="W222")
    await eventually(lambda: len(harness.replies()) == 1)
    await harness.slash("acme call", user="W222", command="/touch")
    await eventually(lambda: len(harness.replies()) == 2)

    # 91 days later: the tick sweeps (Acme is quiet) and posts Sam's message, which Slack
    # rate-limits: the outbox (not the Slack client) reschedules it after Retry-After.
    clock.set(LATER)
    harness.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    container = harness.container
    report = await run_cycle(container, now=LATER, platforms=container.platforms)
    assert report.sweep.customers >= 1
    assert report.drain.retried == 1 and not report.drain.sent

    clock.set(LATER + timedelta(seconds=30))
    waiting = await scrape(harness)
    assert (
        delta(waiting, before, "nudgebot_deliveries_total", platform="slack", outcome="sent") == 0
    )
    assert waiting[("nudgebot_outbox_pending", (("platform", "slack"),))] == 1
    assert waiting[("nudgebot_outbox_pending", (("platform", "teams"),))] == 0
    assert waiting[("nudgebot_outbox_oldest_pending_seconds", ())] >= 30

    sent = await Outbox(container.deps, container.platforms, worker="w").drain(
        now=LATER + timedelta(seconds=30)
    )
    assert len(sent.sent) == 1
    assert len(harness.fake.dm_messages("W222")) == 1
    after = await scrape(harness)

    def grew(name: str, **labels: str) -> float:
        return delta(after, before, name, **labels)

    assert grew("nudgebot_sweep_duration_seconds_count") == 1
    assert grew("nudgebot_sweep_duration_seconds_sum") > 0
    assert grew("nudgebot_customers_decided_total") >= 1
    assert grew("nudgebot_nudges_created_total", reason="quiet") >= 1
    assert grew("nudgebot_deliveries_total", platform="slack", outcome="sent") == 1
    assert grew("nudgebot_deliveries_total", platform="slack", outcome="rate_limited") == 1
    assert grew("nudgebot_deliveries_total", platform="slack", outcome="failed") == 0
    assert grew("nudgebot_platform_rate_limited_seconds_total", platform="slack") > 0
    for command in ("add_customer", "log_touch"):
        labels = {"platform": "slack", "command": command}
        assert grew("nudgebot_command_duration_seconds_count", **labels) == 1
        assert 0 < grew("nudgebot_command_duration_seconds_sum", **labels) < 10
    assert after[("nudgebot_outbox_pending", (("platform", "slack"),))] == 0
    assert after[("nudgebot_outbox_oldest_pending_seconds", ())] == 0
    assert after[("process_resident_memory_bytes", ())] > 0


async def test_metrics_are_not_served_unless_enabled(database: str) -> None:
    container = build(Settings(database_url=database), pool_size=2)  # the console's settings
    app, _ = build_web_app(container)
    async with TestClient(TestServer(app)) as client, client.get("/metrics") as response:
        assert response.status == 404
    container.close()
