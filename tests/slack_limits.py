"""Slack's documented limits, checked on what the bot sends: every block parses and validates
with ``slack_sdk.models`` (which checks each element's own limits), and the message-level
limits hold: at most 50 blocks a message and 100 a view, section text at most 3,000
characters, a header 150, button text 75, and fallback ``text`` on every message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def check_blocks(blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        assert parsed.to_dict() is not None  # to_dict validates, nested elements too
        if block["type"] == "section" and block.get("text"):
            assert len(block["text"]["text"]) <= SECTION_TEXT, block
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= HEADER_TEXT, block
    for node in _walk(blocks):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= BUTTON_TEXT, node


def check_message(text: str | None, blocks: list[dict[str, Any]] | None) -> None:
    """A message (posted, updated, or answered through a response URL)."""
    assert text and text.strip(), "every message carries fallback text"
    blocks = blocks or []
    assert len(blocks) <= MESSAGE_BLOCKS, f"{len(blocks)} blocks"
    check_blocks(blocks)


def check_view(view: dict[str, Any]) -> None:
    """A Home tab or a modal."""
    assert len(view["blocks"]) <= VIEW_BLOCKS, f"{len(view['blocks'])} blocks"
    check_blocks(view["blocks"])
    fields = {k: v for k, v in view.items() if k in View.attributes}
    assert View(**fields).to_dict()


def shown_text(payloads: list[Any]) -> str:
    """Everything a person can read in these payloads (texts of every block, and fallback
    texts), as one string, for asserting that something was shown."""
    return json.dumps(payloads, ensure_ascii=False)
