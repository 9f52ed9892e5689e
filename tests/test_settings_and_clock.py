"""One Settings class (BAOBAO_*, baobao.toml) and one clock that every date reads."""

import datetime as dt
import re
from pathlib import Path

from config import settings as settings_module
from services.core import clock

ROOT = Path(__file__).resolve().parent.parent
APP_FOLDERS = ("config", "models", "services", "flows", "notifications", "reports", "web", "cli")


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("BAOBAO_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("BAOBAO_TODAY", "2026-10-10")
    monkeypatch.setenv("BAOBAO_SMTP_SECURITY", "starttls")
    settings_module.reset()
    s = settings_module.get_settings()
    assert s.database_url == "sqlite:///elsewhere.db"
    assert s.today == dt.date(2026, 10, 10) and s.timezone == "Asia/Shanghai"
    assert s.smtp_security == "starttls"


def test_baobao_toml_is_read_below_the_environment(tmp_path, monkeypatch):
    (tmp_path / "baobao.toml").write_text('data_dir = "/srv/baobao"\ntimezone = "Asia/Urumqi"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BAOBAO_TIMEZONE", "Asia/Shanghai")
    settings_module.reset()
    s = settings_module.get_settings()
    assert str(s.data_dir) == "/srv/baobao" and s.timezone == "Asia/Shanghai"


def test_clock_reads_the_override(set_today):
    set_today("2026-09-20")  # a make-up Sunday
    assert clock.today() == dt.date(2026, 9, 20)
    assert clock.now().date() == dt.date(2026, 9, 20)
    assert clock.now().utcoffset() == dt.timedelta(hours=8)


def test_clock_defaults_to_shanghai_today():
    expected = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    assert clock.today() == expected


def test_nothing_but_the_clock_reads_the_system_date():
    pattern = re.compile(r"date\.today\(\)|datetime\.now\(|datetime\.utcnow\(|time\.time\(\)")
    offenders = []
    for folder in APP_FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "clock.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_nothing_but_settings_reads_the_environment():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in APP_FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        # prefect_env.py prepares Prefect's own environment before Prefect is imported.
        if path.name not in ("settings.py", "prefect_env.py")
        and "os.environ" in path.read_text(encoding="utf-8")
        or "getenv(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
