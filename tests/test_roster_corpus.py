"""A corpus of bad roster workbooks: each is the good test county with one defect. Every one must
be reported at its exact sheet, row and column, and leave both databases exactly as they were.

The database (SQLite and PostgreSQL) is loaded once per module with the good workbook, so the
re-import rules (history, identities) are exercised too; since nothing may be written, sharing
it across cases is itself part of the proof.
"""

from contextlib import ExitStack

import pytest
from sqlmodel import Session

from config import settings as settings_module
from models.db import get_engine
from services.core.schema import upgrade
from services.roster.importer import import_roster
from tests.conftest import pg_schema
from tests.support.roster_books import (
    CREDIT_5,
    CREDIT_6_LICENCE,
    CREDIT_7,
    STALL,
    TODAY,
    UNKNOWN_CREDIT,
    Book,
    snapshot,
)

J, OFF, U, E, INF, A = "区划", "包保干部", "食安办人员", "包保主体", "信息员", "包保关系"


def _swap_licences(b: Book) -> None:
    b.set(E, 2, "许可证编号", "JY25110000000018")
    b.set(E, 4, "许可证编号", "SC10651100000017")


def _formula_name(b: Book) -> None:
    b.set(E, 2, "主体名称", '=CONCAT("示例","食品")')


def _codeless_outside_its_categories(b: Book) -> None:
    b.set(E, 8, "统一社会信用代码", None).set(E, 8, "业态", "小餐饮")


def _registration_of_wrong_shape(b: Book) -> None:
    b.set(E, 9, "登记备案编号", "川XX5110001001").set(A, 8, "登记备案编号", "川XX5110001001")


def _one_business_in_two_rows(b: Book) -> None:
    """The database knows CREDIT_6 and its licence as one entity; the sheet lists them apart."""
    b.set(E, 7, "许可证编号", None).set(A, 7, "许可证编号", None)
    b.copy_row(E, 7, 统一社会信用代码=None, 许可证编号=CREDIT_6_LICENCE, 主体名称="松林农家乐")


