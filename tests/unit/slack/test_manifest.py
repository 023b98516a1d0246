"""The manifests ask for exactly the scopes, commands and events the app uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.slack.app import SCOPES
from bot.slack.listeners.conversation import SHORTCUT_LOG

ROOT = Path(__file__).resolve().parents[3]
MANIFESTS = [ROOT / "slack" / "manifest.yml", ROOT / "slack" / "manifest.http.yml"]
EVENTS = {"app_home_opened", "app_uninstalled", "tokens_revoked", "user_change", "message.im"}


def listed(text: str, after: str) -> set[str]:
    block = text.split(after, 1)[1]
    items = []
    for line in block.splitlines()[1:]:
        match = re.match(r"\s+- ([\w:.]+)", line)
        if not match:
            break
        items.append(match.group(1))
    return set(items)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_the_manifest_matches_what_the_app_uses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert listed(text, "    bot:") == set(SCOPES)
    assert listed(text, "bot_events:") == EVENTS
    assert set(re.findall(r"command: (/\w+)", text)) == {"/touch", "/nudge"}
    assert "interactivity:\n    is_enabled: true" in text
    assert "messages_tab_read_only_enabled: false" in text  # people write to the bot
    assert f"callback_id: {SHORTCUT_LOG}" in text and "type: message" in text


def test_socket_and_http_modes_are_configured_apart() -> None:
    socket, http = (p.read_text(encoding="utf-8") for p in MANIFESTS)
    assert "socket_mode_enabled: true" in socket
    assert "socket_mode_enabled: false" in http
    assert http.count("https://example.com/slack/events") == 4
    assert "https://example.com/slack/oauth_redirect" in http
    assert "org_deploy_enabled: true" in http
