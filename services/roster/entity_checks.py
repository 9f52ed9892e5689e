"""Checks of entity identity, as SQL over the staging tables: two rows that are one business
(sharing an identifier directly, through the database, or codeless with the same name and
jurisdiction), a row whose identifiers name different businesses, and assignment rows naming an
entity that exists nowhere."""

from services.roster.checks import RowError
from services.roster.dialect import Sql

# (identifier column, header, the rs_entity column of the database entity it found)
IDENTIFIERS = (
    ("credit_code", "统一社会信用代码", "by_credit", "e_by_credit"),
    ("licence_no", "许可证编号", "by_licence", "e_by_licence"),
    ("registration_no", "登记备案编号", "by_registration", "e_by_registration"),
)


def identities(sql: Sql) -> list[RowError]:
    """Entity rows that are one business with another row, or whose identifiers disagree."""
    return _disagreeing(sql) + _same_entity(sql) + _same_codeless(sql)


def _disagreeing(sql: Sql) -> list[RowError]:
    """A row whose identifiers name two different database entities (at the later one)."""
    errors = []
    for i, (_, first_header, first, _) in enumerate(IDENTIFIERS):
        for column, header, found, _ in IDENTIFIERS[i + 1 :]:
            rows = sql.rows(f"""
                SELECT s.rn, s.{column}, e.name FROM rs_entity s JOIN entity e ON e.id = s.{found}
                WHERE s.from_db = 0 AND s.{first} IS NOT NULL AND s.{found} IS NOT NULL
                  AND s.{first} <> s.{found}""")
            errors += [
                RowError(
                    "包保主体",
                    rn,
                    header,
                    f"{header}“{value}”在数据库中属于另一个主体“{name}”，"
                    f"与{first_header}所指的主体不同",
                )
                for rn, value, name in rows
            ]
    return _first_per_row(errors)


def _same_entity(sql: Sql) -> list[RowError]:
    """Rows that found the same database entity (by different identifiers, or by name)."""
    errors = []
    for rn, first, by_credit, by_licence, by_registration, entity_id in sql.rows("""
            SELECT s.rn, f.first, s.by_credit, s.by_licence, s.by_registration, s.id
            FROM rs_entity s JOIN (
                SELECT id, MIN(rn) AS first FROM rs_entity
                WHERE from_db = 0 AND dup = 0 AND id IS NOT NULL GROUP BY id HAVING COUNT(*) > 1
            ) f ON f.id = s.id WHERE s.rn > f.first AND s.dup = 0 ORDER BY s.rn"""):
        header = next(
            (
                h
                for (_, h, _, _), by in zip(
                    IDENTIFIERS, (by_credit, by_licence, by_registration), strict=True
                )
                if by == entity_id
            ),
            "主体名称",
        )
        errors.append(
            RowError(
                "包保主体",
                rn,
                header,
                f"与第 {first} 行是数据库中的同一个主体（编号或名称相同），请合并为一行",
            )
        )
    return errors


def _same_codeless(sql: Sql) -> list[RowError]:
    """Codeless rows with the same name (blanks ignored) in the same jurisdiction."""
    found = sql.rows("""
        SELECT s.rn, s.name, f.first FROM rs_entity s JOIN (
            SELECT name_key, jurisdiction_code, MIN(rn) AS first FROM rs_entity
            WHERE from_db = 0 AND name_key IS NOT NULL
            GROUP BY name_key, jurisdiction_code HAVING COUNT(*) > 1
        ) f ON f.name_key = s.name_key AND f.jurisdiction_code = s.jurisdiction_code
        WHERE s.from_db = 0 AND s.rn > f.first ORDER BY s.rn""")
    return [
        RowError(
            "包保主体",
            rn,
            "主体名称",
            f"与第 {first} 行是同一个无编码主体（主体名称“{name}”、所属区划相同），请合并为一行",
        )
        for rn, name, first in found
    ]


def unknown_entities(sql: Sql, *, partial: bool) -> list[RowError]:
    """Assignment rows naming an entity that is neither in the sheet nor (partial) in the
    database, or whose identifiers name two different entities."""
    where = "，也不是数据库中在册的主体" if partial else ""
    errors = []
    for column, header, _, key in IDENTIFIERS:
        for rn, code in sql.rows(f"""SELECT rn, {column} FROM rs_assignment
                                     WHERE {column} IS NOT NULL AND {key} IS NULL"""):
            errors.append(
                RowError("包保关系", rn, header, f"{header}“{code}”不在包保主体表中" + where)
            )
    for rn, name, place in sql.rows("""
            SELECT rn, entity_name, entity_place FROM rs_assignment
            WHERE credit_code IS NULL AND licence_no IS NULL AND registration_no IS NULL
              AND entity_name IS NOT NULL AND entity_place IS NOT NULL AND e_by_name IS NULL"""):
        errors.append(
            RowError(
                "包保关系",
                rn,
                "主体名称",
                f"所属区划 {place} 没有名为“{name}”的无编码主体"
                + where
                + "（有编号的主体请填写其编号）",
            )
        )
    for i, (_, first_header, _, first) in enumerate(IDENTIFIERS):
        for _, header, _, key in IDENTIFIERS[i + 1 :]:
            for (rn,) in sql.rows(f"""SELECT rn FROM rs_assignment WHERE {first} IS NOT NULL
                                      AND {key} IS NOT NULL AND {first} <> {key}"""):
                errors.append(
                    RowError(
                        "包保关系", rn, header, f"{first_header}与{header}指向的不是同一个主体"
                    )
                )
    return _first_per_row(errors)


def _first_per_row(errors: list[RowError]) -> list[RowError]:
    """At most one error per (sheet, row, column)."""
    seen, kept = set(), []
    for error in errors:
        key = (error.sheet, error.row, error.column)
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept
