"""Assignment history on re-import: which existing assignments end, on which day, and why.

- an entity whose officer changed: its old open assignment ends the day before the new start;
- an entity now 停业/注销: its open assignments end today;
- a full import: open assignments it no longer lists end today.
Nothing is overwritten or deleted; the computed ends go to rs_orphan and are applied later.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from services.roster.checks import RowError
from services.roster.dialect import Sql

CLOSED = "('suspended', 'deregistered')"
# A staged row that would open a new assignment: not matched, and naming a known officer,
# a known entity and a start date (incomplete rows already carry their own error).
NEW = (
    "{0}.id IS NULL AND {0}.officer_row IS NOT NULL AND {0}.entity_id IS NOT NULL "
    "AND {0}.start_date IS NOT NULL"
)


def plan_ends(sql: Sql, *, today: str, partial: bool) -> list[RowError]:
    """Plan in rs_orphan the ends of existing assignments the file does not list; report
    what cannot be planned."""
    t = sql.date_param("today")
    scope = (
        ""
        if not partial
        else f"""AND (
        a.entity_id IN (SELECT id FROM rs_entity WHERE closing = 1 AND id IS NOT NULL)
        OR a.entity_id IN (SELECT entity_id FROM rs_assignment s WHERE {NEW.format("s")}))"""
    )
    sql.run(
        f"""INSERT INTO rs_orphan (id, officer_id, entity_id, start_date, end_date)
        SELECT a.id, a.officer_id, a.entity_id, a.start_date, a.end_date FROM assignment a
        WHERE (a.end_date IS NULL OR a.end_date > {t})
          AND NOT EXISTS (SELECT 1 FROM rs_assignment s WHERE s.id = a.id) {scope}""",
        today=today,
    )
    sql.analyze("rs_orphan")
    sql.run(f"""UPDATE rs_orphan SET new_end = {sql.day_before("r.first_start")}, reason = 'replaced'
        FROM (SELECT o.id AS oid, MIN(s.start_date) AS first_start FROM rs_orphan o
              JOIN rs_assignment s ON s.entity_id = o.entity_id AND {NEW.format("s")}
                                  AND s.start_date > o.start_date
              GROUP BY o.id) r
        WHERE r.oid = rs_orphan.id""")
    sql.run(
        f"""UPDATE rs_orphan SET new_end = {sql.greatest(t, "start_date")}, reason = 'closed'
        WHERE new_end IS NULL
          AND entity_id IN (SELECT id FROM rs_entity WHERE closing = 1 AND id IS NOT NULL)""",
        today=today,
    )
    errors = _unreplaceable(sql)
    if not partial:
        sql.run(
            f"""UPDATE rs_orphan SET new_end = {sql.greatest(t, "start_date")},
                    reason = 'absent' WHERE new_end IS NULL""",
            today=today,
        )
    sql.run("DELETE FROM rs_orphan WHERE new_end IS NULL")
    sql.run(f"""UPDATE rs_orphan SET new_end = {sql.least("new_end", "end_date")}
                WHERE end_date IS NOT NULL""")
    sql.run("DELETE FROM rs_orphan WHERE end_date IS NOT NULL AND new_end = end_date")
    return errors + _history_overlaps(sql)


def _unreplaceable(sql: Sql) -> list[RowError]:
    """A new assignment of an entity that starts no later than the open one it would replace:
    the old one cannot end the day before the new start."""
    found = sql.rows(f"""
        SELECT s.rn, o.start_date, oo.code FROM rs_orphan o
        JOIN rs_assignment s ON s.entity_id = o.entity_id AND {NEW.format("s")}
                            AND s.start_date <= o.start_date
        JOIN officer oo ON oo.id = o.officer_id
        WHERE o.new_end IS NULL
        ORDER BY s.rn""")
    return _first_per_row(
        found,
        lambda start, officer: (
            f"该主体现有包保关系（干部 {officer}，自 {_iso(start)} 起）开始得不早于本行，"
            "无法在本行开始前一天结束它；请在本表保留原关系并填写其结束日期"
        ),
    )


def _history_overlaps(sql: Sql) -> list[RowError]:
    """New rows overlapping an existing assignment of the same officer and entity that the
    workbook does not list (history kept in the database)."""
    far = sql.open_end()
    found = sql.rows(f"""
        SELECT s.rn, a.start_date, COALESCE(o.new_end, a.end_date) FROM rs_assignment s
        JOIN assignment a ON a.officer_id = s.officer_id AND a.entity_id = s.entity_id
        LEFT JOIN rs_orphan o ON o.id = a.id
        WHERE {NEW.format("s")}
          AND NOT EXISTS (SELECT 1 FROM rs_assignment m WHERE m.id = a.id)
          AND a.start_date <= COALESCE(s.final_end, {far})
          AND s.start_date <= COALESCE(o.new_end, a.end_date, {far})
        ORDER BY s.rn""")
    return _first_per_row(
        found,
        lambda start, end: (
            f"与数据库中已有的包保关系（同一干部、同一主体，{_iso(start)} 至 "
            f"{_iso(end) if end else '今'}）期间重叠"
        ),
    )


def _first_per_row(found: Iterable[Sequence[Any]], message: Callable[..., str]) -> list[RowError]:
    """One 包保关系 开始日期 error per workbook row, worded by message(*rest) of its first match."""
    errors, seen = [], set()
    for rn, *rest in found:
        if rn not in seen:
            seen.add(rn)
            errors.append(RowError("包保关系", rn, "开始日期", message(*rest)))
    return errors


def _iso(value: str | dt.date) -> str:
    return value if isinstance(value, str) else value.isoformat()
