"""A supervisor list exported to xlsx exactly as filtered: the same select as the page, every
row in list order, through one workbook writer (formula-safe text cells)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from models.enums import (
    LABELS,
    HazardLevel,
    HazardSource,
    HazardStatus,
    OfficerTier,
    TaskSource,
    TaskState,
    TaskStatus,
)
from services.core import clock
from services.permissions.principal import Principal
from services.worklists.filters import ListFilter
from services.worklists.hazards import HazardRow, iter_hazard_rows
from services.worklists.tasks import TaskRow, iter_task_rows

TASK_HEADERS = (
    "任务编号", "主体名称", "主体编号", "所在区划", "乡镇（街道）", "包保干部", "干部编号",
    "层级", "任务", "截止日期", "状态", "完成日期", "逾期（工作日）",
)  # fmt: skip
TASK_WIDTHS = (10, 30, 22, 16, 14, 10, 14, 8, 18, 12, 10, 12, 10)
HAZARD_HEADERS = (
    "隐患编号", "主体名称", "主体编号", "隐患描述", "来源", "隐患等级", "状态", "发现日期",
    "整改时限", "销号日期", "责任人", "包保干部", "干部编号", "所在区划", "乡镇（街道）",
    "逾期（工作日）",
)  # fmt: skip
HAZARD_WIDTHS = (10, 28, 22, 40, 10, 8, 8, 12, 12, 12, 10, 10, 14, 16, 14, 10)


@dataclass(frozen=True)
class ListExport:
    path: Path
    rows: int
    title: str


def _task_state(row: TaskRow) -> str:
    if row.done_late:
        return "逾期完成"
    return "已逾期" if row.status == TaskState.OVERDUE else LABELS[TaskStatus][row.status]


def task_values(row: TaskRow) -> tuple[object, ...]:
    """A task row as the export writes it."""
    what = row.campaign or row.period
    return (
        row.id, row.entity_name, row.entity_key or "无编码", row.place, row.township,
        row.officer_name, row.officer_code, LABELS[OfficerTier][row.tier],
        f"{LABELS[TaskSource][row.source]} {what}", row.due_date, _task_state(row),
        row.done_on, row.overdue_workdays or None,
    )  # fmt: skip


def hazard_values(row: HazardRow) -> tuple[object, ...]:
    """A hazard row as the export writes it."""
    return (
        row.id, row.entity_name or "（无主体）", row.entity_key or "", row.description,
        LABELS[HazardSource][row.source], LABELS[HazardLevel][row.level],
        LABELS[HazardStatus][row.status], row.found_on, row.deadline, row.closed_on,
        row.responsible_person or "", row.officer_name or "", row.officer_code or "",
        row.place, row.township, row.overdue_workdays or None,
    )  # fmt: skip


def write_table(
    *, path: Path, sheet: str, title: str, note: str, headers: Sequence[str],
    widths: Sequence[float], dates: Sequence[int], rows: Iterable[Sequence[object]],
) -> int:  # fmt: skip
    """The one writer of list exports (formula-safe text cells); returns the rows written."""
    from services.reporting.list_workbook import ListWorkbook

    with ListWorkbook() as book:
        body = book.list_sheet(sheet, title, note, headers, widths, dates=dates)
        for values in rows:
            body.write(values)
        body.note = f"{note}　　共 {body.count} 项"
        book.save(path)
        return body.count


def export_worklist(
    *, session: Session, who: Principal, kind: str, filters: ListFilter, path: Path
) -> ListExport:
    """Write the filtered task ("tasks") or hazard ("hazards") list to path."""
    everything = ListFilter(**{**filters.__dict__, "page": 1})
    note = f"区划：{who.jurisdiction_name}　　导出日期：{clock.today():%Y-%m-%d}"
    if kind == "tasks":
        title = f"{who.jurisdiction_name}督导任务清单"
        rows = map(task_values, iter_task_rows(session=session, who=who, filters=everything))
        count = write_table(
            path=path, sheet="督导任务", title=title, note=note, headers=TASK_HEADERS,
            widths=TASK_WIDTHS, dates=(9, 11), rows=rows,
        )  # fmt: skip
    else:
        title = f"{who.jurisdiction_name}隐患清单"
        rows = map(hazard_values, iter_hazard_rows(session=session, who=who, filters=everything))
        count = write_table(
            path=path, sheet="隐患", title=title, note=note, headers=HAZARD_HEADERS,
            widths=HAZARD_WIDTHS, dates=(7, 8, 9), rows=rows,
        )  # fmt: skip
    return ListExport(path=Path(path), rows=count, title=title)
