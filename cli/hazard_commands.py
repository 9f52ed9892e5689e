"""Commands of the hazard area: hazards add | list | move | withdraw, lists export, review."""

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from cli.running import (
    JsonFlag,
    Limit,
    Subtree,
    Untyped,
    parse_date,
    print_rows,
    read_files,
    run,
)

if TYPE_CHECKING:  # the models and services load with the command that needs them
    from sqlmodel import Session

hazards_app = typer.Typer(help="风险隐患：登记、查询、整改销号", no_args_is_help=True)
lists_app = typer.Typer(help="风险隐患清单和治理责任清单", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(hazards_app, name="hazards")
    app.add_typer(lists_app, name="lists")
    app.command("review")(review)


@hazards_app.command("add")
def add(
    source: str = typer.Option(..., "--source", help="来源：抽检不合格、投诉举报、风险研判、其他"),
    entity: str | None = typer.Option(
        None, "--entity", help="主体的统一社会信用代码、许可证编号或登记备案编号"
    ),
    jurisdiction: str | None = typer.Option(
        None, "--jurisdiction", help="区划代码（不针对某个主体时）"
    ),
    description: str = typer.Option(..., "--description", help="风险点/隐患描述"),
    level: str = typer.Option(..., "--level", help="隐患等级：重大、较大、一般"),
    responsible_unit: str | None = typer.Option(
        None, "--responsible-unit", help="责任单位（默认按 policy.toml）"
    ),
    responsible_person: str | None = typer.Option(
        None, "--responsible-person", help="责任人（默认包保干部）"
    ),
    measure: str | None = typer.Option(None, "--measure", help="整改措施"),
    deadline: str | None = typer.Option(
        None, "--deadline", help="整改时限 YYYY-MM-DD（默认按等级的工作日数）"
    ),
    found_on: str | None = typer.Option(None, "--found-on", help="发现日期 YYYY-MM-DD（默认今天）"),
    by: str = typer.Option("cli", "--by", help="登记人账号（写入审计日志）"),
    json_out: JsonFlag = False,
) -> None:
    """登记其他来源的风险隐患（抽检不合格、投诉举报、风险研判、其他）。"""
    from services.hazards.create import add_hazard
    from services.hazards.listing import hazard_item

    due, found = parse_date(deadline, "--deadline"), parse_date(found_on, "--found-on")

    def added(*, session: "Session") -> Untyped:
        hazard = add_hazard(
            session=session,
            source=source,
            description=description,
            level=level,
            entity_key=entity,
            jurisdiction_code=jurisdiction,
            responsible_unit=responsible_unit,
            responsible_person=responsible_person,
            measure=measure,
            deadline=due,
            found_on=found,
            actor=by,
        )
        assert hazard.id is not None  # a stored hazard
        return hazard_item(session=session, hazard_id=hazard.id)

    run(
        added,
        json_out=json_out,
        show=lambda item: typer.echo(
            f"已登记隐患 {item['id']}（{_label('level', item['level'])}），"
            f"整改时限 {item['deadline']}，责任单位 {item['responsible_unit'] or '—'}。"
        ),
    )


@hazards_app.command("list")
def list_(
    status: str | None = typer.Option(
        None, "--status", help="待整改、整改中、待验收、已销号，或 未销号、逾期"
    ),
    jurisdiction: Subtree = None,
    overdue: bool = typer.Option(False, "--overdue", help="只列已逾期（过整改时限未销号）的隐患"),
    source: str | None = typer.Option(
        None, "--source", help="来源：督导、抽检不合格、投诉举报、风险研判、其他"
    ),
    quarter: str | None = typer.Option(
        None, "--quarter", help="季度，如 2026Q3（该季度内在办的隐患）"
    ),
    limit: Limit = None,
    json_out: JsonFlag = False,
) -> None:
    """列出风险隐患。"""
    from services.core.periods import quarter as parse_quarter
    from services.hazards.listing import list_hazards

    period = parse_quarter(quarter) if quarter else None
    run(
        partial(
            list_hazards,
            status=status,
            jurisdiction_code=jurisdiction,
            overdue=overdue,
            source=source,
            quarter=period,
            limit=limit,
        ),
        json_out=json_out,
        show=_print_hazards,
    )


def _print_hazards(result: Untyped) -> None:
    print_rows(
        (
            "编号",
            "来源",
            "隐患等级",
            "状态",
            "发现日期",
            "整改时限",
            "逾期工作日",
            "主体/区划",
            "描述",
        ),
        (
            (
                str(h["id"]),
                _label("source", h["source"]),
                _label("level", h["level"]),
                _label("status", h["status"]),
                h["found_on"],
                h["deadline"],
                str(h["overdue_workdays"] or ""),
                h["entity_name"] or h["jurisdiction_code"],
                h["description"].replace("\n", " ")[:60],
            )
            for h in result["hazards"]
        ),
        f"共 {result['total']:,} 项隐患（列出 {len(result['hazards']):,} 项）。",
    )


def _label(kind: Literal["source", "level", "status"], code: str) -> str:
    from models.enums import HazardLevel, HazardSource, HazardStatus, label

    return label({"source": HazardSource, "level": HazardLevel, "status": HazardStatus}[kind], code)


@hazards_app.command("move")
def move(
    hazard_id: int = typer.Argument(..., help="隐患编号"),
    state: str = typer.Argument(..., help="目标状态：整改中、待验收、已销号"),
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", help="整改证据文件（图片、PDF、Office 文档，可多次给出）"),
    ] = None,
    note: str | None = typer.Option(None, "--note", help="说明；验收不通过时必须写明原因"),
    by: str = typer.Option(..., "--by", help="操作人：食安办账号、包保干部编号或手机号"),
    json_out: JsonFlag = False,
) -> None:
    """变更隐患状态：待整改 → 整改中 → 待验收 → 已销号，或 待验收 → 整改中（验收不通过）。"""
    from services.accounts.identity import principal_for_login
    from services.hazards.lifecycle import move_hazard

    def moved(*, session: "Session") -> Untyped:
        return move_hazard(
            session=session,
            hazard_id=hazard_id,
            target=state,
            who=principal_for_login(session=session, login=by),
            files=read_files(evidence),
            note=note,
        )

    def show(result: Untyped) -> None:
        extra = f"，证据 {len(result['evidence'])} 个" if result["evidence"] else ""
        typer.echo(
            f"隐患 {hazard_id}：{_label('status', result['from'])} → "
            f"{_label('status', result['to'])}（{by}{extra}）。"
        )

    run(moved, json_out=json_out, show=show)


