"""Commands of the task area: tasks generate | list | record, campaign create | list."""

from typing import Annotated

import typer

from cli import context
from cli.output import emit_json

tasks_app = typer.Typer(help="督导任务：生成、查询、记录督导", no_args_is_help=True)
campaign_app = typer.Typer(help="专项督导：创建、查看", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(tasks_app, name="tasks")
    app.add_typer(campaign_app, name="campaign")


def _ready() -> None:
    from services.schema import require_current

    require_current(engine=context.engine())


def _date(value: str | None, option: str):
    import datetime as dt

    from services.errors import BadInput

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{option} 的日期 {value!r} 无效，应为 YYYY-MM-DD") from None


@tasks_app.command("generate")
def generate(
    period: str = typer.Option(None, "--period", help="期间，如 2026Q4、2026-10、2026H2、2026（默认：今天所在的期间）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """生成应督导的常规任务（可重复运行，不会重复生成），并取消已失效的任务。"""
    from services.generation import generate_routine_tasks

    _ready()
    with context.session() as session:
        result = generate_routine_tasks(session=session, period=period)
    if json_out:
        emit_json(result)
    else:
        typer.echo(f"期间 {'、'.join(result['periods'])}：新建任务 {result['created']:,} 个，"
                   f"已有 {result['existing']:,} 个，取消 {result['cancelled']:,} 个。")


@tasks_app.command("list")
def list_(
    officer: str = typer.Option(None, "--officer", help="干部编号"),
    jurisdiction: str = typer.Option(None, "--jurisdiction", help="区划代码（含下级区划）"),
    status: str = typer.Option(None, "--status", help="open 待督导（未逾期）、overdue 已逾期、done 已完成、cancelled 已取消"),
    period: str = typer.Option(None, "--period", help="期间，如 2026Q4"),
    limit: int = typer.Option(None, "--limit", min=1, help="最多列出多少条（total 仍为全部条数）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """列出督导任务。"""
    from services.tasks import list_tasks

    _ready()
    with context.session() as session:
        result = list_tasks(session=session, officer=officer, jurisdiction=jurisdiction,
                            status=status, period=period, limit=limit)
    if json_out:
        emit_json(result)
        return
    _print_tasks(result)


def _print_tasks(result: dict) -> None:
    names = {"open": "待督导", "overdue": "已逾期", "done": "已完成", "cancelled": "已取消"}
    typer.echo("编号\t干部编号\t主体\t区划代码\t期间\t类型\t截止日期\t状态\t完成日期")
    for t in result["tasks"]:
        kind = f"专项：{t['campaign']}" if t["source"] == "campaign" else "常规"
        typer.echo("\t".join((str(t["id"]), t["officer_id"], t["entity_name"],
                              t["jurisdiction_code"], t["period"], kind, t["due_date"],
                              names[t["status"]], t["done_on"] or "")))
    typer.echo(f"共 {result['total']:,} 个任务（列出 {len(result['tasks']):,} 个）。")


@tasks_app.command("record")
def record(
    task_id: int = typer.Argument(..., help="任务编号"),
    mode: str = typer.Option(..., "--mode", help="督导方式：现场、线上、集中"),
    date: str = typer.Option(None, "--date", help="督导日期 YYYY-MM-DD（默认今天）"),
    answers: str = typer.Option(None, "--answers", help="检查清单答题文件（JSON）"),
    note: str = typer.Option(None, "--note", help="备注"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """记录一次督导；任务随之完成。"""
    from services.records import record_visit

    visit_date = _date(date, "--date")
    document = _read_answers(answers) if answers else None
    _ready()
    with context.session() as session:
        saved = record_visit(session=session, task_id=task_id, mode=mode, visit_date=visit_date,
                             document=document, note=note)
        result = {"task_id": task_id, "record_id": saved.id, "status": "done",
                  "done_on": saved.visit_date.isoformat(), "mode": saved.mode,
                  "answers": len(saved.answers), "problems": len(saved.problems)}
    if json_out:
        emit_json(result)
    else:
        typer.echo(f"已记录任务 {task_id} 的督导（{result['done_on']}），任务已完成；"
                   f"回答 {result['answers']} 项，问题 {result['problems']} 个。")


def _read_answers(path: str) -> dict:
    import json
    from pathlib import Path

    from services.errors import BadInput

    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BadInput(f"答题文件 {path} 不存在") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"答题文件 {path} 不是有效的 JSON：{exc}") from None


@campaign_app.command("create")
def campaign_create(
    name: str = typer.Option(..., "--name", help="专项督导名称"),
    due: str = typer.Option(..., "--due", help="截止日期 YYYY-MM-DD"),
    category: Annotated[list[str] | None, typer.Option(
        "--category", help="业态（可重复）")] = None,
    package_grade: Annotated[list[str] | None, typer.Option(
        "--package-grade", help="主体等级 A-D（可重复）")] = None,
    risk_grade: Annotated[list[str] | None, typer.Option(
        "--risk-grade", help="风险等级 A-D（可重复）")] = None,
    jurisdiction: str = typer.Option(None, "--jurisdiction", help="区划代码（含下级区划）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """创建专项督导，为范围内每个在营主体的包保关系生成一个任务（重复运行不会重复生成）。"""
    from services.campaigns import create_campaign

    due_date = _date(due, "--due")
    _ready()
    with context.session() as session:
        result = create_campaign(session=session, name=name, due_date=due_date,
                                 categories=category or (), package_grades=package_grade or (),
                                 risk_grades=risk_grade or (), jurisdiction=jurisdiction)
    if json_out:
        emit_json(result)
    else:
        typer.echo(f"专项督导「{result['campaign']}」（截止 {result['due_date']}）：新建任务 "
                   f"{result['created']:,} 个，已有 {result['existing']:,} 个。")


@campaign_app.command("list")
def campaign_list(json_out: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """列出专项督导及其任务完成情况。"""
    from services.campaigns import list_campaigns

    _ready()
    with context.session() as session:
        campaigns = list_campaigns(session=session)
    if json_out:
        emit_json({"total": len(campaigns), "campaigns": campaigns})
        return
    if not campaigns:
        typer.echo("还没有专项督导。")
    for c in campaigns:
        typer.echo(f"{c['id']}  {c['name']}  截止 {c['due_date']}  任务 {c['total']}：已完成 "
                   f"{c['done']}，待督导 {c['open']}，已逾期 {c['overdue']}，已取消 {c['cancelled']}")
