"""The 红黑榜 as a CSV download (formula-safe, see services.core.cells)."""

from sqlmodel import Session

from services.core.cells import csv_download
from services.reporting.ranking import ranking

HEADER = ("名次", "乡镇", "得分", "按时完成率", "隐患销号率", "逾期项", "榜单")
LISTS = {"red": "红榜", "black": "黑榜"}


def _rate(value: float | None) -> float | str:
    return "—" if value is None else value


def ranking_csv(*, session: Session, quarter: str, jurisdiction: str | None) -> bytes:
    """The quarter's ranking of the townships in a jurisdiction, as a CSV file."""
    board = ranking(session=session, quarter=quarter, jurisdiction=jurisdiction)
    rows = (
        (
            row["rank"],
            row["name"],
            row["score"],
            _rate(row["components"]["on_time_rate"]),
            _rate(row["components"]["closure_rate"]),
            row["components"]["overdue_items"],
            LISTS.get(row["list"], ""),
        )
        for row in board["townships"]
    )
    return csv_download(HEADER, rows)
