"""Commands of the roster area: roster template / import / export / handover."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli import context
from cli.output import emit_json

if TYPE_CHECKING:  # Rich and the services load with the command that needs them
    from rich.progress import TaskID

    from services.roster.report import ImportResult

MAX_SHOWN_ERRORS = 50
COUNT_HEADS = (
    ("created", "新增"),
    ("updated", "更新"),
    ("unchanged", "未变"),
    ("ended", "结束/停用"),
)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    roster = typer.Typer(help="包保名册：模板、导入、导出、交接", no_args_is_help=True)
    roster.command("template")(template)
    roster.command("import")(import_roster)
    roster.command("export")(export)
    roster.command("handover")(handover)
    app.add_typer(roster, name="roster")


def template(file: str = typer.Argument(..., help="要生成的模板文件（.xlsx）")) -> None:
    """生成空白名册模板：五张表的表头、说明页和下拉选项。"""
    from services.roster.template import write_template

    write_template(path=Path(file))
    typer.echo(f"已生成名册模板：{file}")


def import_roster(
    file: str = typer.Argument(..., help="名册工作簿（.xlsx），或放有五个 CSV 文件的文件夹"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并报告将发生的变化，不写入"),
    partial: bool = typer.Option(
        False, "--partial", help="只更新表中列出的记录；未列出的干部、主体和包保关系保持不变"
    ),
    mapping: str | None = typer.Option(
        None, "--mapping", help="列名映射文件（TOML）：其他系统导出的名册的表名、列名对应关系"
    ),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """导入名册：先检查全部内容，有任何错误则一行也不写入；重复导入会更新并保留历史。"""
    from services.core.errors import BadInput
    from services.core.schema import require_current
    from services.roster.importer import import_roster as run_import

    require_current(engine=context.engine())
    bar = _ProgressBar() if not json_out and sys.stderr.isatty() else None
    try:
        with context.session() as session:
            result = run_import(
                session=session,
                path=Path(file),
                partial=partial,
                dry_run=dry_run,
                progress=bar,
                mapping=Path(mapping) if mapping else None,
            )
    finally:
        if bar:
            bar.stop()
    if json_out:
        emit_json(result.as_json())
    elif result.ok:
        _print_counts(result)
    else:
        _print_errors(result)
    if not json_out:
        _print_ignored(result)
    if not result.ok:  # BadInput: the one Chinese line on stderr and exit 2
        raise BadInput(f"共 {result.error_total:,} 处错误，未写入任何数据。")


def export(
    file: str = typer.Argument(..., help="导出到的 .xlsx 文件；不以 .xlsx 结尾时导出为 CSV 文件夹"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """导出当前名册（与模板格式相同，可直接修改后再导入）。"""
    from services.core.schema import require_current
    from services.roster.export import export_roster

    require_current(engine=context.engine())
    with context.session() as session:
        counts = export_roster(session=session, path=Path(file))
    if json_out:
        emit_json({"file": str(file), "rows": counts})
    else:
        typer.echo(f"已导出名册到 {file}：" + "，".join(f"{k} {v:,} 行" for k, v in counts.items()))


def handover(
    from_code: str = typer.Option(..., "--from", help="交出的干部编号"),
    to_code: str = typer.Option(..., "--to", help="接任的干部编号"),
    date: str | None = typer.Option(None, "--date", help="接任之日（默认今天），如 2026-09-22"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """交接：把一名干部在任的全部包保关系交给另一名干部；未完成任务和未销号隐患随之转交。"""
    from cli.running import parse_date, ready
    from services.roster.handover import hand_over

    day = parse_date(date, "--date")
    ready()
    with context.session() as session:
        result = hand_over(
            session=session, from_code=from_code, to_code=to_code, day=day, actor="命令行"
        )
    if json_out:
        emit_json(result)
    else:
        typer.echo(
            f"已交接：{result['from']} → {result['to']}（自 {result['date']} 起），"
            f"包保关系 {result['assignments']} 个，转交督导任务 {result['tasks_moved']} 个、"
            f"隐患 {result['hazards_moved']} 个。"
        )


def _print_ignored(result: "ImportResult") -> None:
    """Columns and sheets the import did not read, on stderr (never silently)."""
    for item in result.ignored:
        where = (
            f"“{item.sheet}”表 {item.cell} 列“{item.column}”"
            if item.column
            else f"工作表“{item.sheet}”"
        )
        typer.echo(f"已忽略{where}（不是名册的列或表）", err=True)


def _print_counts(result: "ImportResult") -> None:
    from rich.table import Table

    from cli.output import console

    title = "试运行（未写入）：导入将带来以下变化" if result.dry_run else "导入完成"
    table = Table(title=f"{title}（{result.file}）")
    table.add_column("工作表")
    for _, head in COUNT_HEADS:
        table.add_column(head, justify="right")
    for sheet, counts in result.counts.items():
        table.add_row(sheet, *(f"{counts[key]:,}" for key, _ in COUNT_HEADS))
    console().print(table)
    moved = result.handovers
    if moved and moved["handovers"]:
        typer.echo(
            f"交接 {len(moved['handovers'])} 次：转交督导任务 {moved['tasks_moved']:,} 个、"
            f"隐患 {moved['hazards_moved']:,} 个"
        )
    if result.people_linked:
        typer.echo(
            f"{result.people_linked:,} 人同时是干部、食安办人员或信息员中的两种以上（同一手机号）"
        )


def _print_errors(result: "ImportResult") -> None:
    from rich.table import Table

    from cli.output import console

    shown = result.errors[:MAX_SHOWN_ERRORS]
    table = Table(title=f"名册有误（{result.file}），显示前 {len(shown)} 处")
    for head in ("工作表", "行", "列", "问题"):
        table.add_column(head, overflow="fold")
    for error in shown:
        table.add_row(
            error.sheet,
            "—" if error.row is None else str(error.row),
            error.column or "—",
            error.message,
        )
    console().print(table)


class _ProgressBar:
    """A Rich progress bar on stderr: one line per import stage."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.tasks: dict[str, TaskID] = {}
        self.bar.start()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def stop(self) -> None:
        """Take the bar off the terminal."""
        self.bar.stop()