CASES = [  # (id, mutation, expected locations)
    # 区划
    ("j-code-blank", lambda b: b.set(J, 7, "区划代码", None), [(J, 7, "区划代码")]),
    ("j-name-blank", lambda b: b.set(J, 3, "名称", "  "), [(J, 3, "名称")]),
    ("j-level-unknown", lambda b: b.set(J, 3, "层级", "省"), [(J, 3, "层级")]),
    (
        "j-parent-unknown",
        lambda b: b.set(J, 4, "上级区划代码", "511000999999"),
        [(J, 4, "上级区划代码")],
    ),
    ("j-code-duplicate", lambda b: b.copy_row(J, 4), [(J, 8, "区划代码")]),
    (
        "j-cycle",
        lambda b: b.set(J, 2, "上级区划代码", "511000100000"),
        [(J, 2, "上级区划代码"), (J, 3, "上级区划代码")],
    ),
    ("j-level-order", lambda b: b.set(J, 4, "上级区划代码", "511000100201"), [(J, 4, "层级")]),
    ("j-code-characters", lambda b: b.set(J, 7, "区划代码", "5110#0200300"), [(J, 7, "区划代码")]),
    ("j-code-too-long", lambda b: b.set(J, 7, "区划代码", "5" * 33), [(J, 7, "区划代码")]),
    # 包保干部
    ("o-code-blank", lambda b: b.set(OFF, 8, "干部编号", None), [(OFF, 8, "干部编号")]),
    ("o-name-blank", lambda b: b.set(OFF, 3, "姓名", None), [(OFF, 3, "姓名")]),
    ("o-tier-unknown", lambda b: b.set(OFF, 3, "层级", "省级"), [(OFF, 3, "层级")]),
    (
        "o-jurisdiction-unknown",
        lambda b: b.set(OFF, 8, "所属区划代码", "511000999999"),
        [(OFF, 8, "所属区划代码")],
    ),
    (
        "o-jurisdiction-blank",
        lambda b: b.set(OFF, 8, "所属区划代码", None),
        [(OFF, 8, "所属区划代码")],
    ),
    ("o-mobile-short", lambda b: b.set(OFF, 3, "手机号", "1380000000"), [(OFF, 3, "手机号")]),
    ("o-mobile-letters", lambda b: b.set(OFF, 3, "手机号", "1380000000a"), [(OFF, 3, "手机号")]),
    ("o-mobile-landline", lambda b: b.set(OFF, 3, "手机号", "02887654321"), [(OFF, 3, "手机号")]),
    ("o-mobile-blank", lambda b: b.set(OFF, 4, "手机号", None), [(OFF, 4, "手机号")]),
    ("o-email", lambda b: b.set(OFF, 3, "邮箱", "sl1001example.cn"), [(OFF, 3, "邮箱")]),
    ("o-code-duplicate", lambda b: b.copy_row(OFF, 8), [(OFF, 9, "干部编号")]),
    ("o-tier-vs-jurisdiction", lambda b: b.set(OFF, 8, "层级", "乡级"), [(OFF, 8, "层级")]),
    ("o-name-too-long", lambda b: b.set(OFF, 3, "姓名", "王" * 51), [(OFF, 3, "姓名")]),
    ("o-code-characters", lambda b: b.set(OFF, 8, "干部编号", "SL20#4"), [(OFF, 8, "干部编号")]),
    # 食安办人员
    ("u-account-blank", lambda b: b.set(U, 3, "账号", None), [(U, 3, "账号")]),
    ("u-role-unknown", lambda b: b.set(U, 3, "角色", "科员"), [(U, 3, "角色")]),
    (
        "u-jurisdiction-unknown",
        lambda b: b.set(U, 3, "所属区划代码", "511000999999"),
        [(U, 3, "所属区划代码")],
    ),
    ("u-mobile", lambda b: b.set(U, 3, "手机号", "138000000111"), [(U, 3, "手机号")]),
    ("u-email", lambda b: b.set(U, 2, "邮箱", "钱文@"), [(U, 2, "邮箱")]),
    ("u-account-duplicate", lambda b: b.copy_row(U, 3), [(U, 4, "账号")]),
    ("u-name-blank", lambda b: b.set(U, 2, "姓名", None), [(U, 2, "姓名")]),
    # 包保主体
    (
        "e-credit-check-character",
        lambda b: b.set(
            E, 8, "统一社会信用代码", CREDIT_7[:-1] + ("0" if CREDIT_7[-1] != "0" else "1")
        ),
        [(E, 8, "统一社会信用代码")],
    ),
    (
        "e-credit-length",
        lambda b: b.set(E, 8, "统一社会信用代码", CREDIT_7[:-1]),
        [(E, 8, "统一社会信用代码")],
    ),
    (
        "e-credit-letter-i",
        lambda b: b.set(E, 8, "统一社会信用代码", "I" + CREDIT_7[1:]),
        [(E, 8, "统一社会信用代码")],
    ),
    (
        "e-credit-lossy-number",
        lambda b: b.set(E, 8, "统一社会信用代码", 9.15110001234568e17),
        [(E, 8, "统一社会信用代码")],
    ),
    ("e-licence-form", lambda b: b.set(E, 8, "许可证编号", "JY123"), [(E, 8, "许可证编号")]),
    (
        "e-codeless-outside-its-categories",
        _codeless_outside_its_categories,
        [(E, 8, "统一社会信用代码")],
    ),
    ("e-registration-shape", _registration_of_wrong_shape, [(E, 9, "登记备案编号")]),
    ("e-registration-duplicate", lambda b: b.copy_row(E, 9), [(E, 11, "登记备案编号")]),
    ("e-one-business-two-rows", _one_business_in_two_rows, [(E, 11, "许可证编号")]),
    (
        "e-codeless-twice",
        lambda b: b.copy_row(E, 10, 主体名称=STALL.replace(" ", "")),
        [(E, 11, "主体名称")],
    ),
    ("e-phone-short", lambda b: b.set(E, 2, "联系电话", "5201234"), [(E, 2, "联系电话")]),
    ("e-phone-letter", lambda b: b.set(E, 3, "联系电话", "1390000002l"), [(E, 3, "联系电话")]),
    (
        "e-director-too-long",
        lambda b: b.set(E, 2, "食品安全总监", "王" * 51),
        [(E, 2, "食品安全总监")],
    ),
    ("e-name-blank", lambda b: b.set(E, 2, "主体名称", None), [(E, 2, "主体名称")]),
    ("e-name-formula", _formula_name, [(E, 2, "主体名称")]),
    ("e-category-unknown", lambda b: b.set(E, 2, "业态", "食品加工"), [(E, 2, "业态")]),
    ("e-grade-unknown", lambda b: b.set(E, 2, "主体等级", "E"), [(E, 2, "主体等级")]),
    ("e-risk-unknown", lambda b: b.set(E, 2, "风险等级", "高"), [(E, 2, "风险等级")]),
    (
        "e-jurisdiction-unknown",
        lambda b: b.set(E, 8, "所属区划代码", "511000999999"),
        [(E, 8, "所属区划代码")],
    ),
    ("e-status-unknown", lambda b: b.set(E, 2, "经营状态", "倒闭"), [(E, 2, "经营状态")]),
    ("e-credit-duplicate", lambda b: b.copy_row(E, 8), [(E, 11, "统一社会信用代码")]),
    ("e-licence-duplicate", lambda b: b.copy_row(E, 5), [(E, 11, "许可证编号")]),
    ("e-address-too-long", lambda b: b.set(E, 2, "地址", "路" * 301), [(E, 2, "地址")]),
    ("e-licences-swapped", _swap_licences, [(E, 2, "许可证编号"), (E, 4, "许可证编号")]),
    # 包保关系
    ("a-officer-blank", lambda b: b.set(A, 2, "干部编号", None), [(A, 2, "干部编号")]),
    ("a-officer-unknown", lambda b: b.set(A, 2, "干部编号", "SL9999"), [(A, 2, "干部编号")]),
    (
        "a-credit-unknown",
        lambda b: b.set(A, 2, "统一社会信用代码", UNKNOWN_CREDIT),
        [(A, 2, "统一社会信用代码")],
    ),
    (
        "a-licence-unknown",
        lambda b: b.set(A, 5, "许可证编号", "JY25110000000099"),
        [(A, 5, "许可证编号")],
    ),
    (
        "a-entity-blank",
        lambda b: b.set(A, 2, "统一社会信用代码", None),
        [(A, 2, "统一社会信用代码")],
    ),
    (
        "a-codes-name-two-entities",
        lambda b: b.set(A, 7, "许可证编号", "JY25110000000018"),
        [(A, 7, "许可证编号")],
    ),
    ("a-start-blank", lambda b: b.set(A, 2, "开始日期", None), [(A, 2, "开始日期")]),
    ("a-start-impossible", lambda b: b.set(A, 2, "开始日期", "2026-02-30"), [(A, 2, "开始日期")]),
    ("a-start-words", lambda b: b.set(A, 2, "开始日期", "明天"), [(A, 2, "开始日期")]),
    ("a-end-before-start", lambda b: b.set(A, 2, "结束日期", "2024-12-31"), [(A, 2, "结束日期")]),
    (
        "a-tier-mismatch",
        lambda b: (b.set(A, 2, "干部编号", "SL2001"), b.set(A, 2, "开始日期", "2026-09-01")),
        [(A, 2, "干部编号")],
    ),
    (
        "a-outside-jurisdiction",
        lambda b: (b.set(A, 4, "干部编号", "SL2002"), b.set(A, 4, "开始日期", "2026-09-01")),
        [(A, 4, "干部编号")],
    ),
    ("a-overlap", lambda b: b.copy_row(A, 2, 开始日期="2025-06-01"), [(A, 10, "开始日期")]),
    ("a-duplicate", lambda b: b.copy_row(A, 3), [(A, 10, "开始日期")]),
    (
        "a-starts-before-the-one-it-replaces",
        lambda b: b.set(A, 3, "开始日期", "2024-06-01"),
        [(A, 3, "开始日期")],
    ),
    (
        "a-overlaps-history",
        lambda b: b.copy_row(A, 6, 开始日期="2025-01-01", 结束日期="2025-07-01"),
        [(A, 10, "开始日期")],
    ),
    (
        "a-registration-unknown",
        lambda b: b.set(A, 8, "登记备案编号", "川GD5110009999"),
        [(A, 8, "登记备案编号")],
    ),
    (
        "a-codeless-unknown",
        lambda b: b.set(A, 9, "主体名称", "河口李记早餐摊"),
        [(A, 9, "主体名称")],
    ),
    (
        "a-codeless-without-place",
        lambda b: b.set(A, 9, "所属区划代码", None),
        [(A, 9, "所属区划代码")],
    ),
    # 信息员
    ("i-mobile-duplicate", lambda b: b.copy_row(INF, 3), [(INF, 4, "手机号")]),
    (
        "i-mobile-of-another-informant",
        lambda b: b.set(INF, 3, "手机号", "13800000003"),
        [(INF, 3, "手机号")],
    ),
    ("i-role-unknown", lambda b: b.set(INF, 2, "角色", "组长"), [(INF, 2, "角色")]),
    (
        "i-not-a-village",
        lambda b: b.set(INF, 2, "所属区划代码", "511000100000"),
        [(INF, 2, "所属区划代码")],
    ),
    ("i-mobile-short", lambda b: b.set(INF, 2, "手机号", "1380000003"), [(INF, 2, "手机号")]),
    ("i-name-blank", lambda b: b.set(INF, 3, "姓名", None), [(INF, 3, "姓名")]),
    # one person, one login
    ("p-account-is-an-officer-code", lambda b: b.set(U, 3, "账号", "SL1001"), [(U, 3, "账号")]),
    (
        "p-account-is-an-officer-mobile",
        lambda b: b.set(U, 3, "账号", "13800000003"),
        [(U, 3, "账号")],
    ),
    (
        "p-officer-code-is-a-user-mobile",
        lambda b: b.set(OFF, 8, "干部编号", "13800000011"),
        [(U, 3, "手机号")],
    ),
    (
        "p-two-officers-one-mobile",
        lambda b: b.set(OFF, 8, "手机号", "13800000006"),
        [(OFF, 8, "手机号")],
    ),
    ("p-one-mobile-two-names", lambda b: b.set(U, 3, "手机号", "13800000002"), [(U, 3, "姓名")]),
    (
        "p-informant-named-otherwise",
        lambda b: b.set(INF, 2, "姓名", "孙丽"),
        [(INF, 2, "姓名")],
    ),
    # structure
    ("sheet-missing", lambda b: b.drop_sheet(A), [(A, None, None)]),
    ("column-missing", lambda b: b.drop_column(OFF, "手机号"), [(OFF, 1, "手机号")]),
    (
        "codes-columns-missing",
        lambda b: [b.drop_column(E, h) for h in ("统一社会信用代码", "许可证编号", "登记备案编号")],
        [(E, 1, "统一社会信用代码")],
    ),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(request, tmp_path_factory):
    """A database of either kind holding the good test county."""
    settings_module.configure(today=TODAY)
    folder = tmp_path_factory.mktemp("corpus")
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{folder}/corpus.db"
            upgrade(engine=get_engine(url))
        else:
            url = stack.enter_context(pg_schema())
        engine = get_engine(url)
        with Session(engine) as session:
            result = import_roster(session=session, path=Book.full().save(folder / "good.xlsx"))
            session.commit()
        assert result.ok, result.errors
        settings_module.reset()
        yield engine
        engine.dispose()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_workbook_is_reported_exactly_and_writes_nothing(case, loaded, tmp_path, set_today):
    name, mutate, expected = case
    set_today(TODAY)
    book = Book.full()
    mutate(book)
    path = book.save(tmp_path / f"{name}.xlsx")
    before = snapshot(loaded)
    with Session(loaded) as session:
        result = import_roster(session=session, path=path)
        session.commit()
    assert snapshot(loaded) == before
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert found == set(expected), [e.as_dict() for e in result.errors]
    assert result.error_total == len(result.errors) >= 1
    assert all(e.message and not e.message.isascii() for e in result.errors)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 80
    assert len({c[0] for c in CASES}) == len(CASES)


def test_the_good_workbook_reimports_without_change(loaded, tmp_path, set_today):
    set_today(TODAY)
    before = snapshot(loaded)
    with Session(loaded) as session:
        result = import_roster(
            session=session, path=Book.full().save(tmp_path / "good.xlsx"), dry_run=True
        )
        session.commit()
    assert result.ok and snapshot(loaded) == before
    assert all(c["created"] == c["updated"] == c["ended"] == 0 for c in result.counts.values())


def test_every_error_of_a_workbook_is_reported_at_once(loaded, tmp_path, set_today):
    set_today(TODAY)
    book = Book.full()
    for mutate in (
        c[1]
        for c in CASES
        if c[0] in ("o-mobile-short", "u-email", "e-grade-unknown", "a-start-words", "j-name-blank")
    ):
        mutate(book)
    before = snapshot(loaded)
    with Session(loaded) as session:
        result = import_roster(session=session, path=book.save(tmp_path / "many.xlsx"))
        session.commit()
    assert snapshot(loaded) == before
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        (J, 3, "名称"),
        (OFF, 3, "手机号"),
        (U, 2, "邮箱"),
        (E, 2, "主体等级"),
        (A, 2, "开始日期"),
    ]


def test_credit_code_messages_name_the_expected_check_character(loaded, tmp_path, set_today):
    set_today(TODAY)
    wrong = CREDIT_5[:-1] + ("0" if CREDIT_5[-1] != "0" else "1")
    book = Book.full().set(E, 6, "统一社会信用代码", wrong)
    book.set(A, 6, "统一社会信用代码", wrong)
    with Session(loaded) as session:
        result = import_roster(session=session, path=book.save(tmp_path / "check.xlsx"))
    message = f"统一社会信用代码“{wrong}”校验位错误，按 GB 32100-2015 第 18 位应为 {CREDIT_5[-1]}"
    assert [(e.sheet, e.row, e.message) for e in result.errors] == [
        (E, 6, message),
        (A, 6, message),
    ]
