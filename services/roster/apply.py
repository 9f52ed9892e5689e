"""Classify staged rows (created / updated / unchanged / ended) and write them, set-based, with
one audit event per change carrying the import's file name and sha256."""

from services.roster.apply_assignments import apply_assignments
from services.roster.audit_sql import Audit, insert_audit
from services.roster.dialect import Sql
from services.roster.entity_keys import codeless
from services.roster.kinds import ENTITY, IN_PLACE, INFORMANT, MEMBERS, Kind


def _counts(sql: Sql, staging: str) -> dict[str, int]:
    found = dict(
        sql.rows(f"SELECT change, COUNT(*) FROM {staging} WHERE change IS NOT NULL GROUP BY change")
    )
    return {
        "created": found.get("c", 0),
        "updated": found.get("u", 0),
        "unchanged": found.get("n", 0),
        "ended": found.get("e", 0),
    }


def _replaces(kind: Kind, *, partial: bool, present: set[str]) -> bool:
    """Whether the import replaces this table: rows it does not list are deactivated (a full
    import, and for the optional 信息员 sheet only when the file has it)."""
    return not partial and kind.sheet in present


def classify(sql: Sql, *, partial: bool, present: set[str]) -> dict[str, dict[str, int]]:
    """Mark every staged row c/u/n/e and count the changes per sheet (nothing is written)."""
    counts = {"区划": _classify_jurisdictions(sql)}
    for kind in MEMBERS:
        if kind is INFORMANT and kind.sheet not in present:
            continue
        replaces = _replaces(kind, partial=partial, present=present)
        counts[kind.sheet] = _classify_member(sql, kind, replaces=replaces)
    counts["包保关系"] = _classify_assignments(sql)
    return counts


def _classify_jurisdictions(sql: Sql) -> dict[str, int]:
    sql.run("""UPDATE rs_jurisdiction SET change = CASE WHEN id IS NULL THEN 'c' ELSE 'n' END
               WHERE from_db = 0""")
    s = "rs_jurisdiction"
    changed = " OR ".join(
        [
            sql.differs("j.name", f"{s}.name"),
            sql.differs("j.level", f"{s}.level"),
            sql.differs("j.path", f"{s}.new_path"),
        ]
    )
    sql.run(f"""UPDATE rs_jurisdiction SET change = 'u' FROM jurisdiction j
                WHERE j.id = {s}.id AND ({s}.change = 'n' OR {s}.from_db = 1)
                  AND {s}.new_path IS NOT NULL AND ({changed})""")
    return _counts(sql, s)


def _member_changed(sql: Sql, kind: Kind, s: str) -> str:
    parts = [sql.differs(f"t.{f}", f"{s}.{f}") for f in kind.fields]
    parts.append(sql.differs("j.code", f"{s}.jurisdiction_code"))
    return " OR ".join([*parts, "NOT t.active"])


def _classify_member(sql: Sql, kind: Kind, *, replaces: bool) -> dict[str, int]:
    s = kind.staging
    if kind in IN_PLACE:
        sql.run(
            f"UPDATE {s} SET change = CASE WHEN id IS NULL THEN 'c' ELSE 'n' END WHERE from_db = 0"
        )
        sql.run(f"""UPDATE {s} SET change = 'u' FROM {kind.table} t
                    JOIN jurisdiction j ON j.id = t.jurisdiction_id
                    WHERE t.id = {s}.id AND {s}.change = 'n'
                      AND ({_member_changed(sql, kind, s)})""")
    counts = _counts(sql, s)
    if replaces:
        counts["ended"] = sql.scalar(f"""SELECT COUNT(*) FROM {kind.table} t WHERE t.active
            AND NOT EXISTS (SELECT 1 FROM {s} x WHERE x.id = t.id)""")
    return counts


def _classify_assignments(sql: Sql) -> dict[str, int]:
    counts = _counts(sql, "rs_assignment")  # classified when built
    counts["ended"] += sql.scalar("SELECT COUNT(*) FROM rs_orphan")
    return counts


def apply_changes(sql: Sql, audit: Audit, *, partial: bool, present: set[str], today: str) -> None:
    """Write every classified change, jurisdictions first, assignments last."""
    _apply_jurisdictions(sql, audit)
    for kind in MEMBERS:
        if kind is INFORMANT and kind.sheet not in present:
            continue
        replaces = _replaces(kind, partial=partial, present=present)
        _apply_member(sql, audit, kind, replaces=replaces)
    apply_assignments(sql, audit, today=today)


