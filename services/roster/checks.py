"""Row-level checks: every cell of a row normalised and checked, every problem kept (in Chinese).

Checks across rows and against the database are SQL, in services.roster.crosschecks.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypedDict

from config.files import load_policy
from models.enums import EntityStatus
from services.roster import identifiers as ids
from services.roster import normalise as norm
from services.roster.columns import CODE_HEADERS, Cells, Column, Sheet
from services.roster.entity_keys import CODE_FIELDS as CODES

EMAIL = re.compile(r"^[^@\s,;，；]+@[^@\s,;，；]+\.[^@\s,;，；]+$")
KEY = re.compile(r"^[0-9A-Za-z_.@-]+$")
MAX_ERRORS = 100_000  # errors kept for the report; the total is always counted
CACHE_SIZE = 10_000  # distinct values remembered per enumeration or date column

Value = str | dt.date | None  # a cell as checked: text or code, a date, or nothing
Values = dict[str, Value]  # a row's checked cells by field
Problem = tuple[str, str]  # (column header, message in Chinese)
Parser = Callable[[object], Value]
FormCheck = Callable[[str], str | None]


class RowErrorDict(TypedDict):
    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> RowErrorDict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def _parser(column: Column) -> Parser:
    kind, enum = column.kind, column.enum
    if kind == "upper":
        return lambda raw: norm.as_code(raw, upper=True)
    if kind == "enum":
        assert enum is not None  # every enum column names its enumeration (columns.py)
        return _cached(lambda raw: norm.as_enum(raw, enum))
    if kind == "date":
        return _cached(norm.as_date)
    if kind == "phone":
        return lambda raw: ids.as_phone(norm.as_text(raw) or "") or None
    parsers: dict[str, Parser] = {
        "text": norm.as_text,
        "code": norm.as_code,
        "mobile": norm.as_mobile,
        "email": norm.as_email,
    }
    return parsers[kind]


class _Missing(Enum):
    MISSING = 0


def _cached(parse: Parser) -> Parser:
    """parse, remembering up to CACHE_SIZE results (columns whose values repeat)."""
    cache: dict[object, Value] = {}

    def run(raw: object) -> Value:
        found = cache.get(raw, _Missing.MISSING)
        if found is not _Missing.MISSING:
            return found
        value = parse(raw)
        if len(cache) < CACHE_SIZE:
            cache[raw] = value
        return value

    return run


def _form_check(column: Column) -> FormCheck | None:
    """The check of a non-empty value's form for this column, or None."""
    if column.field == "credit_code":
        return ids.credit_code_problem
    if column.field == "licence_no":
        return ids.licence_problem
    if column.kind == "phone":
        return ids.phone_problem
    if column.kind == "mobile":
        return lambda v: None if ids.MOBILE.match(v) else f"手机号“{v}”不是 11 位大陆手机号码"
    if column.kind == "email":
        return lambda v: None if EMAIL.match(v) else f"邮箱“{v}”格式不正确"
    if column.kind == "code":
        return lambda v: (
            None if KEY.match(v) else (f"{column.header}“{v}”只能由字母、数字和 _ . @ - 组成")
        )
    return None


class RowChecker:
    """Checks the rows of one sheet whose columns sit at the given positions."""

    def __init__(self, sheet: Sheet, positions: dict[str, int]) -> None:
        self.sheet = sheet
        self.fields = sheet.fields
        self.dates = [i for i, c in enumerate(sheet.columns) if c.kind == "date"]
        self.codeless = frozenset(load_policy().roster.codeless_categories)
        self.plan = [
            (
                c.field,
                c.header,
                c.required,
                c.max_len or 0,
                positions.get(c.field, -1),
                _parser(c),
                _form_check(c),
                c.kind in ("email", "mobile", "phone"),
            )
            for c in sheet.columns
        ]

    def check(self, cells: Cells) -> tuple[Values, list[Problem]]:
        """The row's clean values by field and its problems as (column header, message).

        Codes keep their normalised text even when malformed (they still name the row for
        cross-row look-ups, so one bad cell gives one error); unreadable dates and
        enumerations become None.
        """
        values: Values = {}
        problems: list[Problem] = []
        width = len(cells)
        for field, header, required, max_len, index, parse, form, drop_bad in self.plan:
            raw = cells[index] if 0 <= index < width else None
            try:
                value = None if raw is None or raw == "" else parse(raw)
            except norm.CellError as exc:
                problems.append((header, f"{header}：{exc}"))
                values[field] = None
                continue
            values[field] = value
            if value is None:
                if required:
                    problems.append((header, f"{header}为必填项，不能为空"))
                continue
            if type(value) is not str:
                continue  # a date: its form was checked by its parser
            if max_len and len(value) > max_len:
                problems.append(
                    (header, f"{header}不能超过 {max_len} 个字（现为 {len(value)} 个）")
                )
                values[field] = None
                continue
            if form is not None:
                problem = form(value)
                if problem:
                    problems.append((header, problem))
                    if drop_bad:
                        values[field] = None
        if self.sheet.key == "entity":
            _entity_rules(values, problems, self.codeless)
        elif self.sheet.key == "assignment":
            _assignment_rules(values, problems)
        return values, problems

    def staging_row(self, row: int, values: Values) -> tuple[object, ...]:
        """The row as a staging tuple: (row, *fields), dates as ISO text."""
        out: list[object] = [row, *map(values.get, self.fields)]
        for index in self.dates:
            day = out[index + 1]
            if isinstance(day, dt.date):
                out[index + 1] = day.isoformat()
        return tuple(out)


def _text(values: Values, field: str) -> str | None:
    """A text field's checked value (never a date: only date columns parse to dates)."""
    value = values.get(field)
    assert not isinstance(value, dt.date), field
    return value


def _touched(problems: list[Problem], *headers: str) -> bool:
    return any(h in headers for h, _ in problems)


def _entity_rules(values: Values, problems: list[Problem], codeless: frozenset[str]) -> None:
    registration = _text(values, "registration_no")
    if registration and not _touched(problems, CODE_HEADERS[2]):
        problem = ids.registration_problem(registration, _text(values, "jurisdiction_code"))
        if problem:
            problems.append((CODE_HEADERS[2], problem))
    named = any(values.get(f) for f in CODES)
    category = values.get("category")
    if not named and not _touched(problems, *CODE_HEADERS) and category not in codeless:
        allowed = "、".join(sorted(codeless)) or "无"
        problems.append(
            (
                CODE_HEADERS[0],
                f"{category or '该'}主体须填写统一社会信用代码、许可证编号、登记备案编号之一"
                f"（可以都不填的业态：{allowed}）",
            )
        )
    if values.get("status") is None and not _touched(problems, "经营状态"):
        values["status"] = EntityStatus.OPERATING.value


def _assignment_rules(values: Values, problems: list[Problem]) -> None:
    named = any(values.get(f) for f in CODES)
    if not named and not _touched(problems, *CODE_HEADERS, "主体名称", "所属区划代码"):
        name, place = values.get("entity_name"), values.get("entity_place")
        if name and not place:
            problems.append(("所属区划代码", "无编码主体须同时填写主体名称和所属区划代码"))
        elif place and not name:
            problems.append(("主体名称", "无编码主体须同时填写主体名称和所属区划代码"))
        elif not name:
            problems.append(
                (
                    CODE_HEADERS[0],
                    "须填写主体的统一社会信用代码、许可证编号或登记备案编号之一；"
                    "无编码主体填写主体名称和所属区划代码",
                )
            )
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        problems.append(
            ("结束日期", f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
        )
