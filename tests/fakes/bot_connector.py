"""A fake Bot Framework connector (the Teams ``serviceUrl``) on loopback.

It answers the REST calls a bot makes for proactive messages:

- ``POST /v3/conversations``: create (or find) a 1:1 conversation -> ``{"id": ...}``
- ``POST /v3/conversations/{conversationId}/activities``: send -> ``{"id": activity id}``
- ``POST /v3/conversations/{conversationId}/activities/{activityId}``: reply -> ``{"id": ...}``
- ``PUT /v3/conversations/{conversationId}/activities/{activityId}``: update -> ``{"id": ...}``
- ``DELETE /v3/conversations/{conversationId}/activities/{activityId}``: delete
- ``GET /v3/conversations/{conversationId}/members/{memberId}``: one member of the roster
  (``fake.roster``), else 404 ``MemberNotFoundInConversation``

Like Teams, it can refuse an activity over a size (``max_activity_bytes``, counted as the JSON
body in UTF-16) with ``413 MessageSizeTooBig``.

Conversation ids contain ``:`` and ``;`` (``19:…@thread.tacv2;messageid=…``); they are read
URL-decoded from the path. Errors use the connector's body ``{"error": {"code", "message"}}``.
A user who blocked the bot gets 403 ``ConversationBlockedByUser`` (the code Microsoft documents
for the connector; Teams' own docs also speak of a ``MessageWritesBlocked`` sub-code, which
``fail_next(status=403, code="MessageWritesBlocked")`` produces).
"""

from __future__ import annotations

import copy
import itertools
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes._loopback import LoopbackServer

CREATE = "create_conversation"
SEND = "send"
REPLY = "reply"
UPDATE = "update"
DELETE = "delete"
MEMBER = "member"
OPERATIONS = (CREATE, SEND, REPLY, UPDATE, DELETE, MEMBER)

#: Default error codes and messages per status, as the connector sends them.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadArgument", "Bad argument"),
    401: ("Unauthorized", "Authorization has been denied for this request."),
    403: ("ConversationBlockedByUser", "User blocked the conversation with the bot."),
    404: ("ConversationNotFound", "Conversation not found."),
    412: ("PreconditionFailed", "Precondition failed, please try again."),
    413: ("MessageSizeTooBig", "Message size too large."),
    429: ("Throttled", "Too many requests."),
    500: ("ServiceError", "Unknown error."),
    502: ("ServiceError", "Bad gateway."),
    503: ("ServiceUnavailable", "Service unavailable."),
    504: ("GatewayTimeout", "Gateway timeout."),
}


@dataclass(frozen=True)
class ConnectorCall:
    """One request the fake received."""

    operation: str
    conversation_id: str | None
    activity_id: str | None
    body: Any
    authorization: str | None
    status: int
    response: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class _Failure:
    status: int
    code: str
    message: str
    retry_after: float | None
    after: int = 0  # calls to let through first


def error_body(status: int, code: str | None = None, message: str | None = None) -> dict[str, Any]:
    default_code, default_message = ERRORS.get(status, ("ServiceError", "Error."))
    return {"error": {"code": code or default_code, "message": message or default_message}}


