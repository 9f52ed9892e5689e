"""Build the large staging tables (officers, entities, assignments) in one pass each.

Each is CREATE TABLE … AS SELECT over the raw rows loaded from the file, joined to the
database: matched ids, repeated keys, closing entities, the assignment's end date to write and
each row's change (c created / u updated / n unchanged / e ended) are computed by the join
itself — no row-by-row UPDATE passes over a million rows.
"""

from services.roster.apply import ENTITY, OFFICER
from services.roster.dialect import Sql

CLOSED = "('suspended', 'deregistered')"


def _changed(sql: Sql, fields: tuple[str, ...]) -> str:
    parts = [sql.differs(f"t.{f}", f"r.{f}") for f in fields]
    parts.append(sql.differs("j.code", "r.jurisdiction_code"))
    return " OR ".join([*parts, "NOT t.active"])


def _first(column: str) -> str:
    """1 for a row repeating an earlier row's non-empty column, else 0."""
    return (
        f"CASE WHEN r.{column} IS NOT NULL AND ROW_NUMBER() OVER "
        f"(PARTITION BY r.{column} ORDER BY r.rn) > 1 THEN 1 ELSE 0 END"
    )


def build_officers(sql: Sql, *, partial: bool) -> None:
    """rs_officer: the sheet's officers matched by 干部编号 (and, in a partial import, the
    active database officers its assignments name)."""
    sql.run(f"""CREATE TEMPORARY TABLE rs_officer AS
        SELECT r.*, 0 AS from_db, {_first("code")} AS dup, t.id AS id,
               CASE WHEN t.id IS NULL THEN 'c' WHEN {_changed(sql, OFFICER.fields)} THEN 'u'
                    ELSE 'n' END AS change
        FROM rs_officer_raw r LEFT JOIN officer t ON t.code = r.code
        LEFT JOIN jurisdiction j ON j.id = t.jurisdiction_id""")
    if partial:
        sql.run("""
            INSERT INTO rs_officer (rn, code, name, tier, jurisdiction_code, from_db, dup, id)
            SELECT -o.id, o.code, o.name, o.tier, j.code, 1, 0, o.id
            FROM officer o JOIN jurisdiction j ON j.id = o.jurisdiction_id
            WHERE o.active AND o.code IN (SELECT officer_code FROM rs_assignment_raw)
              AND NOT EXISTS (SELECT 1 FROM rs_officer s WHERE s.code = o.code)""")


def build_entities(sql: Sql, *, partial: bool) -> None:
    """rs_entity: the sheet's entities matched by credit code, else licence number."""
    sql.run(f"""CREATE TEMPORARY TABLE rs_entity AS
        SELECT q.*, CASE WHEN q.dup_credit = 1 OR q.dup_licence = 1 THEN 1 ELSE 0 END AS dup
        FROM (SELECT r.*, 0 AS from_db, {_first("credit_code")} AS dup_credit,
                     {_first("licence_no")} AS dup_licence,
                     ec.id AS by_credit, el.id AS by_licence, t.id AS id,
                     CASE WHEN r.status IN {CLOSED} AND (t.id IS NULL OR t.status = 'operating')
                          THEN 1 ELSE 0 END AS closing,
                     CASE WHEN t.id IS NULL THEN 'c' WHEN {_changed(sql, ENTITY.fields)} THEN 'u'
                          ELSE 'n' END AS change
              FROM rs_entity_raw r
              LEFT JOIN entity ec ON ec.credit_code = r.credit_code
              LEFT JOIN entity el ON el.licence_no = r.licence_no
              LEFT JOIN entity t ON t.id = COALESCE(ec.id, el.id)
              LEFT JOIN jurisdiction j ON j.id = t.jurisdiction_id) q""")
    if partial:
        sql.run("""
            INSERT INTO rs_entity (rn, credit_code, licence_no, name, category, package_grade,
                                   jurisdiction_code, status, from_db, dup_credit, dup_licence,
                                   id, closing, dup)
            SELECT -e.id, e.credit_code, e.licence_no, e.name, e.category, e.package_grade,
                   j.code, e.status, 1, 0, 0, e.id, 0, 0
            FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id
            WHERE e.active
              AND (e.credit_code IN (SELECT credit_code FROM rs_assignment_raw)
                   OR e.licence_no IN (SELECT licence_no FROM rs_assignment_raw))
              AND NOT EXISTS (SELECT 1 FROM rs_entity s WHERE s.credit_code = e.credit_code)
              AND NOT EXISTS (SELECT 1 FROM rs_entity s WHERE s.licence_no = e.licence_no)""")


def build_assignments(sql: Sql, *, today: str) -> None:
    """rs_assignment: each row linked to its officer and entity rows, matched to an existing
    assignment (same officer, entity and start), with the end date it will have."""
    t = sql.date_param("today")
    final = f"""CASE WHEN q.entity_status IN {CLOSED} AND (q.end_date IS NULL OR q.end_date > {t})
                     THEN CASE WHEN q.closing = 1 OR q.id IS NULL
                               THEN {sql.greatest(t, "q.start_date")} ELSE q.db_end END
                     ELSE q.end_date END"""
    sql.run(
        f"""CREATE TEMPORARY TABLE rs_assignment AS
        SELECT q.*, {final} AS final_end,
               CASE WHEN q.id IS NULL THEN 'c' WHEN NOT {sql.differs("q.db_end", final)} THEN 'n'
                    WHEN q.db_end IS NULL THEN 'e' ELSE 'u' END AS change
        FROM (SELECT r.*, ec.rn AS e_by_credit, el.rn AS e_by_licence,
                     COALESCE(ec.rn, el.rn) AS entity_row, o.rn AS officer_row,
                     o.id AS officer_id, e.id AS entity_id, e.status AS entity_status,
                     e.closing AS closing, x.id AS id, x.end_date AS db_end
              FROM rs_assignment_raw r
              LEFT JOIN rs_entity ec ON ec.credit_code = r.credit_code AND ec.dup_credit = 0
              LEFT JOIN rs_entity el ON el.licence_no = r.licence_no AND el.dup_licence = 0
              LEFT JOIN rs_officer o ON o.code = r.officer_code AND o.dup = 0
              LEFT JOIN rs_entity e ON e.rn = COALESCE(ec.rn, el.rn)
              LEFT JOIN assignment x ON x.officer_id = o.id AND x.entity_id = e.id
                                    AND x.start_date = r.start_date) q""",
        today=today,
    )
