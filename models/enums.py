"""Enumerations of the domain, stored as short English codes with Chinese labels."""

from enum import StrEnum
from typing import TypeVar


class JurisdictionLevel(StrEnum):
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class OfficerTier(StrEnum):
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class UserRole(StrEnum):
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class PrincipalKind(StrEnum):
    """Who signed in: an officer record, a 食安办 account of one of its roles, or a village's
    联络员/协管员/信息员 (the banquets of their own village only)."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    INFORMANT = "informant"


class AccountKind(StrEnum):
    """The table of the record a login names (the session keeps it)."""

    OFFICER = "officer"
    USER = "user"
    INFORMANT = "informant"  # 联络员/协管员/信息员 of a village


class SessionKind(StrEnum):
    WEB = "web"  # a browser signed in with a password
    LINK = "link"  # a browser opened by a one-tap link: its one task or hazard
    API = "api"  # an API token


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Category(StrEnum):
    PRODUCTION = "食品生产"
    SALES = "食品销售"
    CATERING = "餐饮服务"
    SCHOOL_CANTEEN = "学校幼儿园食堂"
    ELDERLY_CANTEEN = "养老机构食堂"
    UNIT_CANTEEN = "单位食堂"
    SPECIAL_FOOD = "特殊食品"
    WORKSHOP = "小作坊"
    SMALL_CATERING = "小餐饮"
    STALL = "食品摊贩"
    MARKET = "农贸市场"


class EntityStatus(StrEnum):
    OPERATING = "operating"
    SUSPENDED = "suspended"
    DEREGISTERED = "deregistered"


class TaskSource(StrEnum):
    ROUTINE = "routine"
    CAMPAIGN = "campaign"
    # 现场指导 of a filed rural banquet (rule 14): no entity or assignment, counted only in the
    # banquet figures.
    BANQUET = "banquet"


class BanquetKind(StrEnum):
    WEDDING = "wedding"
    FUNERAL = "funeral"
    BIRTHDAY = "birthday"
    GRADUATION = "graduation"
    OTHER = "other"


class BanquetStatus(StrEnum):
    FILED = "filed"
    CANCELLED = "cancelled"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
    # Closed by a handover (交接): the entity's obligation went to the successor's task with the
    # same due date; neither cancelled nor overdue, counted for nobody.
    HANDED_OVER = "handed_over"


class TaskState(StrEnum):
    """A task as lists show it: its status, an open task past its due date shown as overdue."""

    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    CANCELLED = "cancelled"
    HANDED_OVER = "handed_over"


class InformantRole(StrEnum):
    LIAISON = "liaison"
    ASSISTANT = "assistant"
    INFORMANT = "informant"


class VisitMode(StrEnum):
    ONSITE = "onsite"
    ONLINE = "online"
    GROUP = "group"


class HazardSource(StrEnum):
    INSPECTION = "inspection"
    SAMPLING = "sampling"
    COMPLAINT = "complaint"
    REVIEW = "review"
    OTHER = "other"
    BANQUET = "banquet"  # a 现场指导 visit to a rural banquet, or illness reported after one


class HazardLevel(StrEnum):
    MAJOR = "major"
    SERIOUS = "serious"
    GENERAL = "general"


class HazardStatus(StrEnum):
    PENDING = "pending"
    RECTIFYING = "rectifying"
    AWAITING_VERIFICATION = "awaiting_verification"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # 已撤销: the entity closed and a supervisor withdrew it (rule 6)


class HazardFilter(StrEnum):
    """What a hazard list shows: one status, every hazard not closed (未销号), or the overdue."""

    PENDING = "pending"
    RECTIFYING = "rectifying"
    AWAITING_VERIFICATION = "awaiting_verification"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    OPEN = "open"
    OVERDUE = "overdue"


class PersonKind(StrEnum):
    """Who signs in: a 包保干部, a 食安办 account by its role, or a village's 信息员."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    INFORMANT = "informant"


class ItemKind(StrEnum):
    """What a reminder, a one-tap link or a calendar clash is about."""

    TASK = "task"
    HAZARD = "hazard"


