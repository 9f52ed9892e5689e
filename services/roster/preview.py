"""What a roster import would do, by name (the dry run shows it before anything is written):
the rows each sheet would create, change and end, and the entities that would be left without
an officer (未包保), new businesses first. Read from the classified staging tables."""

from dataclasses import dataclass, field

from services.roster.dialect import Sql
from services.roster.kinds import ENTITY, INFORMANT, MEMBERS, OFFICER, USER, Kind

LISTED = 200  # names listed per sheet and change; the counts hold every one
ENTITY_KEY = "COALESCE({0}.credit_code, {0}.licence_no, {0}.registration_no)"
CLOSED = "('suspended', 'deregistered')"


@dataclass(frozen=True)
class Named:
    """One row of the preview: a name and its key (干部编号, account, 主体编号) and place."""

    name: str
    key: str | None
    place: str | None = None
    new: bool = False


@dataclass
class SheetChanges:
    created: list[Named] = field(default_factory=list)
    updated: list[Named] = field(default_factory=list)
    ended: list[Named] = field(default_factory=list)


@dataclass
class RosterPreview:
    sheets: dict[str, SheetChanges] = field(default_factory=dict)
    unassigned: list[Named] = field(default_factory=list)  # 未包保 after the import
    unassigned_total: int = 0


_LABEL = {
    OFFICER: ("name", "code", "NULL"),
    USER: ("name", "account", "NULL"),
    ENTITY: (
        "name",
        ENTITY_KEY.format("s"),
        "COALESCE((SELECT MIN(j.name) FROM jurisdiction j "
        "WHERE j.code = s.jurisdiction_code), s.jurisdiction_code)",
    ),
    INFORMANT: ("name", "mobile", "NULL"),
}


def _named(sql: Sql, query: str, **params: object) -> list[Named]:
    return [
        Named(str(name), None if key is None else str(key), place)
        for name, key, place in sql.rows(query, **params)
    ]


def _member(sql: Sql, kind: Kind, *, replaces: bool) -> SheetChanges:
    name, key, place = _LABEL[kind]
    s = kind.staging
    pick = f"SELECT s.{name}, {key if '(' in key else 's.' + key}, {place} FROM {s} s"
    found = SheetChanges(
        created=_named(sql, f"{pick} WHERE s.change = 'c' ORDER BY s.rn LIMIT {LISTED}"),
        updated=_named(sql, f"{pick} WHERE s.change = 'u' ORDER BY s.rn LIMIT {LISTED}"),
    )
    if replaces:
        t_key = ENTITY_KEY.format("t") if kind is ENTITY else f"t.{key}"
        found.ended = _named(
            sql,
            f"""SELECT t.name, {t_key}, NULL FROM {kind.table} t WHERE t.active
                AND NOT EXISTS (SELECT 1 FROM {s} x WHERE x.id = t.id)
                ORDER BY t.id LIMIT {LISTED}""",
        )
    return found


def _unassigned_where(sql: Sql, *, partial: bool) -> str:
    today = sql.date_param("today")
    running = f"(a.final_end IS NULL OR a.final_end >= {today})"
    kept = (
        f"""OR EXISTS (SELECT 1 FROM assignment d WHERE d.entity_id = e.id
               AND d.start_date <= {today} AND (d.end_date IS NULL OR d.end_date >= {today})
               AND NOT EXISTS (SELECT 1 FROM rs_orphan o WHERE o.id = d.id))"""
        if partial
        else ""
    )
    return f"""FROM rs_entity e WHERE e.dup = 0 AND e.closing = 0
               AND COALESCE(e.status, 'operating') NOT IN {CLOSED}
               AND NOT (EXISTS (SELECT 1 FROM rs_assignment a
                                WHERE a.entity_row = e.rn AND {running}) {kept})"""


def preview_changes(sql: Sql, *, partial: bool, present: set[str], today: str) -> RosterPreview:
    """Names of what the classified import would create, change and end, and its 未包保."""
    preview = RosterPreview()
    for kind in MEMBERS:
        if kind is INFORMANT and kind.sheet not in present:
            continue
        replaces = not partial and kind.sheet in present
        preview.sheets[kind.sheet] = _member(sql, kind, replaces=replaces)
    where = _unassigned_where(sql, partial=partial)
    preview.unassigned = [
        Named(str(name), key, place, new=change == "c")
        for name, key, place, change in sql.rows(
            f"""SELECT e.name, {ENTITY_KEY.format("e")},
                       COALESCE((SELECT MIN(j.name) FROM jurisdiction j
                                 WHERE j.code = e.jurisdiction_code), e.jurisdiction_code),
                       e.change {where}
                ORDER BY CASE WHEN e.change = 'c' THEN 0 ELSE 1 END, e.rn LIMIT {LISTED}""",
            today=today,
        )
    ]
    preview.unassigned_total = int(sql.scalar(f"SELECT COUNT(*) {where}", today=today))
    return preview
