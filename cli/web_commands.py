"""Commands of the web area: serve (web application + embedded scheduler), users invite."""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol, TypedDict

import typer

from cli import context
from cli.output import emit_json
from cli.running import Untyped

if TYPE_CHECKING:
    from services.accounts.invitation_batch import InvitationBatch
    from services.reminders.delivery import Delivered


class Scheduler(Protocol):
    """What serve uses of the embedded scheduler (APScheduler's, an untyped library)."""

    def start(self) -> None: ...
    def shutdown(self, wait: bool = True) -> None: ...


class InvitedLine(TypedDict):
    code: str
    name: str
    mailed: bool
    link: str


class Invited(TypedDict):
    """users invite --jurisdiction: who was invited, how many by mail (and sent) and on the
    sheet, and the sheet's file and expiry."""

    jurisdiction: str
    tier: str | None
    network: bool  # the village network (联络员/协管员/信息员), not officers
    invited: int
    mailed: int
    sent: int
    on_sheet: int
    not_reached: int
    sheet: str | None
    sheet_expires: str | None
    officers: list[InvitedLine]


users_app = typer.Typer(help="账号：发送设置密码链接", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（0.0.0.0 表示所有网卡）"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="监听端口"),
    no_scheduler: bool = typer.Option(
        False,
        "--no-scheduler",
        help="不在本进程运行定时任务（另有 baobao scheduler 或 Prefect 时使用）",
    ),
) -> None:
    """启动网页端（包保干部、食安办、管理员），并在同一进程运行定时任务。"""
    import uvicorn

    from cli.logs import configure_logging
    from config.files import load_all
    from services.accounts.invitations import demo_accounts
    from services.core import urls
    from services.core.schema import require_current
    from web.app import create_app

    load_all()
    configure_logging("web")
    require_current(engine=context.engine())
    with context.session() as session:
        accounts = demo_accounts(session=session)
    runner = None if no_scheduler else _start_scheduler()
    address = urls.remember_served(host=host, port=port)
    typer.echo(f"网页端已启动：{address}（Ctrl-C 停止）")
    warning = urls.public_address_warning()
    if warning:
        typer.echo(f"注意：{warning}")
    else:
        typer.echo(f"邀请、提醒和二维码中的链接使用 BAOBAO_BASE_URL = {urls.public_base()}")
    _print_accounts(accounts)
    try:
        uvicorn.run(
            create_app(),
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=False,  # the app believes BAOBAO_TRUSTED_PROXIES only (web/app.py)
            server_header=False,
        )
    finally:
        if runner is not None:
            runner.shutdown(wait=False)


def _start_scheduler() -> Scheduler:
    """The embedded scheduler of config/schedules.toml in a background thread."""
    from cli.flow_launch import launcher, prepare_prefect
    from services.core import clock
    from services.scheduling import embedded, schedule

    def notify(text: str) -> None:
        typer.echo(f"[{clock.now():%m-%d %H:%M:%S}] {text}", err=True)

    jobs = schedule.jobs()
    prepare_prefect()
    runner = embedded.build(
        url=context.database_url(), launch=launcher(jobs), notify=notify, blocking=False, jobs=jobs
    )
    runner.start()
    typer.echo(f"定时任务已在本进程启动（{len(jobs)} 个，见 config/schedules.toml）。")
    started: Scheduler = runner
    return started


def _print_accounts(accounts: Sequence[Untyped]) -> None:
    if not accounts:
        return
    typer.echo("演示账号（演示数据专用，密码均为 " + accounts[0]["password"] + "）：")
    for a in accounts:
        typer.echo(f"  {a['role']}\t{a['account']}\t{a['name']}（{a['place']}）")


