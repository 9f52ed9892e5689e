"""统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714) check characters."""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_character(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are given."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """Whether code is 18 characters of the GB 32100 set with the right check character."""
    if len(code) != 18 or any(ch not in CHARSET for ch in code):
        return False
    return check_character(code[:17]) == code[17]


def org_check_character(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714) whose first 8 are given."""
    total = sum(ORG_CHARSET.index(ch) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_credit_code(*, registry: str, kind: str, area: str, org_base: str) -> str:
    """A valid credit code from its parts (registry '9', kind '1'/'2', 6-digit area, 8 chars)."""
    first17 = f"{registry}{kind}{area}{org_base}{org_check_character(org_base)}"
    return first17 + check_character(first17)
