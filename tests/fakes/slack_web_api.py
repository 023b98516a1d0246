"""A fake Slack Web API on loopback, for the real ``slack_sdk`` clients.

Point ``AsyncWebClient(base_url=fake.url)`` or ``WebClient(base_url=fake.url)`` at it. Every call
is recorded (method, parameters from the query string, a form or a JSON body, and the bearer
token), and answered with the shapes Slack documents (the base shapes come from
``tests/fixtures/slack/web_api``). Failures can be queued per method with :meth:`fail_next`.

Behaviour worth knowing, because it is Slack's own:

- ``conversations.history`` returns messages newest first and leaves ``metadata`` out unless the
  call passes ``include_all_metadata``; ``oldest``/``latest`` are exclusive unless ``inclusive``.
- Posting to a user id (``U…``/``W…``) posts into the DM with that user; the reply names the DM
  channel (``"D" + user id`` here, as ``conversations.open`` returns).
- A message takes at most 50 blocks, a view at most 100 (``invalid_blocks`` otherwise), and
  every block must be one Slack accepts: each is parsed and validated with ``slack_sdk.models``
  (lengths of texts, buttons, options...), as Slack validates them (``validate_blocks=False``
  turns that off).
- ``apps.connections.open`` hands out a Socket Mode URL on this server: the socket says
  ``hello`` and stays open until the client closes it or :meth:`drop_sockets` is called.
- With token rotation on, a refresh token works once; a second refresh with the same token fails
  with ``invalid_refresh_token`` (two replicas refreshing at once break the installation).
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.fakes._loopback import FIXTURES, LoopbackServer, load_fixture

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
_JSON_FIELDS = ("blocks", "attachments", "metadata", "view", "users")


@dataclass(frozen=True)
class SlackCall:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    token: str | None
    authorization: str | None
    http_method: str
    status: int = 200
    error: str | None = None
    at: float = 0.0  # time.monotonic() when it arrived

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str | None
    retry_after: int | None
    extra: dict[str, Any] = field(default_factory=dict)
    body: str | None = None  # a raw body that is not Slack's JSON
    content_type: str = "text/plain"


class SlackApiFailure(Exception):
    """Raised inside a handler: answered as ``{"ok": false, "error": ...}`` with HTTP 200."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _dm_channel(user_id: str) -> str:
    return "D" + user_id


def _invalid_block(problem: str) -> SlackApiFailure:
    return SlackApiFailure(
        "invalid_blocks", errors=[problem], response_metadata={"messages": [f"[ERROR] {problem}"]}
    )


def _check_block_models(blocks: list[Any]) -> None:
    """Every block as Slack would check it (slack_sdk's models carry its limits)."""
    for index, block in enumerate(blocks):
        try:
            parsed = Block.parse(block) if isinstance(block, dict) else None
            if parsed is None:
                raise SlackObjectFormationError(f"unknown block {block!r:.80}")
            parsed.to_dict()
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as exc:
            raise _invalid_block(f"{exc} [json-pointer:/blocks/{index}]") from None


def _invalid_blocks(limit: int) -> SlackApiFailure:
    problem = f"must provide an array of no more than {limit} items [json-pointer:/blocks]"
    return SlackApiFailure(
        "invalid_blocks", errors=[problem], response_metadata={"messages": [f"[ERROR] {problem}"]}
    )


