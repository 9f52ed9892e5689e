"""Typed, validated models of config/policy.toml, checklist.toml and schedules.toml.

A broken file raises ConfigError naming the file, the key and the reason; the CLI exits 2.
"""

import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from config.settings import get_settings

Frequency = Literal["monthly", "quarterly", "half-yearly", "yearly"]
Tier = Literal["city", "county", "township", "village"]
Grade = Literal["A", "B", "C", "D"]
Level = Literal["major", "serious", "general"]


class ConfigError(Exception):
    """A configuration file that cannot be used."""

    def __init__(self, file: Path, key: str, reason: str):
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"配置文件 {file} 有误：{key or '（整个文件）'}：{reason}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrequencyPolicy(Strict):
    default: Frequency = "quarterly"
    tier: dict[Tier, Frequency] = Field(default_factory=dict)
    package_grade: dict[Grade, Frequency] = Field(default_factory=dict)
    category: dict[str, Frequency] = Field(default_factory=dict)

    @field_validator("category")
    @classmethod
    def _known_categories(cls, value: dict[str, str]) -> dict[str, str]:
        from models.enums import Category

        unknown = sorted(set(value) - {c.value for c in Category})
        if unknown:
            raise ValueError(f"未知业态 {'、'.join(unknown)}")
        return value


class VisitPolicy(Strict):
    onsite_risk_grades: list[Grade] = ["C", "D"]
    first_visit_min_workdays: int = Field(default=10, ge=0, le=250)


class HazardPolicy(Strict):
    deadline_workdays: dict[Level, int] = {"major": 5, "serious": 10, "general": 15}


class ReminderPolicy(Strict):
    due_soon_workdays: int = Field(default=5, ge=0, le=60)
    escalate_after_workdays: int = Field(default=5, ge=1, le=250)


class RosterPolicy(Strict):
    unassigned_grace_workdays: int = Field(default=7, ge=0, le=250)


class CalendarPolicy(Strict):
    extra_holidays: list[dt.date] = []
    extra_workdays: list[dt.date] = []


class Policy(Strict):
    frequency: FrequencyPolicy = FrequencyPolicy()
    visits: VisitPolicy = VisitPolicy()
    hazards: HazardPolicy = HazardPolicy()
    reminders: ReminderPolicy = ReminderPolicy()
    roster: RosterPolicy = RosterPolicy()
    calendar: CalendarPolicy = CalendarPolicy()


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


class Schedules(Strict):
    jobs: list[ScheduledJob] = []


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
