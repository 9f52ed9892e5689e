"""The shape of every identifier and number a roster row carries: 统一社会信用代码 (GB 32100-2015
check character), 许可证编号 (JY/SC), 登记备案编号 (the province's formats in policy.toml),
联系电话 (mobile or landline). Each check returns the Chinese problem, or None."""

import operator
import re

from config.files import load_policy
from services.roster.credit_code import CHARSET, WEIGHTS, check_character, is_valid_credit_code

LICENCE = re.compile(r"^(JY|SC)\d{14}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 区号 (010 and 02x have three digits, all others four) and number (7-8 digits, not starting
# with 0 or 1), with an optional 分机.
LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})-?([2-9]\d{6,7})(?:(?:-|转|ext)(\d{1,6}))?$")
_PHONE_NOISE = re.compile(r"[\s()（）]")
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


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


def licence_problem(value: str) -> str | None:
    """Why a 许可证编号 is malformed, or None."""
    if LICENCE.match(value):
        return None
    return f"许可证编号“{value}”格式不正确，应为 JY 或 SC 加 14 位数字"


def _formats(province: str) -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """(name, pattern, example) of every 登记备案编号 format valid in a province."""
    return tuple(
        (f.name, re.compile(f.pattern), f.example)
        for f in load_policy().roster.registration_formats
        if f.province in ("*", province)
    )


def registration_problem(value: str, place_code: str | None) -> str | None:
    """Why a 登记备案编号 fits none of the formats of the province of place_code, or None."""
    province = (place_code or "")[:2]
    formats = _formats(province)
    if any(pattern.fullmatch(value) for _, pattern, _ in formats):
        return None
    if not formats:
        return f"登记备案编号“{value}”无法检查：政策文件中没有适用于区划 {province}… 的登记备案编号格式"
    shapes = "、".join(f"{name}（如 {example}）" for name, _, example in formats)
    return f"登记备案编号“{value}”格式不正确，应为 {shapes}"


def as_phone(text: str) -> str:
    """A phone number's canonical form: 11 digits for a mobile, 区号-号码[-分机] for a landline."""
    bare = _PHONE_NOISE.sub("", text).removeprefix("+86").removeprefix("0086")
    digits = bare.replace("-", "")
    if MOBILE.match(digits):
        return digits
    found = LANDLINE.match(bare)
    if found:
        area, number, extension = found.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    return text


def phone_problem(value: str) -> str | None:
    """Why a 联系电话 (already through as_phone) is neither a mobile nor a landline, or None."""
    if MOBILE.match(value) or LANDLINE.match(value):
        return None
    return f"联系电话“{value}”应为 11 位手机号，或带区号的固定电话（如 0831-1234567）"


def tel_uri(phone: str | None) -> str | None:
    """The tel: link of a stored phone number (an extension dialled after a pause)."""
    if not phone:
        return None
    number, _, extension = phone.replace("-", "", 1).partition("-")
    return f"tel:{number}" + (f",{extension}" if extension else "")
