"""Which bot token to use for a workspace, refreshed when token rotation is on.

Slack rotates tokens only while authorizing an incoming request; proactive sends refresh them
here. A refresh token works once, so two replicas refreshing the same workspace at once would
break its installation: refreshes are serialized per team (a PostgreSQL advisory lock across
replicas; a process lock on SQLite, which serves one process)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.ports import Unreachable
from bot.slack.installations import SqlInstallationStore
from storage.locks import SharedLocks

log = logging.getLogger(__name__)

REFRESH_MINUTES_BEFORE_EXPIRY = 120
BOT_SECONDS = 10.0  # how long authorize keeps a workspace's bot (an uninstall shows after it)


class TokenSource(Protocol):
    async def bot_token(self, *, team_id: str | None, enterprise_id: str | None = None) -> str:
        """The bot token for a workspace; Unreachable when the app is not installed there."""
        ...


@dataclass(frozen=True)
class FixedToken:
    """One workspace, one token (``SLACK_BOT_TOKEN``)."""

    token: str

    async def bot_token(self, *, team_id: str | None, enterprise_id: str | None = None) -> str:
        return self.token


def lock_key(team_id: str) -> int:
    digest = hashlib.sha256(f"nudgebot:slack-token:{team_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass
class TeamLocks:
    """One token refresh per workspace at a time: in this process, and across replicas
    through a lock the database holds."""

    shared: SharedLocks
    _local: dict[str, asyncio.Lock] = field(default_factory=dict)

    @asynccontextmanager
    async def hold(self, team_id: str) -> AsyncIterator[None]:
        local = self._local.setdefault(team_id, asyncio.Lock())
        async with local:
            shared = self.shared.named(lock_key(team_id))
            await asyncio.to_thread(shared.acquire)
            try:
                yield
            finally:
                await asyncio.to_thread(shared.release)


@dataclass
class InstalledTokens:
    """Bot tokens from the installation store (the OAuth install flow)."""

    store: SqlInstallationStore
    client: AsyncWebClient
    client_id: str
    client_secret: str
    rotation: bool
    locks: TeamLocks

    async def bot(self, *, team_id: str | None, enterprise_id: str | None = None) -> Bot:
        bot = await self.store.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None and enterprise_id is None and team_id:
            # A message of the bot's own to a workspace of an organisation that installed the
            # app org-wide: the organisation, as remembered from that workspace's requests.
            enterprise_id = await self.store.async_enterprise_of(team_id)
        if bot is None and enterprise_id is not None:  # an org-wide install
            bot = await self.store.async_find_bot(
                enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
            )
        if bot is None:
            raise Unreachable(f"slack app not installed in {team_id or enterprise_id}")
        if not (self.rotation and bot.bot_refresh_token):
            return bot
        async with self.locks.hold(team_id or enterprise_id or ""):
            # Another replica may have refreshed while this one waited: read again.
            fresh = await self.store.async_find_bot(
                enterprise_id=bot.enterprise_id,
                team_id=bot.team_id,
                is_enterprise_install=bot.is_enterprise_install,
            )
            bot = fresh or bot
            rotator = AsyncTokenRotator(
                client=self.client, client_id=self.client_id, client_secret=self.client_secret
            )
            rotated = await rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=REFRESH_MINUTES_BEFORE_EXPIRY
            )
            if rotated is not None:
                await self.store.async_save_rotated(rotated)
                log.info("refreshed the bot token of %s", bot.team_id or bot.enterprise_id)
                bot = rotated
        return bot

    async def bot_token(self, *, team_id: str | None, enterprise_id: str | None = None) -> str:
        bot = await self.bot(team_id=team_id, enterprise_id=enterprise_id)
        if not bot.bot_token:
            raise Unreachable(f"no bot token for {team_id or enterprise_id}")
        return bot.bot_token


class TokenAuthorize(AsyncAuthorize):
    """bolt's authorize for many workspaces: the bot token from our store (refreshed, one
    replica at a time), and ``auth.test`` answered once per token, not on every request.

    The bot found is kept for a few seconds: a busy moment (every database thread taken)
    must not hold up the acknowledgement of a click whose form has 3 seconds to open. A token
    close to its refresh is never taken from there."""

    def __init__(self, tokens: InstalledTokens, *, keep_seconds: float = BOT_SECONDS) -> None:
        self.tokens = tokens
        self.keep_seconds = keep_seconds
        self._cache: dict[str, AuthorizeResult] = {}
        self._bots: dict[tuple[str | None, str | None], tuple[float, Bot]] = {}
        self._members: set[tuple[str, str]] = set()  # (organisation, workspace) remembered

    async def _bot(self, *, team_id: str | None, enterprise_id: str | None) -> Bot:
        key = (enterprise_id, team_id)
        now = time.monotonic()
        kept = self._bots.get(key)
        if kept is not None and now - kept[0] < self.keep_seconds and self._fresh(kept[1]):
            return kept[1]
        bot = await self.tokens.bot(team_id=team_id, enterprise_id=enterprise_id)
        if len(self._bots) > 1000:
            self._bots.clear()
        self._bots[key] = (now, bot)
        return bot

    def _fresh(self, bot: Bot) -> bool:
        if not (self.tokens.rotation and bot.bot_token_expires_at):
            return True
        left = bot.bot_token_expires_at - time.time()
        return left > REFRESH_MINUTES_BEFORE_EXPIRY * 60

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        try:
            bot = await self._bot(team_id=team_id, enterprise_id=enterprise_id)
        except Unreachable:
            return None
        if bot.is_enterprise_install and enterprise_id and team_id:
            await self._remember(enterprise_id, team_id)
        token = bot.bot_token or ""
        cached = self._cache.get(token)
        if cached is None:
            response = await context.client.auth_test(token=token)
            cached = AuthorizeResult.from_auth_test_response(
                bot_token=token, bot_scopes=bot.bot_scopes, auth_test_response=response
            )
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[token] = cached
        result = AuthorizeResult(
            enterprise_id=cached.enterprise_id,
            team_id=cached.team_id,
            team=cached.team,
            url=cached.url,
            bot_user_id=cached.bot_user_id,
            bot_id=cached.bot_id,
            bot_token=token,
            bot_scopes=cached.bot_scopes,
            user_id=user_id,
        )
        return result

    async def _remember(self, enterprise_id: str, team_id: str) -> None:
        if (enterprise_id, team_id) in self._members:
            return
        await self.tokens.store.async_save_member(enterprise_id=enterprise_id, team_id=team_id)
        self._members.add((enterprise_id, team_id))
