"""The doctor: what needs attention before it hurts — the database and its migrations, whether
the working-day calendar knows this year (and, from `[calendar] next_year_warn_month`, next
year), mail and robots reachable (a connection, nothing sent), the base URL, free disk space and
each scheduled job's last run. Each check is {name, label, ok, message}."""

import datetime as dt
import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from config.files import load_policy
from config.settings import get_settings
from models.db import is_postgres
from services.core import calendar, clock
from services.core.schema import current_revision, head_revision
from services.core.urls import public_address_warning, public_base
from services.operations import doctor_jobs, doctor_network
from services.operations.checks import Check, CheckRow


def run_checks(*, engine: Engine) -> list[CheckRow]:
    """Every check, in order; database-bound ones only when the database answers."""
    checks = [database(engine=engine)]
    if checks[0].ok:
        checks.append(migrations(engine=engine))
    checks += [
        calendar_years(today=clock.today()),
        doctor_network.mail(),
        doctor_network.robots(),
        base_url(),
        disk(engine=engine),
    ]
    if checks[0].ok and checks[1].ok:
        checks += doctor_jobs.jobs(engine=engine, now=clock.now())
    return [check.as_dict() for check in checks]


def problems(*, engine: Engine) -> list[CheckRow]:
    """The checks that need attention."""
    return [check for check in run_checks(engine=engine) if not check["ok"]]


def attention_line(*, engine: Engine) -> str | None:
    """One line for the county office's weekly summary when something needs attention."""
    found = problems(engine=engine)
    if not found:
        return None
    names = "、".join(check["label"] for check in found)
    return (
        f"系统自检：{len(found)} 项需要处理（{names}），"
        "请管理员打开“系统自检”页面或运行 ./baobao doctor 查看。"
    )


def database(*, engine: Engine) -> Check:
    """The database answers a query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "无应答"
        return Check("database", "数据库", False, f"无法连接：{reason}")
    return Check(
        "database",
        "数据库",
        True,
        f"可以连接（{'PostgreSQL' if is_postgres(engine) else 'SQLite'}）",
    )


def migrations(*, engine: Engine) -> Check:
    """The database is at the newest schema."""
    current, head = current_revision(engine=engine), head_revision()
    if current == head:
        return Check("migrations", "数据库结构", True, f"已是最新版本 {head}")
    state = "尚未初始化" if current is None else f"版本为 {current}，最新为 {head}"
    return Check(
        "migrations", "数据库结构", False, f"{state}：请运行 ./baobao init（迁移前会自动备份）"
    )


def calendar_years(*, today: dt.date) -> Check:
    """The calendar knows this year, and next year from the warning month on."""
    years = [today.year]
    if today.month >= load_policy().calendar.next_year_warn_month:
        years.append(today.year + 1)
    sources = {year: calendar.year_source(year) for year in years}
    missing = [year for year, source in sources.items() if source is None]
    if today.year in missing:
        return Check("calendar", "工作日历", False, calendar.unknown_years_message(missing))
    if missing:
        return Check(
            "calendar",
            "工作日历",
            False,
            f"今天已是 {today.isoformat()}，{missing[0]} 年的法定节假日尚未录入：请在国务院办公厅"
            "公布放假安排后，用 ./baobao calendar import 或“工作日历”页面录入，"
            "否则该年的截止日期将按周一至周五计算",
        )
    known = "、".join(f"{year} 年（{_source(source)}）" for year, source in sources.items())
    return Check("calendar", "工作日历", True, f"已包含 {known}")


def _source(source: str | None) -> str:
    return {"database": "已导入", "chinese-calendar": "内置"}.get(source or "", "未知")


def base_url() -> Check:
    """BAOBAO_BASE_URL is set to an address phones can open."""
    warning = public_address_warning()
    if warning is not None:
        return Check("base_url", "访问地址", False, warning)
    return Check("base_url", "访问地址", True, public_base())


def disk(*, engine: Engine) -> Check:
    """Free space on the disks of the data directory, the backups and a SQLite database."""
    from services.operations.backup import backup_dir

    places = {"数据目录": Path(get_settings().data_dir), "备份目录": backup_dir()}
    if not is_postgres(engine) and engine.url.database:
        places["数据库文件"] = Path(engine.url.database).resolve().parent
    minimum = load_policy().doctor.min_free_disk_mb
    disks: dict[int, list[str]] = {}
    for label, path in places.items():
        disks.setdefault(_existing(path).stat().st_dev, []).append(label)
    parts, low = [], False
    for labels in disks.values():
        free = shutil.disk_usage(_existing(places[labels[0]])).free // (1024 * 1024)
        parts.append(f"{'、'.join(labels)}所在磁盘剩余 {free / 1024:.1f} GB")
        low = low or free < minimum
    message = "；".join(parts)
    if low:
        return Check("disk", "磁盘空间", False, f"{message}：低于 {minimum} MB，请清理或扩容")
    return Check("disk", "磁盘空间", True, message)


def _existing(path: Path) -> Path:
    path = path.resolve()
    while not path.exists():
        path = path.parent
    return path
