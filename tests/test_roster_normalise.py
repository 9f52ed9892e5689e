"""Cell values as real spreadsheets hold them come back as clean values (no database)."""

import datetime as dt

import pytest

from models.enums import Category, EntityStatus, Grade, JurisdictionLevel, OfficerTier, UserRole
from services.roster.columns import SHEET_BY_NAME
from services.roster.headers import Headers, clean_header, clean_sheet_name
from services.roster.identifiers import credit_code_problem
from services.roster.normalise import (
    CellError,
    as_code,
    as_date,
    as_enum,
    as_mobile,
    as_text,
    is_blank,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (13800000001, "13800000001"),
        (1.38e10, "13800000000"),
        (13800000001.0, "13800000001"),
        (510100000000.0, "510100000000"),
        ("510100000000.0", "510100000000"),
        ("1.38E+10", "13800000000"),
        ("1.3800000001e10", "13800000001"),
        ("５１０１００", "510100"),
        (" SL 0001 ", "SL0001"),
        ("\u200bSL0001\ufeff", "SL0001"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_codes_come_back_as_exact_digits(raw, expected):
    assert as_code(raw) == expected


@pytest.mark.parametrize("raw", [9.15110001234568e17, 911100001234567890, "9.1511E+17"])
def test_numbers_beyond_fifteen_digits_are_refused_not_guessed(raw):
    with pytest.raises(CellError, match="15 位"):
        as_code(raw)


def test_credit_codes_are_upper_case_and_half_width():
    assert as_code("９１５１１０００１２３４５６７８８ｗ", upper=True) == "91511000123456788W"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 0000 0001", "13800000001"),
        ("138-0000-0001", "13800000001"),
        ("+86 13800000001", "13800000001"),
        ("008613800000001", "13800000001"),
        ("１３８００００００01", "13800000001"),
    ],
)
def test_mobile_numbers_lose_separators_and_country_code(raw, expected):
    assert as_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        dt.datetime(2026, 9, 7),
        dt.date(2026, 9, 7),
        "2026-09-07",
        "2026-9-7",
        "2026/9/7",
        "2026.9.7",
        "2026年9月7日",
        "2026 年 9 月 7 日",
        "２０２６年９月７日",
        "20260907",
        "2026-09-07 00:00:00",
        "2026-09-07T00:00:00",
        46272,
        46272.0,
    ],
)
def test_dates_in_every_listed_form(raw):
    assert as_date(raw) == dt.date(2026, 9, 7)


@pytest.mark.parametrize("raw", ["2026-02-30", "明天", "9/7/2026", "0026-09-07", -5, "2026-13-01"])
def test_bad_dates_are_refused_in_chinese(raw):
    with pytest.raises(CellError) as caught:
        as_date(raw)
    assert not str(caught.value).isascii()


def test_free_text_keeps_chinese_punctuation_but_not_stray_blanks():
    assert as_text("  示例县　河口镇（东街）１号，二楼  ") == "示例县 河口镇（东街）1号，二楼"
    assert as_text("周\u3000建国") == "周 建国"
    assert as_text(42) == "42"
    assert is_blank(" \u3000 ") and not is_blank("0")


@pytest.mark.parametrize(
    ("enum", "raw", "code"),
    [
        (JurisdictionLevel, "乡镇", "township"),
        (JurisdictionLevel, "街道", "township"),
        (JurisdictionLevel, "社区", "village"),
        (JurisdictionLevel, " 县 ", "county"),
        (OfficerTier, "乡镇级", "township"),
        (OfficerTier, "村级", "village"),
        (UserRole, "督办", "supervisor"),
        (UserRole, "管理员", "admin"),
        (Grade, "ｂ", "B"),
        (Grade, "C级", "C"),
        (Grade, "d", "D"),
        (Category, "学校（幼儿园）食堂", "学校幼儿园食堂"),
        (Category, "小餐饮", "小餐饮"),
        (EntityStatus, "注销", "deregistered"),
        (EntityStatus, "歇业", "suspended"),
    ],
)
def test_enumerations_accept_labels_and_common_synonyms(enum, raw, code):
    assert as_enum(raw, enum) == code


