"""Typed, validated models of config/policy.toml, checklist.toml and schedules.toml.

A broken file raises ConfigError naming the file, the key and the reason; the CLI exits 2.
"""

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator

from config.policy_model import Level, Policy
from config.settings import get_settings
from config.strict import Strict
from config.wording_model import (
    AnnualWording,
    BriefingWording,
    LedgerWording,
    MonthlyWording,
    VisitRecordWording,
    Wording,
)


class ConfigError(Exception):
    """A configuration file that cannot be used."""

    def __init__(self, file: Path, key: str, reason: str):
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"配置文件 {file} 有误：{key or '（整个文件）'}：{reason}")


class ChecklistItem(Strict):
    """One [[items]] table of config/checklist.toml: an item asked at every visit it applies to."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    """Stable key of the item in answers files and records (lower-case letters, digits, "_");
    never rename one that has been answered."""
    text: str = Field(min_length=1)
    """The question as the officer reads it (Chinese)."""
    hazard_level: Level = "general"
    """Level of the hazard a 否 answer opens (major 重大, serious 较大, general 一般)."""
    categories: list[str] = []
    """The 业态 the item applies to; empty: every 业态."""


class Checklist(Strict):
    """config/checklist.toml: the items a package officer checks at a visit."""

    items: list[ChecklistItem] = Field(min_length=1)
    """The items, in the order the visit form shows them; ids are unique."""
    guidance: list[ChecklistItem] = Field(min_length=1)
    """The items of a 现场指导 visit to a rural banquet (农村集体聚餐), in form order; ids are
    unique (categories are not used)."""

    @field_validator("items", "guidance")
    @classmethod
    def _unique_ids(cls, items: list[ChecklistItem]) -> list[ChecklistItem]:
        ids = [item.id for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError("检查项 id 重复")
        return items


class ScheduledJob(Strict):
    """One [[jobs]] table of config/schedules.toml: a flow and when it runs."""

    name: str = Field(pattern=r"^[a-z0-9-]+$")
    """Unique name (lower-case letters, digits, "-"); also the Prefect deployment's name."""
    flow: str = Field(pattern=r"^[a-z0-9_]+_flow$")
    """The flow: flows/<flow>.py defines a @flow function of the same name."""
    cron: str
    """Five cron fields: minute hour day-of-month month day-of-week."""
    timezone: str | None = None
    """Time zone of the cron; unset: the settings' time zone (BAOBAO_TIMEZONE)."""
    parameters: dict[str, Any] = Field(default_factory=dict)
    """Keyword arguments passed to the flow, e.g. { period = "2026Q4" }."""
    catch_up: bool = True
    """When the embedded scheduler starts and a fire time passed since the job's last successful
    run (or it never ran), run it once at once."""
    misfire_grace_seconds: int = Field(default=3600, ge=1, le=7 * 86400)
    """A run that starts later than this after its fire time is skipped (and recorded)."""
    description: str = ""
    """One Chinese line shown by `baobao scheduler --list`."""

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
    """config/schedules.toml: the one list of scheduled jobs, read by both runners."""

    jobs: list[ScheduledJob] = []
    """The jobs; names are unique."""

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


def _chinese_reason(error: Mapping[str, object]) -> str:
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
    reason = kinds.get(str(error["type"])) or str(error.get("msg", "")).removeprefix(
        "Value error, "
    )
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


WORDINGS: dict[str, type[Wording]] = {
    "briefing": BriefingWording,
    "visit_record": VisitRecordWording,
    "ledger": LedgerWording,
    "monthly": MonthlyWording,
    "annual": AnnualWording,
}
W = TypeVar("W", bound=Wording)


@lru_cache(maxsize=16)
def _wording(config_dir: str, name: str) -> Wording:
    return _load(f"documents/{name}.toml", WORDINGS[name])


def load_wording(name: str, model: type[W]) -> W:
    """config/documents/<name>.toml, the fixed wording of one document, validated."""
    found = _wording(str(get_settings().config_dir), name)
    assert isinstance(found, model)
    return found


def load_all() -> tuple[Policy, Checklist, Schedules]:
    """Load and validate every configuration file (init and startup call it)."""
    for name, model in WORDINGS.items():
        load_wording(name, model)
    return load_policy(), load_checklist(), load_schedules()
