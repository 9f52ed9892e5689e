"""The board as rows of text: the ranking page's CSV (what the table shows, rates as "—"
where there is nothing to measure, the units not ranked after the ranked ones)."""

from sqlmodel import Session

from services.core.cells import csv_download
from services.reporting.ranking import Board, ranking, units

LISTS = {"red": "红榜", "black": "黑榜"}
HEADERS = [
    "名次",
    "单位",
    "得分",
    "完成率",
    "按时完成率",
    "逾期完成",
    "未完成",
    "销号率",
    "逾期项",
    "榜单",
    "说明",
]


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def board_rows(board: Board) -> list[list[str]]:
    """The header and one row per unit, ranked first, then those not ranked."""
    rows = [HEADERS]
    for unit in [*units(board), *board["unranked"]]:
        c = unit["components"]
        rows.append(
            [
                "" if unit["rank"] is None else str(unit["rank"]),
                unit["name"],
                "" if unit["score"] is None else f"{unit['score']:.2f}",
                _pct(c["completion_rate"]),
                _pct(c["on_time_rate"]),
                str(c["tasks_late"]),
                str(c["tasks_unfinished"]),
                _pct(c["closure_rate"]),
                str(c["overdue_items"]),
                LISTS.get(unit["list"] or "", ""),
                unit["unranked_reason"],
            ]
        )
    return rows


def board_csv(*, session: Session, quarter: str, jurisdiction: str | None) -> str:
    """The board a jurisdiction's office reads, as CSV text (UTF-8 with a BOM for Excel)."""
    rows = board_rows(ranking(session=session, quarter=quarter, jurisdiction=jurisdiction))
    return csv_download(rows[0], rows[1:]).decode("utf-8")  # formula-safe (services.core.cells)
