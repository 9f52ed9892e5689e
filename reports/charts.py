"""The briefing's charts as PNG bytes (matplotlib, Agg, the CJK font of reports.fonts):
completion rate by township (bar) and hazards found vs closed over four quarters (line)."""

import io
from functools import lru_cache

DPI = 130
SIZE = (6.3, 3.0)  # inches: the text width of an A4 page with GB/T 9704 margins (156 mm)
COLOURS = {"bar": "#2f5597", "low": "#c00000", "target": "#7f7f7f", "found": "#c55a11",
           "closed": "#2f5597"}


@lru_cache(maxsize=1)
def _setup() -> None:
    import matplotlib
    from matplotlib import font_manager

    from reports.fonts import cjk_font

    font_manager.fontManager.addfont(str(cjk_font()))
    name = font_manager.FontProperties(fname=str(cjk_font())).get_name()
    matplotlib.rcParams.update({"font.family": name, "axes.unicode_minus": False,
                                "font.size": 9, "axes.spines.top": False,
                                "axes.spines.right": False})


def _figure():
    """A new figure on the Agg canvas (no pyplot: no global state, no GUI backend)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _setup()
    fig = Figure(figsize=SIZE)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.95, bottom=0.22)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def completion_chart(data: dict) -> bytes:
    """Bars of completion rate (%) by township, the target as a dashed line.

    data: {"labels": [...], "values": [rate or None], "target": rate}."""
    fig, ax = _figure()
    values = [0 if v is None else v * 100 for v in data["values"]]
    target = data["target"] * 100
    colours = [COLOURS["low"] if v < target else COLOURS["bar"] for v in values]
    bars = ax.bar(range(len(values)), values, color=colours, width=0.6)
    ax.axhline(target, color=COLOURS["target"], linestyle="--", linewidth=1)
    ax.text(len(values) - 0.5, target + 1, f"目标 {target:.0f}%", ha="right", va="bottom",
            color=COLOURS["target"], fontsize=8)
    ax.bar_label(bars, labels=["—" if v is None else f"{v * 100:.0f}" for v in data["values"]],
                 fontsize=7, padding=1)
    ax.set_xticks(range(len(values)), data["labels"], rotation=45 if len(values) > 8 else 0,
                  ha="right" if len(values) > 8 else "center")
    ax.set_ylim(0, 110)
    ax.set_ylabel("完成率（%）")
    return _png(fig)


def trend_chart(data: dict) -> bytes:
    """Lines of hazards found and closed per quarter.

    data: {"labels": [...], "found": [...], "closed": [...]}."""
    fig, ax = _figure()
    x = range(len(data["labels"]))
    for key, name, offset in (("found", "发现", 6), ("closed", "销号", -12)):
        ax.plot(x, data[key], marker="o", color=COLOURS[key], label=name, linewidth=1.6)
        for i, v in zip(x, data[key], strict=True):
            ax.annotate(str(v), (i, v), textcoords="offset points", xytext=(0, offset),
                        ha="center", fontsize=8, color=COLOURS[key])
    ax.set_xticks(list(x), data["labels"])
    ax.set_xlim(-0.4, len(data["labels"]) - 0.6)
    ax.set_ylim(0, max([*data["found"], *data["closed"], 1]) * 1.25)
    ax.set_ylabel("隐患（个）")
    ax.legend(frameon=False, loc="upper left", ncols=2)
    return _png(fig)


def render_charts(charts: dict) -> dict[str, bytes]:
    """Every chart of a briefing document: {"completion": png, "trend": png}."""
    return {"completion": completion_chart(charts["completion"]),
            "trend": trend_chart(charts["trend"])}
