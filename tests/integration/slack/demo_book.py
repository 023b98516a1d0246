"""A 10,000-customer demo book (a head of sales, 5 managers, 40 salespeople) served as a
Slack workspace: generated once per test module and database, swept once, then read by
every test of the module through the real bolt app and the fake Web API."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text, update

from bot.bootstrap import build
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.sweep import sweep
from bot.demo import generate
from storage import make_engine
from storage.tables import workspace_t
from tests.integration.slack.harness import TEAM

NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # a Monday
CUSTOMERS = 10_000
OWNERS = 40


def make_book(url: str) -> None:
    generate(Settings(database_url=url), customers=CUSTOMERS, owners=OWNERS, seed=7, now=NOW)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(workspace_t).values(platform="slack", external_id=TEAM, name="Demo")
            )
        container = build(Settings(database_url=url), clock=FixedClock(NOW), pool_size=2)
        try:
            sweep(container.deps, now=NOW)
        finally:
            container.close()
    finally:
        engine.dispose()


def people(url: str) -> dict[str, str]:
    """Platform user id by role: the head of sales, a manager, the busiest salesperson."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            head = connection.execute(
                text("SELECT platform_user_id, id FROM person WHERE manager_id IS NULL")
            ).one()
            manager = connection.execute(
                text("SELECT platform_user_id FROM person WHERE manager_id = :h ORDER BY id"),
                {"h": head.id},
            ).first()
            busiest = connection.execute(
                text(
                    "SELECT p.platform_user_id FROM person p JOIN nudge n ON n.recipient_id = p.id"
                    " WHERE n.state IN ('open', 'delivered') GROUP BY p.platform_user_id"
                    " ORDER BY count(*) DESC LIMIT 1"
                )
            ).one()
        assert manager is not None
        return {"head": head[0], "manager": manager[0], "seller": busiest[0]}
    finally:
        engine.dispose()
