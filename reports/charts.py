"""The briefing's charts as PNG bytes (Pillow, reports.canvas, the CJK font of reports.fonts):
completion rate by township (bar) and hazards found vs closed over four quarters (line). They
are drawn once per briefing and shared by the HTML, PDF and DOCX versions."""

from reports.canvas import Canvas, nice_step, px

SIZE = (6.3, 3.0)  # inches: the text width of an A4 page with GB/T 9704 margins (156 mm)
BOX = (0.09, 0.98, 0.95, 0.22)  # left, right, top, bottom as fractions of the figure
COLOURS = {
    "bar": "#2f5597",
    "low": "#c00000",
    "target": "#7f7f7f",
    "found": "#c55a11",
    "closed": "#2f5597",
}


def completion_chart(data: dict) -> bytes:
    """Bars of completion rate (%) by township, the target as a dashed line.

    data: {"labels": [...], "values": [rate or None], "target": rate}."""
    values = [0 if v is None else v * 100 for v in data["values"]]
    target, n = data["target"] * 100, len(values)
    canvas = Canvas(SIZE, BOX, (-0.6, max(n, 1) - 0.4), 110)
    canvas.axes("完成率（%）", 20, list(enumerate(data["labels"])), rotate=n > 8)
    for i, (value, rate) in enumerate(zip(values, data["values"], strict=True)):
        (x0, y), (x1, base) = canvas.xy(i - 0.3, value), canvas.xy(i + 0.3, 0)
        if value:
            canvas.draw.rectangle(
                [(x0, y), (x1, base)], fill=COLOURS["low" if value < target else "bar"]
            )
        label = "—" if rate is None else f"{rate * 100:.0f}"
        canvas.text(((x0 + x1) / 2, y - px(1)), label, 7)
    canvas.dashed(target, COLOURS["target"])
    right, y = canvas.xy(n - 0.5, target + 1)
    canvas.text((right, y), f"目标 {target:.0f}%", 8, COLOURS["target"], anchor="rb")
    return canvas.png()


def trend_chart(data: dict) -> bytes:
    """Lines of hazards found and closed per quarter.

    data: {"labels": [...], "found": [...], "closed": [...]}."""
    n = len(data["labels"])
    top = max([*data["found"], *data["closed"], 1]) * 1.25
    step = max(nice_step(top), 1)  # counts: whole-number ticks
    canvas = Canvas(SIZE, BOX, (-0.4, n - 0.6), top)
    canvas.axes("隐患（个）", step, list(enumerate(data["labels"])))
    for key, offset, anchor in (("found", -6, "mb"), ("closed", 12, "ms")):
        points = [canvas.xy(i, v) for i, v in enumerate(data[key])]
        if len(points) > 1:
            canvas.draw.line(points, fill=COLOURS[key], width=round(px(1.6)), joint="curve")
        for (x, y), value in zip(points, data[key], strict=True):
            canvas.marker((x, y), COLOURS[key])
            if offset > 0 and y + px(offset) >= canvas.bottom:  # beside, not over the x labels
                canvas.text((x + px(5), y - px(2)), str(value), 8, COLOURS[key], anchor="lb")
            else:
                canvas.text((x, y + px(offset)), str(value), 8, COLOURS[key], anchor=anchor)
    _legend(canvas)
    return canvas.png()


def _legend(canvas: Canvas) -> None:
    x, y = canvas.left + px(8), canvas.top + px(10)
    for key, name in (("found", "发现"), ("closed", "销号")):
        canvas.draw.line([(x, y), (x + px(20), y)], fill=COLOURS[key], width=round(px(1.6)))
        canvas.marker((x + px(10), y), COLOURS[key])
        canvas.text((x + px(26), y), name, 9, anchor="lm")
        x += px(70)


def render_charts(charts: dict) -> dict[str, bytes]:
    """Every chart of a briefing document: {"completion": png, "trend": png}."""
    return {
        "completion": completion_chart(charts["completion"]),
        "trend": trend_chart(charts["trend"]),
    }
