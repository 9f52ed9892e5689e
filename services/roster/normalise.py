"""Cell values as real files hold them → clean values: codes as exact digits, dates, half-width."""

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from models.enums import (
    EntityStatus,
    Grade,
    JurisdictionLevel,
    OfficerTier,
    UserRole,
    from_label,
    label,
)


class CellError(ValueError):
    """A cell whose value cannot be understood; the message is Chinese."""


EXCEL_EPOCH = dt.date(1899, 12, 30)
YEARS = range(1950, 2101)
MAX_EXACT = 10**15  # Excel keeps 15 significant digits; longer numbers were changed
LOSSY = "是超过 15 位的数字，Excel 已改动其末几位；请把该列设为文本格式后重新填写"

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_HALF_WIDTH = {
    **{cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)},  # ０-９
    **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},  # Ａ-Ｚ
    **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},  # ａ-ｚ
    0x3000: 0x20,
    **_ZERO_WIDTH,
}
_SPACES = re.compile(r"\s+")
# Anything as_text would change: full-width letters/digits/space, zero-width characters,
# blanks other than one space between words.
_DIRTY_TEXT = re.compile(
    "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\u200b-\u200d\u2060"
    "\ufeff]|\\s\\s|[^\\S ]|^\\s|\\s$"
)
_ALNUM_NUMBER = re.compile(r"^\d+[eE]\d+$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$|^\d+\.0+$")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_BRACKETS = re.compile(r"[()\[\]【】〔〕（）\s]")
_MOBILE_PREFIX = re.compile(r"^(?:\+?86|0086)(?=1\d{10}$)")

SYNONYMS: dict[type, dict[str, str]] = {
    JurisdictionLevel: {
        "地级市": JurisdictionLevel.CITY,
        "州": JurisdictionLevel.CITY,
        "县区": JurisdictionLevel.COUNTY,
        "区": JurisdictionLevel.COUNTY,
        "县级市": JurisdictionLevel.COUNTY,
        "县市区": JurisdictionLevel.COUNTY,
        "旗": JurisdictionLevel.COUNTY,
        "乡": JurisdictionLevel.TOWNSHIP,
        "镇": JurisdictionLevel.TOWNSHIP,
        "街道": JurisdictionLevel.TOWNSHIP,
        "乡镇街道": JurisdictionLevel.TOWNSHIP,
        "苏木": JurisdictionLevel.TOWNSHIP,
        "社区": JurisdictionLevel.VILLAGE,
        "村社区": JurisdictionLevel.VILLAGE,
        "居委会": JurisdictionLevel.VILLAGE,
    },
    OfficerTier: {
        "市": OfficerTier.CITY,
        "县": OfficerTier.COUNTY,
        "区级": OfficerTier.COUNTY,
        "乡镇级": OfficerTier.TOWNSHIP,
        "镇级": OfficerTier.TOWNSHIP,
        "乡": OfficerTier.TOWNSHIP,
        "乡镇": OfficerTier.TOWNSHIP,
        "街道级": OfficerTier.TOWNSHIP,
        "村": OfficerTier.VILLAGE,
        "社区级": OfficerTier.VILLAGE,
        "村社区级": OfficerTier.VILLAGE,
    },
    UserRole: {"督办员": UserRole.SUPERVISOR, "管理": UserRole.ADMIN},
    EntityStatus: {
        "正常": EntityStatus.OPERATING,
        "存续": EntityStatus.OPERATING,
        "营业": EntityStatus.OPERATING,
        "开业": EntityStatus.OPERATING,
        "歇业": EntityStatus.SUSPENDED,
        "吊销": EntityStatus.DEREGISTERED,
    },
}


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing (None, or only blanks)."""
    return value is None or (isinstance(value, str) and not value.translate(_HALF_WIDTH).strip())


def is_blank_row(cells: Iterable[object]) -> bool:
    """Whether a row holds nothing (a plain loop, stopping at the first value: it runs for
    every row of a large file)."""
    for value in cells:  # noqa: SIM110
        if value is not None and value != "" and not is_blank(value):
            return False
    return True


def _number_text(value: int | float) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return repr(value)
        value = int(value)
    if abs(value) >= MAX_EXACT:
        raise CellError(LOSSY)
    return str(value)


def as_text(value: object) -> str | None:
    """Free text: full-width letters and digits made half-width, stray blanks removed."""
    if type(value) is str and not _DIRTY_TEXT.search(value):
        return value or None
    if value is None:
        return None
    if isinstance(value, int | float):
        return _number_text(value) if abs(value) < MAX_EXACT else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    text = _SPACES.sub(" ", str(value).translate(_HALF_WIDTH)).strip()
    return text or None


def as_code(value: object, *, upper: bool = False) -> str | None:
    """A code (区划代码, 干部编号, credit code, phone…): exact digits, NFKC, no blanks at all."""
    if (
        type(value) is str
        and value.isascii()
        and value.isalnum()
        and not _ALNUM_NUMBER.match(value)
    ):
        return value.upper() if upper else value
    if value is None:
        return None
    if isinstance(value, int | float):
        return _number_text(value)
    text = unicodedata.normalize("NFKC", str(value)).translate(_ZERO_WIDTH)
    text = _SPACES.sub("", text)
    if _SCIENTIFIC.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only admits numbers
            return text
        if number == number.to_integral_value():
            text = _number_text(int(number))
    if not text:
        return None
    return text.upper() if upper else text


def as_mobile(value: object) -> str | None:
    """A mobile number: digits only, without +86 and separators."""
    text = as_code(value)
    if text is None or (len(text) == 11 and text.isdigit()):
        return text
    return _MOBILE_PREFIX.sub("", re.sub(r"[-()]", "", text))


def as_email(value: object) -> str | None:
    """An e-mail address, NFKC and without blanks."""
    return as_code(value)


def as_date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number or the common written forms."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _in_range(EXCEL_EPOCH + dt.timedelta(days=int(value)))
        raise CellError("不是有效日期")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise CellError("无法识别为日期，应写成 2026-09-07、2026/9/7、2026.9.7 或 2026年9月7日")
    try:
        return _in_range(dt.date(*map(int, match.groups())))
    except ValueError:
        raise CellError(f"不是有效日期（{text}）") from None


def _in_range(day: dt.date) -> dt.date:
    if day.year not in YEARS:
        raise CellError(f"日期 {day.isoformat()} 的年份不合理")
    return day


def as_enum(value: object, enum: type[StrEnum]) -> str | None:
    """The code of an enumeration from its Chinese label (or a common synonym)."""
    if value is None:
        return None
    text = _BRACKETS.sub("", unicodedata.normalize("NFKC", str(value)))
    if not text:
        return None
    if enum is Grade:
        text = text.upper().removesuffix("级")
    code = SYNONYMS.get(enum, {}).get(text) or from_label(enum, text)
    if code is None:
        code = from_label(enum, text.lower())
    if code is None:
        allowed = "、".join(label(enum, m.value) for m in enum)
        raise CellError(f"“{value}”不是有效取值，应为 {allowed} 之一")
    return code
