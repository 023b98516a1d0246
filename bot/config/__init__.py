"""Configuration: a TOML file for behaviour, the environment for secrets."""

from bot.config.loader import find_config, load_settings, parse_settings
from bot.config.reader import ConfigError
from bot.config.secrets import DATABASE_URL_ENV, SECRET_ENV
from bot.config.settings import (
    DeliverySettings,
    DigestSchedule,
    LogFormat,
    LoggingSettings,
    SchedulerSettings,
    Secrets,
    ServerSettings,
    Settings,
    SlackMode,
    SlackSettings,
    TeamsSettings,
    WorkspaceDefaults,
)

__all__ = [
    "DATABASE_URL_ENV",
    "SECRET_ENV",
    "ConfigError",
    "DeliverySettings",
    "DigestSchedule",
    "LogFormat",
    "LoggingSettings",
    "SchedulerSettings",
    "Secrets",
    "ServerSettings",
    "Settings",
    "SlackMode",
    "SlackSettings",
    "TeamsSettings",
    "WorkspaceDefaults",
    "find_config",
    "load_settings",
    "parse_settings",
]
