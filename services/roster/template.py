"""The empty roster workbook: the five sheets with headers, notes and dropdowns, no rows."""

from pathlib import Path

from services.core.errors import BadInput
from services.roster.layout import write_workbook


def write_template(*, path: Path) -> Path:
    """Write an empty roster workbook to path (.xlsx)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadInput(f"模板文件名应以 .xlsx 结尾：{path}")
    if not path.parent.is_dir():
        raise BadInput(f"目录不存在：{path.parent}")
    write_workbook(path, {})
    return path
