"""``[server]`` and ``[logging]``: where the HTTP server listens, whether it exposes metrics,
how long a stop may take, and how logs are written."""

from __future__ import annotations

import tomllib

import pytest

from bot.config import ConfigError, LogFormat, Settings, parse_settings


def _parse(toml: str, env: dict[str, str] | None = None) -> Settings:
    return parse_settings(tomllib.loads(toml), env=env or {}, source="config.toml")


def test_the_server_listens_on_its_own_table() -> None:
    settings = _parse('[server]\nhost = "127.0.0.1"\nport = 8080\nshutdown_grace_seconds = 5\n')
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8080)
    assert settings.server.shutdown_grace_seconds == 5.0
    assert settings.deprecations == ()


def test_the_defaults_listen_everywhere_on_3000_and_allow_twenty_seconds_to_stop() -> None:
    settings = _parse("")
    assert (settings.server.host, settings.server.port) == ("0.0.0.0", 3000)
    assert settings.server.shutdown_grace_seconds == 20.0


def test_the_old_slack_host_and_port_still_work_with_a_deprecation_notice() -> None:
    settings = _parse('[slack]\nhost = "127.0.0.1"\nport = 4000\n')
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 4000)
    assert len(settings.deprecations) == 2
    assert "[slack] port is deprecated" in settings.deprecations[1]
    assert "[server] port = 4000" in settings.deprecations[1]


def test_the_old_and_the_new_port_may_not_disagree() -> None:
    with pytest.raises(ConfigError, match=r"\[slack\] port = 4000 and \[server\] port = 5000"):
        _parse("[slack]\nport = 4000\n[server]\nport = 5000\n")


def test_metrics_are_off_for_the_console_and_socket_mode_and_on_for_http_by_default() -> None:
    assert _parse("").metrics_enabled is False  # the console
    socket = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    assert _parse("", socket).metrics_enabled is False
    http = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert _parse('[slack]\nmode = "http"\n', http).metrics_enabled is True
    assert _parse("[teams]\nenabled = true\n").metrics_enabled is True
    assert _parse("[server]\nmetrics = true\n").metrics_enabled is True
    assert _parse('[slack]\nmode = "http"\n[server]\nmetrics = false\n', http).metrics_enabled is (
        False
    )


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[server]\nmetrics = "yes"\n', "[server] metrics = 'yes' is not valid: expected true"),
        ("[server]\nshutdown_grace_seconds = 0\n", "a number from 1.0 to 3600.0"),
        ("[server]\nport = 0\n", "a whole number from 1 to 65535"),
        ('[logging]\nformat = "xml"\n', "one of 'text', 'json'"),
        ('[logging]\nlevel = "loud"\n', "one of 'debug', 'info'"),
        ('[logging.levels]\n"bot.delivery" = "chatty"\n', "[logging.levels] bot.delivery"),
        ("[server]\ngrace = 3\n", "unknown key 'grace' in [server]"),
    ],
)
def test_a_bad_service_setting_names_the_key_and_what_is_expected(toml: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(toml)
    assert expected in str(caught.value)


def test_logging_format_level_and_levels_per_logger() -> None:
    settings = _parse(
        '[logging]\nformat = "json"\nlevel = "warning"\n'
        '[logging.levels]\n"bot.delivery" = "debug"\napscheduler = "info"\n'
    )
    assert settings.logging.format is LogFormat.JSON
    assert settings.logging.level == "WARNING"
    assert dict(settings.logging.levels) == {"bot.delivery": "DEBUG", "apscheduler": "INFO"}