class FakeBotConnector(LoopbackServer):
    """A Bot Framework connector double; ``fake.service_url`` is the ``serviceUrl`` to call."""

    def __init__(self, *, first_activity_id: int = 1_700_000_000_000) -> None:
        super().__init__()
        #: When set, requests without ``Authorization: Bearer <expected_token>`` get 401.
        self.expected_token: str | None = None
        #: Conversation ids and member ids whose writes fail with 403 until removed.
        self.blocked: set[str] = set()
        #: Activities larger than this (UTF-16 bytes of the JSON body) get 413, as in Teams.
        self.max_activity_bytes: int | None = None
        #: Member id -> what ``GET .../members/{id}`` answers (name, email, givenName, ...).
        self.roster: dict[str, dict[str, Any]] = {}
        self._calls: list[ConnectorCall] = []
        self._failures: dict[str | None, deque[_Failure]] = {}
        self._conversations: dict[str, dict[str, Any]] = {}
        self._activities: dict[str, list[dict[str, Any]]] = {}
        self._by_member: dict[tuple[str | None, str], str] = {}
        self._ids = itertools.count(first_activity_id)
        self._conversation_numbers = itertools.count(1)

    # ----------------------------------------------------------------- public, for tests

    @property
    def service_url(self) -> str:
        """``http://127.0.0.1:PORT/`` (Teams service URLs end with a slash)."""
        return f"{self.origin}/"

    @property
    def calls(self) -> list[ConnectorCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, operation: str) -> list[ConnectorCall]:
        """Calls of one operation (``create_conversation``, ``send``, ``reply``, ...)."""
        with self._lock:
            return [c for c in self._calls if c.operation == operation]

    @property
    def received(self) -> list[Any]:
        """Every activity body received by send, reply and update, in order (failed ones too)."""
        with self._lock:
            return [
                copy.deepcopy(c.body) for c in self._calls if c.operation in (SEND, REPLY, UPDATE)
            ]

    def activities(self, conversation_id: str) -> list[dict[str, Any]]:
        """The activities now in a conversation (updates applied, deletions removed), in order."""
        with self._lock:
            return copy.deepcopy(self._activities.get(conversation_id, []))

    def conversation_with(self, member_id: str, tenant_id: str | None = None) -> str | None:
        """The id of the 1:1 conversation created for ``member_id``, if any."""
        with self._lock:
            found = self._by_member.get((tenant_id, member_id))
            if found is None and tenant_id is None:
                found = next((c for (_, m), c in self._by_member.items() if m == member_id), None)
            return found

    @property
    def conversations(self) -> dict[str, dict[str, Any]]:
        """Created conversations: id -> the parameters they were created with."""
        with self._lock:
            return copy.deepcopy(self._conversations)

    def add_conversation(self, conversation_id: str, activities: list[dict[str, Any]]) -> None:
        """Seed existing activities (for example a card to update later)."""
        with self._lock:
            self._activities.setdefault(conversation_id, []).extend(copy.deepcopy(activities))

    def fail_next(
        self,
        operation: str | None = None,
        *,
        status: int,
        retry_after: float | None = None,
        code: str | None = None,
        message: str | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Queue a failure for the next call(s) of ``operation`` (``None``: any operation),
        once ``after`` calls have gone through.

        429 carries ``Retry-After`` (default 1 s). Bodies are ``{"error": {"code", "message"}}``
        with the connector's usual code for the status unless ``code``/``message`` are given.
        """
        if operation is not None and operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}; expected one of {OPERATIONS}")
        if status == 429 and retry_after is None:
            retry_after = 1
        body = error_body(status, code, message)["error"]
        with self._lock:
            queue = self._failures.setdefault(operation, deque())
            for _ in range(times):
                queue.append(_Failure(status, body["code"], body["message"], retry_after, after))

    def pending_failures(self, operation: str | None = None) -> int:
        with self._lock:
            return len(self._failures.get(operation, ()))

    # ----------------------------------------------------------------- HTTP plumbing

    def _add_routes(self, app: web.Application) -> None:
        base = "/v3/conversations"
        app.router.add_post(base, self._create)
        app.router.add_post(base + "/{conversation_id}/activities", self._send)
        app.router.add_post(base + "/{conversation_id}/activities/{activity_id}", self._reply)
        app.router.add_put(base + "/{conversation_id}/activities/{activity_id}", self._update)
        app.router.add_delete(base + "/{conversation_id}/activities/{activity_id}", self._delete)
        app.router.add_get(base + "/{conversation_id}/members/{member_id}", self._member)

    async def _create(self, request: web.Request) -> web.Response:
        return await self._serve(request, CREATE)

    async def _send(self, request: web.Request) -> web.Response:
        return await self._serve(request, SEND)

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._serve(request, REPLY)

    async def _update(self, request: web.Request) -> web.Response:
        return await self._serve(request, UPDATE)

    async def _delete(self, request: web.Request) -> web.Response:
        return await self._serve(request, DELETE)

    async def _member(self, request: web.Request) -> web.Response:
        return await self._serve(request, MEMBER)

    async def _serve(self, request: web.Request, operation: str) -> web.Response:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        conversation_id = request.match_info.get("conversation_id")
        activity_id = request.match_info.get("activity_id") or request.match_info.get("member_id")
        size = len(raw.decode("utf-8", "replace").encode("utf-16-le"))
        authorization = request.headers.get("Authorization")
        with self._lock:
            status, response, headers = self._answer(
                operation, conversation_id, activity_id, body, authorization, size
            )
            self._calls.append(
                ConnectorCall(
                    operation=operation,
                    conversation_id=conversation_id,
                    activity_id=activity_id,
                    body=copy.deepcopy(body),
                    authorization=authorization,
                    status=status,
                    response=copy.deepcopy(response),
                )
            )
        if response is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(response, status=status, headers=headers)

    def _take_failure(self, operation: str) -> _Failure | None:
        for key in (operation, None):
            queue = self._failures.get(key)
            if queue and queue[0].after > 0:
                queue[0].after -= 1
                return None
            if queue:
                return queue.popleft()
        return None

    def _answer(
        self,
        operation: str,
        conversation_id: str | None,
        activity_id: str | None,
        body: Any,
        authorization: str | None,
        size: int = 0,
    ) -> tuple[int, Any, dict[str, str]]:
        if self.expected_token is not None and authorization != f"Bearer {self.expected_token}":
            return 401, {"message": ERRORS[401][1]}, {}
        if operation == MEMBER:
            member = self.roster.get(activity_id or "")
            if member is None:
                return 404, error_body(404, "MemberNotFoundInConversation", "Not a member."), {}
            return 200, copy.deepcopy(member), {}
        limit = self.max_activity_bytes
        if operation in (SEND, REPLY, UPDATE) and limit is not None and size > limit:
            return 413, error_body(413), {}
        failure = self._take_failure(operation)
        if failure is not None:
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = f"{failure.retry_after:g}"
            body = error_body(failure.status, failure.code, failure.message)
            return failure.status, body, headers
        if operation != DELETE and not isinstance(body, dict):
            return 400, error_body(400, message="The request body must be a JSON object."), {}
        if operation == CREATE:
            return self._create_conversation(body)
        assert conversation_id is not None
        if self._is_blocked(conversation_id):
            return 403, error_body(403), {}
        if operation in (SEND, REPLY):
            activity = copy.deepcopy(body)
            activity["id"] = str(next(self._ids))
            activity.setdefault("conversation", {})["id"] = conversation_id
            if operation == REPLY:
                activity["replyToId"] = activity_id
            self._activities.setdefault(conversation_id, []).append(activity)
            return 200, {"id": activity["id"]}, {}
        stored = self._activities.get(conversation_id, [])
        index = next((i for i, a in enumerate(stored) if a.get("id") == activity_id), None)
        if index is None:
            return 404, error_body(404, "ActivityNotFound", "Activity not found."), {}
        if operation == DELETE:
            del stored[index]
            return 200, None, {}
        activity = copy.deepcopy(body)
        activity["id"] = activity_id
        activity.setdefault("conversation", {})["id"] = conversation_id
        stored[index] = activity
        return 200, {"id": activity_id}, {}

    def _is_blocked(self, conversation_id: str) -> bool:
        if conversation_id in self.blocked:
            return True
        members = self._conversations.get(conversation_id, {}).get("members") or []
        return any(m.get("id") in self.blocked for m in members if isinstance(m, dict))

    def _create_conversation(self, params: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        members = params.get("members") or []
        if not members or not all(isinstance(m, dict) and m.get("id") for m in members):
            return 400, error_body(400, message="Conversation parameters need members."), {}
        if any(m["id"] in self.blocked for m in members):
            return 403, error_body(403), {}
        tenant = params.get("tenantId") or (params.get("channelData") or {}).get("tenant", {}).get(
            "id"
        )
        key = (tenant, members[0]["id"]) if len(members) == 1 else None
        if key is not None and key in self._by_member:
            conversation_id = self._by_member[key]
        else:
            number = next(self._conversation_numbers)
            conversation_id = f"a:1FakeConversation{number:04d}-{members[0]['id'].split(':')[-1]}"
            if key is not None:
                self._by_member[key] = conversation_id
            self._conversations[conversation_id] = copy.deepcopy(params)
        response: dict[str, Any] = {"id": conversation_id}
        activity = params.get("activity")
        if isinstance(activity, dict):
            sent = copy.deepcopy(activity)
            sent["id"] = str(next(self._ids))
            sent.setdefault("conversation", {})["id"] = conversation_id
            self._activities.setdefault(conversation_id, []).append(sent)
            response["activityId"] = sent["id"]
        return 200, response, {}
