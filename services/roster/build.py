"""Build the large staging tables (officers, entities, assignments) in one pass each.

Each is CREATE TABLE … AS SELECT over the raw rows loaded from the file, joined to the
database: matched ids, repeated keys, closing entities, the assignment's end date to write and
each row's change (c created / u updated / n unchanged / e ended) are computed by the join
itself — no row-by-row UPDATE passes over a million rows.
"""

from services.roster.dialect import Sql
from services.roster.entity_keys import codeless, name_key
from services.roster.kinds import ENTITY, OFFICER

CLOSED = "('suspended', 'deregistered')"


def _changed(sql: Sql, fields: tuple[str, ...]) -> str:
    parts = [sql.differs(f"t.{f}", f"r.{f}") for f in fields]
    parts.append(sql.differs("j.code", "r.jurisdiction_code"))
    return " OR ".join([*parts, "NOT t.active"])


def _repeats(alias: str, table: str, key: str, match: str, where: str = "") -> str:
    """A join to the key's repeated values in table (few): alias.first is the row number of the
    value's first row, NULL for a value that appears once. A hash aggregate, not a sort."""
    where = where or f"{key} IS NOT NULL"
    return (
        f"LEFT JOIN (SELECT {key} AS k, MIN(rn) AS first FROM {table} x WHERE {where} "
        f"GROUP BY {key} HAVING COUNT(*) > 1) {alias} ON {alias}.k = {match}"
    )


def _later(alias: str) -> str:
    """1 for a row after the first of its repeated value, else 0."""
    return f"CASE WHEN r.rn > {alias}.first THEN 1 ELSE 0 END"


def build_officers(sql: Sql, *, partial: bool) -> None:
    """rs_officer: the sheet's officers matched by 干部编号 (and, in a partial import, the
    active database officers its assignments name)."""
    sql.run(f"""CREATE TEMPORARY TABLE rs_officer AS
        SELECT r.*, 0 AS from_db, {_later("dc")} AS dup, t.id AS id,
               CASE WHEN t.id IS NULL THEN 'c' WHEN {_changed(sql, OFFICER.fields)} THEN 'u'
                    ELSE 'n' END AS change
        FROM rs_officer_raw r {_repeats("dc", "rs_officer_raw", "x.code", "r.code")}
        LEFT JOIN officer t ON t.code = r.code
        LEFT JOIN jurisdiction j ON j.id = t.jurisdiction_id""")
    if partial:
        sql.run("""
            INSERT INTO rs_officer (rn, code, name, tier, jurisdiction_code, from_db, dup, id)
            SELECT -o.id, o.code, o.name, o.tier, j.code, 1, 0, o.id
            FROM officer o JOIN jurisdiction j ON j.id = o.jurisdiction_id
            WHERE o.active AND o.code IN (SELECT officer_code FROM rs_assignment_raw)
              AND NOT EXISTS (SELECT 1 FROM rs_officer s WHERE s.code = o.code)""")


def build_codeless(sql: Sql) -> None:
    """rs_codeless: the database's entities without any identifier, by jurisdiction and name."""
    sql.run(f"""CREATE TEMPORARY TABLE rs_codeless AS
        SELECT e.id AS id, j.code AS place, {name_key("e")} AS name_key
        FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id
        WHERE {codeless("e")}""")
    sql.run("CREATE INDEX rs_ix_codeless ON rs_codeless (place, name_key)")
    sql.analyze("rs_codeless")


