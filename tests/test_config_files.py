"""policy.toml, checklist.toml and schedules.toml load typed; a broken file names the problem."""

import shutil
from pathlib import Path

import pytest

from config import settings as settings_module
from config.files import ConfigError, load_all, load_checklist, load_policy, load_schedules

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_files_load():
    policy, checklist, schedules = load_all()
    assert policy.frequency.default == "quarterly"
    assert policy.visits.onsite_risk_grades == ["C", "D"]
    assert policy.hazards.deadline_workdays == {"major": 5, "serious": 10, "general": 15}
    assert {item.id for item in checklist.items} >= {"safety_director", "purchase_check"}
    assert all(job.flow.endswith("_flow") for job in schedules.jobs)


@pytest.fixture
def config_copy(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "config"
    target.mkdir()
    for name in ("policy.toml", "checklist.toml", "schedules.toml"):
        shutil.copy(ROOT / "config" / name, target / name)
    shutil.copytree(ROOT / "config" / "documents", target / "documents", dirs_exist_ok=True)
    monkeypatch.setenv("BAOBAO_CONFIG_DIR", str(target))
    settings_module.reset()
    return target


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, key, reason",
    [
        ('default = "quarterly"', 'default = "weekly"', "frequency.default", "取值不在允许范围内"),
        ("major = 5", 'major = "five"', "hazards.deadline_workdays.major", "应为整数"),
        ("[reminders]", "[reminders]\nspeed = 3", "reminders.speed", "不认识的配置项"),
        (
            "[frequency.category]",
            '[frequency.category]\n"网吧" = "monthly"',
            "frequency.category",
            "未知业态",
        ),
    ],
)
def test_broken_policy_names_file_key_and_reason(config_copy, old, new, key, reason):
    _break(config_copy / "policy.toml", old, new)
    with pytest.raises(ConfigError) as caught:
        load_policy()
    assert caught.value.file == config_copy / "policy.toml"
    assert caught.value.key == key
    assert reason in str(caught.value)


def test_invalid_toml_and_missing_file(config_copy):
    (config_copy / "checklist.toml").write_text("[[items]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="不是有效的 TOML"):
        load_checklist()
    (config_copy / "schedules.toml").unlink()
    with pytest.raises(ConfigError, match="文件不存在"):
        load_schedules()


def test_bad_cron_is_refused(config_copy):
    _break(config_copy / "schedules.toml", 'cron = "30 6 * * *"', 'cron = "99 6 * * *"')
    with pytest.raises(ConfigError) as caught:
        load_schedules()
    assert caught.value.key == "jobs.0.cron" and "cron" in caught.value.reason


def test_cli_exits_2_naming_the_file(config_copy, cli, tmp_path):
    _break(config_copy / "policy.toml", "major = 5", "major = -")
    code, out, err = cli("--db", f"sqlite:///{tmp_path}/x.db", "init")
    assert code == 2 and "policy.toml" in err and out == ""
    assert not (tmp_path / "x.db").exists() or (tmp_path / "x.db").stat().st_size == 0
