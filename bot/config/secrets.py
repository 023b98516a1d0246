"""Secrets never go in the configuration file: a key named for one, a value that looks like a
token (also inside a list), or a password in ``[database] url`` is refused, naming the file and
the environment variable to use instead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from bot.config.reader import ConfigError
from bot.config.settings import Secrets
from storage import has_password

DATABASE_URL_ENV = "NUDGEBOT_DATABASE_URL"

# Where each secret must come from. A key of this name in the file is refused.
SECRET_ENV: Mapping[str, str] = MappingProxyType(
    {
        "bot_token": "SLACK_BOT_TOKEN",
        "app_token": "SLACK_APP_TOKEN",
        "signing_secret": "SLACK_SIGNING_SECRET",
        "client_id": "SLACK_CLIENT_ID",
        "client_secret": "SLACK_CLIENT_SECRET",
        "app_id": "TEAMS_APP_ID",
        "app_password": "TEAMS_APP_PASSWORD",
        "tenant_id": "TEAMS_TENANT_ID",
    }
)
_TEAMS_SECRET_ENV = {"client_id": "TEAMS_APP_ID", "client_secret": "TEAMS_APP_PASSWORD"}
_SECRET_WORDS = ("token", "secret", "password")
_TOKEN_VALUE = re.compile(r"^(xox[abposr]|xapp)-", re.IGNORECASE)


def refuse_secrets(data: Mapping[str, Any], *, source: str, path: str) -> None:
    for key, value in data.items():
        where = f"[{path}] {key}" if path else key
        if isinstance(value, dict):
            refuse_secrets(value, source=source, path=f"{path}.{key}" if path else key)
            continue
        if isinstance(value, list):  # a token pasted into a list, or a table in an array
            _refuse_listed(value, source=source, path=path, key=key, where=where)
            continue
        env_name = SECRET_ENV.get(key)
        if path == "teams":
            env_name = _TEAMS_SECRET_ENV.get(key, env_name)
        if path == "database" and key == "url" and isinstance(value, str):
            _refuse_password(value, source=source)
        looks_secret = isinstance(value, str) and key.lower().endswith(_SECRET_WORDS)
        if env_name or looks_secret or (isinstance(value, str) and _TOKEN_VALUE.match(value)):
            hint = (
                f"set the environment variable {env_name}"
                if env_name
                else ("set it in the environment (see README, 'Configuration')")
            )
            raise ConfigError(
                f"{source}: {where} holds a secret. Secrets never go in the config file: "
                f"remove it and {hint} instead."
            )


def _refuse_listed(items: list[Any], *, source: str, path: str, key: str, where: str) -> None:
    for item in items:
        if isinstance(item, dict):
            refuse_secrets(item, source=source, path=f"{path}.{key}" if path else key)
        elif isinstance(item, list):
            _refuse_listed(item, source=source, path=path, key=key, where=where)
        elif isinstance(item, str) and _TOKEN_VALUE.match(item):
            raise ConfigError(
                f"{source}: {where} holds a secret (a token in the list). Secrets never go in "
                "the config file: remove it and set it in the environment instead."
            )


def _refuse_password(url: str, *, source: str) -> None:
    """A password in ``[database] url`` belongs in the environment, with the whole URL."""
    if has_password(url):
        raise ConfigError(
            f"{source}: [database] url holds a password. Secrets never go in the config file: "
            f"remove the url and set the environment variable {DATABASE_URL_ENV} instead."
        )


def secrets_from(env: Mapping[str, str]) -> Secrets:
    def get(name: str) -> str | None:
        return env.get(name) or None

    return Secrets(
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_client_id=get("SLACK_CLIENT_ID"),
        slack_client_secret=get("SLACK_CLIENT_SECRET"),
        teams_app_id=get("TEAMS_APP_ID"),
        teams_app_password=get("TEAMS_APP_PASSWORD"),
        teams_tenant_id=get("TEAMS_TENANT_ID"),
    )
