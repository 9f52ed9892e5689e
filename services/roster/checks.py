"""Row-level checks: every cell of a row normalised and checked, every problem kept (in Chinese).

Checks across rows and against the database are SQL, in services.roster.crosschecks.
"""

import operator
import re
from dataclasses import dataclass

from services.roster import normalise as norm
from services.roster.columns import Column, Sheet
from services.roster.credit_code import CHARSET, WEIGHTS, check_character, is_valid_credit_code

LICENCE = re.compile(r"^(JY|SC)\d{14}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s,;，；]+@[^@\s,;，；]+\.[^@\s,;，；]+$")
KEY = re.compile(r"^[0-9A-Za-z_.@-]+$")
MAX_ERRORS = 100_000  # errors kept for the report; the total is always counted
CACHE_SIZE = 10_000  # distinct values remembered per enumeration or date column
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def _credit_code_ok(code: str) -> bool:
    """is_valid_credit_code, computed with C-level maps (it runs for every row)."""
    if len(code) != 18:
        return False
    try:
        total = sum(map(operator.mul, map(_VALUE.__getitem__, code[:17]), WEIGHTS))
    except KeyError:
        return False
    return CHARSET[-total % 31] == code[17]


def credit_code_problem(code: str) -> str | None:
    """Why a credit code fails GB 32100-2015, or None when it is valid."""
    if _credit_code_ok(code) or is_valid_credit_code(code):
        return None
    if len(code) != 18:
        return f"统一社会信用代码“{code}”应为 18 位（现为 {len(code)} 位）"
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        return (
            f"统一社会信用代码“{code}”含不允许的字符 {'、'.join(bad)}"
            "（只能是数字和除 I、O、S、V、Z 外的大写字母）"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码“{code}”校验位错误，按 GB 32100-2015 第 18 位应为 {expected}"
    return None


def _parser(column: Column):
    kind = column.kind
    if kind == "upper":
        return lambda raw: norm.as_code(raw, upper=True)
    if kind == "enum":
        return _cached(lambda raw: norm.as_enum(raw, column.enum))
    if kind == "date":
        return _cached(norm.as_date)
    return {
        "text": norm.as_text,
        "code": norm.as_code,
        "mobile": norm.as_mobile,
        "email": norm.as_email,
    }[kind]


def _cached(parse):
    """parse, remembering up to CACHE_SIZE results (columns whose values repeat)."""
    cache: dict = {}

    def run(raw):
        found = cache.get(raw, cache)
        if found is not cache:
            return found
        value = parse(raw)
        if len(cache) < CACHE_SIZE:
            cache[raw] = value
        return value

    return run


def _licence_problem(value: str) -> str | None:
    if LICENCE.match(value):
        return None
    return f"许可证编号“{value}”格式不正确，应为 JY 或 SC 加 14 位数字"


def _form_check(column: Column):
    """The check of a non-empty value's form for this column, or None."""
    if column.field == "credit_code":
        return credit_code_problem
    if column.field == "licence_no":
        return _licence_problem
    if column.kind == "mobile":
        return lambda v: None if MOBILE.match(v) else f"手机号“{v}”不是 11 位大陆手机号码"
    if column.kind == "email":
        return lambda v: None if EMAIL.match(v) else f"邮箱“{v}”格式不正确"
    if column.kind == "code":
        return lambda v: (
            None if KEY.match(v) else (f"{column.header}“{v}”只能由字母、数字和 _ . @ - 组成")
        )
    return None


class RowChecker:
    """Checks the rows of one sheet whose columns sit at the given positions."""

    def __init__(self, sheet: Sheet, positions: dict[str, int]):
        self.sheet = sheet
        self.fields = sheet.fields
        self.dates = [i for i, c in enumerate(sheet.columns) if c.kind == "date"]
        self.plan = [
            (
                c.field,
                c.header,
                c.required,
                c.max_len or 0,
                positions.get(c.field, -1),
                _parser(c),
                _form_check(c),
                c.kind in ("email", "mobile"),
            )
            for c in sheet.columns
        ]

    def check(self, cells: tuple) -> tuple[dict, list]:
        """The row's clean values by field and its problems as (column header, message).

        Codes keep their normalised text even when malformed (they still name the row for
        cross-row look-ups, so one bad cell gives one error); unreadable dates and
        enumerations become None.
        """
        values: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
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
            if max_len and type(value) is str and len(value) > max_len:
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
        _sheet_rules(self.sheet, values, problems)
        return values, problems

    def staging_row(self, row: int, values: dict) -> tuple:
        """The row as a staging tuple: (row, *fields), dates as ISO text."""
        out = [row, *map(values.get, self.fields)]
        for index in self.dates:
            if out[index + 1] is not None:
                out[index + 1] = out[index + 1].isoformat()
        return tuple(out)


def _sheet_rules(sheet: Sheet, values: dict, problems: list) -> None:
    if sheet.key in ("entity", "assignment"):
        named = values.get("credit_code") or values.get("licence_no")
        touched = any(h in ("统一社会信用代码", "许可证编号") for h, _ in problems)
        if not named and not touched:
            problems.append(("统一社会信用代码", "统一社会信用代码与许可证编号至少填写一项"))
    if (
        sheet.key == "entity"
        and values.get("status") is None
        and not any(h == "经营状态" for h, _ in problems)
    ):
        values["status"] = "operating"
    if sheet.key == "assignment":
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            problems.append(
                ("结束日期", f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
            )
