"""Find, read and validate the configuration file; take secrets from the environment only."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import holidays

from bot.config.links import read_links
from bot.config.policy import read_policy
from bot.config.reader import WEEKDAYS, ConfigError, Table, suggest
from bot.config.secrets import DATABASE_URL_ENV, refuse_secrets, secrets_from
from bot.config.service import read_delivery, read_logging, read_scheduler, read_server
from bot.config.settings import (
    DigestSchedule,
    Settings,
    SlackMode,
    SlackSettings,
    TeamsSettings,
    WorkspaceDefaults,
)
from bot.platforms import PLATFORM_PACKAGES, load

DEFAULT_FILE = "config.toml"
DEFAULT_DATABASE_URL = "sqlite:///nudgebot.db"


def find_config(explicit: str | None, *, cwd: Path) -> Path | None:
    """``--config PATH``, else ``./config.toml``, else none (built-in defaults)."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(
                f"--config {explicit}: no such file. Copy config.example.toml to start one."
            )
        return path
    default = cwd / DEFAULT_FILE
    return default if default.is_file() else None


def load_settings(
    explicit: str | None = None, *, env: Mapping[str, str], cwd: Path | None = None
) -> Settings:
    path = find_config(explicit, cwd=cwd or Path.cwd())
    if path is None:
        data: dict[str, Any] = {}
        source = "built-in defaults"
    else:
        source = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}.") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{source}: not UTF-8 text.") from None
    return parse_settings(data, env=env, source=source)


def parse_settings(
    data: dict[str, Any],
    *,
    env: Mapping[str, str],
    source: str,
    packages: Iterable[str] = PLATFORM_PACKAGES,
) -> Settings:
    """``packages``: the chat platforms whose own config sections are read too."""
    refuse_secrets(data, source=source, path="")
    root = Table(data, path="", source=source)
    database = root.table("database")
    url = database.string("url", DEFAULT_DATABASE_URL)
    database.finish()
    url = env.get(DATABASE_URL_ENV) or url
    if "://" not in url:
        raise database.error("url", url, "a database URL such as 'sqlite:///nudgebot.db'")
    slack_table = root.table("slack")
    server, deprecations = read_server(root.table("server"), legacy=slack_table)
    settings = Settings(
        database_url=url,
        workspace=_workspace(root.table("workspace")),
        policy=read_policy(root),
        digest=_digest(root.table("digest")),
        scheduler=read_scheduler(root.table("scheduler")),
        delivery=read_delivery(root.table("delivery")),
        slack=_slack(slack_table, env),
        teams=_teams(root.table("teams")),
        server=server,
        logging=read_logging(root.table("logging")),
        secrets=secrets_from(env),
        links=read_links(root.table("links")),
        platforms=MappingProxyType(
            {p.name: p.settings(root.table(p.name), env) for p in load(packages) if p.settings}
        ),
        source=source,
        deprecations=deprecations,
    )
    root.finish()
    return settings


def _workspace(table: Table) -> WorkspaceDefaults:
    default = WorkspaceDefaults()
    country = table.string("holiday_country", "") or None
    if country is not None and country not in holidays.list_supported_countries():
        raise table.error(
            "holiday_country",
            country,
            "an ISO 3166 country code with public holidays, such as 'US', 'DE' or 'GB', or ''"
            + suggest(country, holidays.list_supported_countries()),
        )
    workspace = WorkspaceDefaults(
        timezone=table.timezone("timezone", default.timezone),
        holiday_country=country,
        working_days=table.weekdays("working_days", default.working_days),
        delivery_hour=table.integer("delivery_hour", default.delivery_hour, low=0, high=23),
        admins=table.strings("admins", default.admins),
    )
    table.finish()
    return workspace


def _digest(table: Table) -> DigestSchedule:
    default = DigestSchedule()
    weekday = table.choice("weekday", WEEKDAYS[default.weekday], WEEKDAYS)
    digest = DigestSchedule(
        weekday=WEEKDAYS.index(weekday),
        hour=table.integer("hour", default.hour, low=0, high=23),
    )
    table.finish(known=("upcoming_days", "period_days"))
    return digest


def _slack(table: Table, env: Mapping[str, str]) -> SlackSettings:
    default = SlackSettings()
    api_url = env.get("SLACK_API_URL") or table.string("api_url", default.api_url)
    if not re.match(r"^https?://", api_url):
        raise table.error("api_url", api_url, "an http(s) URL such as 'https://slack.com/api/'")
    slack = SlackSettings(
        mode=SlackMode(table.choice("mode", default.mode.value, tuple(m.value for m in SlackMode))),
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        token_rotation=table.boolean("token_rotation", default.token_rotation),
    )
    table.finish(known=("api_url",))
    return slack


def _teams(table: Table) -> TeamsSettings:
    default = TeamsSettings()
    path = table.string("path", default.path)
    if not path.startswith("/"):
        raise table.error("path", path, "a URL path starting with '/', e.g. '/api/messages'")
    teams = TeamsSettings(
        enabled=table.boolean("enabled", default.enabled),
        path=path,
        allow_anonymous=table.boolean("allow_anonymous", default.allow_anonymous),
    )
    table.finish()
    return teams
