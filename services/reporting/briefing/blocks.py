"""The blocks a briefing section is made of — a paragraph ("p"), a table ("table": caption,
headers, rows, note) or a chart ("chart": name) — and last quarter's figures where there are any.
"""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from config.policy_model import Policy
from reports.document import Block, BlockKind, Chart, Paragraph, Table
from services.figures.quarter import NextQuarterWork, QuarterFigures, TrendPoint
from services.reporting.ranking import Board, UnitFigures


class BriefingContext(TypedDict):
    """What the sections are written from (services.reporting.briefing.document.context): this
    and last quarter's figures (prev None when the system held no data then), the trend, next
    quarter's work, the board and the units' figures."""

    cur: QuarterFigures
    prev: QuarterFigures | None
    trend: list[TrendPoint]
    next: NextQuarterWork
    policy: Policy
    scope_word: str
    by_county: bool  # a city's briefing: its units are counties
    counties_of: dict[str, dict[str, str]]  # township code → its county's code and name
    units: list[UnitFigures]
    units_prev: list[UnitFigures] | None
    rank: Board
    rank_prev: Board | None
    black_streaks: dict[str, int]


class Part(TypedDict):
    """A section of the briefing as a module writes it (followed by the editable boilerplate of
    next_quarter.txt when boilerplate is True)."""

    heading: str
    blocks: list[Block]
    boilerplate: NotRequired[bool]


def p(text: str) -> Paragraph:
    return {"kind": BlockKind.PARAGRAPH, "text": text}


def table(caption: str, headers: list[str], rows: list[list[object]], note: str = "") -> Table:
    return {
        "kind": BlockKind.TABLE,
        "caption": caption,
        "headers": headers,
        "rows": [[str(cell) for cell in row] for row in rows],
        "note": note,
    }


def chart(name: str, caption: str) -> Chart:
    return {"kind": BlockKind.CHART, "name": name, "caption": caption}


def before(c: Mapping[str, object], *keys: str) -> Any:
    """A figure of last quarter by its keys (c["prev"][k1][k2]…); None when the system held no
    data last quarter or the figure is missing."""
    value: Any = c["prev"]
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
