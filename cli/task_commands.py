"""Commands of the task area: tasks generate | list | record, campaign create | list."""

from functools import partial
from typing import TYPE_CHECKING, Annotated, TypedDict

import typer

from cli.running import JsonFlag, Limit, Subtree, parse_date, print_rows, read_files, run

if TYPE_CHECKING:  # the models and services load with the command that needs them
    from sqlmodel import Session

    from services.tasks.campaigns import CampaignSummary
    from services.tasks.listing import TaskListing

tasks_app = typer.Typer(help="督导任务：生成、查询、记录督导", no_args_is_help=True)
campaign_app = typer.Typer(help="专项督导：创建、查看", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(tasks_app, name="tasks")
    app.add_typer(campaign_app, name="campaign")


@tasks_app.command("generate")
def generate(
    period: str | None = typer.Option(
        None, "--period", help="期间，如 2026Q4、2026-10、2026H2、2026（默认：今天所在的期间）"
    ),
    json_out: JsonFlag = False,
) -> None:
    """生成应督导的常规任务（可重复运行，不会重复生成），并取消已失效的任务。"""
    from services.tasks.generation import generate_routine_tasks

    run(
        partial(generate_routine_tasks, period=period),
        json_out=json_out,
        show=lambda result: typer.echo(
            f"期间 {'、'.join(result['periods'])}：新建任务 {result['created']:,} 个，"
            f"已有 {result['existing']:,} 个，取消 {result['cancelled']:,} 个"
            + (f"，交接 {result['handed_over']:,} 个" if result.get("handed_over") else "")
            + "。"
        ),
    )


@tasks_app.command("list")
def list_(
    officer: str | None = typer.Option(None, "--officer", help="干部编号"),
    jurisdiction: Subtree = None,
    status: str | None = typer.Option(
        None,
        "--status",
        help="open 待督导（未逾期）、overdue 已逾期、done 已完成、cancelled 已取消、handed_over 已交接",
    ),
    period: str | None = typer.Option(None, "--period", help="期间，如 2026Q4"),
    limit: Limit = None,
    json_out: JsonFlag = False,
) -> None:
    """列出督导任务。"""
    from services.tasks.listing import list_tasks

    run(
        partial(
            list_tasks,
            officer=officer,
            jurisdiction=jurisdiction,
            status=status,
            period=period,
            limit=limit,
        ),
        json_out=json_out,
        show=_print_tasks,
    )


def _print_tasks(result: "TaskListing") -> None:
    from models.enums import LABELS, TaskSource, TaskState  # late: start-up stays fast

    names = LABELS[TaskState]
    sources: dict[str, str] = {TaskSource.CAMPAIGN: "专项：{}", TaskSource.BANQUET: "聚餐现场指导"}
    print_rows(
        ("编号", "干部编号", "主体", "区划代码", "期间", "类型", "截止日期", "状态", "完成日期"),
        (
            (
                str(t["id"]),
                t["officer_id"],
                t["entity_name"] or "",  # always named (a banquet task by its host)
                t["jurisdiction_code"],
                t["period"],
                sources.get(t["source"], "常规").format(t["campaign"]),
                t["due_date"],
                names[t["status"]],
                t["done_on"] or "",
            )
            for t in result["tasks"]
        ),
        f"共 {result['total']:,} 个任务（列出 {len(result['tasks']):,} 个）。",
    )


class Recorded(TypedDict):
    """A visit recorded: the task done, counts of what it holds, the hazards it opened or found
    still open (复查仍未整改)."""

    task_id: int
    record_id: int | None
    status: str
    done_on: str
    recorded_at: str
    recorded_by: str
    mode: str
    answers: int
    problems: int
    photos: int
    hazards: list[int | None]
    recurred: list[int | None]


@tasks_app.command("record")
def record(
    task_id: int = typer.Argument(..., help="任务编号"),
    mode: str = typer.Option(..., "--mode", help="督导方式：现场、线上、集中"),
    date: str | None = typer.Option(None, "--date", help="督导日期 YYYY-MM-DD（默认今天）"),
    answers: str | None = typer.Option(
        None,
        "--answers",
        help='检查清单答题文件（JSON）；“否”项可写 {"answer": "否", "note": 说明, "photos": [照片文件…]}',
    ),
    note: str | None = typer.Option(None, "--note", help="备注"),
    photo: Annotated[
        list[str] | None,
        typer.Option("--photo", help="督导照片文件（可多次给出）"),
    ] = None,
    by: str | None = typer.Option(
        None, "--by", help="补录人：食安办账号（督导日期已超过补录期限时由食安办补录）"
    ),
    reason: str | None = typer.Option(None, "--reason", help="补录原因（与 --by 一起给出）"),
    json_out: JsonFlag = False,
) -> None:
    """记录一次督导；任务随之完成，回答“否”和所列问题生成隐患（同一检查项已有未销号隐患的，记为该隐患复查仍未整改）。"""
    from pathlib import Path

    from models.enums import TaskStatus
    from services.accounts.identity import principal_for_login
    from services.visits.answers import AnswersFile, read_answers_file
    from services.visits.records import record_visit

    visit_date = parse_date(date, "--date")

    def recorded(*, session: "Session") -> Recorded:
        given = read_answers_file(path=Path(answers)) if answers else AnswersFile(document={})
        saved = record_visit(
            session=session,
            task_id=task_id,
            mode=mode,
            visit_date=visit_date,
            document=given.document,
            note=note,
            photos=read_files(photo),
            item_photos=given.item_photos,
            by=principal_for_login(session=session, login=by) if by else None,
            reason=reason,
        )
        kept = saved.record
        return {
            "task_id": task_id,
            "record_id": kept.id,
            "status": TaskStatus.DONE,
            "done_on": kept.visit_date.isoformat(),
            "recorded_at": kept.recorded_at.isoformat(),
            "recorded_by": kept.recorded_by,
            "mode": kept.mode,
            "answers": len(kept.answers),
            "problems": len(kept.problems),
            "photos": len(kept.photos),
            "hazards": [h.id for h in saved.hazards],
            "recurred": [h.id for h in saved.recurred],
        }

    run(
        recorded,
        json_out=json_out,
        show=lambda result: typer.echo(
            f"已记录任务 {task_id} 的督导（{result['done_on']}），任务已完成；"
            f"回答 {result['answers']} 项，问题 {result['problems']} 个"
            + (f"，照片 {result['photos']} 张" if result["photos"] else "")
            + (f"；新隐患 {len(result['hazards'])} 个" if result["hazards"] else "")
            + (
                f"；{len(result['recurred'])} 个未销号隐患复查仍未整改"
                f"（{'、'.join(map(str, result['recurred']))}）"
                if result["recurred"]
                else ""
            )
            + "。"
        ),
    )


@campaign_app.command("create")
def campaign_create(
    name: str = typer.Option(..., "--name", help="专项督导名称"),
    due: str = typer.Option(..., "--due", help="截止日期 YYYY-MM-DD"),
    category: Annotated[list[str] | None, typer.Option("--category", help="业态（可重复）")] = None,
    package_grade: Annotated[
        list[str] | None, typer.Option("--package-grade", help="主体等级 A-D（可重复）")
    ] = None,
    risk_grade: Annotated[
        list[str] | None, typer.Option("--risk-grade", help="风险等级 A-D（可重复）")
    ] = None,
    jurisdiction: Subtree = None,
    json_out: JsonFlag = False,
) -> None:
    """创建专项督导，为范围内每个在营主体的包保关系生成一个任务（重复运行不会重复生成）。"""
    from services.tasks.campaigns import create_campaign

    due_date = parse_date(due, "--due")
    run(
        partial(
            create_campaign,
            name=name,
            due_date=due_date,
            categories=category or (),
            package_grades=package_grade or (),
            risk_grades=risk_grade or (),
            jurisdiction=jurisdiction,
        ),
        json_out=json_out,
        show=lambda result: typer.echo(
            f"专项督导「{result['campaign']}」（截止 {result['due_date']}）：新建任务 "
            f"{result['created']:,} 个，已有 {result['existing']:,} 个。"
        ),
    )


@campaign_app.command("list")
def campaign_list(json_out: JsonFlag = False) -> None:
    """列出专项督导及其任务完成情况。"""
    from services.tasks.campaigns import list_campaigns

    def listed(*, session: "Session") -> CampaignList:
        campaigns = list_campaigns(session=session)
        return {"total": len(campaigns), "campaigns": campaigns}

    run(listed, json_out=json_out, show=_print_campaigns)


class CampaignList(TypedDict):
    total: int
    campaigns: list["CampaignSummary"]


def _print_campaigns(result: CampaignList) -> None:
    if not result["campaigns"]:
        typer.echo("还没有专项督导。")
    for c in result["campaigns"]:
        typer.echo(
            f"{c['id']}  {c['name']}  截止 {c['due_date']}  任务 {c['total']}：已完成 "
            f"{c['done']}，待督导 {c['open']}，已逾期 {c['overdue']}，已取消 {c['cancelled']}"
        )
