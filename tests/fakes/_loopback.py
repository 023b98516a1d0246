"""A small aiohttp server on 127.0.0.1 that runs in the test's event loop or in its own thread."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_fixture(relative: str) -> Any:
    """The parsed JSON of ``tests/fixtures/<relative>``."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


class LoopbackServer:
    """Base class: subclasses add their routes in :meth:`_add_routes`.

    ``async with Server() as s`` starts it in the running loop; ``with Server.in_thread() as s``
    starts it in a background thread with its own loop, for sync tests and other processes.
    State shared with the test is guarded by ``self._lock``; handlers never await while holding it.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def _add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self.port is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        app = web.Application()
        self._add_routes(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(runner, sock)
        try:
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @classmethod
    @contextmanager
    def in_thread(cls, *args: Any, **kwargs: Any) -> Iterator[Self]:
        """Run a new server in a daemon thread with its own event loop until the block ends."""
        server = cls(*args, **kwargs)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name=f"{cls.__name__}-loop", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
            try:
                yield server
            finally:
                asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
