"""*Show all* on a summarised digest: the whole of one section, read back from where the digest
came from — the delivery it was (for its recipient, or in the channel it was posted to), or
the command that made it, run again for the person who asks."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import Container
from bot.replies import Reply, Tone, error
from bot.services.context import Actor
from bot.services.sent import shown_to
from bot.teams.cards import DATA_SECTION
from bot.teams.summary import whole_section

SHOWN_FROM_DELIVERY = "delivery"
SHOWN_FROM_COMMAND = "command"


def show_all(container: Container, actor: Actor, value: Any, *, channel_id: str | None) -> Reply:
    """The section a "Show all" asks for; ``channel_id``: the team channel it was pressed in
    (None: the person's own chat)."""
    section = value.get(DATA_SECTION) if isinstance(value, dict) else None
    if not isinstance(section, int) or isinstance(section, bool):
        return error("That button does nothing.")
    whole = _whole(container, actor, value, channel_id=channel_id)
    if whole.tone is Tone.ERROR:
        return whole
    found = whole_section(whole, section)
    return found or error("That list has changed meanwhile; ask for it again.")


def _whole(
    container: Container, actor: Actor, value: dict[str, Any], *, channel_id: str | None
) -> Reply:
    delivery_id = value.get(SHOWN_FROM_DELIVERY)
    command = value.get(SHOWN_FROM_COMMAND)
    if isinstance(delivery_id, int) and not isinstance(delivery_id, bool):
        shown = shown_to(container.deps, actor, delivery_id, channel_id=channel_id)
        return shown or error("That message is no longer kept, or was not sent here.")
    if isinstance(command, str) and command and channel_id is None:
        return container.commands.handle_text(actor, command)
    return error("That button does nothing.")
