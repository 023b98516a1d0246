"""Find, read and validate the configuration file; take secrets from the environment only."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import holidays

from bot.config.links import read_links
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
from nudges.model import Cadence, NudgeReason
from nudges.policy import Feb29Policy, Policy, Ritual, ShiftPolicy

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


def parse_settings(data: dict[str, Any], *, env: Mapping[str, str], source: str) -> Settings:
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
        policy=_policy(root),
        digest=_digest(root.table("digest")),
        scheduler=read_scheduler(root.table("scheduler")),
        delivery=read_delivery(root.table("delivery")),
        slack=_slack(slack_table, env),
        teams=_teams(root.table("teams")),
        server=server,
        logging=read_logging(root.table("logging")),
        secrets=secrets_from(env),
        links=read_links(root.table("links")),
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


def _cadence(table: Table, key: str) -> Cadence:
    inner = table.table(key)
    ideal = inner.integer("ideal_days", 30, low=1, high=3650)
    maximum = inner.integer("max_days", max(ideal, 60), low=1, high=3650)
    inner.finish()
    if maximum < ideal:
        raise inner.error("max_days", maximum, f"at least ideal_days ({ideal})")
    return Cadence(ideal_days=ideal, max_days=maximum)


def _policy(root: Table) -> Policy:
    default = Policy()
    tiers_table = root.table("tiers")
    tiers = tiers_table.strings("names", default.tiers)
    tiers_table.finish()
    if not tiers or len(set(tiers)) != len(tiers):
        raise tiers_table.error("names", list(tiers), "a non-empty list of distinct tier names")

    cadence = root.table("cadence")
    by_tier_table = cadence.table("tier")
    by_tier = {name: _cadence(by_tier_table, name) for name in by_tier_table.names()}
    by_tier_table.finish()
    for name in by_tier:
        if name not in tiers:
            raise ConfigError(
                f"{by_tier_table.source}: {by_tier_table.path} {name}: unknown tier {name!r}; "
                "tiers are "
                f"{', '.join(tiers)} (see [tiers] names){suggest(name, tiers)}."
            )
    merged = {t: by_tier.get(t) or default.cadence.get(t) for t in tiers}
    missing = [t for t, c in merged.items() if c is None]
    if missing:
        raise ConfigError(
            f"{by_tier_table.source}: {by_tier_table.path}: tier {missing[0]!r} has no "
            "cadence; add "
            f"{missing[0]} = {{ ideal_days = 30, max_days = 60 }}."
        )
    by_kind_table = cadence.table("kind")
    kinds = ("customer", "partner", "supplier", "referrer", "internal")
    by_kind = {}
    for name in by_kind_table.names():
        if name not in kinds:
            raise ConfigError(
                f"{by_kind_table.source}: {by_kind_table.path} {name}: unknown relationship "
                "kind; expected one of "
                f"{', '.join(kinds)}{suggest(name, kinds)}."
            )
        by_kind[name] = _cadence(by_kind_table, name)
    by_kind_table.finish()
    cadence.finish()

    calendar = root.table("calendar")
    feb29 = calendar.choice("feb29", default.feb29.value, tuple(p.value for p in Feb29Policy))
    shift = calendar.choice("shift", default.shift.value, tuple(p.value for p in ShiftPolicy))
    birthday_lead = calendar.integer(
        "birthday_lead_days", default.birthday_lead_days, low=0, high=60
    )
    anniversary_lead = calendar.integer(
        "anniversary_lead_days", default.anniversary_lead_days, low=0, high=60
    )
    custom_lead = calendar.integer(
        "custom_date_lead_days", default.custom_date_lead_days, low=0, high=365
    )
    dated_lookahead = calendar.integer(
        "dated_lookahead_days", default.dated_lookahead_days, low=0, high=60
    )
    renewal_term = calendar.integer(
        "renewal_term_months", default.renewal_term_months, low=1, high=120
    )
    checkpoints = calendar.get(
        "renewal_checkpoints",
        default.renewal_checkpoints,
        _checkpoints,
        "a list of distinct whole numbers of days before renewal, e.g. [90, 30, 7]",
    )
    calendar.finish()

    nudges = root.table("nudges")
    daily_cap = nudges.integer("daily_cap", default.daily_cap, low=1, high=50)
    min_gap = nudges.integer("min_gap_days", default.min_gap_days, low=0, high=90)
    heart_ignores_gap = nudges.boolean(
        "heart_dates_ignore_min_gap", default.heart_dates_ignore_min_gap
    )
    owner_quiet = nudges.integer("owner_quiet_days", default.owner_quiet_days, low=1, high=3650)
    escalation = nudges.integer(
        "escalation_after_days", default.escalation_after_days, low=0, high=3650
    )
    grace = nudges.integer(
        "new_customer_grace_days", default.new_customer_grace_days, low=0, high=365
    )
    variety = nudges.integer("ritual_variety_days", default.ritual_variety_days, low=0, high=3650)
    parity = nudges.integer(
        "parity_best_customers", default.parity_best_customers, low=1, high=100000
    )
    nudges.finish()

    life = root.table("life_events")
    sensitive = frozenset(life.strings("sensitive", tuple(sorted(default.sensitive_events))))
    happy = frozenset(life.strings("happy", tuple(sorted(default.happy_events))))
    suppression = life.integer(
        "suppression_days", default.sensitive_suppression_days, low=0, high=365
    )
    window = life.integer("window_days", default.life_event_window_days, low=0, high=365)
    life.finish()
    both = sensitive & happy
    if both:
        raise life.error("happy", sorted(happy), f"no kind that is also sensitive ({sorted(both)})")

    health = root.table("health")
    risk = health.get(
        "tenure_risk_months",
        default.tenure_risk_months,
        _month_window,
        "two whole numbers of months [from, to], from < to, e.g. [6, 36]",
    )
    share = health.number("concentration_share", default.concentration_share, low=0.01, high=1.0)
    health.finish()

    digest = root.table("digest")
    upcoming = digest.integer("upcoming_days", default.digest_upcoming_days, low=1, high=90)
    period = digest.integer("period_days", default.digest_period_days, low=1, high=92)
    playbook = _playbook(root, tiers=tiers, default=default.playbook)
    return Policy(
        tiers=tiers,
        cadence=MappingProxyType({t: c for t, c in merged.items() if c is not None}),
        kind_cadence=MappingProxyType(by_kind),
        feb29=Feb29Policy(feb29),
        shift=ShiftPolicy(shift),
        birthday_lead_days=birthday_lead,
        anniversary_lead_days=anniversary_lead,
        custom_date_lead_days=custom_lead,
        renewal_checkpoints=checkpoints,
        sensitive_events=sensitive,
        happy_events=happy,
        sensitive_suppression_days=suppression,
        life_event_window_days=window,
        tenure_risk_months=risk,
        concentration_share=share,
        digest_upcoming_days=upcoming,
        digest_period_days=period,
        dated_lookahead_days=dated_lookahead,
        renewal_term_months=renewal_term,
        playbook=playbook,
        daily_cap=daily_cap,
        min_gap_days=min_gap,
        heart_dates_ignore_min_gap=heart_ignores_gap,
        owner_quiet_days=owner_quiet,
        escalation_after_days=escalation,
        new_customer_grace_days=grace,
        ritual_variety_days=variety,
        parity_best_customers=parity,
    )


def _checkpoints(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError
    days = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 730:
            raise ValueError
        days.append(item)
    if len(set(days)) != len(days):
        raise ValueError
    return tuple(sorted(days, reverse=True))


def _month_window(value: Any) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError
    low, high = value
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value) or not (
        0 <= low < high
    ):
        raise ValueError
    return (low, high)


def _playbook(
    root: Table, *, tiers: tuple[str, ...], default: tuple[Ritual, ...]
) -> tuple[Ritual, ...]:
    raw = root.raw("playbook")
    if raw is None:
        return default
    if not isinstance(raw, list) or not raw:
        raise root.error("playbook", raw, "one or more [[playbook]] entries")
    reasons = tuple(r.value for r in NudgeReason)
    rituals: list[Ritual] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise root.error("playbook", entry, "a [[playbook]] table")
        table = Table(entry, path=f"[[playbook]] #{index + 1}", source=root.source)
        name = table.string("name", "")
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            raise table.error("name", name, "a short lowercase ritual name such as 'coffee'")
        label = table.string("label", name.replace("_", " ").capitalize())
        entry_tiers = table.strings("tiers", ())
        for tier in entry_tiers:
            if tier not in tiers:
                raise table.error(
                    "tiers", list(entry_tiers), f"tier names among {', '.join(tiers)}"
                )
        entry_reasons = table.strings("reasons", ())
        for reason in entry_reasons:
            if reason not in reasons:
                raise table.error(
                    "reasons", list(entry_reasons), f"reasons among {', '.join(reasons)}"
                )
        table.finish()
        rituals.append(
            Ritual(
                name=name,
                label=label,
                tiers=frozenset(entry_tiers),
                reasons=frozenset(NudgeReason(r) for r in entry_reasons),
            )
        )
    names = [r.name for r in rituals]
    if len(set(names)) != len(names):
        raise root.error("playbook", names, "distinct ritual names")
    return tuple(rituals)


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
