"""The command-line contract: global options, exit codes, Chinese one-line errors, JSON."""

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_script(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ./baobao as a user would."""
    return subprocess.run(
        [str(ROOT / "baobao"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_help_answers_in_chinese_without_touching_a_database(tmp_path):
    result = run_script("--help")
    assert result.returncode == 0
    assert "食品安全包保" in result.stdout and "demo" in result.stdout


def test_bad_date_is_one_chinese_line_and_exit_2(cli):
    code, out, err = cli("--today", "2026-13-01", "summary")
    assert code == 2 and out == ""
    assert "日期" in err and "YYYY-MM-DD" in err and "Traceback" not in err


def test_malformed_database_url_exits_2(cli):
    code, _, err = cli("--db", "nonsense://", "init")
    assert code == 2
    assert err.startswith("错误：数据库地址无效") and len(err.strip().splitlines()) == 1


def test_unreachable_database_exits_1_without_traceback():
    result = run_script("--db", "postgresql://127.0.0.1:1/nothing", "init")
    assert result.returncode == 1
    assert result.stderr.startswith("错误：无法连接或操作数据库")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unknown_option_is_reported_in_chinese(cli):
    code, _, err = cli("init", "--bogus")
    assert code == 2 and "没有这个选项" in err


def test_init_is_idempotent_and_reports_json(cli, tmp_path):
    url = f"sqlite:///{tmp_path}/new.db"
    code, out, _ = cli("--db", url, "init", "--json")
    first = json.loads(out)
    assert code == 0 and first["before"] is None and first["changed"] is True
    code, out, _ = cli("--db", url, "init", "--json")
    second = json.loads(out)
    assert code == 0 and second == {
        "before": first["after"],
        "after": first["after"],
        "changed": False,
        "backup": None,
    }


def test_commands_refuse_an_uninitialised_database(cli, tmp_path):
    code, out, err = cli("--db", f"sqlite:///{tmp_path}/empty.db", "summary")
    assert code == 2 and "./baobao init" in err


def test_demo_fills_once_then_refuses(cli, db_url):
    code, out, _ = cli("--db", db_url, "demo", "--scale", "town", "--json")
    assert code == 0
    assert json.loads(out)["counts"]["包保主体"] == 198
    code, out, err = cli("--db", db_url, "demo", "--scale", "town")
    assert code == 2 and "不是空的" in err
    code, out, _ = cli("--db", db_url, "demo", "--if-empty")
    assert code == 0 and "跳过" in out


def test_demo_rejects_an_unknown_scale(cli, db_url):
    code, _, err = cli("--db", db_url, "demo", "--scale", "planet")
    assert code == 2 and "town" in err


def test_summary_in_chinese_and_json(cli, db_url):
    cli("--db", db_url, "demo", "--scale", "town")
    code, out, _ = cli("--db", db_url, "summary")
    assert code == 0 and "包保干部：" in out and "村级 24" in out
    code, out, _ = cli("--db", db_url, "summary", "--json")
    data = json.loads(out)
    assert data["officers"]["village"] == 24
    assert sum(data["entities_by_package_grade"].values()) == 198


def test_json_output_is_one_object_on_stdout(db_url):
    result = run_script("--db", db_url, "summary", "--json")
    assert result.returncode == 0
    assert isinstance(json.loads(result.stdout), dict)