class RunOutcome(StrEnum):
    """How a scheduled job's run ended (or that it is still running)."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


class Channel(StrEnum):
    EMAIL = "email"
    WECOM = "wecom"
    DINGTALK = "dingtalk"


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class CalendarDayKind(StrEnum):
    HOLIDAY = "holiday"  # 法定节假日 (a day off, weekends inside a holiday range included)
    WORKDAY = "workday"  # 调休 make-up workday on a Saturday or Sunday


LABELS: dict[type[StrEnum], dict[str, str]] = {
    JurisdictionLevel: {"city": "市", "county": "县", "township": "乡镇", "village": "村"},
    OfficerTier: {"city": "市级", "county": "县级", "township": "乡级", "village": "村级"},
    UserRole: {"supervisor": "督办", "admin": "管理员"},
    PrincipalKind: {
        "officer": "包保干部",
        "supervisor": "督办",
        "admin": "管理员",
        "informant": "信息员",
    },
    AccountKind: {"officer": "包保干部", "user": "食安办人员", "informant": "信息员"},
    SessionKind: {"web": "网页登录", "link": "一键链接", "api": "接口令牌"},
    Grade: {g: g for g in "ABCD"},
    Category: {c.value: c.value for c in Category},
    EntityStatus: {"operating": "在营", "suspended": "停业", "deregistered": "注销"},
    TaskSource: {"routine": "常规督导", "campaign": "专项督导", "banquet": "聚餐现场指导"},
    BanquetKind: {
        "wedding": "婚宴",
        "funeral": "丧宴",
        "birthday": "寿宴",
        "graduation": "升学宴",
        "other": "其他",
    },
    BanquetStatus: {"filed": "已备案", "cancelled": "已取消"},
    TaskStatus: {
        "open": "待督导",
        "done": "已完成",
        "cancelled": "已取消",
        "handed_over": "已交接",
    },
    TaskState: {
        "open": "待督导",
        "overdue": "已逾期",
        "done": "已完成",
        "cancelled": "已取消",
        "handed_over": "已交接",
    },
    InformantRole: {"liaison": "联络员", "assistant": "协管员", "informant": "信息员"},
    VisitMode: {"onsite": "现场", "online": "线上", "group": "集中"},
    HazardSource: {
        "inspection": "督导",
        "sampling": "抽检不合格",
        "complaint": "投诉举报",
        "review": "风险研判",
        "other": "其他",
        "banquet": "农村集体聚餐",
    },
    HazardLevel: {"major": "重大", "serious": "较大", "general": "一般"},
    HazardStatus: {
        "pending": "待整改",
        "rectifying": "整改中",
        "awaiting_verification": "待验收",
        "closed": "已销号",
        "withdrawn": "已撤销",
    },
    HazardFilter: {
        "pending": "待整改",
        "rectifying": "整改中",
        "awaiting_verification": "待验收",
        "closed": "已销号",
        "withdrawn": "已撤销",
        "open": "未销号",
        "overdue": "逾期",
    },
    RunOutcome: {"running": "运行中", "ok": "成功", "failed": "失败", "skipped": "跳过"},
    Channel: {"email": "邮件", "wecom": "企业微信", "dingtalk": "钉钉"},
    NotificationStatus: {"queued": "待发送", "sent": "已发送", "failed": "发送失败"},
    CalendarDayKind: {"holiday": "放假", "workday": "调休上班"},
}

# The covering tier for each 主体等级 (层级对应).
TIER_FOR_GRADE: dict[str, str] = {"A": "city", "B": "county", "C": "township", "D": "village"}
# The jurisdiction level an officer of each tier belongs to.
LEVEL_FOR_TIER: dict[str, str] = {
    "city": "city",
    "county": "county",
    "township": "township",
    "village": "village",
}


def label(enum: type[StrEnum], code: str) -> str:
    """The Chinese label of an enumeration code."""
    return LABELS[enum][code]


E = TypeVar("E", bound=StrEnum)


def from_label(enum: type[E], text: str) -> E | None:
    """The member whose Chinese label (or code) is text, or None."""
    for code, lab in LABELS[enum].items():
        if text in (code, lab):
            return enum(code)
    return None


def check_in(column: str, enum: type[StrEnum]) -> str:
    """SQL for a CHECK constraint limiting column to the codes of enum."""
    values = ", ".join(f"'{m.value}'" for m in enum)
    return f"{column} IN ({values})"


def sql_literal(code: StrEnum) -> str:
    """A code as a SQL string literal, for set-based SQL whose plan depends on the constant
    (a partial index's predicate, say); codes hold no quote."""
    assert "'" not in code.value
    return f"'{code.value}'"
