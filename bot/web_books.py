"""HTTP routes for the links the bot gives out: a person's calendar feed
(``GET /calendar/<token>.ics``) and one-time export downloads (``GET /download/<token>``).
Database work runs off the event loop."""

from __future__ import annotations

import asyncio
import io
import logging
import tempfile
import zipfile
from typing import IO, Any

from aiohttp import web

from bot.bootstrap import Container
from bot.services.books.chat import token_digest
from bot.services.books.exports import export_book
from bot.services.books.feed import feed_for_token

log = logging.getLogger(__name__)
SPOOL_BYTES = 8 * 1024 * 1024  # an export larger than this is spooled to a temporary file


def attach_books(app: web.Application, container: Container) -> None:
    app.router.add_get("/calendar/{file}", _calendar(container))
    app.router.add_get("/download/{token}", _download(container))


def _calendar(container: Container) -> Any:
    async def handle(request: web.Request) -> web.Response:
        file = request.match_info["file"]
        if not file.endswith(".ics"):
            raise web.HTTPNotFound()
        now = container.deps.clock.now()
        body = await asyncio.to_thread(
            feed_for_token, container.deps, file.removesuffix(".ics"), now=now
        )
        if body is None:
            raise web.HTTPNotFound(text="No such calendar (it may have been reset).")
        return web.Response(
            body=body,
            content_type="text/calendar",
            charset="utf-8",
            headers={"Cache-Control": "private, max-age=900"},
        )

    return handle


def _download(container: Container) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        spooled = await asyncio.to_thread(_export_zip, container, token)
        if spooled is None:
            raise web.HTTPNotFound(text="This link was used already or has expired: ask again.")
        name, stream = spooled
        response = web.StreamResponse(
            headers={
                "Content-Type": "application/zip",
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            }
        )
        await response.prepare(request)
        try:
            while chunk := await asyncio.to_thread(stream.read, 1 << 16):
                await response.write(chunk)
        finally:
            stream.close()
        await response.write_eof()
        return response

    return handle


def _export_zip(container: Container, token: str) -> tuple[str, IO[bytes]] | None:
    deps = container.deps
    now = deps.clock.now()
    with deps.uow() as uow:
        download = uow.links.take_download(token_digest(token), now=now)
        uow.commit()
        if download is None:
            return None
        person = uow.people.get(download.person_id)
        workspace = uow.workspaces.get(person.workspace_id) if person else None
    if person is None or workspace is None:
        return None
    owners = None if download.everything else frozenset({person.id})
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    encoding = "utf-8-sig" if download.format == "csv" else "utf-8"
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        export_book(
            deps,
            workspace=workspace,
            open_file=lambda name: io.TextIOWrapper(
                archive.open(name, "w"), encoding=encoding, newline=""
            ),
            fmt=download.format,
            owner_ids=owners,
        )
    spool.seek(0)
    log.info("export download for person %s served", person.id)
    return f"nudgebot-export-{now.date().isoformat()}.zip", spool