def _apply_jurisdictions(sql: Sql, audit: Audit) -> None:
    s = "rs_jurisdiction"
    fields = {
        "code": "s.code",
        "name": "s.name",
        "level": "s.level",
        "path": "s.new_path",
        "parent_code": "s.parent_code",
    }
    insert_audit(
        sql,
        audit,
        action="updated",
        kind="jurisdiction",
        object_id="j.id",
        before={"code": "j.code", "name": "j.name", "level": "j.level", "path": "j.path"},
        after=fields,
        source=f"FROM {s} s JOIN jurisdiction j ON j.id = s.id WHERE s.change = 'u'",
    )
    sql.run(f"""UPDATE jurisdiction SET name = s.name, level = s.level, path = s.new_path
                FROM {s} s WHERE jurisdiction.id = s.id AND s.change = 'u'""")
    sql.run(f"""INSERT INTO jurisdiction (code, name, level, path)
                SELECT code, name, level, new_path FROM {s} WHERE change = 'c' ORDER BY rn""")
    sql.run(f"""UPDATE {s} SET id = j.id FROM jurisdiction j
                WHERE j.code = {s}.code AND {s}.change = 'c'""")
    sql.run(f"""UPDATE jurisdiction SET parent_id = p.id FROM {s} s
                JOIN {s} p ON p.code = s.parent_code AND p.dup = 0
                WHERE jurisdiction.id = s.id AND s.from_db = 0 AND s.change IN ('c', 'u')
                  AND {sql.differs("jurisdiction.parent_id", "p.id")}""")
    sql.run(f"""UPDATE jurisdiction SET parent_id = NULL WHERE parent_id IS NOT NULL AND id IN (
                SELECT id FROM {s} WHERE change = 'u' AND from_db = 0 AND parent_code IS NULL)""")
    insert_audit(
        sql,
        audit,
        action="created",
        kind="jurisdiction",
        object_id="s.id",
        before=None,
        after=fields,
        source=f"FROM {s} s WHERE s.change = 'c'",
    )


def _apply_member(sql: Sql, audit: Audit, kind: Kind, *, replaces: bool) -> None:
    s, table = kind.staging, kind.table
    after = {f: f"s.{f}" for f in kind.fields} | {"jurisdiction": "s.jurisdiction_code"}
    before = {f: f"t.{f}" for f in kind.fields} | {"jurisdiction": "j.code", "active": "t.active"}
    insert_audit(
        sql,
        audit,
        action="updated",
        kind=kind.name,
        object_id="t.id",
        before=before,
        after=after,
        source=f"""FROM {s} s JOIN {table} t ON t.id = s.id
                     JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE s.change = 'u'""",
    )
    assign = ", ".join(f"{f} = s.{f}" for f in kind.fields)
    sql.run(f"""UPDATE {table} SET {assign}, jurisdiction_id = j.id, active = TRUE
                FROM {s} s JOIN rs_jurisdiction j ON j.code = s.jurisdiction_code AND j.dup = 0
                WHERE {table}.id = s.id AND s.change = 'u'""")
    if kind is ENTITY:
        _tasks_follow_entities(sql, s)
    if replaces:
        _deactivate_absent(sql, audit, kind)
    columns = ", ".join(kind.fields)
    values = ", ".join(f"s.{f}" for f in kind.fields)
    sql.run(f"""INSERT INTO {table} ({columns}, jurisdiction_id, active)
                SELECT {values}, j.id, TRUE FROM {s} s
                JOIN rs_jurisdiction j ON j.code = s.jurisdiction_code AND j.dup = 0
                WHERE s.change = 'c' ORDER BY s.rn""")
    new = f"rs_new_{kind.name}"
    match = " ".join(
        f"LEFT JOIN {table} t{i} ON t{i}.{key} = s.{key}" for i, key in enumerate(kind.keys)
    )
    ids = [f"t{i}.id" for i in range(len(kind.keys))]
    if kind is ENTITY:  # a codeless entity is its name in its jurisdiction
        match += f""" LEFT JOIN rs_jurisdiction sj ON sj.code = s.jurisdiction_code AND sj.dup = 0
                      LEFT JOIN entity tn ON {codeless("s")} AND {codeless("tn")}
                            AND tn.jurisdiction_id = sj.id AND tn.name = s.name"""
        ids.append("tn.id")
    sql.run(f"""CREATE TEMPORARY TABLE {new} AS
                SELECT s.rn AS rn, COALESCE({", ".join(ids)}, NULL) AS id
                FROM {s} s {match} WHERE s.change = 'c'""")
    sql.run(f"CREATE INDEX rs_ix_{new} ON {new} (rn)")
    sql.analyze(new)
    created = {f: f"s.{f}" for f in kind.created} | {"jurisdiction": "s.jurisdiction_code"}
    insert_audit(
        sql,
        audit,
        action="created",
        kind=kind.name,
        object_id="n.id",
        before=None,
        after=created,
        source=f"FROM {s} s JOIN {new} n ON n.rn = s.rn",
    )


def _tasks_follow_entities(sql: Sql, s: str) -> None:
    """The tasks of entities moved to another jurisdiction take its place (inspection_task's
    place_id: the supervisor lists' scope)."""
    sql.run(f"""UPDATE inspection_task SET place_id = entity.jurisdiction_id FROM entity
                WHERE entity.id = inspection_task.entity_id
                  AND entity.id IN (SELECT id FROM {s} WHERE change = 'u')
                  AND inspection_task.place_id <> entity.jurisdiction_id""")


def _deactivate_absent(sql: Sql, audit: Audit, kind: Kind) -> None:
    """A full import marks inactive the rows it no longer lists (kept, never deleted)."""
    s, table = kind.staging, kind.table
    absent = f"t.active AND NOT EXISTS (SELECT 1 FROM {s} x WHERE x.id = t.id)"
    insert_audit(
        sql,
        audit,
        action="deactivated",
        kind=kind.name,
        object_id="t.id",
        before={"active": "TRUE"},
        after={"active": "FALSE"},
        source=f"FROM {table} t WHERE {absent}",
    )
    sql.run(
        f"UPDATE {table} SET active = FALSE WHERE active AND NOT EXISTS "
        f"(SELECT 1 FROM {s} x WHERE x.id = {table}.id)"
    )
