"""The roster workbook's sheets and their columns: five sheets and the optional 信息员 sheet.

Header spellings accepted for them are services.roster.headers.
"""

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from models.enums import (
    Category,
    EntityStatus,
    Grade,
    InformantRole,
    JurisdictionLevel,
    OfficerTier,
    UserRole,
    label,
)

Cell = str | int | float | bool | dt.datetime | None  # a cell as a sheet or CSV file holds it
Cells = Sequence[Cell]  # a row's cells (a tuple from a workbook, a list from a CSV file)
NumberedRows = Iterator[tuple[int, Cells]]  # a sheet's rows with their 1-based row numbers


@dataclass(frozen=True)
class Column:
    header: str  # canonical Chinese header, without the * mark
    field: str  # staging column name
    kind: str  # text | code | upper | mobile | phone | email | date | enum
    required: bool = False
    max_len: int | None = None
    enum: type[StrEnum] | None = None
    width: int = 14
    note: str = ""

    @property
    def is_text_cell(self) -> bool:
        """Whether the template formats this column as text (codes, numbers, addresses)."""
        return self.kind in ("code", "upper", "mobile", "phone", "text", "email")


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str  # jurisdiction | officer | user | entity | informant | assignment
    columns: tuple[Column, ...]
    note: str
    optional: bool = False  # a full import may leave the sheet out

    def column(self, header: str) -> Column:
        """The column with this canonical header."""
        return next(c for c in self.columns if c.header == header)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)


def _levels(enum: type[StrEnum]) -> str:
    return "/".join(label(enum, m.value) for m in enum)


ONE_OF = "；三种编号至少填一项（无编码的业态除外）"
CREDIT = Column(
    "统一社会信用代码",
    "credit_code",
    "upper",
    max_len=18,
    width=22,
    note="18 位，按 GB 32100-2015 校验" + ONE_OF,
)
LICENCE = Column(
    "许可证编号",
    "licence_no",
    "upper",
    max_len=32,
    width=20,
    note="JY 或 SC 加 14 位数字" + ONE_OF,
)
REGISTRATION = Column(
    "登记备案编号",
    "registration_no",
    "upper",
    max_len=40,
    width=20,
    note="小作坊登记证、食品摊贩登记卡、仅销售预包装食品备案等，格式见政策文件" + ONE_OF,
)
IDENTIFIERS = (CREDIT, LICENCE, REGISTRATION)
CODE_HEADERS = tuple(c.header for c in IDENTIFIERS)

JURISDICTION = Sheet(
    "区划",
    "jurisdiction",
    (
        Column("区划代码", "code", "code", True, 32, width=16, note="如 511000100000"),
        Column("名称", "name", "text", True, 100, width=16),
        Column(
            "层级",
            "level",
            "enum",
            True,
            enum=JurisdictionLevel,
            width=8,
            note=_levels(JurisdictionLevel),
        ),
        Column(
            "上级区划代码",
            "parent_code",
            "code",
            False,
            32,
            width=16,
            note="最上级留空；上级层级必须高于本级",
        ),
    ),
    "区划树：县、乡镇（街道）、村（社区），可含上级市",
)

OFFICER = Sheet(
    "包保干部",
    "officer",
    (
        Column("干部编号", "code", "code", True, 32, width=14),
        Column("姓名", "name", "text", True, 50, width=10),
        Column(
            "层级",
            "tier",
            "enum",
            True,
            enum=OfficerTier,
            width=8,
            note=_levels(OfficerTier) + "；须与所属区划层级一致",
        ),
        Column("职务", "title", "text", False, 100, width=18),
        Column("所属区划代码", "jurisdiction_code", "code", True, 32, width=16),
        Column("手机号", "mobile", "mobile", True, 11, width=14, note="11 位大陆手机号"),
        Column("邮箱", "email", "email", False, 200, width=24),
        Column("企业微信账号", "wecom_id", "code", False, 100, width=16),
    ),
    "包保干部：市级/县级/乡级/村级，各属本层级的区划",
)