@users_app.command("invite")
def invite(
    account: str | None = typer.Argument(
        None, help="食安办账号、干部编号，或包保干部、信息员的手机号"
    ),
    jurisdiction: str | None = typer.Option(
        None, "--jurisdiction", help="邀请该区划（含下级）全部在岗包保干部（区划代码）"
    ),
    tier: Annotated[
        str | None,
        typer.Option("--tier", help="只邀请该层级的干部：city、county、township、village"),
    ] = None,
    sheet: Annotated[
        Path | None,
        typer.Option("--sheet", help="邮件无法送达的干部印在此邀请单（PDF，每人一个二维码）上"),
    ] = None,
    network: bool = typer.Option(
        False, "--network", help="邀请该区划的联络员、协管员、信息员（而非干部），印在邀请单上"
    ),
    no_send: bool = typer.Option(False, "--no-send", help="只生成链接，不通过邮件发送"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """生成一次性的设置密码链接，有邮件渠道时发送给本人；或按区划（和层级）批量邀请干部或信息员。"""
    from services.core.errors import BadInput

    if (account is None) == (jurisdiction is None):
        raise BadInput("请给出一个账号，或用 --jurisdiction 指定区划批量邀请（二者选一）")
    if account is not None and (tier is not None or sheet is not None or network):
        raise BadInput("--tier、--sheet 和 --network 只用于 --jurisdiction 批量邀请")
    if network and tier is not None:
        raise BadInput("--tier 是干部层级，不能与 --network 同用")
    if sheet is not None and sheet.suffix.lower() != ".pdf":
        raise BadInput(f"邀请单应为 .pdf 文件：{sheet}")
    if jurisdiction is not None and network:
        _invite_network(jurisdiction, sheet, json_out)
    elif jurisdiction is not None:
        _invite_batch(jurisdiction, tier, sheet, no_send, json_out)
    else:
        _invite_one(account or "", no_send, json_out)


def _warn_address() -> None:
    from services.core.urls import public_address_warning

    warning = public_address_warning()
    if warning:
        typer.echo(f"注意：{warning}", err=True)


def _invite_batch(
    code: str, tier: str | None, sheet: Path | None, no_send: bool, json_out: bool
) -> None:
    from models.enums import OfficerTier
    from services.accounts.invitation_batch import invitation_sheet, invite_officers
    from services.core.errors import BadInput
    from services.core.schema import require_current
    from services.reminders.delivery import deliver

    tiers = {member.value: member for member in OfficerTier}
    if tier is not None and tier not in tiers:
        raise BadInput(f"未知的干部层级：{tier}（可选：{'、'.join(tiers)}）")
    require_current(engine=context.engine())
    with context.session() as session:
        batch = invite_officers(
            session=session,
            jurisdiction=code,
            tier=tiers[tier] if tier is not None else None,
            actor="命令行",
            by_mail=not no_send,
            on_sheet=sheet is not None,
        )
        if sheet is not None and batch.on_sheet:
            sheet.parent.mkdir(parents=True, exist_ok=True)
            sheet.write_bytes(invitation_sheet(batch=batch))
        delivered = deliver(session=session) if batch.queued else None
    result = _batch_result(batch, sheet, delivered)
    if json_out:
        emit_json(result)
        return
    _warn_address()
    typer.echo(
        f"{batch.jurisdiction}：邀请包保干部 {len(batch.officers)} 人，其中邮件 {result['mailed']} 人"
        f"（已发送 {result['sent']} 封），邀请单 {result['on_sheet']} 人。"
    )
    if result["sheet"]:
        typer.echo(
            f"邀请单：{result['sheet']}（{result['sheet_expires']} 前有效），请打印后交给本人。"
        )
    if batch.not_reached:
        typer.echo(
            f"另有 {batch.not_reached} 人邮件无法送达，未邀请：请加 --sheet 邀请单.pdf 打印邀请单。"
        )


def _invite_network(code: str, sheet: Path | None, json_out: bool) -> None:
    from services.accounts.invitation_batch import invitation_sheet
    from services.accounts.network import invite_network
    from services.core.schema import require_current

    require_current(engine=context.engine())
    with context.session() as session:
        batch = invite_network(session=session, jurisdiction=code, actor="命令行")
        if sheet is not None:
            sheet.parent.mkdir(parents=True, exist_ok=True)
            sheet.write_bytes(invitation_sheet(batch=batch))
    result = _batch_result(batch, sheet, None)
    if json_out:
        emit_json(result)
        return
    _warn_address()
    typer.echo(f"{batch.jurisdiction}：邀请联络员、协管员、信息员 {len(batch.officers)} 人。")
    if result["sheet"]:
        typer.echo(
            f"邀请单：{result['sheet']}（{result['sheet_expires']} 前有效），请打印后交给本人。"
        )
    else:
        for o in batch.officers:
            typer.echo(f"  {o.name}\t{o.code}\t{o.place}\t{o.link}")


def _batch_result(
    batch: "InvitationBatch", sheet: Path | None, delivered: "Delivered | None"
) -> Invited:
    from services.core import clock

    on_sheet = batch.on_sheet
    return {
        "jurisdiction": batch.code,
        "tier": batch.tier.value if batch.tier else None,
        "network": batch.network,
        "invited": len(batch.officers),
        "mailed": len(batch.officers) - len(on_sheet),
        "sent": delivered["sent"] if delivered else 0,
        "on_sheet": len(on_sheet),
        "not_reached": batch.not_reached,
        "sheet": str(sheet) if sheet is not None and on_sheet else None,
        "sheet_expires": clock.chinese_moment(on_sheet[0].expires) if on_sheet else None,
        "officers": [
            {"code": o.code, "name": o.name, "mailed": o.mailed, "link": o.link}
            for o in batch.officers
        ],
    }


def _invite_one(account: str, no_send: bool, json_out: bool) -> None:
    from services.accounts.invitations import invite as make_invitation
    from services.core.schema import require_current
    from services.reminders.delivery import deliver

    require_current(engine=context.engine())
    with context.session() as session:
        result = make_invitation(session=session, account=account, actor="命令行", send=not no_send)
        delivered = deliver(session=session) if result["queued"] else None
    if delivered is not None:
        result["delivery"] = {k: delivered.get(k, 0) for k in ("sent", "failed", "waiting")}
    if json_out:
        emit_json(result)
        return
    _warn_address()
    typer.echo(
        f"{result['role']} {result['name']}（{result['account']}）的设置密码链接，"
        f"{result['expires_text']} 前有效，只能使用一次："
    )
    typer.echo(result["link"])
    if result["queued"]:
        sent = delivered.get("sent", 0) if delivered else 0
        typer.echo(f"已通过邮件{'发送' if sent else '排队发送'}至 {result['address']}。")
    else:
        typer.echo(
            "未通过邮件发送（未配置邮件服务器、本人未登记邮箱或使用了 --no-send），请把链接转交本人。"
        )


@users_app.command("sessions")
def sessions(
    account: str = typer.Argument(..., help="食安办账号、干部编号或手机号"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """列出此人（同一手机号的所有账号）进行中的网页登录、一键链接登录和接口令牌。"""
    from dataclasses import asdict

    from models.enums import SessionKind, label
    from services.accounts.session_admin import person_sessions
    from services.core.schema import require_current

    require_current(engine=context.engine())
    with context.session() as session:
        found = person_sessions(session=session, account=account)
    if json_out:
        emit_json({"account": found.account, "running": [asdict(r) for r in found.running]})
        return
    typer.echo(f"{found.name}（{found.account}）进行中的登录与令牌 {len(found.running)} 个：")
    for r in found.running:
        who = found.accounts.get(f"{r.account_kind}:{r.account_id}", "—")
        typer.echo(
            f"  {r.id}\t{who}\t{label(SessionKind, r.kind)}\t"
            f"{r.created_at:%Y-%m-%d %H:%M} 起\t{r.client or '—'}"
        )


@users_app.command("signout")
def signout(
    account: str = typer.Argument(..., help="食安办账号、干部编号或手机号"),
    session_id: str | None = typer.Option(
        None, "--session", help="只结束这一个登录或令牌（users sessions 列出的编号）"
    ),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """结束此人的登录与接口令牌：默认全部（同一手机号的所有账号），或用 --session 只结束一个。"""
    from services.accounts.session_admin import end_sessions
    from services.core.schema import require_current

    require_current(engine=context.engine())
    with context.session() as session:
        ended = end_sessions(
            session=session, account=account, actor="命令行", session_id=session_id
        )
    if json_out:
        emit_json({"account": account, "ended": ended})
        return
    typer.echo(f"已结束 {account} 的登录与令牌 {ended} 个。")
