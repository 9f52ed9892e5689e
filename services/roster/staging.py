"""Staging tables: the workbook's checked rows in temporary tables, loaded in batches (COPY on
PostgreSQL), so that every cross-row check and every write is set-based SQL.

Rows from the sheet keep their sheet row number in `rn`; rows copied from the database (the
jurisdiction tree, and in a partial import the officers and entities the sheet refers to) get
`rn` = -id and from_db = 1.
"""

from services.core.bulk import insert_rows
from services.roster import build
from services.roster.columns import SHEETS, Sheet
from services.roster.dialect import Sql

BATCH = 5_000
WORK_MEM = "128MB"  # PostgreSQL, this transaction: hash joins over a million rows
TEMP_BUFFERS = "256MB"  # PostgreSQL, this session: staging tables kept in memory

TABLES = {  # where each sheet's rows are loaded
    "jurisdiction": "rs_jurisdiction",
    "officer": "rs_officer_raw",
    "user": "rs_user",
    "entity": "rs_entity_raw",
    "informant": "rs_informant",
    "assignment": "rs_assignment_raw",
}
# Staged as loaded and updated in place.
SMALL = {"jurisdiction": "new_path TEXT", "user": "", "informant": ""}
COMMON = "from_db INTEGER DEFAULT 0, dup INTEGER DEFAULT 0, id INTEGER, change TEXT"
SMALL_INDEXES = (
    "rs_jurisdiction (code)",
    "rs_jurisdiction (rn)",
    "rs_jurisdiction (id)",
    "rs_user (account)",
    "rs_user (id)",
    "rs_informant (mobile)",
    "rs_informant (id)",
)
BUILT_INDEXES = (  # for the joins that follow the build (the build itself uses hash joins)
    "rs_officer (rn)",
    "rs_officer (id)",
    "rs_entity (rn)",
    "rs_entity (id)",
    "rs_assignment (id)",
    "rs_assignment (entity_id)",
    "rs_assignment (officer_row, entity_row)",
)
OTHER = {
    "rs_orphan": "id INTEGER, officer_id INTEGER, entity_id INTEGER, start_date DATE, "
    "end_date DATE, new_end DATE, reason TEXT",
    "rs_jpath": "code TEXT, new_path TEXT",
    "rs_login": "login TEXT, person TEXT, name TEXT, sheet TEXT, rn INTEGER, header TEXT, "
    "from_db INTEGER",
}
BUILT = (
    "rs_officer",
    "rs_codeless",
    "rs_entity",
    "rs_assignment",
    "rs_new_officer",
    "rs_new_user",
    "rs_new_entity",
    "rs_new_informant",
)


def _columns(sheet: Sheet) -> str:
    return ", ".join(f"{c.field} {'DATE' if c.kind == 'date' else 'TEXT'}" for c in sheet.columns)


class Staging:
    """The temporary tables of one import, on the import's connection."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.buffers: dict[str, list[tuple[object, ...]]] = {key: [] for key in TABLES}
        self.loaded: dict[str, int] = dict.fromkeys(TABLES, 0)

    def create(self) -> None:
        """(Re)create every load table, empty, and give PostgreSQL room for large joins."""
        self.drop()
        self._tune()
        for sheet in SHEETS:
            extra = ""
            if sheet.key in SMALL:
                extra = f", {COMMON}" + (f", {SMALL[sheet.key]}" if SMALL[sheet.key] else "")
            self.sql.run(
                f"CREATE TEMPORARY TABLE {TABLES[sheet.key]} (rn INTEGER, {_columns(sheet)}{extra})"
            )
        for table, columns in OTHER.items():
            self.sql.run(f"CREATE TEMPORARY TABLE {table} ({columns})")

    def _tune(self) -> None:
        if not self.sql.pg:
            return
        from sqlalchemy.exc import DBAPIError

        self.sql.run(f"SET LOCAL work_mem = '{WORK_MEM}'")
        try:  # only possible before this session's first temporary table
            with self.sql.connection.begin_nested():
                self.sql.run(f"SET temp_buffers = '{TEMP_BUFFERS}'")
        except DBAPIError:
            pass

    def drop(self) -> None:
        for table in (*TABLES.values(), *OTHER, *BUILT):
            self.sql.run(f"DROP TABLE IF EXISTS {table}")

    def add(self, key: str, row: tuple[object, ...]) -> None:
        """Buffer one staging row (row number first, then the sheet's fields)."""
        buffer = self.buffers[key]
        buffer.append(row)
        if len(buffer) >= BATCH:
            self._flush(key)

    def _flush(self, key: str) -> None:
        sheet = next(s for s in SHEETS if s.key == key)
        rows, self.buffers[key] = self.buffers[key], []
        self.loaded[key] += insert_rows(
            self.sql.connection, TABLES[key], ("rn", *sheet.fields), rows
        )

    def finish(self, *, partial: bool, today: str) -> None:
        """Write what is buffered, bring in the database rows the import needs, build the
        large tables in one pass each, index them and give the planner statistics."""
        for key in TABLES:
            self._flush(key)
        for number, spec in enumerate(SMALL_INDEXES):
            self.sql.run(f"CREATE INDEX rs_ix_{number} ON {spec}")
        for table in TABLES.values():
            self.sql.analyze(table)
        self.sql.run("""
            INSERT INTO rs_jurisdiction (rn, code, name, level, parent_code, from_db, id)
            SELECT -j.id, j.code, j.name, j.level, p.code, 1, j.id
            FROM jurisdiction j LEFT JOIN jurisdiction p ON p.id = j.parent_id
            WHERE NOT EXISTS (SELECT 1 FROM rs_jurisdiction s WHERE s.code = j.code)""")
        self.sql.analyze("rs_jurisdiction")
        build.build_officers(self.sql, partial=partial)
        build.build_codeless(self.sql)
        build.build_entities(self.sql, partial=partial)
        self.sql.analyze("rs_officer")
        self.sql.analyze("rs_entity")
        build.build_assignments(self.sql, today=today)
        for table in ("rs_officer_raw", "rs_entity_raw", "rs_assignment_raw"):
            self.sql.run(f"DROP TABLE {table}")
        for number, spec in enumerate(BUILT_INDEXES, start=len(SMALL_INDEXES)):
            self.sql.run(f"CREATE INDEX rs_ix_{number} ON {spec}")
        for table in ("rs_officer", "rs_entity", "rs_assignment"):
            self.sql.analyze(table)
