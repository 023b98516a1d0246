"""bolt's installation and OAuth state stores over our tables (several replicas share them)."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.services.context import Deps
from storage.repositories.slack import (
    BOT,
    INSTALLATION,
    MEMBER,
    InstallationKey,
)

log = logging.getLogger(__name__)


def _installed_at(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


class SqlInstallationStore(AsyncInstallationStore):
    """Installations and bots by (client id, enterprise, team). Saving an installation saves
    its bot too: bot rows are what requests and proactive sends are authorized with."""

    def __init__(self, deps: Deps, *, client_id: str) -> None:
        self.deps = deps
        self.client_id = client_id
        self._logger = log
        #: Told of every installation the OAuth flow stores (a workspace installing again).
        self.on_installed: Callable[[Installation], Awaitable[None]] | None = None

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def _key(
        self,
        enterprise_id: str | None,
        team_id: str | None,
        *,
        is_enterprise_install: bool | None = False,
        user_id: str | None = None,
    ) -> InstallationKey:
        team = None if is_enterprise_install else team_id
        return InstallationKey(self.client_id, enterprise_id, team, user_id)

    def _save(
        self, kind: str, key: InstallationKey, data: str, enterprise: bool, at: float
    ) -> None:
        with self.deps.uow() as uow:
            uow.slack_installations.save(
                kind,
                key,
                data=data,
                is_enterprise_install=enterprise,
                installed_at=_installed_at(at),
            )
            uow.commit()

    def _find(self, kind: str, key: InstallationKey) -> str | None:
        with self.deps.uow() as uow:
            return uow.slack_installations.find(kind, key)

    def _delete(self, kind: str, key: InstallationKey) -> int:
        with self.deps.uow() as uow:
            count = uow.slack_installations.delete(kind, key)
            uow.commit()
        return count

    async def async_save(self, installation: Installation) -> None:
        key = self._key(
            installation.enterprise_id,
            installation.team_id,
            is_enterprise_install=installation.is_enterprise_install,
            user_id=installation.user_id,
        )
        data = json.dumps(installation.__dict__)
        enterprise = bool(installation.is_enterprise_install)
        await asyncio.to_thread(
            self._save, INSTALLATION, key, data, enterprise, installation.installed_at
        )
        await self.async_save_bot(installation.to_bot())
        if self.on_installed is not None:
            await self.on_installed(installation)

    def _enterprise_of(self, team_id: str) -> str | None:
        with self.deps.reader() as uow:
            return uow.slack_installations.enterprise_of(self.client_id, team_id)

    async def async_enterprise_of(self, team_id: str) -> str | None:
        """The organisation whose org-wide install serves this workspace, once seen."""
        return await asyncio.to_thread(self._enterprise_of, team_id)

    async def async_save_member(self, *, enterprise_id: str, team_id: str) -> None:
        """Remember that a workspace is served by its organisation's org-wide install, so
        that messages the bot sends there on its own find the organisation's token."""
        key = InstallationKey(self.client_id, enterprise_id, team_id)
        now = self.deps.clock.now().timestamp()
        await asyncio.to_thread(self._save, MEMBER, key, "{}", True, now)

    def _rotate(self, key: InstallationKey, bot: Bot) -> int:
        """The installation rows of the bot's workspace, with its new tokens."""
        fields = {
            "bot_token": bot.bot_token,
            "bot_refresh_token": bot.bot_refresh_token,
            "bot_token_expires_at": bot.bot_token_expires_at,
        }
        with self.deps.uow() as uow:
            repo = uow.slack_installations
            rows = repo.every(INSTALLATION, key)
            for row_id, data in rows:
                repo.replace_data(row_id, json.dumps({**json.loads(data), **fields}))
            uow.commit()
        return len(rows)

    async def async_save_rotated(self, bot: Bot) -> None:
        """A refreshed bot token: the bot row and every installation row of the workspace
        hold the new tokens (the old refresh token works no more)."""
        await self.async_save_bot(bot)
        key = self._key(
            bot.enterprise_id, bot.team_id, is_enterprise_install=bot.is_enterprise_install
        )
        await asyncio.to_thread(self._rotate, key, bot)

    async def async_save_bot(self, bot: Bot) -> None:
        key = self._key(
            bot.enterprise_id, bot.team_id, is_enterprise_install=bot.is_enterprise_install
        )
        data = json.dumps(bot.__dict__)
        enterprise = bool(bot.is_enterprise_install)
        await asyncio.to_thread(self._save, BOT, key, data, enterprise, bot.installed_at)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        key = self._key(enterprise_id, team_id, is_enterprise_install=is_enterprise_install)
        data = await asyncio.to_thread(self._find, BOT, key)
        return Bot(**json.loads(data)) if data else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        key = self._key(
            enterprise_id, team_id, is_enterprise_install=is_enterprise_install, user_id=user_id
        )
        data = await asyncio.to_thread(self._find, INSTALLATION, key)
        return Installation(**json.loads(data)) if data else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self._delete, BOT, self._key(enterprise_id, team_id))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        key = self._key(enterprise_id, team_id, user_id=user_id)
        await asyncio.to_thread(self._delete, INSTALLATION, key)


class SqlOAuthStateStore(AsyncOAuthStateStore):
    """The OAuth ``state`` parameter: issued once, consumed once, expiring after 10 minutes."""

    def __init__(self, deps: Deps, *, expiration_seconds: int = 600) -> None:
        self.deps = deps
        self.expiration = timedelta(seconds=expiration_seconds)
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def _issue(self, state: str) -> None:
        with self.deps.uow() as uow:
            repo = uow.slack_oauth_states
            now = self.deps.clock.now()
            repo.prune(now=now)
            repo.issue(state, expires_at=now + self.expiration)
            uow.commit()

    def _consume(self, state: str) -> bool:
        with self.deps.uow() as uow:
            valid = uow.slack_oauth_states.consume(state, now=self.deps.clock.now())
            uow.commit()
        return valid

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(24)
        await asyncio.to_thread(self._issue, state)
        return state

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self._consume, state)
