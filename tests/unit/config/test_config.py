"""Configuration: defaults, the documented example, and errors that say what to do."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, SlackMode, load_settings, parse_settings
from nudges.model import Cadence
from nudges.policy import Feb29Policy

ROOT = Path(__file__).resolve().parents[3]


def _parse(toml: str, env: dict[str, str] | None = None) -> Settings:
    import tomllib

    return parse_settings(tomllib.loads(toml), env=env or {}, source="config.toml")


def test_without_a_file_the_built_in_defaults_use_a_local_sqlite_file(tmp_path: Path) -> None:
    settings = load_settings(None, env={}, cwd=tmp_path)
    assert settings.database_url == "sqlite:///nudgebot.db"
    assert settings.source == "built-in defaults"
    assert settings.slack.mode is SlackMode.SOCKET


def test_the_example_file_documents_exactly_the_defaults(tmp_path: Path) -> None:
    example = load_settings(str(ROOT / "config.example.toml"), env={}, cwd=tmp_path)
    defaults = load_settings(None, env={}, cwd=tmp_path)
    assert replace(example, source="x") == replace(defaults, source="x")


def test_config_toml_in_the_working_directory_is_found(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[workspace]\ntimezone = "Europe/Berlin"\n')
    settings = load_settings(None, env={}, cwd=tmp_path)
    assert settings.workspace.timezone == "Europe/Berlin"
    assert settings.source.endswith("config.toml")


def test_an_explicit_config_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--config nowhere.toml: no such file"):
        load_settings("nowhere.toml", env={}, cwd=tmp_path)


def test_the_environment_overrides_the_database_url() -> None:
    settings = _parse(
        '[database]\nurl = "sqlite:///a.db"\n',
        env={"NUDGEBOT_DATABASE_URL": "postgresql://db/nudges"},
    )
    assert settings.database_url == "postgresql://db/nudges"


def test_secrets_come_from_the_environment_and_are_never_shown() -> None:
    settings = _parse("", env={"SLACK_BOT_TOKEN": "xoxb-secret-value"})
    assert settings.secrets.slack_bot_token == "xoxb-secret-value"
    assert settings.secrets.slack_configured
    assert "xoxb-secret-value" not in repr(settings)


@pytest.mark.parametrize(
    ("toml", "names"),
    [
        ('[workspace]\ntimezon = "UTC"\n', ["'timezon'", "[workspace]", "did you mean 'timezone'"]),
        ('[slak]\nmode = "http"\n', ["'slak'", "did you mean 'slack'"]),
        ("[cadence.tier]\nkey = { ideal_days = 14, maxdays = 30 }\n", ["'maxdays'", "max_days"]),
        ('[slack]\nmode = "websocket"\n', ["mode", "'websocket'", "'socket', 'http'"]),
    ],
)
def test_a_misspelt_key_or_value_is_named_with_what_was_expected(
    toml: str, names: list[str]
) -> None:
    with pytest.raises(ConfigError) as error:
        _parse(toml)
    for name in names:
        assert name in str(error.value)


def test_an_unknown_timezone_names_the_key_the_value_and_a_suggestion() -> None:
    with pytest.raises(ConfigError) as error:
        _parse('[workspace]\ntimezone = "Europe/Berlni"\n')
    message = str(error.value)
    assert "[workspace] timezone = 'Europe/Berlni'" in message
    assert "IANA time zone" in message
    assert "did you mean 'Europe/Berlin'" in message


@pytest.mark.parametrize(
    ("toml", "env_name"),
    [
        ('[slack]\nbot_token = "xoxb-1"\n', "SLACK_BOT_TOKEN"),
        ('[slack]\nsigning_secret = "abc"\n', "SLACK_SIGNING_SECRET"),
        ('[slack]\nclient_secret = "abc"\n', "SLACK_CLIENT_SECRET"),
        ('[teams]\napp_password = "abc"\n', "TEAMS_APP_PASSWORD"),
        ('[teams]\nclient_secret = "abc"\n', "TEAMS_APP_PASSWORD"),
    ],
)
def test_a_secret_in_the_file_is_refused_naming_the_variable_to_use(
    toml: str, env_name: str
) -> None:
    with pytest.raises(ConfigError, match=f"holds a secret.*{env_name}"):
        _parse(toml)


def test_a_token_pasted_under_any_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="holds a secret"):
        _parse('[workspace]\nadmins = []\n[database]\nurl = "xoxb-123-456"\n')


def test_cadences_tiers_and_policies_reach_the_engine_policy() -> None:
    settings = _parse(
        """
[tiers]
names = ["platinum", "gold"]
[cadence.tier]
platinum = { ideal_days = 7, max_days = 14 }
gold = { ideal_days = 21, max_days = 42 }
[cadence.kind]
partner = { ideal_days = 45, max_days = 90 }
[calendar]
feb29 = "mar1"
renewal_checkpoints = [7, 60]
"""
    )
    policy = settings.policy
    assert policy.tiers == ("platinum", "gold")
    assert policy.cadence["gold"] == Cadence(ideal_days=21, max_days=42)
    assert policy.kind_cadence["partner"] == Cadence(ideal_days=45, max_days=90)
    assert policy.feb29 is Feb29Policy.MAR_1
    assert policy.renewal_checkpoints == (60, 7)


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ("[cadence.tier]\nkey = { ideal_days = 30, max_days = 10 }\n", "at least ideal_days"),
        ('[tiers]\nnames = ["gold"]\n', "tier 'gold' has no cadence"),
        ("[cadence.tier]\nplatinum = { ideal_days = 1, max_days = 2 }\n", "unknown tier"),
        ("[workspace]\ndelivery_hour = 24\n", "a whole number from 0 to 23"),
        ('[workspace]\nworking_days = ["mon", "fry"]\n', "day names"),
        ('[workspace]\nholiday_country = "XX"\n', "ISO 3166"),
        ('[calendar]\nfeb29 = "feb29"\n', "'feb28', 'mar1'"),
        ("[nudges]\ndaily_cap = 0\n", "daily_cap = 0"),
        ('[database]\nurl = "nudgebot.db"\n', "a database URL"),
        ("[slack]\nport = 70000\n", "from 1 to 65535"),
        ('[life_events]\nhappy = ["illness"]\n', "also sensitive"),
        ("this is not toml", None),
    ],
)
def test_bad_values_are_refused_with_what_would_be_right(toml: str, fragment: str | None) -> None:
    import tomllib

    if fragment is None:
        with pytest.raises(tomllib.TOMLDecodeError):
            _parse(toml)
        return
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[")):
        _parse(toml)


def test_invalid_toml_in_a_file_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[workspace\n")
    with pytest.raises(ConfigError, match=r"broken.toml: not valid TOML"):
        load_settings(str(path), env={}, cwd=tmp_path)


def test_a_custom_playbook_replaces_the_built_in_one() -> None:
    settings = _parse(
        '[[playbook]]\nname = "padel"\nlabel = "Play padel"\ntiers = ["key"]\nreasons = ["quiet"]\n'
    )
    assert [r.name for r in settings.policy.playbook] == ["padel"]
    with pytest.raises(ConfigError, match="reasons among"):
        _parse('[[playbook]]\nname = "padel"\nreasons = ["bored"]\n')


def test_the_onboarding_window_is_read_from_the_nudges_section() -> None:
    assert _parse("[nudges]\nnew_customer_grace_days = 3\n").policy.new_customer_grace_days == 3
    with pytest.raises(ConfigError, match="new_customer_grace_days"):
        _parse("[nudges]\nnew_customer_grace_days = -1\n")
