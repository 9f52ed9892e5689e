"""Commands of the report area: ranking (红黑榜), briefing (县委常委会季度汇报), report monthly
(月报) and report annual (年度包保工作总结)."""

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.output import emit_json
from cli.running import Untyped


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("ranking")(ranking)
    app.command("briefing")(briefing)
    app.add_typer(report_app, name="report")


report_app = typer.Typer(help="月报、年度包保工作总结", no_args_is_help=True)
OutDir = Annotated[
    Path | None, typer.Option("--out", help="输出目录（默认：数据目录下 reports/类别/期间/区划）")
]
Formats = Annotated[str | None, typer.Option("--format", help="格式，逗号分隔")]


def _ready() -> None:
    from services.core.schema import require_current

    require_current(engine=context.engine())


def _pct(rate: float | None) -> str:
    from services.figures.rates import rate_text

    return rate_text(rate)


def ranking(
    quarter: str = typer.Option(..., "--quarter", help="季度，如 2026Q3"),
    jurisdiction: str | None = typer.Option(
        None, "--jurisdiction", help="区划代码（默认：本县；乡镇、村读所在县的榜单）"
    ),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """下级单位季度排名：红黑榜（县排乡镇、市排县）。"""
    from models.enums import JurisdictionLevel
    from services.reporting.ranking import ranking as rank
    from services.reporting.ranking import units
    from services.reporting.ranking.export import board_rows

    _ready()
    with context.session() as session:
        result = rank(session=session, quarter=quarter, jurisdiction=jurisdiction)
    if json_out:
        emit_json(dict(result))
        return
    from rich.table import Table

    from cli.output import console

    title = f"{result['jurisdiction']['name']} {result['quarter']} 红黑榜（截至 {result['as_of']}）"
    if not result["ranked"]:
        console().print(f"{title}：{result['reason']}。")
        return
    header, *rows = board_rows(result)
    header[1] = "乡镇（街道）" if result["unit_level"] == JurisdictionLevel.TOWNSHIP else "县（区）"
    table = Table(title=title)
    for name in header[:-1]:  # units not ranked are named in the note, not as rows
        table.add_column(name, justify="left" if name == header[1] else "right", no_wrap=True)
    for unit, row in zip(units(result), rows, strict=False):
        mark = "▶ " if unit["code"] == result["highlight"] else ""
        table.add_row(*row[:1], mark + row[1], *row[2:-1])
    out = console()
    out.print(table, width=max(out.width, 120))
    if result["note"]:
        out.print(result["note"])


def briefing(
    quarter: str = typer.Option(..., "--quarter", help="季度，如 2026Q3"),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", help="区划代码（默认：本县）"),
    formats: str | None = typer.Option(
        None, "--format", help="格式，逗号分隔：docx,pdf,html（默认见 policy.toml [briefing]）"
    ),
    out: str | None = typer.Option(
        None, "--out", help="输出目录（默认：数据目录下 briefings/季度/区划/时间）"
    ),
    send: bool = typer.Option(False, "--send", help="生成后通过发件箱发送给 [briefing] recipients"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """生成县委常委会季度汇报（DOCX、PDF、HTML），记录存档，可选发送。"""
    from pathlib import Path

    from services.reporting.briefing.document import produce
    from services.reporting.briefing.mail import check_can_send

    _ready()
    if send:
        check_can_send()
    chosen = formats.split(",") if formats is not None else None
    with context.session() as session:
        result = produce(
            session=session,
            quarter=quarter,
            jurisdiction=jurisdiction,
            formats=chosen,
            out_dir=Path(out) if out else None,
            send=send,
            actor="cli",
        )
    if json_out:
        emit_json(result)
        return
    h = result["headline"]
    typer.echo(f"已生成《{result['title']}》：")
    for f in result["files"]:
        typer.echo(f"  {f['format'].upper():5s}{f['path']}")
    typer.echo(
        f"督导完成率 {_pct(h['completion_rate'])}，按时完成率 {_pct(h['on_time_rate'])}，"
        f"隐患销号率 {_pct(h['closure_rate'])}。"
    )
    m = result["mail"]
    if send and m is not None:  # with send, the briefing was mailed
        typer.echo(
            f"已加入发件箱 {m['queued']} 封，本次投递成功 {m['sent']} 封，失败 {m['failed']} 封"
            "（失败的可用 ./baobao outbox retry 重发）。"
        )


def _show_report(result: Untyped) -> None:
    typer.echo(f"已生成《{result['title']}》：")
    for f in result["files"]:
        typer.echo(f"  {f['format'].upper():5s}{f['path']}")
    if result.get("mail"):
        m = result["mail"]
        typer.echo(
            f"已加入发件箱 {m['queued']} 封，本次投递成功 {m['sent']} 封，失败 {m['failed']} 封。"
        )


@report_app.command("monthly")
def monthly(
    month: Annotated[str, typer.Option("--month", help="月份，如 2026-10")],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="区划代码（默认：本县）")
    ] = None,
    formats: Formats = None,
    out: OutDir = None,
    send: Annotated[bool, typer.Option("--send", help="生成后发送给 [reports] recipients")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """生成月报（xlsx、docx）：各乡镇、各层级的督导和隐患数据。"""
    from services.reporting.monthly import produce

    _produce(partial(produce, month=month), jurisdiction, formats, out, send, json_out)


@report_app.command("annual")
def annual(
    year: Annotated[str, typer.Option("--year", help="年度，如 2026")],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="区划代码（默认：本县）")
    ] = None,
    formats: Formats = None,
    out: OutDir = None,
    send: Annotated[bool, typer.Option("--send", help="生成后发送给 [reports] recipients")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """生成年度包保工作总结（数据部分，docx、pdf），每项数据附可直接引用的表述。"""
    from services.reporting.annual import produce

    _produce(partial(produce, year=year), jurisdiction, formats, out, send, json_out)


def _produce(
    produce: Callable[..., Untyped],
    jurisdiction: str | None,
    formats: str | None,
    out: Path | None,
    send: bool,
    json_out: bool,
) -> None:
    """Run a report producer (月报 or annual summary) with the options both commands share."""
    from cli.running import run

    chosen = formats.split(",") if formats is not None else None
    run(
        partial(produce, jurisdiction=jurisdiction, formats=chosen, out_dir=out, send=send),
        json_out=json_out,
        show=_show_report,
    )