@hazards_app.command("withdraw")
def withdraw(
    hazard_id: int = typer.Argument(..., help="隐患编号"),
    by: str = typer.Option(..., "--by", help="操作人：食安办账号（督办或管理员）"),
    reason: str = typer.Option(..., "--reason", help="撤销原因"),
    json_out: JsonFlag = False,
) -> None:
    """撤销已停业或注销主体的隐患（已撤销）：不再计入未销号清单和销号率。"""
    from dataclasses import asdict

    from services.accounts.identity import principal_for_login
    from services.hazards.withdraw import withdraw_hazard

    def withdrawn(*, session: "Session") -> dict[str, Any]:  # services' Withdrawn, as JSON
        who = principal_for_login(session=session, login=by)
        return asdict(withdraw_hazard(session=session, hazard_id=hazard_id, who=who, reason=reason))

    def show(result: dict[str, Any]) -> None:
        typer.echo(
            f"隐患 {hazard_id}：{_label('status', result['before'])} → 已撤销"
            f"（{by}，原因：{result['reason']}）。"
        )

    run(withdrawn, json_out=json_out, show=show)


@lists_app.command("export")
def export(
    file: str = typer.Argument(..., help="输出的 .xlsx 文件"),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", help="区划代码（默认本县）"),
    quarter: str | None = typer.Option(None, "--quarter", help="季度，如 2026Q3（默认全部）"),
    status: str | None = typer.Option(
        None, "--status", help="待整改、整改中、待验收、已销号，或 未销号、逾期"
    ),
    json_out: JsonFlag = False,
) -> None:
    """导出风险隐患清单和治理责任清单（一个工作簿，两个工作表）。"""
    from services.core.errors import BadInput
    from services.reporting.lists import export_lists

    if not file.lower().endswith(".xlsx"):
        raise BadInput(f"输出文件 {file} 应以 .xlsx 结尾")
    run(
        partial(
            export_lists,
            path=Path(file),
            jurisdiction_code=jurisdiction,
            quarter=quarter,
            status=status,
        ),
        json_out=json_out,
        show=lambda result: typer.echo(
            f"已导出{result['span']}的两个清单：{result['hazards']:,} 项隐患 → {file}"
        ),
    )


def review(
    quarter: str | None = typer.Option(None, "--quarter", help="季度，如 2026Q3（默认上一季度）"),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", help="区划代码（默认本县）"),
    out: str | None = typer.Option(None, "--out", help="输出目录（默认 数据目录/review/季度）"),
    json_out: JsonFlag = False,
) -> None:
    """季度风险研判：分乡镇、分等级统计隐患，列出屡查屡犯主体，并导出本季度两个清单。"""
    from services.reporting.review import render_text, run_review

    run(
        partial(run_review, quarter=quarter, jurisdiction_code=jurisdiction, out_dir=out),
        json_out=json_out,
        show=lambda result: typer.echo(render_text(result)),
    )
