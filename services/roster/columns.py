"""The roster workbook's five sheets, their columns and the header spellings accepted."""

import re
import unicodedata
from dataclasses import dataclass

from models.enums import (
    Category,
    EntityStatus,
    Grade,
    JurisdictionLevel,
    OfficerTier,
    UserRole,
    label,
)


@dataclass(frozen=True)
class Column:
    header: str  # canonical Chinese header, without the * mark
    field: str  # staging column name
    kind: str  # text | code | upper | mobile | email | date | enum
    required: bool = False
    max_len: int | None = None
    enum: type | None = None
    width: int = 14
    note: str = ""

    @property
    def is_text_cell(self) -> bool:
        """Whether the template formats this column as text (codes, numbers, addresses)."""
        return self.kind in ("code", "upper", "mobile", "text", "email")


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str  # jurisdiction | officer | user | entity | assignment
    columns: tuple[Column, ...]
    note: str

    def column(self, header: str) -> Column:
        """The column with this canonical header."""
        return next(c for c in self.columns if c.header == header)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)


def _levels(enum) -> str:
    return "/".join(label(enum, m.value) for m in enum)


CREDIT = Column(
    "统一社会信用代码",
    "credit_code",
    "upper",
    max_len=18,
    width=22,
    note="18 位，按 GB 32100-2015 校验；与许可证编号至少填一项",
)
LICENCE = Column(
    "许可证编号",
    "licence_no",
    "upper",
    max_len=32,
    width=20,
    note="JY 或 SC 加 14 位数字；与统一社会信用代码至少填一项",
)

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
        CREDIT,
        LICENCE,
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
    ),
    "包保主体：统一社会信用代码与许可证编号至少填一项",
)

ASSIGNMENT = Sheet(
    "包保关系",
    "assignment",
    (
        Column("干部编号", "officer_code", "code", True, 32, width=14),
        CREDIT,
        LICENCE,
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
    "包保关系：主体由统一社会信用代码或许可证编号指明；更换干部时新增一行",
)

SHEETS: tuple[Sheet, ...] = (JURISDICTION, OFFICER, USER, ENTITY, ASSIGNMENT)
SHEET_BY_NAME = {s.name: s for s in SHEETS}

ALIASES = {
    "统一信用代码": "统一社会信用代码",
    "社会信用代码": "统一社会信用代码",
    "信用代码": "统一社会信用代码",
    "许可证号": "许可证编号",
    "许可证": "许可证编号",
    "食品经营许可证编号": "许可证编号",
    "手机": "手机号",
    "手机号码": "手机号",
    "联系电话": "手机号",
    "电子邮箱": "邮箱",
    "电子邮件": "邮箱",
    "企业微信": "企业微信账号",
    "企业微信号": "企业微信账号",
    "区划名称": "名称",
    "主体名": "主体名称",
    "企业名称": "主体名称",
    "干部姓名": "姓名",
    "所属区划": "所属区划代码",
    "上级代码": "上级区划代码",
    "开始时间": "开始日期",
    "结束时间": "结束日期",
    "状态": "经营状态",
    "登录账号": "账号",
    "干部层级": "层级",
}

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|〔.*?〕")
_BLANKS = re.compile(r"[\s\u200b\ufeff*]+")


def normalise_header(value: object) -> str:
    """A header cell as its canonical spelling: NFKC, no blanks, no * marks, no (notes)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _BLANKS.sub("", _BRACKETS.sub("", text))
    return ALIASES.get(text, text)


def normalise_sheet_name(value: str) -> str:
    """A sheet or CSV file name as its canonical spelling."""
    return _BLANKS.sub("", unicodedata.normalize("NFKC", value))