class FakeSlackWebApi(LoopbackServer):
    """A Slack Web API double. ``fake.url`` is the ``base_url`` for slack_sdk clients."""

    def __init__(
        self,
        *,
        team_id: str = "T111",
        team_name: str = "Test Workspace",
        bot_user_id: str = "W23456789",
        bot_id: str = "B111",
        app_id: str = "A111",
        first_ts: int = 1_700_000_000,
        validate_blocks: bool = True,
    ) -> None:
        super().__init__()
        self.validate_blocks = validate_blocks
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        #: users.info answers: user id -> fields merged over Slack's example user
        #: (``tz``, ``real_name``, ``name``, ``email``, ``is_bot``, ``deleted``, ...).
        self.users: dict[str, dict[str, Any]] = {}
        #: What ``oauth.v2.access`` answers for a code (without ``ok``); edit freely.
        self.installation: dict[str, Any] = {
            "app_id": app_id,
            "authed_user": {"id": "W111"},
            "scope": "chat:write,commands,im:history,im:write,users:read",
            "token_type": "bot",
            "access_token": f"xoxb-{team_id}-fake",
            "bot_user_id": bot_user_id,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        #: When true, ``oauth.v2.access`` hands out rotating tokens with refresh tokens.
        self.token_rotation = False
        self.token_lifetime = 43_200
        #: ``None`` accepts any token; a set makes other tokens fail with ``invalid_auth``
        #: (tokens handed out by OAuth are added to it).
        self.valid_tokens: set[str] | None = None
        self._expired_tokens: set[str] = set()
        self._revoked_tokens: set[str] = set()
        self._refresh_tokens: dict[str, bool] = {}  # refresh token -> still usable
        self._calls: list[SlackCall] = []
        self._failures: dict[str | None, deque[_Failure]] = {}
        self._let_through: dict[str | None, int] = {}
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._ephemeral: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._home: dict[str, str] = {}  # user id -> view id
        self._ts = itertools.count(first_ts)
        self._seq = itertools.count(1)
        self._handlers: dict[str, Callable[[dict[str, Any], str | None], dict[str, Any]]] = {
            "api.test": lambda p, _t: {"args": p},
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "oauth.v2.access": self._oauth_v2_access,
            "oauth.v2.exchange": self._oauth_v2_exchange,
            "apps.uninstall": self._apps_uninstall,
            "apps.connections.open": self._apps_connections_open,
        }
        self._sockets: set[web.WebSocketResponse] = set()

    # ----------------------------------------------------------------- public, for tests

    @property
    def url(self) -> str:
        """The ``base_url`` for slack_sdk: ``http://127.0.0.1:PORT/api/``."""
        return f"{self.origin}/api/"

    @property
    def calls(self) -> list[SlackCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        after: int = 0,
        body: str | None = None,
        content_type: str = "text/plain",
        **extra: Any,
    ) -> None:
        """Queue a failure for the next call(s) to ``method`` (``None``: to any method).

        - ``status=429``: Slack's rate-limit shape, ``Retry-After`` header (default 1 s) and body
          ``{"ok": false, "error": "ratelimited"}``.
        - another status (500, 503...): a ``text/plain`` error page, or JSON if ``error`` is given.
        - ``error="channel_not_found"`` alone: HTTP 200 with ``{"ok": false, "error": ...}``;
          ``extra`` keys are added to that body.

        - ``body="<html>…"``: that raw body (``content_type``, default ``text/plain``), not
          Slack's JSON, with ``status`` (a proxy's error page).

        ``after=N`` lets the next N calls through first. Failures queue up in order; a method's
        own queue is used before the any-method queue.
        """
        if status == 200 and error is None and body is None:
            raise ValueError("give an error code, a raw body or a non-200 status")
        if status == 429:
            error = error or "ratelimited"
            retry_after = 1 if retry_after is None else retry_after
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            self._let_through[method] = after
            for _ in range(times):
                queue.append(_Failure(status, error, retry_after, dict(extra), body, content_type))

    def pending_failures(self, method: str | None = None) -> int:
        with self._lock:
            return len(self._failures.get(method, ()))

    def add_user(self, user_id: str, tz: str = "America/Los_Angeles", **fields: Any) -> None:
        with self._lock:
            self.users[user_id] = {"tz": tz, **fields}

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages stored in ``channel``, oldest first, with metadata (deep copies)."""
        with self._lock:
            return copy.deepcopy(self._history.get(self._resolve_channel(channel), []))

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Messages in the DM between the bot and ``user_id``, oldest first."""
        return self.messages(_dm_channel(user_id))

    @property
    def ephemeral_messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._ephemeral)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for ``user_id``."""
        with self._lock:
            view_id = self._home.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            view = self._views.get(view_id)
            return copy.deepcopy(view) if view else None

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        """Every stored view (home tabs and modals) by view id."""
        with self._lock:
            return copy.deepcopy(self._views)

    def expire_token(self, token: str) -> None:
        """Later calls with ``token`` fail with ``token_expired``."""
        with self._lock:
            self._expired_tokens.add(token)

    def revoke_token(self, token: str) -> None:
        """Later calls with ``token`` fail with ``token_revoked`` (as after an uninstall)."""
        with self._lock:
            self._revoked_tokens.add(token)

    # ----------------------------------------------------------------- HTTP plumbing

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_get("/socket-mode", self._socket)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        with self._lock:
            self._sockets.add(socket)
        hello = (FIXTURES / "slack" / "socket_mode" / "hello.json").read_text(encoding="utf-8")
        await socket.send_str(hello.strip())
        try:
            async for _ in socket:  # envelopes acknowledged by the client: nothing to do
                pass
        finally:
            with self._lock:
                self._sockets.discard(socket)
        return socket

    @property
    def open_sockets(self) -> int:
        with self._lock:
            return len(self._sockets)

    async def drop_sockets(self) -> None:
        """Close every Socket Mode connection (as Slack does when it refreshes them)."""
        with self._lock:
            sockets = list(self._sockets)
        for socket in sockets:
            await socket.close()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._read_params(request)
        authorization = request.headers.get("Authorization")
        token = self._token(authorization, params)
        with self._lock:
            status, body, headers = self._dispatch(method, params, token)
            self._calls.append(
                SlackCall(
                    method=method,
                    params=params,
                    token=token,
                    authorization=authorization,
                    http_method=request.method,
                    status=status,
                    error=body.get("error") if body else f"http_{status}",
                    at=time.monotonic(),
                )
            )
        if body is None:
            raw = headers.pop("X-Fake-Body", f"{status} server error")
            content_type = headers.pop("X-Fake-Content-Type", "text/plain")
            return web.Response(status=status, text=raw, content_type=content_type, headers=headers)
        return web.json_response(body, status=status, headers=headers)

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw = await request.read()
            if raw:
                body = json.loads(raw)
                if isinstance(body, dict):
                    params.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in _JSON_FIELDS:
            value = params.get(key)
            if isinstance(value, str) and value[:1] in ("[", "{"):
                params[key] = json.loads(value)
        return params

    @staticmethod
    def _token(authorization: str | None, params: dict[str, Any]) -> str | None:
        if authorization and authorization.lower().startswith("bearer "):
            return authorization[7:].strip()
        if authorization and authorization.lower().startswith("basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
            params.setdefault("client_id", client_id)
            params.setdefault("client_secret", client_secret)
        token = params.get("token")
        return token if isinstance(token, str) else None

    def _take_failure(self, method: str) -> _Failure | None:
        for key in (method, None):
            queue = self._failures.get(key)
            if queue:
                if self._let_through.get(key, 0) > 0:
                    self._let_through[key] -= 1
                    return None
                return queue.popleft()
        return None

    def _dispatch(
        self, method: str, params: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        failure = self._take_failure(method)
        if failure is not None:
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            if failure.body is not None:  # a proxy's page, not Slack's JSON
                headers["X-Fake-Body"] = failure.body
                headers["X-Fake-Content-Type"] = failure.content_type
                return failure.status, None, headers
            if failure.error is None:  # a server error page, not JSON
                return failure.status, None, headers
            return failure.status, {"ok": False, "error": failure.error, **failure.extra}, headers
        handler = self._handlers.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        try:
            if not method.startswith("oauth.") and method != "api.test":
                self._check_token(token)
            body = handler(params, token)
        except SlackApiFailure as exc:
            return 200, {"ok": False, "error": exc.error, **exc.extra}, {}
        return 200, {"ok": True, **body}, {}

    def _check_token(self, token: str | None) -> None:
        if not token:
            raise SlackApiFailure("not_authed")
        if token in self._revoked_tokens:
            raise SlackApiFailure("token_revoked")
        if token in self._expired_tokens:
            raise SlackApiFailure("token_expired")
        if self.valid_tokens is not None and token not in self.valid_tokens:
            raise SlackApiFailure("invalid_auth")

    def _next_ts(self) -> str:
        n = next(self._seq)
        return f"{next(self._ts)}.{n:06d}"

    def _resolve_channel(self, channel: str) -> str:
        if channel[:1] in ("U", "W"):
            return _dm_channel(channel)
        return channel

    @staticmethod
    def _require(params: dict[str, Any], *names: str) -> None:
        for name in names:
            if not params.get(name):
                raise SlackApiFailure("invalid_arguments", errors=[f"missing {name}"])

    # ----------------------------------------------------------------- methods

    def _auth_test(self, _params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        body: dict[str, Any] = load_fixture("slack/web_api/auth.test.bot.json")
        body.update(
            url="https://test.slack.com/",
            team=self.team_name,
            team_id=self.team_id,
            user_id=self.bot_user_id,
            bot_id=self.bot_id,
            is_enterprise_install=False,
        )
        body.pop("ok")
        return body

    def _users_info(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        user_id = params.get("user")
        if user_id not in self.users:
            raise SlackApiFailure(load_fixture("slack/web_api/users.info.error.json")["error"])
        fields = dict(self.users[user_id])
        user = load_fixture("slack/web_api/users.info.json")["user"]
        tz = fields.pop("tz", user["tz"])
        offset = datetime.now(UTC).astimezone(ZoneInfo(tz)).utcoffset()
        real_name = fields.pop("real_name", user["real_name"])
        name = fields.pop("name", user_id.lower())
        email = fields.pop("email", f"{name}@example.com")
        user.update(
            id=user_id,
            team_id=self.team_id,
            name=name,
            real_name=real_name,
            tz=tz,
            tz_label=tz,
            tz_offset=int(offset.total_seconds()) if offset is not None else 0,
        )
        user["profile"].update(
            real_name=real_name,
            real_name_normalized=real_name,
            display_name=name,
            display_name_normalized=name,
            email=email,
            team=self.team_id,
        )
        user.update(fields)
        return {"user": user}

    def _conversations_open(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        if params.get("channel"):
            return {"channel": {"id": params["channel"]}, "no_op": True, "already_open": True}
        users = params.get("users")
        if isinstance(users, list):
            users = ",".join(users)
        if not users:
            raise SlackApiFailure("users_list_not_supplied")
        ids = [u.strip() for u in users.split(",") if u.strip()]
        # Several users: a group DM, one id for the set.
        channel = _dm_channel(ids[0]) if len(ids) == 1 else "G" + "".join(sorted(ids))
        already = channel in self._history
        self._history.setdefault(channel, [])
        return {"channel": {"id": channel}, "no_op": already, "already_open": already}

    def _conversations_history(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        self._require(params, "channel")
        channel = self._resolve_channel(params["channel"])
        inclusive = _truthy(params.get("inclusive"))
        oldest = float(params["oldest"]) if params.get("oldest") else None
        latest = float(params["latest"]) if params.get("latest") else None
        limit = min(int(params.get("limit") or 100), 999) or 100
        offset = int(params["cursor"]) if str(params.get("cursor") or "").isdigit() else 0

        def wanted(message: dict[str, Any]) -> bool:
            ts = float(message["ts"])
            if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
                return False
            return latest is None or ts < latest or (ts == latest and inclusive)

        newest_first = [m for m in reversed(self._history.get(channel, [])) if wanted(m)]
        page = copy.deepcopy(newest_first[offset : offset + limit])
        if not _truthy(params.get("include_all_metadata")):
            for message in page:
                message.pop("metadata", None)
        has_more = offset + limit < len(newest_first)
        return {
            "messages": page,
            "has_more": has_more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": str(offset + limit) if has_more else ""},
        }

    def _message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": params.get("text") or "",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "ts": ts,
        }
        for key in ("blocks", "attachments", "metadata", "thread_ts"):
            if params.get(key):
                message[key] = copy.deepcopy(params[key])
        return message

    def _check_message_blocks(self, params: dict[str, Any]) -> None:
        blocks = params.get("blocks")
        if blocks is not None and not isinstance(blocks, list):
            raise SlackApiFailure("invalid_blocks_format")
        if blocks and len(blocks) > MESSAGE_BLOCK_LIMIT:
            raise _invalid_blocks(MESSAGE_BLOCK_LIMIT)
        if blocks and self.validate_blocks:
            _check_block_models(blocks)
        if not params.get("text") and not blocks and not params.get("attachments"):
            raise SlackApiFailure("no_text")

    def _chat_post_message(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        self._require(params, "channel")
        self._check_message_blocks(params)
        channel = self._resolve_channel(params["channel"])
        message = self._message(params, self._next_ts())
        self._history.setdefault(channel, []).append(message)
        reply = {k: v for k, v in message.items() if k != "metadata"}
        return {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(reply)}

    def _chat_update(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        self._require(params, "channel", "ts")
        self._check_message_blocks(params)
        channel = self._resolve_channel(params["channel"])
        for message in self._history.get(channel, []):
            if message["ts"] == params["ts"]:
                break
        else:
            raise SlackApiFailure("message_not_found")
        message["text"] = params.get("text") or ""
        for key in ("blocks", "attachments", "metadata"):
            if key in params:
                message[key] = copy.deepcopy(params[key])
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        reply = {k: v for k, v in message.items() if k != "metadata"}
        return {
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(reply),
        }

    def _chat_post_ephemeral(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        self._require(params, "channel", "user")
        self._check_message_blocks(params)
        message = self._message(params, self._next_ts())
        message.update(channel=params["channel"], user=params["user"])
        self._ephemeral.append(message)
        return {"message_ts": message["ts"]}

    def _new_view(self, view: Any, view_id: str | None = None) -> dict[str, Any]:
        if not isinstance(view, dict) or not view.get("type"):
            raise SlackApiFailure("invalid_arguments", errors=["view must have a type"])
        blocks = view.get("blocks") or []
        if len(blocks) > VIEW_BLOCK_LIMIT:
            raise _invalid_blocks(VIEW_BLOCK_LIMIT)
        if self.validate_blocks:
            _check_block_models(blocks)
            if view.get("type") == "modal":
                try:
                    View(**{k: v for k, v in view.items() if k in View.attributes}).to_dict()
                except (SlackObjectFormationError, TypeError, ValueError) as exc:
                    raise SlackApiFailure("invalid_arguments", errors=[str(exc)]) from None
        stored: dict[str, Any] = load_fixture("slack/web_api/views.publish.json")["view"]
        view_id = view_id or f"V{next(self._seq):08d}"
        stored.update(
            id=view_id,
            root_view_id=view_id,
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot_id,
            callback_id="",
            private_metadata="",
            external_id="",
            state={"values": {}},
        )
        stored.update(copy.deepcopy(view))
        stored["hash"] = f"{next(self._ts)}.{next(self._seq):08d}"
        self._views[view_id] = stored
        return stored

    def _check_hash(self, view_id: str, params: dict[str, Any]) -> None:
        wanted = params.get("hash")
        if wanted and self._views[view_id]["hash"] != wanted:
            raise SlackApiFailure("hash_conflict")

    def _views_publish(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        self._require(params, "user_id", "view")
        user_id = params["user_id"]
        existing = self._home.get(user_id)
        if existing:
            self._check_hash(existing, params)
        view = self._new_view(params["view"], existing)
        self._home[user_id] = view["id"]
        return {"view": copy.deepcopy(view)}

    def _views_open(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        self._require(params, "view")
        if not params.get("trigger_id") and not params.get("interactivity_pointer"):
            raise SlackApiFailure("invalid_arguments", errors=["missing trigger_id"])
        return {"view": copy.deepcopy(self._new_view(params["view"]))}

    def _views_update(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        self._require(params, "view")
        view_id = params.get("view_id")
        if not view_id and params.get("external_id"):
            view_id = next(
                (k for k, v in self._views.items() if v["external_id"] == params["external_id"]),
                None,
            )
        if not view_id or view_id not in self._views:
            raise SlackApiFailure("not_found")
        self._check_hash(view_id, params)
        return {"view": copy.deepcopy(self._new_view(params["view"], view_id))}

    def _issue_tokens(self, body: dict[str, Any]) -> dict[str, Any]:
        n = next(self._seq)
        body["access_token"] = f"xoxe.xoxb-1-{self.team_id}-{n}"
        body["refresh_token"] = f"xoxe-1-{self.team_id}-{n}"
        body["expires_in"] = self.token_lifetime
        self._refresh_tokens[body["refresh_token"]] = True
        return body

    def _grant(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.valid_tokens is not None:
            self.valid_tokens.add(body["access_token"])
        return body

    def _oauth_v2_access(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        if not params.get("client_id"):
            raise SlackApiFailure("invalid_client_id")
        body = copy.deepcopy(self.installation)
        if params.get("grant_type") == "refresh_token":
            refresh = str(params.get("refresh_token") or "")
            if not self._refresh_tokens.get(refresh):
                raise SlackApiFailure("invalid_refresh_token")
            self._refresh_tokens[refresh] = False
            body.pop("authed_user", None)
            return self._grant(self._issue_tokens(body))
        if not params.get("code"):
            raise SlackApiFailure("invalid_code")
        if self.token_rotation:
            self._issue_tokens(body)
        return self._grant(body)

    def _oauth_v2_exchange(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        self._require(params, "client_id", "client_secret")
        if not token:
            raise SlackApiFailure("not_authed")
        body = copy.deepcopy(self.installation)
        body.pop("authed_user", None)
        return self._grant(self._issue_tokens(body))

    def _apps_connections_open(self, _params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not (token or "").startswith("xapp-"):
            raise SlackApiFailure("not_allowed_token_type")
        return {"url": f"ws://127.0.0.1:{self.port}/socket-mode"}

    def _apps_uninstall(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        self._require(params, "client_id", "client_secret")
        if token:
            self._revoked_tokens.add(token)
        return {}
