"""Commands of the calendar: calendar import FILE, calendar show YEAR."""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.output import emit_json
from cli.running import JsonFlag, Untyped, ready

calendar_app = typer.Typer(help="工作日历：录入和查看法定节假日与调休", no_args_is_help=True)
WEEKDAYS = "一二三四五六日"


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(calendar_app, name="calendar")


@calendar_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="放假安排文件（.toml 或 .csv）")],
    json_out: JsonFlag = False,
) -> None:
    """录入一年的法定节假日和调休上班日（国务院办公厅通知），并重算受影响的截止日期。"""
    from services.operations.calendar_import import import_calendar

    ready()
    with context.session() as session:
        result = import_calendar(session=session, path=file, actor="命令行")
    if json_out:
        emit_json(result)
        return
    verb = "已更新" if result["replaced"] else "已录入"
    typer.echo(
        f"{verb} {result['year']} 年工作日历：放假 {result['holidays']} 天，"
        f"调休上班 {result['workdays']} 天。"
    )
    if not result["changes"]:
        typer.echo("没有需要调整的截止日期。")
    for change in result["changes"]:
        typer.echo(_change_line(change))


def _change_line(change: Untyped) -> str:
    from models.enums import LABELS, HazardLevel, ItemKind  # imported late: start-up stays fast

    levels = LABELS[HazardLevel]
    moved = f"{_day(change['old'])} → {_day(change['new'])}"
    if change["kind"] == ItemKind.TASK:
        return f"  督导任务 {change['period']}（{change['count']} 个）截止日期：{moved}"
    ids = "、".join(f"#{i}" for i in change["ids"][:20]) + ("等" if change["count"] > 20 else "")
    return (
        f"  隐患 {ids}（{levels.get(change['level'], change['level'])}，"
        f"{change['found_on']} 发现，{change['count']} 个）整改时限：{moved}"
    )


def _day(day: dt.date) -> str:
    return f"{day.isoformat()}（周{WEEKDAYS[day.weekday()]}）"


@calendar_app.command("show")
def show(
    year: int = typer.Argument(..., min=1900, max=2200, help="年份，如 2027"),
    json_out: JsonFlag = False,
) -> None:
    """按月显示一年的工作日历：休＝放假，班＝调休上班。"""
    from services.operations.calendar_view import month_grid, year_view

    ready()
    view = year_view(year=year)
    if json_out:
        emit_json(view)
        return
    typer.echo(
        f"{year} 年工作日历（来源：{view['source_label']}），全年工作日 {view['workday_count']} 天"
    )
    if view["warning"]:
        typer.echo(f"注意：{view['warning']}")
    for h in view["holidays"]:
        span = _day(h["start"]) if h["days"] == 1 else f"{_day(h['start'])}–{_day(h['end'])}"
        typer.echo(f"  放假  {h['name'] or '—'}：{span}，{h['days']} 天")
    for w in view["workdays"]:
        typer.echo(f"  上班  {w['name'] or '—'}：{_day(w['date'])}")
    for first in range(1, 13, 2):
        blocks = [_month_lines(year, m, month_grid(year=year, month=m)) for m in (first, first + 1)]
        typer.echo("")
        for left, right in zip(
            *(_padded(b, len(max(blocks, key=len))) for b in blocks), strict=True
        ):
            typer.echo(f"{left}   {right}".rstrip())


def _month_lines(year: int, month: int, weeks: Sequence[Sequence[Untyped | None]]) -> list[str]:
    lines = [f"{year}年{month}月".ljust(33), "".join(f" {d}  " for d in WEEKDAYS)]
    for week in weeks:
        lines.append("".join(_cell(cell) for cell in week))
    return lines


def _cell(cell: Untyped | None) -> str:
    if cell is None:
        return "     "
    return f"{cell['day']:>2}{cell['mark'] or '  '} "


def _padded(lines: list[str], height: int) -> list[str]:
    return lines + [" " * 35] * (height - len(lines))
