#!/usr/bin/env python3
"""Draws Beffroi's icon (a white bell on the town-hall blue) as RGBA PNGs and an
ICO, with the standard library only. Run from the repository root."""
import struct
import zlib
from pathlib import Path

BLUE = (0, 61, 122, 255)   # #003d7a: 10.4:1 contrast with white
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def pixel(x, y):
    """Colour at (x, y) in unit coordinates (0..1)."""
    r = 0.18  # rounded-corner radius
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return CLEAR
    # Bell: a dome, flaring sides, a lip, and a clapper.
    if 0.47 <= x <= 0.53 and 0.14 <= y <= 0.22:
        return WHITE
    if 0.22 <= y <= 0.68:
        t = (y - 0.22) / 0.46
        half = 0.12 + 0.10 * t + 0.10 * t**3
        if abs(x - 0.5) <= half:
            return WHITE
    if 0.68 <= y <= 0.74 and abs(x - 0.5) <= 0.36:
        return WHITE
    if (x - 0.5) ** 2 + (y - 0.80) ** 2 <= 0.06**2:
        return WHITE
    return BLUE


def png(size):
    rows = b""
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            row += bytes(pixel((i + 0.5) / size, (j + 0.5) / size))
        rows += bytes(row)

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def ico(images):
    """An ICO holding PNG images (supported since Windows Vista)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        s = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", s, s, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return head + entries + blobs


out = Path("src-tauri/icons")
out.mkdir(parents=True, exist_ok=True)
for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    (out / name).write_bytes(png(size))
(out / "icon.ico").write_bytes(ico([(32, png(32)), (256, png(256))]))
print("icons written to", out)
