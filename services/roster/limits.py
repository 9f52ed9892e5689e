"""Roster workbook limits ([roster] max_file_mb, max_cells, max_shared_text_mb in policy.toml),
for CLI and web."""

from config.files import load_policy
from services.core.errors import BadInput

MB = 2**20


def max_bytes() -> int:
    """The largest roster workbook accepted, in bytes."""
    return load_policy().roster.max_file_mb * MB


def max_cells() -> int:
    """The most cells a roster workbook may hold across all its sheets."""
    return load_policy().roster.max_cells


def check_size(*, name: str, size: int) -> None:
    """Refuse a workbook of size bytes over the limit (BadInput with the Chinese reason)."""
    limit = max_bytes()
    if size > limit:
        raise BadInput(
            f"文件 {name} 大小 {size / MB:.1f} MB，超过 {limit / MB:g} MB 上限，"
            "已拒绝；大名册请用 CSV 文件夹导入"
        )


def check_cells(*, name: str, cells: int, limit: int) -> None:
    """Refuse a workbook once it has shown more than limit (max_cells()) cells."""
    if cells > limit:
        raise BadInput(f"工作簿 {name} 超过 {limit:,} 个单元格，已拒绝；大名册请用 CSV 文件夹导入")


def max_shared_bytes() -> int:
    """The most a workbook's shared strings may unpack to, in bytes of XML."""
    return load_policy().roster.max_shared_text_mb * MB


def shared_strings_refused(*, name: str) -> BadInput:
    """The refusal of a workbook whose shared strings are over the limits."""
    return BadInput(
        f"工作簿 {name} 的文本解压后超过 {load_policy().roster.max_shared_text_mb} MB"
        f"（或超过 {max_cells():,} 条），已拒绝；大名册请用 CSV 文件夹导入"
    )
