"""A --mapping FILE.toml for a workbook exported by another system: its sheet names and column
names mapped to the roster's, for what the aliases in policy.toml do not cover.

    [sheets]                      # sheet (or CSV file) name → roster sheet
    "主体名单" = "包保主体"

    [columns."包保主体"]           # per roster sheet: column as written → roster column
    "经营者姓名" = "负责人"
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from services.core.errors import BadInput
from services.roster.columns import SHEET_BY_NAME
from services.roster.headers import clean_header, clean_sheet_name


@dataclass(frozen=True)
class Mapping:
    sheets: dict[str, str] = field(default_factory=dict)  # clean sheet name → roster sheet
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → clean → header


def load_mapping(path: Path | None) -> Mapping:
    """The mapping file at path (an empty mapping for None); BadInput naming what is wrong."""
    if path is None:
        return Mapping()
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"找不到映射文件 {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"映射文件 {path.name} 不是有效的 TOML：{exc}") from None
    unknown = sorted(set(data) - {"sheets", "columns"})
    if unknown:
        raise BadInput(
            f"映射文件 {path.name} 只能有 [sheets] 和 [columns.表名]，不认识：{'、'.join(unknown)}"
        )
    return Mapping(_sheets(path.name, data.get("sheets", {})), _columns(path.name, data))


def _table(name: str, key: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise BadInput(f"映射文件 {name} 的 [{key}] 应为“原名 = 标准名”的列表")
    return value


def _sheet(name: str, target: str) -> str:
    if target not in SHEET_BY_NAME:
        raise BadInput(
            f"映射文件 {name} 中的工作表“{target}”不是名册的工作表（{'、'.join(SHEET_BY_NAME)}）"
        )
    return target


def _sheets(name: str, value: object) -> dict[str, str]:
    table = _table(name, "sheets", value)
    return {clean_sheet_name(source): _sheet(name, target) for source, target in table.items()}


def _columns(name: str, data: dict[str, object]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for sheet_name, value in _table_of_tables(name, data.get("columns", {})).items():
        sheet = SHEET_BY_NAME[_sheet(name, sheet_name)]
        headers = {c.header for c in sheet.columns}
        table = _table(name, f"columns.{sheet_name}", value)
        for target in table.values():
            if target not in headers:
                raise BadInput(
                    f"映射文件 {name}：“{sheet_name}”表没有“{target}”列"
                    f"（可用：{'、'.join(c.header for c in sheet.columns)}）"
                )
        found[sheet.name] = {clean_header(source): target for source, target in table.items()}
    return found


def _table_of_tables(name: str, value: object) -> dict[str, object]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise BadInput(f'映射文件 {name} 的列映射应写成 [columns."表名"] 小节')
    return value
