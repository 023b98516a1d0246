"""The Teams app icons, drawn and PNG-encoded with the standard library only.

The mark is a speech bubble with a heart in it: a conversation that keeps a relationship warm.
Shapes are signed distance functions (negative inside, in pixels), so edges are anti-aliased by
their distance to the pixel centre, with no supersampling.

- :func:`color_icon`: 192x192, full colour: a white bubble and a coral heart on the accent colour.
- :func:`outline_icon`: 32x32, white on a transparent background (Teams accepts nothing else):
  the bubble's outline with a filled heart inside. Every pixel is white; only alpha varies.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence
from functools import cache

RGB = tuple[int, int, int]
# A signed distance in unit coordinates (the icon spans 0..1 on both axes, y pointing down).
Shape = Callable[[float, float], float]

ACCENT: RGB = (0x1F, 0x7A, 0x6D)  # deep teal: the colour icon's background and the accent colour
HEART: RGB = (0xE8, 0x50, 0x5B)  # coral
WHITE: RGB = (0xFF, 0xFF, 0xFF)

COLOR_SIZE = 192
OUTLINE_SIZE = 32

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def accent_hex() -> str:
    """The accent colour as Teams wants it in the manifest: ``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*ACCENT)


# --- PNG encoding ----------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(width: int, height: int, rgba: bytes) -> bytes:
    """A PNG of ``width`` x ``height`` RGBA pixels, 8 bits per channel, row by row, top first.

    Every scanline uses filter type 0 (none); zlib does the compressing.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"A PNG needs a positive size, not {width}x{height}.")
    if len(rgba) != width * height * 4:
        raise ValueError(
            f"{width}x{height} RGBA pixels take {width * height * 4} bytes, not {len(rgba)}."
        )
    stride = width * 4
    raw = b"".join(b"\x00" + rgba[row * stride : (row + 1) * stride] for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (
        _PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


# --- Shapes ----------------------------------------------------------------------------------


def rounded_box(left: float, top: float, right: float, bottom: float, radius: float) -> Shape:
    cx, cy = (left + right) / 2, (top + bottom) / 2
    hx, hy = (right - left) / 2 - radius, (bottom - top) / 2 - radius

    def distance(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - hx, abs(y - cy) - hy
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - radius

    return distance


def circle(cx: float, cy: float, radius: float) -> Shape:
    return lambda x, y: math.hypot(x - cx, y - cy) - radius


def convex_polygon(points: Sequence[tuple[float, float]]) -> Shape:
    """Exact inside; outside it is the distance to the nearest edge's line (corners stay sharp)."""
    area2 = sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True)
    )
    turn = 1.0 if area2 > 0 else -1.0
    edges: list[tuple[float, float, float]] = []  # outward unit normal (nx, ny) and offset
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = turn * (y1 - y0) / length, -turn * (x1 - x0) / length
        edges.append((nx, ny, nx * x0 + ny * y0))
    return lambda x, y: max(nx * x + ny * y - offset for nx, ny, offset in edges)


def union(*shapes: Shape) -> Shape:
    return lambda x, y: min(shape(x, y) for shape in shapes)


def stroke(shape: Shape, width: float) -> Shape:
    """A band of ``width`` just inside the shape's edge."""
    return lambda x, y: abs(shape(x, y) + width / 2) - width / 2


def heart(cx: float, cy: float, half: float) -> Shape:
    """A heart: a square standing on its corner, with a circle on each of its two upper sides.

    ``(cx, cy)`` is the square's centre and ``half`` its half-diagonal.
    """
    diamond = convex_polygon([(cx, cy - half), (cx + half, cy), (cx, cy + half), (cx - half, cy)])
    radius = half / math.sqrt(2)
    return union(
        diamond,
        circle(cx - half / 2, cy - half / 2, radius),
        circle(cx + half / 2, cy - half / 2, radius),
    )


def bubble() -> Shape:
    """A rounded speech bubble with its tail at the bottom left."""
    body = rounded_box(0.14, 0.18, 0.86, 0.70, 0.14)
    tail = convex_polygon([(0.28, 0.62), (0.46, 0.62), (0.24, 0.84)])
    return union(body, tail)


def _heart_in_bubble() -> Shape:
    return heart(0.5, 0.47, 0.17)


# --- Rendering -------------------------------------------------------------------------------


def _coverage(shape: Shape, x: float, y: float, size: int) -> float:
    """How much of the pixel around unit point (x, y) the shape covers, 0..1."""
    return min(max(0.5 - shape(x, y) * size, 0.0), 1.0)


def render(
    size: int, background: tuple[int, int, int, int], layers: Sequence[tuple[Shape, RGB]]
) -> bytes:
    """RGBA pixels: ``layers`` painted in order over ``background``, each edge anti-aliased."""
    pixels = bytearray()
    for row in range(size):
        y = (row + 0.5) / size
        for col in range(size):
            x = (col + 0.5) / size
            r, g, b, a = (float(c) for c in background)
            for shape, (lr, lg, lb) in layers:
                cover = _coverage(shape, x, y, size)
                if cover == 0.0:
                    continue
                # "over" compositing, straight (not premultiplied) alpha
                out_a = cover * 255 + a * (1 - cover)
                if out_a > 0:
                    keep = a * (1 - cover) / out_a
                    lit = cover * 255 / out_a
                    r, g, b = lr * lit + r * keep, lg * lit + g * keep, lb * lit + b * keep
                a = out_a
            pixels += bytes(round(c) for c in (r, g, b, a))
    return bytes(pixels)


@cache
def color_icon(size: int = COLOR_SIZE) -> bytes:
    """The full-colour icon (PNG): a white bubble and a coral heart on the accent colour."""
    layers = [(bubble(), WHITE), (_heart_in_bubble(), HEART)]
    return encode_png(size, size, render(size, (*ACCENT, 255), layers))


@cache
def outline_icon(size: int = OUTLINE_SIZE) -> bytes:
    """The outline icon (PNG): white lines and a white heart on a fully transparent background."""
    line = 2.0 / OUTLINE_SIZE  # two pixels at 32x32
    layers = [(stroke(bubble(), line), WHITE), (heart(0.5, 0.46, 0.15), WHITE)]
    return encode_png(size, size, render(size, (*WHITE, 0), layers))
