"""A small plotting canvas on Pillow for the briefing's charts: one set of axes, drawn at twice
the size and scaled down (smooth lines), text in the heading (黑体-like) face of reports.fonts.

Pillow is already loaded for WeasyPrint's images, so a chart costs a few milliseconds where
matplotlib cost ~0.5 s of imports in every fresh process.
"""

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from reports.fonts import face

Box = tuple[float, float, float, float]  # left, top, right, bottom in canvas pixels
DPI = 130
SCALE = 2  # drawn at twice the size, then scaled down: anti-aliased lines and markers
AXIS, TEXT = "#000000", "#000000"


@lru_cache(maxsize=16)
def font(points: float) -> ImageFont.FreeTypeFont:
    """The heading face at a size in points (at DPI × SCALE)."""
    heading = face("heading")
    return ImageFont.truetype(str(heading.path), round(px(points)), index=heading.index)


def px(points: float) -> float:
    """Points to canvas pixels."""
    return points * DPI / 72 * SCALE


def nice_step(top: float, ticks: int = 5) -> float:
    """A 1/2/5 × 10^k step giving about `ticks` ticks from 0 to top."""
    raw = max(top, 1e-9) / ticks
    power: float = 10 ** math.floor(math.log10(raw))  # int for k >= 0: ticks print 100
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


class Canvas:
    """An image with one set of axes: data x in [x0, x1], y in [0, y1]; box as fractions of
    the figure (left, right, top, bottom) as in matplotlib's subplots_adjust."""

    def __init__(
        self,
        size: tuple[float, float],
        box: tuple[float, float, float, float],
        xlim: tuple[float, float],
        y1: float,
    ):
        self.width, self.height = (round(inch * DPI * SCALE) for inch in size)
        self.image = Image.new("RGB", (self.width, self.height), "white")
        self.draw = ImageDraw.Draw(self.image)
        left, right, top, bottom = box
        self.left, self.right = left * self.width, right * self.width
        self.top, self.bottom = (1 - top) * self.height, (1 - bottom) * self.height
        self.xlim, self.y1 = xlim, y1
        self.placed: list[tuple[str, Box]] = []  # value labels placed so far, with their boxes

    def xy(self, x: float, y: float) -> tuple[float, float]:
        """Canvas pixels of a data point."""
        x0, x1 = self.xlim
        return (
            self.left + (x - x0) / (x1 - x0) * (self.right - self.left),
            self.bottom - y / self.y1 * (self.bottom - self.top),
        )

    def text(
        self,
        at: tuple[float, float],
        text: str,
        points: float,
        fill: str = TEXT,
        anchor: str = "mb",
    ) -> None:
        """Text anchored at a pixel (Pillow anchors: "mb" middle-bottom, "rm" right-middle …)."""
        self.draw.text(at, text, font=font(points), fill=fill, anchor=anchor)

    def rotated(
        self,
        at: tuple[float, float],
        text: str,
        points: float,
        angle: float,
        corner: str,
        fill: str = TEXT,
    ) -> Box:
        """Text rotated by angle degrees, its bounding box's corner ("tr" top-right, "mm"
        centre, "bm" bottom-middle) placed at a pixel; returns the box it covers."""
        box = font(points).getbbox(text)  # whole pixels (typed as floats)
        label = Image.new("L", (int(box[2]) + 2, int(box[3]) + 2), 0)
        ImageDraw.Draw(label).text((1, 1), text, font=font(points), fill=255)
        label = label.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
        x, y = at
        x -= {"tr": label.width, "mm": label.width / 2, "bm": label.width / 2}[corner]
        y -= {"tr": 0, "mm": label.height / 2, "bm": label.height}[corner]
        self.image.paste(Image.new("RGB", label.size, fill), (round(x), round(y)), label)
        return (x, y, x + label.width, y + label.height)

    def label(
        self,
        text: str,
        points: float,
        candidates: list[tuple[float, float, str]],
        fill: str = TEXT,
        plot: bool = False,
    ) -> bool:
        """A value label at the first candidate (x, y, Pillow anchor) where it overlaps no label
        placed before and stays inside the image (with plot, inside the axes); False (nothing
        drawn) when none is free."""
        bounds = (
            (self.left, 0, self.right, self.bottom) if plot else (0, 0, self.width, self.height)
        )
        for x, y, anchor in candidates:
            box = self.draw.textbbox((x, y), text, font=font(points), anchor=anchor)
            inside = box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2]
            if inside and box[3] <= bounds[3] and not self.collides(box):
                self.draw.text((x, y), text, font=font(points), fill=fill, anchor=anchor)
                self.placed.append((text, box))
                return True
        return False

    def collides(self, box: Box, gap: float = 2) -> bool:
        """Whether box comes within gap pixels of a label placed before."""
        return any(
            box[0] < b[2] + gap
            and b[0] < box[2] + gap
            and box[1] < b[3] + gap
            and b[1] < box[3] + gap
            for _, b in self.placed
        )

    def axes(
        self, ylabel: str, step: float, xticks: list[tuple[float, str]], rotate: bool = False
    ) -> None:
        """The left and bottom spines, y ticks every step with ylabel, x ticks with labels."""
        tick, gap, size = px(3.5), px(3.5), 9
        values = [i * step for i in range(int(self.y1 / step + 1e-9) + 1)]
        widest = max(font(size).getlength(f"{v:g}") for v in values)
        self.left = max(self.left, tick + gap + widest + px(size) * 1.8)  # room for the labels
        self.draw.line(
            [(self.left, self.top), (self.left, self.bottom), (self.right, self.bottom)],
            fill=AXIS,
            width=round(px(0.8)),
        )
        for value in values:
            _, y = self.xy(self.xlim[0], value)
            self.draw.line([(self.left - tick, y), (self.left, y)], fill=AXIS, width=round(px(0.8)))
            self.text((self.left - tick - gap, y), f"{value:g}", size, anchor="rm")
        for x, label in xticks:
            px_x, _ = self.xy(x, 0)
            self.draw.line(
                [(px_x, self.bottom), (px_x, self.bottom + tick)], fill=AXIS, width=round(px(0.8))
            )
            if rotate:
                self.rotated((px_x + px(3), self.bottom + tick + gap), label, size, 45, "tr")
            else:
                self.text((px_x, self.bottom + tick + gap), label, size, anchor="mt")
        beside = self.left - tick - gap - widest - px(size)  # clear of the widest tick label
        self.rotated((beside, (self.top + self.bottom) / 2), ylabel, size, 90, "mm")

    def dashed(self, y: float, colour: str, points: float = 1) -> None:
        """A dashed horizontal line across the axes at data y."""
        _, py = self.xy(0, y)
        dash, x = px(3.7), self.left
        while x < self.right:
            self.draw.line(
                [(x, py), (min(x + dash, self.right), py)], fill=colour, width=round(px(points))
            )
            x += dash * 1.6

    def marker(self, at: tuple[float, float], colour: str, points: float = 3) -> None:
        """A filled circle."""
        r, (x, y) = px(points), at
        self.draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=colour)

    def png(self) -> bytes:
        """The image at its printed size, as PNG bytes."""
        out = self.image.reduce(SCALE)
        buffer = io.BytesIO()
        out.save(buffer, format="PNG", dpi=(DPI, DPI))
        return buffer.getvalue()
