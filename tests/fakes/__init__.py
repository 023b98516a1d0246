"""Test doubles for what the bot talks to.

- :class:`FakeSlackWebApi`: a loopback HTTP server answering like the Slack Web API.
- :class:`FakeBotConnector`: a loopback HTTP server answering like the Bot Framework connector
  that Teams bots call for proactive messages.
- :class:`FakePlatform`: an in-memory (or SQLite-backed) double of the bot's outbound platform port.
"""

from tests.fakes.bot_connector import ConnectorCall, FakeBotConnector
from tests.fakes.platform import (
    FakePlatform,
    PlatformError,
    RateLimited,
    SentMessage,
    TransientError,
    Unreachable,
)
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall

__all__ = [
    "ConnectorCall",
    "FakeBotConnector",
    "FakePlatform",
    "FakeSlackWebApi",
    "PlatformError",
    "RateLimited",
    "SentMessage",
    "SlackCall",
    "TransientError",
    "Unreachable",
]
