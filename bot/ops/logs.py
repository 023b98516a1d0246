"""Log lines: text for people or JSON for collectors (python-json-logger), a level per logger,
and on every line the ids of what is being handled — ``delivery_id``, ``person_id``,
``workspace``, ``platform``, ``command`` — bound once where the handling starts (:func:`bound`).

What is never logged at INFO or above: tokens, signing secrets, message bodies, and query
strings (an OAuth redirect's ``code`` travels in one): the access log shows the path only.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import TextIO

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse
from pythonjsonlogger.json import JsonFormatter

from bot.config import LogFormat, LoggingSettings

#: The ids a line may carry, in the order the text format shows them.
FIELDS = ("delivery_id", "person_id", "workspace", "platform", "command")
#: Loggers that are too talkative at INFO for a service ("Adding job tentatively…"): at this
#: level unless ``[logging.levels]`` says otherwise or ``-v`` is given.
QUIET: Mapping[str, str] = MappingProxyType({"apscheduler": "WARNING", "alembic": "WARNING"})
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_ids: ContextVar[Mapping[str, object]] = ContextVar(
    "nudgebot_log_ids", default=MappingProxyType({})
)


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    """Every line logged inside the block (also in threads started with ``asyncio.to_thread``,
    which copy the context) carries these ids; ``None`` values are left out."""
    token = _ids.set({**_ids.get(), **{k: v for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _ids.reset(token)


class _WithIds(logging.Filter):
    """Puts the bound ids on each record (an id given with ``extra=`` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _ids.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message [delivery_id=… person_id=…]``."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = " ".join(f"{k}={getattr(record, k)}" for k in FIELDS if hasattr(record, k))
        if not ids:
            return line
        first, newline, rest = line.partition("\n")  # a traceback stays below the ids
        return f"{first} [{ids}]{newline}{rest}"


def json_formatter() -> logging.Formatter:
    """One JSON object per line: ``time`` (ISO 8601, UTC), ``level``, ``logger``,
    ``message``, the bound ids, and ``exc_info`` with a traceback."""
    return JsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


_HANDLER_NAME = "nudgebot"


def configure(
    settings: LoggingSettings, *, verbose: bool = False, stream: TextIO | None = None
) -> logging.Handler:
    """Set up the root logger from ``[logging]`` (``-v``: DEBUG everywhere, the scheduler's
    own lines too). Calling it again replaces the handler it installed before."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(_WithIds())
    handler.setFormatter(json_formatter() if settings.format is LogFormat.JSON else TextFormatter())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else settings.level)
    for name, level in {**QUIET, **settings.levels}.items():
        quiet_by_default = name in QUIET and name not in settings.levels
        logging.getLogger(name).setLevel(logging.NOTSET if verbose and quiet_by_default else level)
    return handler


def installed() -> bool:
    """Whether :func:`configure` set up this process's logging (a worker process it starts
    then logs the same way)."""
    return any(h.get_name() == _HANDLER_NAME for h in logging.getLogger().handlers)


#: Probes and scrapes come every few seconds: a successful one is logged at DEBUG only.
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


class AccessLogger(AbstractAccessLogger):
    """One line per HTTP request: method, path (never the query string), status, duration."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        routine = request.path in PROBES and response.status < 400
        self.logger.log(
            logging.DEBUG if routine else logging.INFO,
            "%s %s %s in %.0f ms",
            request.method,
            request.path,
            response.status,
            time * 1000,
        )
