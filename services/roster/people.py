"""One person, one login: a person is one 手机号, so an officer, a 食安办 account and an 信息员 with
the same 手机号 are one person (linked, allowed); every login string (干部编号, 账号, 手机号) names
exactly one person, a person has one record of each kind, and one name.

Checked over the staging tables and the database rows the import keeps (a partial import keeps
every active record it does not list; a full import those of an absent 信息员 sheet).
"""

from collections.abc import Iterator
from itertools import groupby
from typing import NamedTuple

from services.roster.checks import RowError
from services.roster.dialect import Sql

SHEET_ORDER = {"包保干部": 0, "食安办人员": 1, "信息员": 2}
MOBILE = "手机号"


SOURCES = (  # (sheet, staging table, table, key column, key header, person expression)
    (
        "包保干部",
        "rs_officer",
        "officer",
        "code",
        "干部编号",
        "COALESCE('m:' || {0}.mobile, 'o:' || {0}.code)",
    ),
    (
        "食安办人员",
        "rs_user",
        "app_user",
        "account",
        "账号",
        "COALESCE('m:' || {0}.mobile, 'u:' || {0}.account)",
    ),
    ("信息员", "rs_informant", "informant", "mobile", MOBILE, "'m:' || {0}.mobile"),
)
INSERT = "INSERT INTO rs_login (login, person, name, sheet, rn, header, from_db) "


def _load(sql: Sql, *, partial: bool, informants_listed: bool) -> None:
    """Fill rs_login: (login, person, name, sheet, rn, header, from_db) for every record."""
    for sheet, staging, table, key, header, person in SOURCES:
        kept = partial or (table == "informant" and not informants_listed)
        logins = [(key, header)] + ([("mobile", MOBILE)] if key != "mobile" else [])
        for column, label in logins:
            sql.run(f"""{INSERT}SELECT s.{column}, {person.format("s")}, s.name, '{sheet}', s.rn,
                               '{label}', 0 FROM {staging} s
                        WHERE s.from_db = 0 AND s.dup = 0 AND s.{column} IS NOT NULL""")
            if kept:
                sql.run(f"""{INSERT}SELECT t.{column}, {person.format("t")}, t.name, '{sheet}',
                                   -t.id, '{label}', 1 FROM {table} t
                            WHERE t.active AND t.{column} IS NOT NULL AND NOT EXISTS (
                                SELECT 1 FROM {staging} s WHERE s.from_db = 0 AND s.id = t.id)""")
    sql.analyze("rs_login")


def check_people(sql: Sql, *, partial: bool, informants_listed: bool) -> tuple[list[RowError], int]:
    """Every rule-12 problem at its row, and how many people hold records of several kinds."""
    _load(sql, partial=partial, informants_listed=informants_listed)
    errors = _collisions(sql) + _second_records(sql) + _names(sql)
    linked = sql.scalar("""SELECT COUNT(*) FROM (SELECT person FROM rs_login
                           WHERE person LIKE 'm:%' GROUP BY person
                           HAVING COUNT(DISTINCT sheet) > 1) p""")
    return errors, int(linked or 0)


class Login(NamedTuple):
    login: str
    person: str
    name: str
    sheet: str
    rn: int
    header: str
    from_db: int

    @property
    def order(self) -> tuple[int, int, int, bool]:
        """Database records first, then by sheet and row: the first of a group keeps its claim."""
        return (-self.from_db, SHEET_ORDER[self.sheet], self.rn, self.header != MOBILE)

    @property
    def who(self) -> str:
        """Where the record is, for a message: 包保干部表第 3 行（周建国）."""
        if self.from_db:
            return f"数据库中在册的{self.sheet}（{self.name}）"
        return f"{self.sheet}表第 {self.rn} 行（{self.name}）"


def _later(sql: Sql, where: str, group: str) -> Iterator[tuple[Login, Login]]:
    """(first, later) for every later sheet record of each group of the rs_login rows matching
    where (grouped by the columns in group)."""
    rows = sql.rows(f"""SELECT login, person, name, sheet, rn, header, from_db FROM rs_login
                        WHERE {where} ORDER BY {group}""")
    keys = [c.strip() for c in group.split(",")]
    records = [Login(*r) for r in rows]
    for _, members in groupby(records, key=lambda r: tuple(getattr(r, k) for k in keys)):
        first, *rest = sorted(members, key=lambda r: r.order)
        yield from ((first, row) for row in rest if not row.from_db)


def _collisions(sql: Sql) -> list[RowError]:
    """A login string naming two people: refused at the rows of every person but the first."""
    where = """login IN (SELECT login FROM rs_login GROUP BY login
                         HAVING COUNT(DISTINCT person) > 1)"""
    return [
        RowError(
            row.sheet,
            row.rn,
            row.header,
            f"{row.header}“{row.login}”已是{first.who}的{first.header}：登录名（干部编号、账号、"
            "手机号）只能属于一个人，手机号不同即为不同的人",
        )
        for first, row in _later(sql, where, "login")
        if row.person != first.person
    ]


def _second_records(sql: Sql) -> list[RowError]:
    """One person with two records of one kind (two officers with one 手机号)."""
    where = """header = '手机号' AND sheet <> '信息员' AND (person, sheet) IN (
                   SELECT person, sheet FROM rs_login WHERE header = '手机号'
                   GROUP BY person, sheet HAVING COUNT(*) > 1)"""
    return [
        RowError(
            row.sheet,
            row.rn,
            MOBILE,
            f"手机号“{row.login}”已是{first.who}的手机号：同一手机号是同一个人，"
            f"{row.sheet}表中只能有一条记录",
        )
        for first, row in _later(sql, where, "person, sheet")
    ]


def _names(sql: Sql) -> list[RowError]:
    """One person (one 手机号) under two names."""
    where = """header = '手机号' AND person IN (
                   SELECT person FROM rs_login WHERE header = '手机号'
                   GROUP BY person HAVING COUNT(DISTINCT name) > 1)"""
    return [
        RowError(
            row.sheet,
            row.rn,
            "姓名",
            f"手机号“{row.login}”已是{first.who}的手机号，这里的姓名却是“{row.name}”："
            "同一手机号是同一个人，姓名应一致",
        )
        for first, row in _later(sql, where, "person")
        if row.name != first.name and row.sheet != first.sheet
    ]