def build_entities(sql: Sql, *, partial: bool) -> None:
    """rs_entity: the sheet's entities matched by any identifier, else (codeless in the
    database) by name within the jurisdiction."""
    dups = ("dup_credit", "dup_licence", "dup_registration", "dup_name")
    sql.run(f"""CREATE TEMPORARY TABLE rs_entity AS
        SELECT q.*, CASE WHEN {" OR ".join(f"q.{d} = 1" for d in dups)} THEN 1 ELSE 0 END AS dup
        FROM (SELECT r.*, 0 AS from_db, {_later("dc")} AS dup_credit,
                     {_later("dl")} AS dup_licence, {_later("dr")} AS dup_registration,
                     {_later("dn")} AS dup_name,
                     ec.id AS by_credit, el.id AS by_licence, er.id AS by_registration,
                     en.id AS by_name, t.id AS id,
                     CASE WHEN r.status IN {CLOSED} AND (t.id IS NULL OR t.status = 'operating')
                          THEN 1 ELSE 0 END AS closing,
                     CASE WHEN t.id IS NULL THEN 'c' WHEN {_changed(sql, ENTITY.fields)} THEN 'u'
                          ELSE 'n' END AS change
              FROM (SELECT x.*, {name_key("x")} AS name_key FROM rs_entity_raw x) r
              {_repeats("dc", "rs_entity_raw", "x.credit_code", "r.credit_code")}
              {_repeats("dl", "rs_entity_raw", "x.licence_no", "r.licence_no")}
              {_repeats("dr", "rs_entity_raw", "x.registration_no", "r.registration_no")}
              {
        _repeats(
            "dn",
            "rs_entity_raw",
            f"{name_key('x')} || '|' || x.jurisdiction_code",
            "r.name_key || '|' || r.jurisdiction_code",
            codeless("x"),
        )
    }
              LEFT JOIN entity ec ON ec.credit_code = r.credit_code
              LEFT JOIN entity el ON el.licence_no = r.licence_no
              LEFT JOIN entity er ON er.registration_no = r.registration_no
              LEFT JOIN rs_codeless en ON en.place = r.jurisdiction_code
                                      AND en.name_key = REPLACE(r.name, ' ', '')
              LEFT JOIN entity t ON t.id = COALESCE(ec.id, el.id, er.id, en.id)
              LEFT JOIN jurisdiction j ON j.id = t.jurisdiction_id) q""")
    if partial:
        _named_by_assignments(sql)


def _named_by_assignments(sql: Sql) -> None:
    """A partial import: the active database entities its assignment rows name."""
    columns = (
        "rn, credit_code, licence_no, registration_no, name, category, package_grade, "
        "jurisdiction_code, status, from_db, dup_credit, dup_licence, dup_registration, "
        "dup_name, name_key, id, closing, dup"
    )
    sql.run(f"""
        INSERT INTO rs_entity ({columns})
        SELECT -e.id, e.credit_code, e.licence_no, e.registration_no, e.name, e.category,
               e.package_grade, j.code, e.status, 1, 0, 0, 0, 0, {name_key("e")}, e.id, 0, 0
        FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id
        WHERE e.active
          AND (e.credit_code IN (SELECT credit_code FROM rs_assignment_raw)
               OR e.licence_no IN (SELECT licence_no FROM rs_assignment_raw)
               OR e.registration_no IN (SELECT registration_no FROM rs_assignment_raw)
               OR e.id IN (SELECT c.id FROM rs_codeless c JOIN rs_assignment_raw a
                           ON a.entity_place = c.place
                          AND REPLACE(a.entity_name, ' ', '') = c.name_key))
          AND NOT EXISTS (SELECT 1 FROM rs_entity s WHERE s.id = e.id)""")


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
                     er.rn AS e_by_registration, en.rn AS e_by_name,
                     COALESCE(ec.rn, el.rn, er.rn, en.rn) AS entity_row, o.rn AS officer_row,
                     o.id AS officer_id, e.id AS entity_id, e.status AS entity_status,
                     e.closing AS closing, x.id AS id, x.end_date AS db_end
              FROM rs_assignment_raw r
              LEFT JOIN rs_entity ec ON ec.credit_code = r.credit_code AND ec.dup_credit = 0
              LEFT JOIN rs_entity el ON el.licence_no = r.licence_no AND el.dup_licence = 0
              LEFT JOIN rs_entity er ON er.registration_no = r.registration_no
                                    AND er.dup_registration = 0
              LEFT JOIN rs_entity en ON en.name_key = {name_key("r", "entity_name")}
                                    AND en.jurisdiction_code = r.entity_place AND en.dup_name = 0
              LEFT JOIN rs_officer o ON o.code = r.officer_code AND o.dup = 0
              LEFT JOIN rs_entity e ON e.rn = COALESCE(ec.rn, el.rn, er.rn, en.rn)
              LEFT JOIN assignment x ON x.officer_id = o.id AND x.entity_id = e.id
                                    AND x.start_date = r.start_date) q""",
        today=today,
    )
