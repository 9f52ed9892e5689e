"""The workbook the template and the export write: a 说明 sheet, then the five sheets with
starred headers, dropdowns for every enumeration, frozen header rows, widths and text-formatted
code columns (services.roster.xlsx_writer streams it, any size)."""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from models.enums import label
from services.roster.columns import SHEETS, Column, Sheet

if TYPE_CHECKING:
    from services.roster.xlsx_writer import SheetSpec


def header_text(column: Column) -> str:
    """The header as written: required columns carry a * mark."""
    return f"{column.header}*" if column.required else column.header


def enum_labels(column: Column) -> list[str]:
    """The Chinese labels of an enumeration column's codes (none for other columns)."""
    enum = column.enum
    return [] if enum is None else [label(enum, m.value) for m in enum]


def _guide_rows() -> list[list[str]]:
    rows: list[list[str]] = [["工作表", "列", "必填", "说明"]]
    for sheet in SHEETS:
        rows.append([sheet.name, "", "", sheet.note])
        for column in sheet.columns:
            note = column.note or ("、".join(enum_labels(column)) if column.enum else "")
            rows.append(["", column.header, "是" if column.required else "", note])
    rows += [
        [],
        [
            "食品安全包保名册：区划、包保干部、食安办人员、包保主体、包保关系五张表，信息员表可选；"
            "第 1 行为表头，带 * 的列必填；可另加列（导入时列为“已忽略”）。"
        ],
        [
            "同一手机号是同一个人：包保干部、食安办人员、信息员可以是同一人（手机号相同、姓名一致）；"
            "干部编号、账号、手机号都是登录名，不能属于两个人。"
        ],
        [
            "同一文件重复导入会更新已有记录并保留包保关系历史；完整导入时未列出的干部、主体将标记为停用，"
            "其包保关系结束。"
        ],
        ["也可导入放有 CSV 文件（以工作表命名，UTF-8 或 GB18030 编码）的文件夹。"],
    ]
    return rows


def _spec(sheet: Sheet) -> "SheetSpec":
    from services.roster.xlsx_writer import DATE, TEXT, SheetSpec

    styles = [TEXT if c.is_text_cell else DATE if c.kind == "date" else 0 for c in sheet.columns]
    lists = [
        (i, enum_labels(c), c.header, c.note or "、".join(enum_labels(c)))
        for i, c in enumerate(sheet.columns)
        if c.kind == "enum"
    ]
    return SheetSpec(sheet.name, [c.width for c in sheet.columns], styles, lists)


def write_workbook(path: Path, rows: dict[str, Iterable[Sequence[object]]]) -> dict[str, int]:
    """Write the roster workbook to path with rows per sheet name; returns rows written."""
    from itertools import chain

    from services.roster.xlsx_writer import SheetSpec, write

    guide = SheetSpec("说明", [12, 18, 6, 70], freeze=True)
    sheets: list[tuple[SheetSpec, Iterable[Sequence[object]]]] = [(guide, _guide_rows())]
    for sheet in SHEETS:
        header = [header_text(c) for c in sheet.columns]
        sheets.append((_spec(sheet), chain([header], rows.get(sheet.name, ()))))
    counts = write(path, sheets)
    counts.pop("说明", None)
    return counts
