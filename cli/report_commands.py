"""Commands of the report area: ranking (红黑榜) and briefing (县委常委会季度汇报)."""

import typer

from cli import context
from cli.output import emit_json


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("ranking")(ranking)
    app.command("briefing")(briefing)


def _ready() -> None:
    from services.core.schema import require_current

    require_current(engine=context.engine())


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def ranking(
    quarter: str = typer.Option(..., "--quarter", help="季度，如 2026Q3"),
    jurisdiction: str = typer.Option(None, "--jurisdiction", help="区划代码（默认：本县）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """各乡镇（街道）季度排名：红黑榜。"""
    from services.reporting.ranking import ranking as rank

    _ready()
    with context.session() as session:
        result = rank(session=session, quarter=quarter, jurisdiction=jurisdiction)
    if json_out:
        emit_json(result)
        return
    from rich.table import Table

    from cli.output import console

    lists = {"red": "红榜", "black": "黑榜", None: ""}
    table = Table(
        title=f"{result['jurisdiction']['name']} {result['quarter']} 红黑榜"
        f"（截至 {result['as_of']}）"
    )
    for header in ("名次", "乡镇（街道）", "得分", "按时完成率", "销号率", "逾期项", "榜单"):
        table.add_column(header, justify="left" if header == "乡镇（街道）" else "right")
    for t in result["townships"]:
        c = t["components"]
        table.add_row(
            str(t["rank"]),
            t["name"],
            f"{t['score']:.2f}",
            _pct(c["on_time_rate"]),
            _pct(c["closure_rate"]),
            str(c["overdue_items"]),
            lists[t["list"]],
        )
    console().print(table)


def briefing(
    quarter: str = typer.Option(..., "--quarter", help="季度，如 2026Q3"),
    jurisdiction: str = typer.Option(None, "--jurisdiction", help="区划代码（默认：本县）"),
    formats: str = typer.Option(
        None, "--format", help="格式，逗号分隔：docx,pdf,html（默认见 policy.toml [briefing]）"
    ),
    out: str = typer.Option(
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
    if send:
        m = result["mail"]
        typer.echo(
            f"已加入发件箱 {m['queued']} 封，本次投递成功 {m['sent']} 封，失败 {m['failed']} 封"
            "（失败的可用 ./baobao outbox retry 重发）。"
        )
