"""Checks across rows and sheets, as SQL over the staging tables: unknown keys, an officer's
tier and an informant's village against their jurisdictions, 层级对应 of current assignments
and overlapping assignments of one officer to one entity (entities: entity_checks; people and
their logins: people)."""

from models.enums import LABELS, LEVEL_FOR_TIER, TIER_FOR_GRADE, JurisdictionLevel, OfficerTier
from services.roster.checks import RowError
from services.roster.dialect import Sql

TIER_LABEL = LABELS[OfficerTier]
LEVEL_LABEL = LABELS[JurisdictionLevel]


def _case(column: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {column} {whens} END"


def unknown_references(sql: Sql, *, partial: bool, skip: set[str]) -> list[RowError]:
    """References to jurisdictions and officers that exist nowhere (entities: entity_checks)."""
    errors: list[RowError] = []
    if "jurisdiction" not in skip:
        for sheet, table in (
            ("包保干部", "rs_officer"),
            ("食安办人员", "rs_user"),
            ("包保主体", "rs_entity"),
            ("信息员", "rs_informant"),
        ):
            for rn, code in sql.rows(f"""
                    SELECT s.rn, s.jurisdiction_code FROM {table} s
                    WHERE s.from_db = 0 AND s.jurisdiction_code IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM rs_jurisdiction j WHERE j.code = s.jurisdiction_code)"""):
                errors.append(
                    RowError(
                        sheet,
                        rn,
                        "所属区划代码",
                        f"所属区划代码“{code}”不在区划表中，数据库中也没有",
                    )
                )
    where = "，也不是数据库中在册的干部" if partial else ""
    if "officer" not in skip:
        for rn, code in sql.rows("""SELECT rn, officer_code FROM rs_assignment
                                    WHERE officer_code IS NOT NULL AND officer_row IS NULL"""):
            errors.append(
                RowError("包保关系", rn, "干部编号", f"干部编号“{code}”不在包保干部表中" + where)
            )
    return errors


def informant_levels(sql: Sql) -> list[RowError]:
    """An informant belongs to a village (村/社区)."""
    found = sql.rows("""
        SELECT i.rn, j.code, j.level FROM rs_informant i
        JOIN rs_jurisdiction j ON j.code = i.jurisdiction_code AND j.dup = 0
        WHERE i.from_db = 0 AND j.level IS NOT NULL AND j.level <> 'village'""")
    return [
        RowError(
            "信息员",
            rn,
            "所属区划代码",
            f"信息员应属于村（社区）级区划，所属区划 {code} 是{LEVEL_LABEL[level]}级",
        )
        for rn, code, level in found
    ]


def officer_levels(sql: Sql) -> list[RowError]:
    """An officer's tier must match its jurisdiction's level."""
    found = sql.rows(f"""
        SELECT o.rn, o.tier, j.code, j.level FROM rs_officer o
        JOIN rs_jurisdiction j ON j.code = o.jurisdiction_code AND j.dup = 0
        WHERE o.from_db = 0 AND o.tier IS NOT NULL AND j.level IS NOT NULL
          AND j.level <> {_case("o.tier", LEVEL_FOR_TIER)}""")
    return [
        RowError(
            "包保干部",
            rn,
            "层级",
            f"{TIER_LABEL[tier]}干部应属于{LEVEL_LABEL[LEVEL_FOR_TIER[tier]]}级区划，"
            f"所属区划 {code} 是{LEVEL_LABEL[level]}级",
        )
        for rn, tier, code, level in found
    ]


def correspondence(sql: Sql, *, today: str) -> list[RowError]:
    """层级对应 of current assignments: the entity's 主体等级 decides the officer's tier, and the
    entity lies inside the officer's jurisdiction."""
    current = f"(a.end_date IS NULL OR a.end_date >= {sql.date_param('today')})"
    errors = [
        RowError(
            "包保关系",
            rn,
            "干部编号",
            f"主体等级 {grade} 的主体应由{TIER_LABEL[TIER_FOR_GRADE[grade]]}干部包保"
            f"（层级对应），干部 {code} 是{TIER_LABEL[tier]}干部",
        )
        for rn, grade, tier, code in sql.rows(
            f"""
                  SELECT a.rn, e.package_grade, o.tier, o.code FROM rs_assignment a
                  JOIN rs_officer o ON o.rn = a.officer_row JOIN rs_entity e ON e.rn = a.entity_row
                  WHERE {current} AND e.package_grade IS NOT NULL AND o.tier IS NOT NULL
                    AND o.tier <> {_case("e.package_grade", TIER_FOR_GRADE)}""",
            today=today,
        )
    ]
    errors += [
        RowError(
            "包保关系",
            rn,
            "干部编号",
            f"主体所在区划 {entity_place} 不在干部 {officer} 所属区划 {officer_place} "
            "范围内（层级对应）",
        )
        for rn, entity_place, officer, officer_place in sql.rows(
            f"""
                   SELECT a.rn, ej.code, o.code, oj.code FROM rs_assignment a
                   JOIN rs_officer o ON o.rn = a.officer_row JOIN rs_entity e ON e.rn = a.entity_row
                   JOIN rs_jurisdiction oj ON oj.code = o.jurisdiction_code AND oj.dup = 0
                   JOIN rs_jurisdiction ej ON ej.code = e.jurisdiction_code AND ej.dup = 0
                   WHERE {current} AND oj.new_path IS NOT NULL AND ej.new_path IS NOT NULL
                     AND substr(ej.new_path, 1, length(oj.new_path)) <> oj.new_path""",
            today=today,
        )
    ]
    return errors


def overlaps(sql: Sql) -> list[RowError]:
    """Rows of one officer and one entity whose periods overlap (reported at the later row)."""
    far = sql.open_end()
    found = sql.rows(f"""
        SELECT b.rn, a.rn, CASE WHEN a.start_date = b.start_date THEN 1 ELSE 0 END
        FROM rs_assignment a JOIN rs_assignment b
          ON a.officer_row = b.officer_row AND a.entity_row = b.entity_row AND a.rn < b.rn
        WHERE a.start_date IS NOT NULL AND b.start_date IS NOT NULL
          AND a.start_date <= COALESCE(b.end_date, {far})
          AND b.start_date <= COALESCE(a.end_date, {far})
        ORDER BY b.rn, a.rn""")
    errors, seen = [], set()
    for rn, first, same in found:
        if rn in seen:
            continue
        seen.add(rn)
        message = (
            f"与第 {first} 行重复（同一干部、同一主体、同一开始日期）"
            if same
            else f"与第 {first} 行的包保期间重叠（同一干部、同一主体）"
        )
        errors.append(RowError("包保关系", rn, "开始日期", message))
    return errors
