"""``[links]``: the address people reach the bot's HTTP server at, for the links it gives out
(the calendar feed, export downloads)."""

from __future__ import annotations

import re

from bot.config.reader import Table
from bot.config.settings import LinkSettings


def read_links(table: Table) -> LinkSettings:
    base = table.string("base_url", "")
    if base and not re.match(r"^https?://[^\s/]+", base):
        raise table.error(
            "base_url", base, "an http(s) address like 'https://nudgebot.example.com'"
        )
    table.finish()
    return LinkSettings(base_url=base)
