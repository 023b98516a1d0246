"""Showing more: a section's "Show all" (a paged modal), its pages, and the Home tab's
"Next 10" / "Previous 10".

The modal opens before anything is read (a ``trigger_id`` is valid for 3 seconds), with
"Loading…", and is filled with ``views.update`` once the section is at hand."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.errors import logged
from bot.slack.home import read_page_value
from bot.slack.listeners.actions import actor_of
from bot.slack.listeners.context import services_of
from bot.slack.pages import Source, loading_view, message_view, page_view


async def show_all(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    async with logged("views.open"):
        opened = await client.views_open(trigger_id=body["trigger_id"], view=loading_view())
        view_id = str((opened.get("view") or {}).get("id") or "")
        await _fill(body, client, context, view_id, Source.loads(str(action.get("value"))))


async def show_page(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    view = body.get("view") or {}
    source = Source.loads(str(view.get("private_metadata") or ""))
    page = str(action.get("value") or "0")
    if source is not None and page.isdigit():
        source = source.at(int(page))
    async with logged("views.update"):
        await _fill(body, client, context, str(view.get("id") or ""), source)


async def _fill(
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    view_id: str,
    source: Source | None,
) -> None:
    services = services_of(context)
    if source is None:
        view = message_view("Show all", "That list cannot be shown any more.")
    else:
        actor = await actor_of(services, client, body)
        reply = await services.full_reply(actor, source)
        view = page_view(reply, source)
    await client.views_update(view_id=view_id, view=view)


async def home_page(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    page = read_page_value(str(action.get("value") or ""))
    services = services_of(context)
    actor = await actor_of(services, client, body)
    seen = str((body.get("view") or {}).get("hash") or "") or None
    await services.publish_home(client, actor, seen_hash=seen, page=page)
