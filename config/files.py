"""Typed, validated models of config/policy.toml, checklist.toml and schedules.toml.

A broken file raises ConfigError naming the file, the key and the reason; the CLI exits 2.
"""

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator

from config.policy_model import Level, Policy
from config.settings import get_settings
from config.strict import Strict


class ConfigError(Exception):
    """A configuration file that cannot be used."""

    def __init__(self, file: Path, key: str, reason: str):
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"配置文件 {file} 有误：{key or '（整个文件）'}：{reason}")


class ChecklistItem(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    hazard_level: Level = "general"
    categories: list[str] = []


class Checklist(Strict):
    items: list[ChecklistItem] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _unique_ids(cls, items: list[ChecklistItem]) -> list[ChecklistItem]:
        ids = [item.id for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError("检查项 id 重复")
        return items


class ScheduledJob(Strict):
    name: str = Field(pattern=r"^[a-z0-9-]+$")
    flow: str = Field(pattern=r"^[a-z0-9_]+_flow$")
    cron: str
    timezone: str | None = None  # None: the settings' time zone (Asia/Shanghai)
    parameters: dict[str, Any] = Field(default_factory=dict)
    catch_up: bool = True  # on start, run once if a fire time passed while the scheduler was down
    misfire_grace_seconds: int = Field(default=3600, ge=1, le=7 * 86400)
    description: str = ""

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"cron 表达式无效：{exc}") from exc
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str | None) -> str | None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"时区 {value!r} 无效，例如 Asia/Shanghai") from None
        return value


class Schedules(Strict):
    jobs: list[ScheduledJob] = []

    @field_validator("jobs")
    @classmethod
    def _unique_names(cls, jobs: list[ScheduledJob]) -> list[ScheduledJob]:
        names = [job.name for job in jobs]
        if len(names) != len(set(names)):
            raise ValueError("任务名称（name）重复")
        return jobs


M = TypeVar("M", bound=BaseModel)


def _load(name: str, model: type[M]) -> M:
    path = Path(get_settings().config_dir) / name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, "", "文件不存在") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "", f"不是有效的 TOML：{exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(path, key, _chinese_reason(first)) from None


def _chinese_reason(error: dict) -> str:
    kinds = {
        "extra_forbidden": "不认识的配置项",
        "literal_error": "取值不在允许范围内",
        "missing": "缺少必填项",
        "int_parsing": "应为整数",
        "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
        "date_parsing": "应为日期 YYYY-MM-DD",
        "too_short": "不能为空",
        "greater_than_equal": "数值过小",
        "less_than_equal": "数值过大",
        "string_pattern_mismatch": "格式不正确",
    }
    reason = kinds.get(error["type"])
    if reason is None:
        reason = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{reason}（当前值：{error.get('input')!r}）" if "input" in error else reason


@lru_cache(maxsize=4)
def _policy(config_dir: str) -> Policy:
    return _load("policy.toml", Policy)


@lru_cache(maxsize=4)
def _checklist(config_dir: str) -> Checklist:
    return _load("checklist.toml", Checklist)


@lru_cache(maxsize=4)
def _schedules(config_dir: str) -> Schedules:
    return _load("schedules.toml", Schedules)


def load_policy() -> Policy:
    """config/policy.toml (or BAOBAO_CONFIG_DIR's copy), validated."""
    return _policy(str(get_settings().config_dir))


def load_checklist() -> Checklist:
    """config/checklist.toml, validated."""
    return _checklist(str(get_settings().config_dir))


def load_schedules() -> Schedules:
    """config/schedules.toml, validated."""
    return _schedules(str(get_settings().config_dir))


def load_all() -> tuple[Policy, Checklist, Schedules]:
    """Load and validate every configuration file (init and startup call it)."""
    return load_policy(), load_checklist(), load_schedules()
