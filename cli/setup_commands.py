"""Commands that set a database up: init, demo, summary."""

import typer

from cli import context
from cli.output import emit_json


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("summary")(summary)


def init(json_out: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """创建数据库或迁移到最新结构（可重复运行）；已有数据的数据库在迁移前先自动备份。"""
    from config.files import load_all
    from services.operations.upgrade import upgrade_with_backup

    load_all()
    result = upgrade_with_backup(engine=context.engine())
    if json_out:
        emit_json(result)
        return
    if result["backup"]:
        typer.echo(f"迁移前已备份：{result['backup']}")
    if result["changed"]:
        typer.echo(f"数据库已迁移：{result['before'] or '空库'} → {result['after']}。")
    else:
        typer.echo(f"数据库已是最新结构（版本 {result['after']}）。")


def demo(
    scale: str = typer.Option(
        "county", "--scale", help="规模：town（一个乡镇）、county（一个县）、province（一个省）"
    ),
    seed: int = typer.Option(2, "--seed", help="随机种子（同一种子生成同样的数据）"),
    if_empty: bool = typer.Option(False, "--if-empty", help="数据库非空时什么也不做（不报错）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """向空数据库填入演示数据（虚构的县、干部和主体）。"""
    from services.core.errors import BadInput
    from services.core.schema import require_current
    from services.demo import dataset as demo_service

    if scale not in demo_service.SCALES:
        raise BadInput(f"规模 {scale!r} 无效，可选：town、county、province")
    engine = context.engine()
    require_current(engine=engine)
    if not demo_service.is_empty(engine=engine):
        if if_empty:
            if not json_out:
                typer.echo("数据库已有数据，跳过演示数据。")
            return
        raise BadInput("数据库不是空的，演示数据只能填入空数据库")
    counts = demo_service.fill(engine=engine, scale=scale, seed=seed, progress=not json_out)
    if json_out:
        emit_json({"scale": scale, "seed": seed, "counts": counts})
    else:
        typer.echo("已生成演示数据：" + "，".join(f"{k} {v:,}" for k, v in counts.items()))


def summary(json_out: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """打印本县概况：区划、各层级干部、各业态和主体等级的主体数量。"""
    from services.core.schema import require_current
    from services.roster.summary import county_summary, render_summary

    require_current(engine=context.engine())
    with context.session() as session:
        data = county_summary(session=session)
    if json_out:
        emit_json(data)
    else:
        typer.echo(render_summary(data))
