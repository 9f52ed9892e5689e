"""The briefing's charts as PNG bytes (Pillow, reports.canvas, the heading face of
reports.fonts): completion rate by township (bar) and hazards found vs closed over four quarters
(line). They are drawn once per briefing and shared by the HTML, PDF and DOCX versions.

Value labels are rounded as the tables are (59.6, one decimal) and never overlap: each is placed
at the first free spot among a few candidates (reports.canvas.Canvas.label); bar labels stand
upright when they are wider than a bar's slot.
"""

from typing import Literal

from reports.canvas import Canvas, font, nice_step, px
from reports.document import Charts, CompletionChart, TrendChart
from services.core.numbers import rate_text

SIZE = (6.3, 3.0)  # inches: the text width of an A4 page with GB/T 9704 margins (156 mm)
BOX = (0.09, 0.98, 0.95, 0.22)  # left, right, top, bottom as fractions of the figure
LABEL_PT = 7
SERIES: tuple[Literal["found"], Literal["closed"]] = ("found", "closed")  # the trend's lines
COLOURS = {
    "bar": "#2f5597",
    "low": "#c00000",
    "target": "#7f7f7f",
    "found": "#c55a11",
    "closed": "#2f5597",
}


def rate_label(rate: float | None) -> str:
    """A rate as the tables print it, without the % sign: 0.5962 → 59.6; None → —."""
    return rate_text(rate).removesuffix("%")


def completion_chart(data: CompletionChart) -> bytes:
    """Bars of completion rate (%) by township, the target as a dashed line (PNG)."""
    return completion_canvas(data).png()


def completion_canvas(data: CompletionChart) -> Canvas:
    """The completion chart drawn, its labels' boxes in canvas.placed."""
    values = [0 if v is None else v * 100 for v in data["values"]]
    labels = [rate_label(v) for v in data["values"]]
    target, n = data["target"] * 100, len(values)
    probe = Canvas(SIZE, BOX, (-0.6, max(n, 1) - 0.4), 110)
    slot = (probe.right - probe.left) / max(n, 1)
    widest = max((font(LABEL_PT).getlength(t) for t in labels), default=0)
    upright = widest > slot * 0.9
    top = 110.0
    if upright:  # room above the highest bar for an upright label
        room = (widest + px(3)) / (probe.bottom - probe.top)
        top = max(top, max(values, default=0) / (1 - room) + 2)
    canvas = Canvas(SIZE, BOX, (-0.6, max(n, 1) - 0.4), top)
    canvas.axes("完成率（%）", 20, list(enumerate(data["labels"])), rotate=n > 8)
    for i, (value, text) in enumerate(zip(values, labels, strict=True)):
        (x0, y), (x1, base) = canvas.xy(i - 0.3, value), canvas.xy(i + 0.3, 0)
        if value:
            canvas.draw.rectangle(
                [(x0, y), (x1, base)], fill=COLOURS["low" if value < target else "bar"]
            )
        middle = (x0 + x1) / 2
        if upright and text != "—":
            box = canvas.rotated((middle, y - px(1.5)), text, LABEL_PT, 90, "bm")
            canvas.placed.append((text, box))
        else:
            canvas.label(text, LABEL_PT, [(middle, y - px(1), "mb")])
    canvas.dashed(target, COLOURS["target"])
    right, y = canvas.xy(n - 0.5, target)
    left = canvas.left + px(4)
    canvas.label(
        f"目标 {target:g}%",
        8,
        [
            (right, y - px(1.5), "rb"),
            (right, canvas.top - px(1), "rb"),
            (left, y - px(1.5), "lb"),
            (right, y + px(2), "rt"),
        ],
        COLOURS["target"],
    )
    return canvas


def _point_candidates(x: float, y: float, above: bool) -> list[tuple[float, float, str]]:
    near, far = px(5), px(12)
    up, down = [(x, y - near, "mb"), (x, y - far, "mb")], [(x, y + near, "mt"), (x, y + far, "mt")]
    sides = [(x + near, y, "lm"), (x - near, y, "rm"), (x + near, y - far, "lb")]
    return (up + down if above else down + up) + sides


def trend_chart(data: TrendChart) -> bytes:
    """Lines of hazards found and closed per quarter (PNG)."""
    return trend_canvas(data).png()


def trend_canvas(data: TrendChart) -> Canvas:
    """The trend chart drawn, its labels' boxes in canvas.placed."""
    n = len(data["labels"])
    top = max([*data["found"], *data["closed"], 1]) * 1.25
    step = max(nice_step(top), 1)  # counts: whole-number ticks
    canvas = Canvas(SIZE, BOX, (-0.4, n - 0.6), top)
    canvas.axes("隐患（个）", step, list(enumerate(data["labels"])))
    _legend(canvas)
    series = {key: [canvas.xy(i, v) for i, v in enumerate(data[key])] for key in SERIES}
    for key in SERIES:
        points = series[key]
        if len(points) > 1:
            canvas.draw.line(points, fill=COLOURS[key], width=round(px(1.6)), joint="curve")
        for point in points:
            canvas.marker(point, COLOURS[key])
    for key in SERIES:  # found above its point, closed below (where free)
        for (x, y), value in zip(series[key], data[key], strict=True):
            canvas.label(
                str(value), 8, _point_candidates(x, y, key == "found"), COLOURS[key], plot=True
            )
    return canvas


def _legend(canvas: Canvas) -> None:
    x, y = canvas.left + px(8), canvas.top + px(10)
    for key, name in (("found", "发现"), ("closed", "销号")):
        canvas.draw.line([(x, y), (x + px(20), y)], fill=COLOURS[key], width=round(px(1.6)))
        canvas.marker((x + px(10), y), COLOURS[key])
        canvas.label(name, 9, [(x + px(26), y, "lm")])
        x += px(70)


def render_charts(charts: Charts) -> dict[str, bytes]:
    """Every chart of a briefing document: {"completion": png, "trend": png}."""
    return {
        "completion": completion_chart(charts["completion"]),
        "trend": trend_chart(charts["trend"]),
    }
