"""Commands of the notification area: remind, outbox list | retry."""

from collections.abc import Sequence

import typer

from cli import context
from cli.output import emit_json
from cli.running import Untyped

outbox_app = typer.Typer(help="发件箱：查看、重发提醒消息", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("remind")(remind)
    app.add_typer(outbox_app, name="outbox")


def _ready() -> None:
    from services.core.schema import require_current

    require_current(engine=context.engine())


def remind(
    dry_run: bool = typer.Option(False, "--dry-run", help="只统计将要发送的提醒，不写入、不发送"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """生成今天的提醒和逾期督办（每人每个工作日最多一条），并投递发件箱。"""
    from services.core import clock
    from services.reminders.daily import remind as run

    _ready()
    with context.session() as session:
        result = run(session=session, today=clock.today(), dry_run=dry_run, actor="cli")
    if json_out:
        emit_json(result)
        return
    if not result["workday"]:
        typer.echo(f"{result['date']} 不是工作日，不发送提醒。")
        return
    verb = "将新加入" if dry_run else "新加入"
    typer.echo(
        f"{result['date']}：干部提醒 {result['officers']} 份，食安办督办 {result['offices']} 份；"
        f"{verb}发件箱 {result['queued']} 条。"
    )
    if not dry_run:
        typer.echo(
            f"发送成功 {result['sent']} 条，失败 {result['failed']} 条，"
            f"状态不明 {result['unknown']} 条，待重试 {result['waiting']} 条。"
        )
    for person in result["skipped_no_channel"]:
        typer.echo(
            f"无法送达：{person['name']}（{person['recipient']}，{person['place']}）："
            f"{person['reason']}",
            err=True,
        )


@outbox_app.command("list")
def list_outbox(
    status: str | None = typer.Option(
        None, "--status", help="只看该状态：queued（待发送）、sent（已发送）、failed（发送失败）"
    ),
    limit: int = typer.Option(100, "--limit", min=1, help="最多列出的条数（最新的在前）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """列出发件箱中的消息：发给谁、状态、尝试次数和最近的错误。"""
    from services.reminders.outbox import list_notifications

    _ready()
    with context.session() as session:
        rows = list_notifications(session=session, status=status, limit=limit)
    if json_out:
        emit_json({"count": len(rows), "notifications": rows})
        return
    if not rows:
        typer.echo("发件箱中没有符合条件的消息。")
        return
    _table(rows)


def _table(rows: Sequence[Untyped]) -> None:
    from rich.table import Table

    from cli.output import console
    from models.enums import Channel, NotificationStatus, label

    table = Table("编号", "渠道", "收件人", "主题", "状态", "次数", "最近错误")
    for row in rows:
        table.add_row(
            str(row["id"]),
            label(Channel, row["channel"]),
            row["address"],
            row["subject"],
            label(NotificationStatus, row["status"]),
            str(row["attempts"]),
            row["last_error"] or "",
        )
    console().print(table)


@outbox_app.command("retry")
def retry_outbox(
    notification_id: int | None = typer.Argument(
        None, help="消息编号；不填则重发全部发送失败的消息（状态不明的除外）"
    ),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """重新投递发送失败的消息（或指定的一条），并立即投递发件箱。"""
    from services.reminders.delivery import deliver
    from services.reminders.outbox import retry

    _ready()
    with context.session() as session:
        queued = retry(session=session, notification_id=notification_id, actor="cli")
        result = {"requeued": queued, **deliver(session=session)}
    if json_out:
        emit_json(result)
        return
    typer.echo(
        f"重新排队 {result['requeued']} 条；发送成功 {result['sent']} 条，"
        f"失败 {result['failed']} 条，状态不明 {result['unknown']} 条，"
        f"待重试 {result['waiting']} 条。"
    )
