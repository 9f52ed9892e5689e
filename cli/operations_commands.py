"""Commands of operations: backup, restore, doctor."""

from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.output import emit_json
from cli.running import JsonFlag


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("doctor")(doctor)


def backup(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="备份文件存放目录（默认 BAOBAO_BACKUP_DIR 或 数据目录/backups）"
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """备份数据库和数据目录（整改证据、照片、文书、密钥）为一个文件；网页端和调度可继续运行。"""
    from services.core.errors import BadInput
    from services.core.schema import current_revision
    from services.operations.backup import take_backup

    if current_revision(engine=context.engine()) is None:  # an older schema is backed up as is
        raise BadInput("数据库尚未初始化（./baobao init），没有可备份的数据")
    result = take_backup(engine=context.engine(), out_dir=out)
    if json_out:
        emit_json(result)
        return
    typer.echo(
        f"已备份到 {result['archive']}（{_size(result['size'])}，数据库 {result['tables']} 张表 "
        f"{result['rows']:,} 行，文件 {result['files']:,} 个，用时 {result['seconds']} 秒）。"
    )
    typer.echo("备份文件含全部数据和签名密钥，仅本账户可读；请复制到本机以外的安全位置保存。")


def restore(
    archive: Annotated[Path, typer.Argument(help="备份文件（baobao-….tar）")],
    force: bool = typer.Option(
        False, "--force", help="目标数据库已有数据时仍然覆盖（先自动备份当前数据）"
    ),
    json_out: JsonFlag = False,
) -> None:
    """从备份文件恢复数据库和数据目录：先核对清单和校验值，默认只恢复到空数据库。"""
    from services.operations.restore import restore as restore_archive

    result = restore_archive(engine=context.engine(), path=archive, force=force)
    if json_out:
        emit_json(result)
        return
    if result["safety_backup"]:
        typer.echo(f"覆盖前已备份当前数据：{result['safety_backup']}")
    typer.echo(
        f"已恢复 {result['created_at'][:19].replace('T', ' ')} 的备份：数据库 "
        f"{len(result['tables'])} 张表 {result['rows']:,} 行，文件 {result['files']:,} 个"
        f"（{_size(result['bytes'])}），行数与备份清单一致。"
    )
    if result["needs_upgrade"]:
        typer.echo(f"备份的数据库结构版本为 {result['revision']}，请运行 ./baobao init 升级。")


def doctor(json_out: JsonFlag = False) -> None:
    """系统自检：数据库和结构版本、工作日历、邮件和群机器人、访问地址、磁盘空间、定时任务。"""
    from services.operations.doctor import run_checks

    checks = run_checks(engine=context.engine())
    ok = all(check["ok"] for check in checks)
    if json_out:
        emit_json(
            {
                "ok": ok,
                "checks": [
                    {"name": c["name"], "ok": c["ok"], "message": c["message"]} for c in checks
                ],
            }
        )
    else:
        for check in checks:
            typer.echo(
                f"{'正常' if check['ok'] else '需处理'}  {check['label']}：{check['message']}"
            )
        bad = sum(not check["ok"] for check in checks)
        typer.echo("全部正常。" if ok else f"共 {bad} 项需要处理。")
    if not ok:
        raise typer.Exit(1)


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
