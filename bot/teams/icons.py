"""The Teams app icons, shipped as PNG files next to this module (``icons_png/``).

The mark is a speech bubble with a heart in it: a conversation that keeps a relationship warm.

- ``color.png``: 192x192, full colour: a white bubble and a coral heart on the accent colour.
- ``outline.png``: 32x32, white on a transparent background (Teams accepts nothing else): the
  bubble's outline with a filled heart inside. Every pixel is white; only alpha varies.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

RGB = tuple[int, int, int]

ACCENT: RGB = (0x1F, 0x7A, 0x6D)  # deep teal: the colour icon's background and the accent colour
HEART: RGB = (0xE8, 0x50, 0x5B)  # coral
WHITE: RGB = (0xFF, 0xFF, 0xFF)

COLOR_SIZE = 192
OUTLINE_SIZE = 32


def accent_hex() -> str:
    """The accent colour as Teams wants it in the manifest: ``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*ACCENT)


@cache
def _shipped(name: str) -> bytes:
    return files("bot.teams").joinpath("icons_png", name).read_bytes()


def color_icon() -> bytes:
    """The full-colour icon (PNG)."""
    return _shipped("color.png")


def outline_icon() -> bytes:
    """The outline icon (PNG)."""
    return _shipped("outline.png")
