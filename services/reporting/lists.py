"""The two lists (风险隐患清单 + 治理责任清单) as one workbook, formatted as offices print them:
title row, frozen headers, widths, borders, A4 landscape with the header row on every page,
and text cells no spreadsheet evaluates (formula injection). Streams rows (write-only mode).
"""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy import Select
from sqlmodel import Session

from models.enums import LABELS, HazardLevel, HazardSource, HazardStatus, label
from services.core import clock
from services.core.jurisdictions import Place, places, resolve_scope
from services.core.periods import Period
from services.core.periods import quarter as parse_quarter
from services.hazards import codes
from services.hazards.listing import EXPORT_COLUMNS, hazard_query, iter_rows, overdue_workdays
from services.reporting.list_workbook import ListWorkbook
from services.reporting.sheet_rows import SheetBody

LIST_SHEET, DUTY_SHEET = "风险隐患清单", "治理责任清单"
LIST_HEADERS = (
    "序号",
    "风险点/隐患描述",
    "来源",
    "隐患等级",
    "主体名称",
    "所属区划",
    "发现日期",
    "状态",
)
LIST_WIDTHS = (6, 50, 11, 9, 30, 24, 12, 9)
LIST_CENTRED = (0, 2, 3, 6, 7)
DUTY_HEADERS = ("序号", "隐患描述", "责任单位", "责任人", "整改措施", "整改时限", "完成情况")
DUTY_WIDTHS = (6, 46, 22, 12, 40, 12, 20)
DUTY_CENTRED = (0, 3, 5, 6)
SOURCES, LEVELS, STATES = LABELS[HazardSource], LABELS[HazardLevel], LABELS[HazardStatus]
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def span_label(period: Period | None, today: dt.date) -> str:
    """2026年第三季度, or 截至2026年9月22日 for an export of everything."""
    if period is None:
        return f"截至{today.year}年{today.month}月{today.day}日"
    return f"{period.start.year}年{QUARTER_NAMES[(period.start.month - 1) // 3 + 1]}"


def progress_text(
    *, status: str, deadline: dt.date, closed_on: dt.date | None, today: dt.date
) -> str:
    """完成情况: 已销号（date）, 逾期N个工作日, or the state."""
    if status == HazardStatus.CLOSED:
        return f"已销号（{closed_on:%Y-%m-%d}）" if closed_on else "已销号"
    if status == HazardStatus.WITHDRAWN:
        return "已撤销（主体已停业或注销）"
    late = overdue_workdays(deadline=deadline, status=status, today=today)
    return f"逾期{late}个工作日" if late else label(HazardStatus, status)


class ListsWritten(TypedDict):
    """The lists' workbook: where, how many hazards, for which subtree and quarter."""

    path: str
    hazards: int
    jurisdiction: str
    quarter: str | None
    span: str


def _write_rows(
    session: Session,
    query: Select[Any],
    where: dict[int, Place],
    today: dt.date,
    lists: SheetBody,
    duty: SheetBody,
) -> int:
    progress: dict[tuple[str, dt.date, dt.date | None], str] = {}
    n = 0
    for (
        description,
        source,
        level,
        status,
        found_on,
        deadline,
        closed_on,
        unit,
        person,
        measure,
        jurisdiction_id,
        entity_name,
    ) in iter_rows(session=session, query=query):
        n += 1
        place = where.get(jurisdiction_id)
        lists.write(
            (
                description,
                SOURCES[source],
                LEVELS[level],
                entity_name or "—",
                place.display if place else "",
                found_on,
                STATES[status],
            )
        )
        key = (status, deadline, closed_on)
        if key not in progress:
            progress[key] = progress_text(
                status=status, deadline=deadline, closed_on=closed_on, today=today
            )
        duty.write((description, unit, person, measure, deadline, progress[key]))
    return n


def export_lists(
    *,
    session: Session,
    path: Path,
    jurisdiction_code: str | None = None,
    quarter: str | None = None,
    status: str | None = None,
    extra_sheets: Callable[[ListWorkbook], None] | None = None,
) -> ListsWritten:
    """Write the two lists for a subtree (and quarter, status) to path; extra_sheets(wb) may
    add sheets before them (the risk review's summary)."""
    today = clock.today()
    root = resolve_scope(session=session, code=jurisdiction_code)
    period = parse_quarter(quarter) if quarter else None
    query = hazard_query(
        root=root,
        quarter=period,
        today=today,
        columns=EXPORT_COLUMNS,
        status=codes.parse_status_filter(status) if status else None,
    )
    where = places(session=session, root=root)
    span = span_label(period, today)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with ListWorkbook() as book:
        if extra_sheets:
            extra_sheets(book)
        lists = book.list_sheet(
            LIST_SHEET,
            f"{root.name}食品安全风险隐患清单（{span}）",
            "",
            LIST_HEADERS,
            LIST_WIDTHS,
            LIST_CENTRED,
            dates=(6,),
            numbered=True,
        )
        duty = book.list_sheet(
            DUTY_SHEET,
            f"{root.name}食品安全风险隐患治理责任清单（{span}）",
            "",
            DUTY_HEADERS,
            DUTY_WIDTHS,
            DUTY_CENTRED,
            dates=(5,),
            numbered=True,
        )
        total = _write_rows(session, query, where, today, lists, duty)
        lists.note = duty.note = f"区划：{root.name}　　导出日期：{today:%Y-%m-%d}　　共 {total} 项"
        book.save(path)
    return {
        "path": str(path),
        "hazards": total,
        "jurisdiction": root.code,
        "quarter": period.name if period else None,
        "span": span,
    }
