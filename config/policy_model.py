"""Typed models of config/policy.toml: one class per section, all under Policy."""

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from config.strict import Strict

Frequency = Literal["monthly", "quarterly", "half-yearly", "yearly"]
Tier = Literal["city", "county", "township", "village"]
Grade = Literal["A", "B", "C", "D"]
Level = Literal["major", "serious", "general"]


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
    # Defaults of the governance duty; placeholders {township} {county} {jurisdiction}
    # {officer} {entity}. An empty result leaves the field blank.
    responsible_unit: str = "{township}市场监管所"
    responsible_person: str = "{officer}"
    measure: str = "督促主体限期整改，整改完成后提交整改材料申请验收"
    evidence_max_mb: int = Field(default=20, ge=1, le=200)
    evidence_types: list[str] = [
        "jpg",
        "png",
        "gif",
        "webp",
        "bmp",
        "tif",
        "heic",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
    ]
    repeat_lookback_quarters: int = Field(default=4, ge=2, le=12)

    @field_validator("evidence_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        known = {
            "jpg",
            "jpx",
            "png",
            "gif",
            "webp",
            "bmp",
            "tif",
            "heic",
            "avif",
            "pdf",
            "doc",
            "docx",
            "xls",
            "xlsx",
            "ppt",
            "pptx",
            "odt",
            "ods",
            "odp",
        }
        if not value or set(value) - known:
            raise ValueError(f"可用的证据类型：{'、'.join(sorted(known))}")
        return value

    @field_validator("responsible_unit", "responsible_person", "measure")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        import string

        known = {"township", "county", "jurisdiction", "officer", "entity"}
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        except ValueError as exc:
            raise ValueError(f"模板格式不正确：{exc}") from None
        if fields - known:
            raise ValueError(
                f"未知占位符 {'、'.join(sorted(fields - known))}，可用：{'、'.join(sorted(known))}"
            )
        return value


class ReminderPolicy(Strict):
    due_soon_workdays: int = Field(default=5, ge=0, le=60)
    escalate_after_workdays: int = Field(default=5, ge=1, le=250)
    office_roles: list[Literal["supervisor", "admin"]] = Field(
        default=["supervisor", "admin"], min_length=1
    )
    summary_level: Literal["city", "county", "township"] = "county"
    summary_weekday: int = Field(default=0, ge=0, le=6)  # 0 = Monday
    max_items_listed: int = Field(default=100, ge=1, le=5000)
    max_attempts: int = Field(default=5, ge=1, le=50)
    retry_backoff_minutes: list[int] = Field(default=[1, 5, 15, 60], min_length=1)
    claim_timeout_minutes: int = Field(default=15, ge=1, le=1440)
    send_timeout_seconds: float = Field(default=10, gt=0, le=300)


class RosterPolicy(Strict):
    unassigned_grace_workdays: int = Field(default=7, ge=0, le=250)
    # Untrusted roster workbooks above either limit are refused (CSV folders have no limit).
    max_file_mb: int = Field(default=50, ge=1, le=1024)
    max_cells: int = Field(default=2_000_000, ge=1, le=100_000_000)


class CalendarPolicy(Strict):
    extra_holidays: list[dt.date] = []
    extra_workdays: list[dt.date] = []


class RankingPolicy(Strict):
    # score = 100 × (on_time_weight × 按时完成率 + closure_weight × 隐患销号率)
    #         − overdue_penalty × items overdue ≥ reminders.escalate_after_workdays
    on_time_weight: float = Field(default=0.6, ge=0, le=1)
    closure_weight: float = Field(default=0.4, ge=0, le=1)
    overdue_penalty: float = Field(default=0.5, ge=0, le=100)
    red_size: int = Field(default=3, ge=0, le=50)
    black_size: int = Field(default=3, ge=0, le=50)


class BriefingPolicy(Strict):
    completion_target: float = Field(default=0.95, ge=0, le=1)
    on_time_target: float = Field(default=0.90, ge=0, le=1)
    closure_target: float = Field(default=0.90, ge=0, le=1)
    report_workday: int = Field(default=5, ge=1, le=40)
    issuer: str = "{county}食品安全委员会办公室"
    recipients: list[str] = []
    formats: list[Literal["docx", "pdf", "html"]] = ["docx", "pdf", "html"]
    max_listed: int = Field(default=20, ge=1, le=1000)

    @field_validator("recipients")
    @classmethod
    def _mail_addresses(cls, value: list[str]) -> list[str]:
        import re
        from email.utils import parseaddr

        bad = [v for v in value if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", parseaddr(v)[1])]
        if bad:
            raise ValueError(f"邮箱地址无效：{'、'.join(bad)}")
        return value


class WebPolicy(Strict):
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    link_valid_days: int = Field(default=7, ge=1, le=90)
    invite_valid_hours: int = Field(default=72, ge=1, le=24 * 30)
    api_token_days: int = Field(default=90, ge=1, le=3650)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    min_password_length: int = Field(default=8, ge=6, le=128)


class Policy(Strict):
    frequency: FrequencyPolicy = FrequencyPolicy()
    visits: VisitPolicy = VisitPolicy()
    hazards: HazardPolicy = HazardPolicy()
    reminders: ReminderPolicy = ReminderPolicy()
    roster: RosterPolicy = RosterPolicy()
    calendar: CalendarPolicy = CalendarPolicy()
    ranking: RankingPolicy = RankingPolicy()
    briefing: BriefingPolicy = BriefingPolicy()
    web: WebPolicy = WebPolicy()
