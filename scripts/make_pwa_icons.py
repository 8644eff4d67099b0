"""Draw the web app's PNG icons (danso/web/static/danso/icons/icon-192.png, icon-512.png)
from the favicon's shapes, with the standard library only: `python scripts/make_pwa_icons.py`."""

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "danso" / "web" / "static" / "danso" / "icons"
BRAND, WHITE, PALE = (0x0B, 0x6E, 0x4F), (255, 255, 255), (0xDA, 0xE9, 0xE4)


def colour(x: float, y: float) -> tuple[int, int, int]:
    """The favicon's 64×64 drawing: two heads, two bodies on the brand colour."""
    if math.hypot(x - 24, y - 20) < 7 or math.hypot(x - 42, y - 24) < 5.5:
        return WHITE
    if 34 <= y <= 52 and math.hypot((x - 24) / 12, (y - 52) / 18) <= 1:
        return WHITE
    if 38 <= y <= 52 and math.hypot((x - 42) / 10, (y - 52) / 14) <= 1:
        return PALE
    return BRAND


def png(size: int) -> bytes:
    scale = size / 64
    rows = b"".join(
        b"\x00" + b"".join(bytes(colour((x + 0.5) / scale, (y + 0.5) / scale)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))  # fmt: skip


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
