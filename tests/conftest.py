"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, each isolated.

PostgreSQL cases use a schema of their own (search_path in the URL, so subprocesses see it
too). Without a server they skip with the reason, unless BAOBAO_REQUIRE_PG is set: then fail.
"""

import datetime as dt
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from config import settings as settings_module
from models.db import get_engine
from services.core.schema import upgrade

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Every test starts from the environment's settings, with no override left behind, and a
    working-day calendar that holds no database years (db_url binds it to its database)."""
    settings_module.reset()
    from config import files
    from services.core import calendar

    for loader in (files._policy, files._checklist, files._schedules, files._wording):
        loader.cache_clear()
    calendar.bind(None)
    yield
    settings_module.reset()


@lru_cache(maxsize=1)
def _pg_problem() -> str | None:
    url = settings_module.get_settings().test_pg_url
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(engine=get_engine(f"sqlite:///{path}"))
    get_engine(f"sqlite:///{path}").dispose()
    return path


def _postgres_url(schema: str) -> str:
    base = settings_module.get_settings().test_pg_url
    return f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, sqlite_template):
    """The URL of an empty, migrated, isolated database of either kind."""
    from services.core import calendar

    if request.param == "sqlite":
        path = tmp_path / "baobao.db"
        shutil.copy(sqlite_template, path)
        calendar.bind(f"sqlite:///{path}")
        yield f"sqlite:///{path}"
        get_engine(f"sqlite:///{path}").dispose()
        return
    with pg_schema() as url:
        calendar.bind(url)
        yield url


@contextmanager
def pg_schema() -> Iterator[str]:
    """The URL of a new, migrated PostgreSQL schema of its own, dropped afterwards; skips (or
    fails under BAOBAO_REQUIRE_PG) without a server."""
    problem = _pg_problem()
    if problem:
        if settings_module.get_settings().require_pg:
            pytest.fail(f"BAOBAO_REQUIRE_PG is set but PostgreSQL is unavailable: {problem}")
        pytest.skip(f"PostgreSQL unavailable ({problem}); set BAOBAO_REQUIRE_PG=1 to fail")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(settings_module.get_settings().test_pg_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = _postgres_url(schema)
    upgrade(engine=get_engine(url))
    yield url
    get_engine(url).dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(db_url):
    return get_engine(db_url)


@pytest.fixture
def session(engine):
    with Session(engine) as s:
        yield s


@pytest.fixture
def set_today():
    """Set the one clock for this test: set_today(date)."""

    def apply(day: dt.date | str) -> None:
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        settings_module.configure(today=day)

    return apply


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """BAOBAO_DATA_DIR pointed at tmp_path/data for this test; returns that folder."""
    monkeypatch.setenv("BAOBAO_DATA_DIR", str(tmp_path / "data"))
    settings_module.reset()
    return tmp_path / "data"


@pytest.fixture
def town_tasks(engine, db_url):
    """The town demo (seed 2) with its 2026Q3 routine tasks generated on 2026-09-22; its URL."""
    from services.demo import dataset as demo
    from services.tasks.generation import generate_routine_tasks

    demo.fill(engine=engine, scale="town", seed=2)
    settings_module.configure(today=dt.date(2026, 9, 22))
    with Session(engine) as session:
        generate_routine_tasks(session=session)
        session.commit()
    return db_url


@pytest.fixture
def policy_file(tmp_path, monkeypatch):
    """A writable copy of the config folder in force: policy_file(old, new) edits policy.toml."""
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv("BAOBAO_CONFIG_DIR", str(target))
    settings_module.reset()

    def edit(old: str, new: str) -> None:
        path = target / "policy.toml"
        content = path.read_text(encoding="utf-8")
        assert old in content
        path.write_text(content.replace(old, new, 1), encoding="utf-8")

    return edit


@pytest.fixture
def cli(capsys):
    """Run the command line in this process: cli(*args) -> (exit code, stdout, stderr)."""
    from cli.app import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        old = sys.argv
        sys.argv = ["baobao", *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = old
            settings_module.reset()
        out, err = capsys.readouterr()
        return code, out, err

    return run
