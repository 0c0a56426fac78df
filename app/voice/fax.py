"""The FAX page: the message on A4 in a large Japanese font, for residents who read paper.

Rendered with Pillow at fax resolution (fine mode: 1728 dots across, 204 × 196 dpi), black
and white, wrapped by character with the usual line-start rules (no 。、」 at the start of a
line), continued on further pages when long. The same pages become a G3 TIFF for a fax
modem engine (efax) or a PDF for an e-mail-to-FAX gateway.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1728, 2292  # A4 in fine mode: 8 dots/mm across, 7.7 lines/mm down
DPI = (204, 196)
MARGIN = 110
TITLE_PX = 84  # ≈ 11 mm tall: readable without glasses
BODY_PX = 68  # ≈ 8.5 mm
LINE_GAP = 1.45
NO_LINE_START = set("、。，．・：；？！ー）」』】〕〉》’”ぁぃぅぇぉっゃゅょァィゥェォッャュョ"
                    ",.:;!?)")

FONT_CANDIDATES = (
    "C:/Windows/Fonts/meiryob.ttc", "C:/Windows/Fonts/meiryo.ttc",
    "C:/Windows/Fonts/YuGothB.ttc", "C:/Windows/Fonts/msgothic.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)


class FaxPageError(ValueError):
    """The page cannot be made; the message says why, in Japanese."""


def find_font(configured: str = "") -> Path:
    candidates = (configured,) if configured else FONT_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    raise FaxPageError("FAX用の日本語フォントが見つかりません（[fax] font で指定してください）")


@functools.lru_cache(maxsize=16)
def _font(path: Path, size: int) -> Any:
    from PIL import ImageFont

    # Noto CJK collections hold JP, KR, SC, TC …: index 0 is Japanese in Noto's .ttc files.
    return ImageFont.truetype(str(path), size, index=0)


@functools.lru_cache(maxsize=8192)
def _advance(font: Any, ch: str) -> float:
    """One character's advance width, measured once per font (the Japanese text has no
    kerning to speak of: a line's width is the sum of its characters' advances, within a few
    dots of what the layout engine draws, far inside the margin)."""
    return float(font.getlength(ch))


@functools.lru_cache(maxsize=1024)
def _wrap_paragraph(paragraph: str, font: Any, width: int) -> tuple[str, ...]:
    # Cached per paragraph: while the operator types, only the edited paragraph is wrapped
    # again (the preview's page count runs on every keystroke).
    lines: list[str] = []
    line, used = "", 0.0
    for ch in paragraph:
        advance = _advance(font, ch)
        if line and used + advance > width and ch not in NO_LINE_START:
            lines.append(line)
            line, used = "", 0.0
        line += ch  # a line-start-forbidden character hangs at the end instead
        used += advance
    lines.append(line)
    return tuple(lines)


def wrap(text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(paragraph, font, width))
    return lines


@dataclass(frozen=True)
class FaxDocument:
    pages: list[Any]  # PIL images, mode "1"

    def tiff_g3(self) -> bytes:
        buffer = io.BytesIO()
        first, *rest = self.pages
        first.save(buffer, format="TIFF", compression="group3", dpi=DPI, save_all=True,
                   append_images=rest)
        return buffer.getvalue()

    def pdf(self) -> bytes:
        buffer = io.BytesIO()
        first, *rest = self.pages
        first.save(buffer, format="PDF", resolution=float(DPI[0]), save_all=True,
                   append_images=rest)
        return buffer.getvalue()


def render(title: str, body: str, *, sender: str = "", font_path: str = "",
           sent_at: dt.datetime | None = None) -> FaxDocument:
    from PIL import Image, ImageDraw

    path = find_font(font_path)
    title_font, body_font = _font(path, TITLE_PX), _font(path, BODY_PX)
    small = _font(path, 40)
    usable = WIDTH - 2 * MARGIN
    title_lines = wrap(title.strip(), title_font, usable)
    body_lines = wrap(body.strip(), body_font, usable)
    if not body.strip() and not title.strip():
        raise FaxPageError("FAXの件名と本文が空です")
    when = (sent_at or dt.datetime.now()).strftime("%Y年%m月%d日 %H時%M分")
    footer = f"{sender}　{when}".strip()
    pages: list[Any] = []
    queue = [(line, title_font, TITLE_PX) for line in title_lines]
    queue.append(("", body_font, BODY_PX // 2))
    queue += [(line, body_font, BODY_PX) for line in body_lines]
    for placed in _paginate(queue):
        page = Image.new("1", (WIDTH, HEIGHT), 1)
        draw = ImageDraw.Draw(page)
        for y, (line, font, _size) in placed:
            draw.text((MARGIN, y), line, font=font, fill=0)
        pages.append(page)
    for number, page in enumerate(pages, start=1):
        draw = ImageDraw.Draw(page)
        draw.text((MARGIN, HEIGHT - MARGIN), f"{footer}　{number}/{len(pages)}", font=small,
                  fill=0)
    return FaxDocument(pages)


def _paginate(queue: list[tuple[str, Any, int]]) -> list[list[tuple[int, tuple[str, Any, int]]]]:
    """Lines placed on pages: (y, line) per page, top to bottom."""
    bottom = HEIGHT - MARGIN - 60
    pages: list[list[tuple[int, tuple[str, Any, int]]]] = []
    queue = list(queue)
    while queue:
        placed: list[tuple[int, tuple[str, Any, int]]] = []
        y = MARGIN
        while queue and y + queue[0][2] <= bottom:
            item = queue.pop(0)
            placed.append((y, item))
            y += round(item[2] * LINE_GAP)
        pages.append(placed)
    return pages


def page_count(title: str, body: str, *, font_path: str = "") -> int:
    """How many pages ``render`` makes, without drawing them (for the preview)."""
    path = find_font(font_path)
    title_font, body_font = _font(path, TITLE_PX), _font(path, BODY_PX)
    usable = WIDTH - 2 * MARGIN
    queue = [(line, title_font, TITLE_PX) for line in wrap(title.strip(), title_font, usable)]
    queue.append(("", body_font, BODY_PX // 2))
    queue += [(line, body_font, BODY_PX) for line in wrap(body.strip(), body_font, usable)]
    return len(_paginate(queue))
