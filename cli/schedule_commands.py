"""Commands of the schedule area: scheduler [--list], deploy (config/schedules.toml)."""

import datetime as dt
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypedDict

import typer

from cli import context
from cli.flow_launch import Launch, launcher, prepare_prefect
from cli.output import emit_json

if TYPE_CHECKING:
    from config.files import ScheduledJob

WEEKDAYS = "一二三四五六日"


class LastRun(TypedDict):
    """A job's most recent run, as --list shows it (times ISO 8601)."""

    started_at: str
    outcome: str
    finished_at: str | None
    runner: str
    detail: dict[str, Any] | None


class JobLine(TypedDict):
    """One job as --list shows it: its settings, next fire times (ISO 8601), last run."""

    name: str
    flow: str
    cron: str
    timezone: str
    parameters: dict[str, Any]
    catch_up: bool
    description: str
    next: list[str]
    last_run: LastRun | None


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("scheduler")(scheduler)
    app.command("deploy")(deploy)


def scheduler(
    list_only: bool = typer.Option(
        False, "--list", help="只列出各定时任务接下来的运行时间和上次运行，不启动"
    ),
    count: int = typer.Option(
        3, "--count", min=1, max=50, help="--list 时每个任务列出几次运行时间"
    ),
    json_out: bool = typer.Option(False, "--json", help="与 --list 一起用：输出 JSON"),
) -> None:
    """按 config/schedules.toml 在本进程中运行定时任务（前台运行，Ctrl-C 停止）。"""
    from services.scheduling import schedule

    jobs = schedule.jobs()
    if list_only:
        _list(jobs, count, json_out)
        return
    from services.core.errors import BadInput
    from services.core.schema import require_current

    if json_out:
        raise BadInput("--json 只能与 --list 一起使用")
    require_current(engine=context.engine())
    from cli.logs import configure_logging
    from services.scheduling.embedded import single_instance

    configure_logging("scheduler")
    with single_instance():
        prepare_prefect()
        _serve(jobs, launcher(jobs))


def deploy(
    pool: str = typer.Option(
        "baobao", "--pool", help="Prefect 工作池名称（不存在时创建为 process 类型）"
    ),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """把 config/schedules.toml 的每个任务注册为 Prefect 部署（cron 与时区），服务器地址取自 PREFECT_API_URL。"""
    from services.scheduling import schedule

    jobs = schedule.jobs()
    prepare_prefect()
    from services.scheduling.prefect_deploy import api_url, register_jobs

    api_url()  # refuse early when no server is configured
    launcher(jobs)  # every flow loads and its parameters fit, before anything is registered
    registered = register_jobs(jobs=jobs, pool=pool)
    if json_out:
        emit_json({"pool": pool, "deployments": registered})
        return
    for item in registered:
        typer.echo(
            f"已注册部署 {item['deployment']}：cron “{item['cron']}”（{item['timezone']}）"
            f"，工作池 {pool}。"
        )
    typer.echo(f"共 {len(registered)} 个部署。启动工作进程：prefect worker start --pool {pool}")


def _list(jobs: list["ScheduledJob"], count: int, json_out: bool) -> None:
    from services.core import clock
    from services.scheduling import schedule

    now = clock.now()
    last = _last_runs([job.name for job in jobs])
    rows: list[JobLine] = []
    for job in jobs:
        rows.append(
            {
                "name": job.name,
                "flow": job.flow,
                "cron": job.cron,
                "timezone": str(schedule.job_timezone(job)),
                "parameters": job.parameters,
                "catch_up": job.catch_up,
                "description": job.description,
                "next": [
                    t.isoformat() for t in schedule.next_fire_times(job, after=now, count=count)
                ],
                "last_run": last.get(job.name),
            }
        )
    if json_out:
        emit_json({"now": now.isoformat(), "jobs": rows})
        return
    typer.echo(f"定时任务（config/schedules.toml）共 {len(rows)} 个，现在是 {_when(now)}：")
    for row in rows:
        typer.echo(f"\n{row['name']}  {row['description']}")
        typer.echo(
            f"  流程 {row['flow']}，cron “{row['cron']}”，时区 {row['timezone']}"
            + (f"，参数 {row['parameters']}" if row["parameters"] else "")
        )
        typer.echo("  接下来：" + "；".join(_when(_parse(t)) for t in row["next"]))
        typer.echo("  上次运行：" + _last_text(row["last_run"]))


def _last_runs(names: list[str]) -> dict[str, LastRun | None]:
    """The last run of each job, or {} when the database is not ready (--list still works)."""
    from services.core.errors import BadInput
    from services.core.schema import require_current
    from services.scheduling import schedule

    try:
        require_current(engine=context.engine())
    except BadInput:
        return {}
    result: dict[str, LastRun | None] = {}
    with context.session() as session:
        for name in names:
            run = schedule.last_run(session=session, job=name)
            result[name] = (
                None
                if run is None
                else {
                    "started_at": run.started_at.isoformat(),
                    "outcome": run.outcome,
                    "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                    "runner": run.runner,
                    "detail": run.detail,
                }
            )
    return result


def _last_text(run: LastRun | None) -> str:
    from services.scheduling import schedule
    from services.scheduling.embedded import summary

    if run is None:
        return "无记录"
    outcome = schedule.OUTCOMES.get(run["outcome"], run["outcome"])
    return (
        f"{_when(_parse(run['started_at']))} {outcome}（{run['runner']}）：{summary(run['detail'])}"
    )


def _parse(text: str) -> dt.datetime:
    from services.core import clock

    return dt.datetime.fromisoformat(text).astimezone(clock.tz())


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d}（周{WEEKDAYS[moment.weekday()]}）{moment:%H:%M}"


def _serve(jobs: list["ScheduledJob"], launch: Launch) -> None:
    """Run the scheduler in the foreground until Ctrl-C (or SIGTERM), then stop cleanly."""
    import contextlib
    import os
    import signal

    from services.core import clock
    from services.scheduling import embedded

    def notify(text: str) -> None:
        typer.echo(f"[{clock.now():%m-%d %H:%M:%S}] {text}")

    from prefect.settings import PREFECT_API_URL

    from services.scheduling.prefect_env import prefect_home

    signal.signal(signal.SIGTERM, _interrupt)
    notify(f"调度已启动（{len(jobs)} 个任务，Ctrl-C 停止）。")
    if not PREFECT_API_URL.value():
        notify(
            f"未配置 Prefect 服务器：第一次运行流程时启动临时服务器（约 10–30 秒），"
            f"其文件在 {prefect_home()}。"
        )
    runner = embedded.build(url=context.database_url(), launch=launch, notify=notify, jobs=jobs)
    with contextlib.suppress(KeyboardInterrupt):
        runner.start()
    notify("正在停止：等待运行中的任务结束（再按一次 Ctrl-C 立即退出）……")
    try:
        runner.shutdown(wait=True)
    except KeyboardInterrupt:
        notify("已立即退出；未结束的运行在下次启动时记为失败并补跑。")
        os._exit(130)
    notify("调度已停止。")


def _interrupt(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt
