"""Decorators that put the ids on every log line and time what is handled, so the handling
code stays as it is: a delivery being sent, a command (typed, a form) or a button answered."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from bot.ops import logs, metrics
from nudges.model import Delivery

if TYPE_CHECKING:
    from bot.replies import Reply
    from bot.services.context import Actor
    from bot.services.request import Request

log = logging.getLogger("bot.commands")

P = ParamSpec("P")
S = TypeVar("S")
R = TypeVar("R")


def about_delivery(
    send: Callable[Concatenate[S, Delivery, P], Awaitable[R]],
) -> Callable[Concatenate[S, Delivery, P], Awaitable[R]]:
    """Lines logged while ``send(self, delivery, ...)`` runs carry the delivery's ids."""

    @functools.wraps(send)
    async def bound(self: S, delivery: Delivery, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with logs.bound(
            delivery_id=delivery.id,
            person_id=delivery.recipient_id,
            platform=delivery.platform.value,
        ):
            return await send(self, delivery, *args, **kwargs)

    return bound


def about_command(
    run: Callable[Concatenate[S, Request, object, P], Reply],
) -> Callable[Concatenate[S, Request, object, P], Reply]:
    """``run(self, request, command, ...)``: its lines carry who asked what where, its time
    goes to ``nudgebot_command_duration_seconds``, and one INFO line says it was answered."""

    @functools.wraps(run)
    def timed(self: S, request: Request, command: object, /, *a: P.args, **k: P.kwargs) -> Reply:
        return _observed(
            request.actor,
            metrics.command_name(command),
            lambda: run(self, request, command, *a, **k),
        )

    return timed


def about_button(
    answer: Callable[Concatenate[S, Actor, P], tuple[Reply, str | None]],
) -> Callable[Concatenate[S, Actor, P], tuple[Reply, str | None]]:
    """``answer(self, actor, *, verb=..., ...)``: a button, named by its verb."""

    @functools.wraps(answer)
    def timed(
        self: S, actor: Actor, /, *args: P.args, **kwargs: P.kwargs
    ) -> tuple[Reply, str | None]:
        verb: Any = kwargs.get("verb")
        name = str(getattr(verb, "value", verb))
        answered: list[tuple[Reply, str | None]] = []

        def call() -> Reply:
            answered.append(answer(self, actor, *args, **kwargs))
            return answered[0][0]

        _observed(actor, name, call)
        return answered[0]

    return timed


def _observed(actor: Actor, name: str, call: Callable[[], Reply]) -> Reply:
    platform = actor.workspace.platform
    started = time.perf_counter()
    with (
        logs.bound(
            person_id=actor.person.id,
            workspace=actor.workspace.external_id,
            platform=platform.value,
            command=name,
        ),
        metrics.timed_command(platform, name),
    ):
        reply = call()
        log.info(
            "%s answered (%s) in %.0f ms",
            name,
            reply.tone.value,
            (time.perf_counter() - started) * 1000,
        )
    return reply