USER = Sheet(
    "食安办人员",
    "user",
    (
        Column("账号", "account", "code", True, 64, width=14),
        Column("姓名", "name", "text", True, 50, width=10),
        Column("所属区划代码", "jurisdiction_code", "code", True, 32, width=16),
        Column("角色", "role", "enum", True, enum=UserRole, width=8, note=_levels(UserRole)),
        Column("手机号", "mobile", "mobile", False, 11, width=14),
        Column("邮箱", "email", "email", False, 200, width=24),
        Column("企业微信账号", "wecom_id", "code", False, 100, width=16),
    ),
    "食安办人员：可查看和处理所属区划及下级的督导与问题",
)

ENTITY = Sheet(
    "包保主体",
    "entity",
    (
        *IDENTIFIERS,
        Column("主体名称", "name", "text", True, 200, width=30),
        Column(
            "业态",
            "category",
            "enum",
            True,
            enum=Category,
            width=14,
            note="/".join(c.value for c in Category),
        ),
        Column(
            "主体等级",
            "package_grade",
            "enum",
            True,
            enum=Grade,
            width=8,
            note="A→市级、B→县级、C→乡级、D→村级干部包保",
        ),
        Column(
            "风险等级", "risk_grade", "enum", False, enum=Grade, width=8, note="A-D，C、D 为高风险"
        ),
        Column("所属区划代码", "jurisdiction_code", "code", True, 32, width=16),
        Column("地址", "address", "text", False, 300, width=32),
        Column(
            "经营状态",
            "status",
            "enum",
            False,
            enum=EntityStatus,
            width=8,
            note=_levels(EntityStatus) + "，留空为在营；停业、注销会结束其包保关系",
        ),
        Column("负责人", "person_in_charge", "text", False, 50, width=10),
        Column(
            "联系电话",
            "phone",
            "phone",
            False,
            24,
            width=16,
            note="手机号，或带区号的固定电话（如 0831-1234567）",
        ),
        Column("食品安全总监", "safety_director", "text", False, 50, width=12),
        Column("食品安全员", "safety_officer", "text", False, 100, width=14, note="多人用顿号隔开"),
    ),
    "包保主体：统一社会信用代码、许可证编号、登记备案编号至少填一项；"
    "无编码业态（如食品摊贩）可都不填，以主体名称和所属区划识别",
)

INFORMANT = Sheet(
    "信息员",
    "informant",
    (
        Column("姓名", "name", "text", True, 50, width=10),
        Column("手机号", "mobile", "mobile", True, 11, width=14, note="11 位大陆手机号；一人一号"),
        Column("所属区划代码", "jurisdiction_code", "code", True, 32, width=16, note="村（社区）"),
        Column(
            "角色",
            "role",
            "enum",
            True,
            enum=InformantRole,
            width=8,
            note=_levels(InformantRole),
        ),
    ),
    "信息员（可选）：各村（社区）的联络员、协管员、信息员",
    optional=True,
)

ASSIGNMENT = Sheet(
    "包保关系",
    "assignment",
    (
        Column("干部编号", "officer_code", "code", True, 32, width=14),
        *IDENTIFIERS,
        Column("主体名称", "entity_name", "text", False, 200, width=30, note="无编码主体必填"),
        Column(
            "所属区划代码",
            "entity_place",
            "code",
            False,
            32,
            width=16,
            note="主体所属区划；无编码主体必填",
        ),
        Column(
            "开始日期",
            "start_date",
            "date",
            True,
            width=12,
            note="如 2026-09-07、2026/9/7、2026.9.7、2026年9月7日",
        ),
        Column("结束日期", "end_date", "date", False, width=12, note="在任留空"),
    ),
    "包保关系：主体由三种编号之一指明，无编码主体由主体名称和所属区划代码指明；更换干部时"
    "把该行改为新干部和新的开始日期（原关系在前一天结束），或填写原关系的结束日期并新增一行；"
    "也可用 roster handover 交接",
)

SHEETS: tuple[Sheet, ...] = (JURISDICTION, OFFICER, USER, ENTITY, INFORMANT, ASSIGNMENT)
SHEET_BY_NAME = {s.name: s for s in SHEETS}
SHEET_BY_KEY = {s.key: s for s in SHEETS}
GUIDE_SHEET = "说明"  # written by the template and the export; never imported