def test_unknown_enumeration_lists_the_allowed_labels():
    with pytest.raises(CellError, match="市级、县级、乡级、村级"):
        as_enum("省级", OfficerTier)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("区划代码*", "区划代码"),
        (" 主体等级（A-D）＊ ", "主体等级"),
        ("许可证编号(二选一)", "许可证编号"),
        ("所属区划代码 *", "所属区划代码"),
        ("统一社会信用代码【必填其一】", "统一社会信用代码"),
        ("层级*（市/县/乡镇/村）", "层级"),
        (None, ""),
    ],
)
def test_header_spellings(raw, canonical):
    assert clean_header(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "canonical"), [("联系电话", "手机号"), ("备注", None), (None, None)]
)
def test_officer_headers(raw, canonical):
    assert Headers(SHEET_BY_NAME["包保干部"]).canonical(raw) == canonical


@pytest.mark.parametrize(
    ("sheet", "raw", "canonical"),
    [
        ("包保主体", "单位名称", "主体名称"),
        ("包保主体", "企业名称", "主体名称"),
        ("包保主体", "经营者名称", "主体名称"),
        ("包保主体", "联系电话", "联系电话"),  # its own column here, an alias of 手机号 elsewhere
        ("包保主体", "手机号码", "联系电话"),
        ("包保主体", "法定代表人（负责人）", "负责人"),
        ("包保主体", "小作坊登记证编号", "登记备案编号"),
        ("包保关系", "企业名称", "主体名称"),
        ("包保关系", "负责人", None),
        ("信息员", "手机号码", "手机号"),
    ],
)
def test_header_aliases_come_from_the_policy_and_fit_the_sheet(sheet, raw, canonical):
    assert Headers(SHEET_BY_NAME[sheet]).canonical(raw) == canonical


def test_sheet_names_ignore_blanks_and_width():
    assert clean_sheet_name(" 包保 干部 ") == "包保干部"


def test_credit_code_problems_are_specific():
    assert credit_code_problem("91511000123456788W") is None
    assert "18 位" in credit_code_problem("9151100012345678")
    assert "I" in credit_code_problem("9151100012345678IW")
    assert "应为 W" in credit_code_problem("91511000123456788X")


def test_the_fast_credit_code_check_agrees_with_the_reference_one():
    import random

    from services.roster.credit_code import CHARSET, is_valid_credit_code, make_credit_code
    from services.roster.identifiers import _credit_code_ok

    rng = random.Random(7)
    codes = [
        make_credit_code(
            registry="9",
            kind=rng.choice("12"),
            area=f"{rng.randrange(10**6):06d}",
            org_base=f"{rng.randrange(10**8):08d}",
        )
        for _ in range(2000)
    ]
    codes += [c[:17] + rng.choice(CHARSET) for c in codes]
    codes += [
        "".join(rng.choice(CHARSET + "IOSVZ-") for _ in range(rng.choice((17, 18, 19))))
        for _ in range(2000)
    ]
    assert sum(map(is_valid_credit_code, codes)) > 2000
    assert all(_credit_code_ok(c) == is_valid_credit_code(c) for c in codes)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("138 0000 0001", "13800000001"),
        ("+86 138-0000-0001", "13800000001"),
        ("02887654321", "028-87654321"),  # 成都: a three-digit area code
        ("(0831)5201234", "0831-5201234"),
        ("0831-5201234转802", "0831-5201234-802"),
        ("010 6512 3456", "010-65123456"),
    ],
)
def test_phone_numbers_are_stored_in_one_form(raw, stored):
    from services.roster.identifiers import as_phone, phone_problem, tel_uri

    assert as_phone(raw) == stored and phone_problem(stored) is None
    assert tel_uri(stored).startswith("tel:") and "-" not in tel_uri(stored)


@pytest.mark.parametrize("raw", ["5201234", "0831-0201234", "1234567890123", "0831-52O1234"])
def test_phone_numbers_that_are_neither_mobile_nor_landline_are_refused(raw):
    from services.roster.identifiers import as_phone, phone_problem

    assert "联系电话" in phone_problem(as_phone(raw))
