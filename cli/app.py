"""The root command: global options (--db, --today), sub-commands, Chinese errors, exit codes."""

import datetime as dt
import sys

import typer
from typer._click.exceptions import ClickException  # typer vendors click, re-exporting not this

from cli import (
    banquet_commands,
    calendar_commands,
    hazard_commands,
    notification_commands,
    operations_commands,
    report_commands,
    roster_commands,
    schedule_commands,
    setup_commands,
    task_commands,
    visit_commands,
    web_commands,
)

app = typer.Typer(
    help="baobao 食品安全包保工作系统",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
for area in (
    setup_commands,
    roster_commands,
    task_commands,
    visit_commands,
    hazard_commands,
    notification_commands,
    report_commands,
    schedule_commands,
    web_commands,
    operations_commands,
    calendar_commands,
    banquet_commands,
):
    area.register(app)


def _parse_today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"日期 {value!r} 无效，应为 YYYY-MM-DD") from None


@app.callback()
def root(
    db: str | None = typer.Option(
        None, "--db", help="数据库地址（默认 BAOBAO_DATABASE_URL 或 sqlite:///baobao.db）"
    ),
    today: str | None = typer.Option(
        None, "--today", help="把今天设为该日期（YYYY-MM-DD），所有日期逻辑都读它"
    ),
) -> None:
    """baobao 食品安全包保工作系统。"""
    from config.settings import configure

    settings = configure(database_url=db, today=_parse_today(today))
    calendar = sys.modules.get("services.core.calendar")
    if calendar:  # a new command in a process that ran one before (tests, the web app)
        calendar.forget_unknown_years()
        calendar.bind(settings.database_url)
    from cli.logs import configure_logging

    configure_logging()


def main() -> None:
    """Run the command line; map every failure to one Chinese line and an exit code."""
    from cli.errors import exit_code_for

    if len(sys.argv) == 1:
        sys.argv.append("--help")
    try:
        # Without standalone mode, click returns (not raises) the code of a typer.Exit.
        code = app(prog_name="baobao", standalone_mode=False)
        _show_calendar_warning()
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Exit as exc:
        _show_calendar_warning()
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("已取消。\n")
        sys.exit(1)
    except ClickException as exc:  # usage errors
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.exit(0)
        sys.stderr.write(f"错误：{_chinese_usage(exc.format_message())}\n")
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        message, code = exit_code_for(exc)
        sys.stderr.write(f"错误：{message}\n")
        sys.exit(code)


def _show_calendar_warning() -> None:
    """A year the official calendar does not know is shown loudly after any command."""
    calendar = sys.modules.get("services.core.calendar")
    message = calendar.calendar_warning() if calendar else None
    if message:
        sys.stderr.write(f"警告：{message}\n")


def _chinese_usage(message: str) -> str:
    replacements = {
        "No such option": "没有这个选项",
        "No such command": "没有这个命令",
        "Missing argument": "缺少参数",
        "Missing option": "缺少选项",
        "Invalid value for": "取值无效：",
        "Got unexpected extra argument": "多余的参数",
        "requires an argument": "需要一个值",
        "is not a valid": "不是有效的",
        "Did you mean": "您是否想用",
    }
    for english, chinese in replacements.items():
        message = message.replace(english, chinese)
    return message
