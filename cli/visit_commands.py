"""Commands of the visit paperwork: visits print (督导检查记录表), visits export (督导台账)."""

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.running import JsonFlag, Subtree, Untyped, run

if TYPE_CHECKING:
    from sqlmodel import Session

visits_app = typer.Typer(help="督导记录：打印督导检查记录表、导出督导台账", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(visits_app, name="visits")


def _show_files(result: Untyped) -> None:
    for f in result["files"]:
        typer.echo(f"已写入：{f['path']}（督导记录 {f['visits']} 份）")


@visits_app.command("print")
def print_(
    task_id: int | None = typer.Argument(None, help="任务编号（打印一次督导的记录表）"),
    period: str | None = typer.Option(
        None, "--period", help="期间，如 2026Q3（合并打印该期间的记录）"
    ),
    officer: str | None = typer.Option(None, "--officer", help="干部编号：合并为该干部的一份 PDF"),
    jurisdiction: Subtree = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出目录（默认：数据目录下 visit_records）")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """打印督导检查记录表（A4 PDF）：一次督导，或某期间按干部、按乡镇合并打印。"""
    from services.core.errors import BadInput
    from services.reporting import visit_print

    if task_id is not None and period is None:
        if officer or jurisdiction:
            raise BadInput("打印一次督导时不能再指定 --officer 或 --jurisdiction")
        printed: Callable[..., Mapping[str, object]] = partial(
            visit_print.print_task, task_id=task_id, out_dir=out
        )
    elif task_id is None and period is not None:
        printed = partial(
            visit_print.print_period,
            period=period,
            officer=officer,
            jurisdiction=jurisdiction,
            out_dir=out,
        )
    else:
        raise BadInput("请给出任务编号，或用 --period 加 --officer / --jurisdiction 合并打印")
    run(printed, json_out=json_out, show=_show_files)


@visits_app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="输出的 Excel 文件（.xlsx）")],
    period: str | None = typer.Option(
        None, "--period", help="期间，如 2026Q3、2026-10（默认：全部）"
    ),
    jurisdiction: Subtree = None,
    json_out: JsonFlag = False,
) -> None:
    """导出督导台账：每次督导一行，含回答“否”的检查项和发现的隐患及其状态。"""
    from services.core.errors import BadInput
    from services.reporting.ledger import export_ledger

    if file.suffix.lower() != ".xlsx":
        raise BadInput(f"文件 {file} 应以 .xlsx 结尾")

    def exported(*, session: "Session") -> Untyped:
        return export_ledger(
            session=session, path=file, period=period, jurisdiction_code=jurisdiction
        )

    run(
        exported,
        json_out=json_out,
        show=lambda r: typer.echo(f"已导出《{r['title']}》：{r['visits']:,} 次督导，{r['path']}"),
    )
