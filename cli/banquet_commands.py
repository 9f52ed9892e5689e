"""Commands of the banquet area: banquet add | list | cancel | guide | followup, chefs add | list | train."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from cli.running import JsonFlag, Subtree, parse_date, print_rows, run

banquet_app = typer.Typer(
    help="农村集体聚餐备案：备案、查询、取消、现场指导、回访", no_args_is_help=True
)
chefs_app = typer.Typer(help="乡厨登记：健康证明、培训记录", no_args_is_help=True)
By = typer.Option("cli", "--by", help="操作人账号（写入审计日志）")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(banquet_app, name="banquet")
    app.add_typer(chefs_app, name="chefs")


def _required_date(value: str, option: str) -> dt.date:
    day = parse_date(value, option)
    assert day is not None  # a required option
    return day


def _flags(result: dict[str, Any]) -> str:
    flags = [
        "逾期备案" if result["late_filing"] else "",
        "乡厨健康证明已过期" if result["chef_cert_expired"] else "",
    ]
    shown = "、".join(f for f in flags if f)
    return f"（{shown}）" if shown else ""


@banquet_app.command("add")
def add(
    village: str = typer.Option(..., "--village", help="村（社区）区划代码"),
    host: str = typer.Option(..., "--host", help="主办人姓名"),
    date: str = typer.Option(..., "--date", help="聚餐日期 YYYY-MM-DD"),
    diners: int = typer.Option(..., "--diners", help="预计就餐人数"),
    contact: str = typer.Option(None, "--contact", help="联系电话"),
    kind: str = typer.Option("其他", "--kind", help="类型：婚宴、丧宴、寿宴、升学宴、其他"),
    chef: int = typer.Option(None, "--chef", help="乡厨编号（chefs add 返回的 CHEF_ID）"),
    officer: str = typer.Option(
        None, "--officer", help="指导的包保干部编号（默认该村第一位村级干部）"
    ),
    place: str = typer.Option(None, "--place", help="聚餐地点"),
    menu: str = typer.Option(None, "--menu", help="菜单"),
    by: str = By,
    json_out: JsonFlag = False,
) -> None:
    """聚餐备案：达到规定人数的生成现场指导任务（聚餐前一个工作日截止）。"""
    from services.banquets.filing import Filing
    from services.banquets.register import file_banquet

    filing = Filing(village=village, host=host, event_date=_required_date(date, "--date"), diners=diners,
                    kind=kind, contact=contact, place=place, menu=menu, chef_id=chef, officer=officer)  # fmt: skip
    run(
        lambda *, session: dict(file_banquet(session=session, filing=filing, actor=by)),
        json_out=json_out,
        show=lambda r: typer.echo(
            f"已备案聚餐 {r['id']}{_flags(r)}"
            + (f"，现场指导任务 {r['task_id']} 交 {r['officer']}，截止 {r['task_due']}。" if r["task_id"] else "，人数未达现场指导标准。")
        ),
    )  # fmt: skip


@banquet_app.command("list")
def list_(
    month: str = typer.Option(None, "--month", help="聚餐月份 YYYY-MM"),
    jurisdiction: Subtree = None,
    json_out: JsonFlag = False,
) -> None:
    """列出聚餐备案及其现场指导、回访情况。"""
    from services.banquets.listing import list_banquets

    def show(result: dict[str, Any]) -> None:
        print_rows(
            ("编号", "村（社区）", "主办人", "类型", "日期", "预计人数", "指导干部", "指导截止", "已指导", "回访", "不适人数", "标记"),
            (
                (str(b["id"]), b["village"], b["host"], b["kind"], b["event_date"], str(b["diners"]),
                 b["officer"] or "—", b["task_due"] or "—", b["guided_on"] or "—", b["followed_up_on"] or "—",
                 "—" if b["ill_count"] is None else str(b["ill_count"]),
                 "、".join(x for x in (b["status"] if b["status"] != "已备案" else "",
                                      "逾期备案" if b["late_filing"] else "",
                                      "健康证过期" if b["chef_cert_expired"] else "") if x) or "—")
                for b in result["banquets"]
            ),
            f"共 {result['total']} 条",
        )  # fmt: skip

    run(lambda *, session: list_banquets(session=session, month=month, jurisdiction=jurisdiction),
        json_out=json_out, show=show)  # fmt: skip


@banquet_app.command("cancel")
def cancel(banquet_id: int = typer.Argument(...), by: str = By) -> None:
    """取消聚餐备案（同时取消未完成的现场指导任务）。"""
    from services.banquets.register import cancel_banquet

    run(lambda *, session: cancel_banquet(session=session, banquet_id=banquet_id, actor=by),
        json_out=False, show=lambda r: typer.echo(
            f"已取消聚餐备案 {r['id']}" + ("，现场指导任务已取消。" if r["task_cancelled"] else "。")))  # fmt: skip


@banquet_app.command("guide")
def guide(
    banquet_id: int = typer.Argument(...),
    answers: str = typer.Option(
        ..., "--answers", help="现场指导清单回答（JSON 文件：{检查项 id: 是/否/不涉及}）"
    ),
    date: str = typer.Option(None, "--date", help="指导日期 YYYY-MM-DD（默认今天）"),
    note: str = typer.Option(None, "--note", help="备注"),
    by: str = By,
    json_out: JsonFlag = False,
) -> None:
    """记录聚餐现场指导；回答“否”的检查项生成风险隐患。"""
    from services.banquets.visits import record_guidance
    from services.core.errors import BadInput

    try:
        given = json.loads(Path(answers).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadInput(f"无法读取回答文件 {answers}：{error}") from None
    day = parse_date(date, "--date")
    run(lambda *, session: record_guidance(session=session, banquet_id=banquet_id, visit_date=day,
                                           answers=given, note=note, actor=by),
        json_out=json_out, show=lambda r: typer.echo(
            f"已记录聚餐 {r['id']} 的现场指导（{r['guided_on']}），生成隐患 {len(r['hazards'])} 个。"))  # fmt: skip


@banquet_app.command("followup")
def followup(
    banquet_id: int = typer.Argument(...),
    diners: int = typer.Option(..., "--diners", help="实际就餐人数"),
    ill: int = typer.Option(0, "--ill", help="出现身体不适的人数（0 为无）"),
    by: str = By,
    json_out: JsonFlag = False,
) -> None:
    """聚餐后回访；有人身体不适即登记重大隐患并立即通知乡镇和县食安办。"""
    from services.banquets.visits import record_followup

    run(lambda *, session: record_followup(session=session, banquet_id=banquet_id, diners=diners,
                                           ill=ill, actor=by),
        json_out=json_out, show=lambda r: typer.echo(
            f"已记录聚餐 {r['id']} 的回访" + (f"：{r['ill_count']} 人身体不适，已登记重大隐患 {r['hazard_id']} 并通知乡镇和县食安办。" if r["hazard_id"] else "，无人身体不适。")))  # fmt: skip


@chefs_app.command("add")
def chefs_add(
    name: str = typer.Option(..., "--name", help="姓名"),
    village: str = typer.Option(..., "--village", help="所在村（社区）区划代码"),
    mobile: str = typer.Option(..., "--mobile", help="手机号"),
    cert_no: str = typer.Option(..., "--cert-no", help="健康证明编号"),
    cert_expires: str = typer.Option(..., "--cert-expires", help="健康证明有效期至 YYYY-MM-DD"),
    by: str = By,
    json_out: JsonFlag = False,
) -> None:
    """登记乡厨及其健康证明。"""
    from services.banquets.chefs import add_chef

    expires = _required_date(cert_expires, "--cert-expires")
    run(lambda *, session: {"id": add_chef(session=session, name=name, village=village, mobile=mobile,
                                           cert_no=cert_no, cert_expires=expires, actor=by)},
        json_out=json_out, show=lambda r: typer.echo(f"已登记乡厨，编号 {r['id']}。"))  # fmt: skip


@chefs_app.command("train")
def chefs_train(
    chef_id: int = typer.Argument(..., metavar="CHEF_ID"),
    date: str = typer.Option(..., "--date", help="培训日期 YYYY-MM-DD"),
    course: str = typer.Option(..., "--course", help="培训内容"),
    by: str = By,
) -> None:
    """登记乡厨的一次培训。"""
    from services.banquets.chefs import add_training

    day = _required_date(date, "--date")
    run(lambda *, session: {"id": add_training(session=session, chef_id=chef_id, trained_on=day,
                                               course=course, actor=by)},
        json_out=False, show=lambda r: typer.echo(f"已登记培训记录 {r['id']}。"))  # fmt: skip


@chefs_app.command("list")
def chefs_list(jurisdiction: Subtree = None, json_out: JsonFlag = False) -> None:
    """列出乡厨、健康证明有效期和培训次数。"""
    from services.banquets.chefs import list_chefs

    def show(result: dict[str, Any]) -> None:
        print_rows(
            ("编号", "姓名", "村（社区）", "手机号", "健康证明编号", "有效期至", "状态", "培训次数"),
            ((str(c["id"]), c["name"], c["village"], c["mobile"], c["cert_no"], c["cert_expires"],
              "已过期" if c["cert_expired"] else "即将到期" if c["cert_expiring"] else "有效",
              str(c["trainings"])) for c in result["chefs"]),
            f"共 {result['total']} 名",
        )  # fmt: skip

    run(lambda *, session: list_chefs(session=session, jurisdiction=jurisdiction),
        json_out=json_out, show=show)  # fmt: skip
