"""The secrets check reaches into lists and the database URL, and every configuration error
names the file it is about."""

from __future__ import annotations

import tomllib

import pytest

from bot.config import ConfigError, parse_settings

SOURCE = "/etc/nudgebot/config.toml"


def _parse(toml: str) -> None:
    parse_settings(tomllib.loads(toml), env={}, source=SOURCE)


@pytest.mark.parametrize(
    "toml",
    [
        '[workspace]\nadmins = ["U1", "xoxb-123-456"]\n',
        '[workspace]\nadmins = [["xapp-1-2"]]\n',
        '[[links]]\nname = "x"\ntoken = "abc"\n',
    ],
)
def test_a_token_inside_a_list_is_refused_naming_the_file(toml: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _parse(toml)
    assert str(refused.value).startswith(SOURCE)
    assert "holds a secret" in str(refused.value)


def test_a_password_in_the_database_url_is_refused_pointing_to_the_variable() -> None:
    with pytest.raises(ConfigError) as refused:
        _parse('[database]\nurl = "postgresql://bot:hunter2@db.example/nudgebot"\n')
    message = str(refused.value)
    assert message.startswith(SOURCE)
    assert "[database] url" in message and "NUDGEBOT_DATABASE_URL" in message
    assert "hunter2" not in message


def test_a_database_url_without_a_password_is_fine() -> None:
    _parse('[database]\nurl = "postgresql://bot@db.example/nudgebot"\n')


@pytest.mark.parametrize(
    "toml",
    [
        "[cadence.tier]\nvip = { ideal_days = 7, max_days = 14 }\n",
        '[tiers]\nnames = ["key", "core", "long-tail", "gold"]\n',
        "[cadence.kind]\nfriend = { ideal_days = 7, max_days = 14 }\n",
        '[database]\nurl = "nudgebot.db"\n',
        "[nonsense]\n",
    ],
)
def test_every_configuration_error_names_the_file(toml: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _parse(toml)
    assert str(refused.value).startswith(SOURCE), str(refused.value)
