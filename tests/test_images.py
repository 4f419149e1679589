"""Content images get their width and height from the file (no layout shift), lazy loading,
and async decoding."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from bs4 import BeautifulSoup

from generator.images import add_sizes
from tests.conftest import run


def png(width: int, height: int) -> bytes:
    """A valid PNG of one colour."""
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_built_images_have_sizes(project: Path) -> None:
    folder = project / "content/cardiology/heart-tests"
    (folder / "monitor.png").write_bytes(png(64, 40))
    page = folder / "what-is-it-like-to-wear-a-heart-rhythm-monitor.md"
    page.write_text(
        page.read_text("utf-8") + "\n![A small heart monitor on the chest](monitor.png)\n", "utf-8"
    )
    result = run(["carewheel", "build", "--strict"], project)
    assert result.code == 0, result.output
    html = project / "site/cardiology/heart-tests/what-is-it-like-to-wear-a-heart-rhythm-monitor/index.html"
    img = BeautifulSoup(html.read_text("utf-8"), "html.parser").find("img")
    assert img is not None
    assert (img["width"], img["height"]) == ("64", "40")
    assert img["loading"] == "lazy"
    assert img["decoding"] == "async"
    assert img["alt"] == "A small heart monitor on the chest"


def test_existing_sizes_and_remote_images_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(png(10, 20))
    html = (
        '<p><img src="a.png" width="5" height="6" alt="x"><img src="https://cdn.example/b.png" alt="y"></p>'
    )
    out = add_sizes(html, "page/", lambda url: tmp_path / "a.png" if url.endswith("a.png") else None)
    assert 'width="5" height="6"' in out
    assert 'width="10"' not in out
    assert out.count('loading="lazy"') == 2
    assert 'src="https://cdn.example/b.png" alt="y" loading="lazy"' in out
