"""The loaded configuration: plain frozen values, built once in the composition root."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from nudges.policy import Policy


class SlackMode(StrEnum):
    SOCKET = "socket"
    HTTP = "http"


@dataclass(frozen=True, slots=True)
class WorkspaceDefaults:
    """What a newly registered person gets until they (or Slack/Teams) say otherwise."""

    timezone: str = "UTC"
    holiday_country: str | None = None
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    delivery_hour: int = 9
    admins: tuple[str, ...] = ()  # platform user ids (or console names) with admin rights


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    weekday: int = 0  # Monday
    hour: int = 8  # in each manager's own time zone


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    sweep_minutes: int = 5
    deliver_seconds: int = 30
    housekeeping_minutes: int = 60
    #: Worker processes deciding a sweep with thousands of customers due
    #: (``bot.delivery.deciders``): 0 is one per core, 1 decides in the bot's own process.
    decide_workers: int = 0


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    max_attempts: int = 8
    lease_seconds: int = 120
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    batch_size: int = 50
    #: Sends in flight at once per worker (each within the platform's rate limits).
    concurrency: int = 8
    #: A delivery the platform keeps rate-limiting this long after its slot is surfaced
    #: (``deliveries``, ``nudgebot_outbox_rate_limited``).
    rate_limited_alert_minutes: int = 120
    expire_after_days: int = 30  # an undelivered, unanswered nudge older than this expires


@dataclass(frozen=True, slots=True)
class SlackSettings:
    mode: SlackMode = SlackMode.SOCKET
    api_url: str = "https://slack.com/api/"
    token_rotation: bool = False


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """The process's one HTTP server: Slack's HTTP mode, Teams, health checks and metrics."""

    host: str = "0.0.0.0"
    port: int = 3000
    #: ``/metrics``: None means on when the server takes chat traffic (Slack's HTTP mode or
    #: Teams), off otherwise (the console, Socket Mode only).
    metrics: bool | None = None
    #: On SIGTERM, sends in flight may finish for this long before the process stops anyway.
    shutdown_grace_seconds: float = 20.0


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    format: LogFormat = LogFormat.TEXT
    level: str = "INFO"
    #: Level per logger name, e.g. {"bot.delivery": "DEBUG"}; "apscheduler" is WARNING unless
    #: set here (or ``-v``).
    levels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class TeamsSettings:
    enabled: bool = False
    path: str = "/api/messages"
    allow_anonymous: bool = False  # local development only: accept requests without a JWT


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """Where people reach the bot's HTTP server, for the links it gives out."""

    base_url: str = ""  # e.g. https://nudgebot.example.com; empty: links are given as paths

    def url(self, path: str) -> str | None:
        return f"{self.base_url.rstrip('/')}{path}" if self.base_url else None


@dataclass(frozen=True, slots=True)
class Secrets:
    """Credentials, read only from the environment. ``repr`` never shows a value."""

    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_client_id: str | None = field(default=None, repr=False)
    slack_client_secret: str | None = field(default=None, repr=False)
    teams_app_id: str | None = field(default=None, repr=False)
    teams_app_password: str | None = field(default=None, repr=False)
    teams_tenant_id: str | None = field(default=None, repr=False)

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token or (self.slack_client_id and self.slack_client_secret))

    @property
    def teams_configured(self) -> bool:
        return bool(self.teams_app_id and self.teams_app_password)


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite:///nudgebot.db"  # the loader's DEFAULT_DATABASE_URL
    workspace: WorkspaceDefaults = WorkspaceDefaults()
    policy: Policy = field(default_factory=Policy)
    digest: DigestSchedule = DigestSchedule()
    scheduler: SchedulerSettings = SchedulerSettings()
    delivery: DeliverySettings = DeliverySettings()
    slack: SlackSettings = SlackSettings()
    teams: TeamsSettings = TeamsSettings()
    server: ServerSettings = ServerSettings()
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    secrets: Secrets = Secrets()
    links: LinkSettings = LinkSettings()
    #: The settings of each plug-in platform that reads its own config section, by name.
    platforms: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    source: str = "built-in defaults"  # where the settings came from, for messages
    #: Deprecated settings still honoured, each with what to write instead (shown at start-up
    #: and by ``check-config``).
    deprecations: tuple[str, ...] = ()

    @property
    def serves_chat_over_http(self) -> bool:
        """Slack's HTTP mode or Teams: requests come in over the HTTP server."""
        slack_http = self.secrets.slack_configured and self.slack.mode is SlackMode.HTTP
        return slack_http or self.teams.enabled or self.secrets.teams_configured

    @property
    def metrics_enabled(self) -> bool:
        if self.server.metrics is not None:
            return self.server.metrics
        return self.serves_chat_over_http
