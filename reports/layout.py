"""Layout decisions every renderer of a 公文 shares: where a title breaks (only between the
phrases its template marks) and how wide each table column is (from its content, so that a
name or a date is never broken and long descriptions take the room that is left).

Widths are estimated in em of the table's font: a Chinese character is 1 em, a Latin letter or
digit about 0.55 em; the same estimate serves the HTML, the PDF and the DOCX.
"""

import itertools
import math
import re
from collections.abc import Iterator, Sequence

PT_MM = 25.4 / 72
TEXT_WIDTH_MM = 156.0  # A4 minus GB/T 9704's 28 mm and 26 mm side margins
TITLE_PT = 22.0  # 2号
TABLE_PT = 10.5  # 五号
CELL_PADDING_MM = 2 * 4 * PT_MM + 0.6  # 4 pt on each side, the borders and a little air
KEEP_EM = 4.5  # a cell this wide or narrower (a name, a number, a rate) is never broken
DATE = re.compile(r"^\d{4}(年\d{1,2}月\d{1,2}日|-\d{2}-\d{2})$")  # nor is a date
LEFT_EM = 10.0  # a cell wider than this is running text, set left
HEADER_KEEP_EM = 6.5  # a header this wide stays on one line; a wider one breaks at （


def text_width(text: str) -> float:
    """Printed width in em: a Chinese character is 1, a Latin letter or digit about 0.55."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def title_lines(
    phrases: Sequence[str], *, width_mm: float = TEXT_WIDTH_MM, points: float = TITLE_PT
) -> list[str]:
    """The title as lines broken only between phrases: as few lines as fit, as even as can be
    (GB/T 9704: 词意完整，排列对称); a phrase longer than a line stands on its own line."""
    parts = [p for p in phrases if p]
    capacity = width_mm / (points * PT_MM) * 0.94  # some air: faces differ in width
    widths = [text_width(p) for p in parts]
    if sum(widths) <= capacity or len(parts) < 2:
        return ["".join(parts)]
    best: tuple[tuple[float, ...], list[str]] | None = None
    for cuts in _cuttings(len(parts)):
        bounds = [0, *cuts, len(parts)]
        lines = [(sum(widths[a:b]), "".join(parts[a:b])) for a, b in itertools.pairwise(bounds)]
        over = sum(max(0.0, w - capacity) for w, _ in lines)
        longest = max(w for w, _ in lines)
        key = (over, len(lines), longest, -lines[0][0])
        if best is None or key < best[0]:
            best = (key, [text for _, text in lines])
    return best[1] if best else ["".join(parts)]


def _cuttings(n: int) -> Iterator[tuple[int, ...]]:
    """Every way to cut n phrases into lines (positions of the cuts), fewest cuts first."""
    for k in range(1, min(n, 4)):
        yield from itertools.combinations(range(1, n), k)


def keeps_whole(cell: str) -> bool:
    """Whether a cell is short enough (a name, a figure) or a date, never to be broken."""
    return text_width(cell) <= KEEP_EM or DATE.match(cell) is not None


def cell_class(cell: str) -> str:
    """How a table cell is set: "keep" (never broken, centred), "text" (long text, set left),
    or "" (centred, may break)."""
    if keeps_whole(cell):
        return "keep"
    return "text" if text_width(cell) > LEFT_EM else ""


def _header_min(header: str, *, whole: bool) -> float:
    """The narrowest a header may be: whole when short, else broken at （; when room is short
    (whole=False) a header may take two lines."""
    width = text_width(header)
    if whole and width <= HEADER_KEEP_EM:
        return width
    parts = header.replace("（", "\n（").replace("(", "\n(").split("\n")
    widest = max(min(text_width(p), HEADER_KEEP_EM) for p in parts)
    return widest if whole else min(widest, math.ceil(width / 2))


def _bounds(
    headers: Sequence[str], rows: Sequence[Sequence[str]], em: float, *, whole: bool
) -> tuple[list[float], list[float]]:
    """The least and the wanted width of each column, in mm."""
    least, wanted = [], []
    for i, header in enumerate(headers):
        cells = sorted(text_width(str(row[i])) for row in rows) or [0.0]
        kept = [text_width(str(row[i])) for row in rows if keeps_whole(str(row[i]))] or [0.0]
        low = max(max(kept), _header_min(header, whole=whole), 2.0) * em + CELL_PADDING_MM
        typical = cells[math.ceil(len(cells) * 0.9) - 1]
        least.append(low)
        wanted.append(max(low, min(typical, 40.0) * em + CELL_PADDING_MM))
    return least, wanted


def column_widths_mm(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    total_mm: float = TEXT_WIDTH_MM,
    points: float = TABLE_PT,
) -> list[float]:
    """Column widths in mm summing to total_mm: each column at least as wide as its longest
    unbreakable cell (names, figures, dates) and its header (whole when the room allows, else
    on two lines); the room left goes to the columns whose text wants more, in proportion to how
    much more."""
    em = points * PT_MM
    least, wanted = _bounds(headers, rows, em, whole=True)
    if sum(wanted) > total_mm and total_mm - sum(least) < 0.3 * total_mm:
        least, wanted = _bounds(headers, rows, em, whole=False)
    if sum(least) >= total_mm:
        scale = total_mm / sum(least)
        return [round(w * scale, 2) for w in least]
    if sum(wanted) <= total_mm:
        scale = total_mm / sum(wanted)
        return [round(w * scale, 2) for w in wanted]
    room, extra = total_mm - sum(least), [w - lo for w, lo in zip(wanted, least, strict=True)]
    return [round(lo + room * x / sum(extra), 2) for lo, x in zip(least, extra, strict=True)]


def column_percents(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """column_widths_mm as percentages of the table (for HTML)."""
    widths = column_widths_mm(headers, rows)
    return [round(100 * w / sum(widths), 2) for w in widths]
