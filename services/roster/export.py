"""The current roster in the template's format: an .xlsx (write-only, streaming) or a folder of
UTF-8 CSVs, one per sheet (信息员 too). Re-importing the export changes nothing; no cell is a
formula. Assignment rows name their entity by every identifier it has, and by name and
jurisdiction (which is what names a codeless entity)."""

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from models.db import is_postgres
from models.enums import (
    EntityStatus,
    InformantRole,
    JurisdictionLevel,
    OfficerTier,
    UserRole,
    label,
)
from services.core import clock
from services.core.cells import write_csv
from services.core.errors import BadInput
from services.roster.columns import SHEETS, Sheet
from services.roster.layout import header_text, write_workbook

BATCH = 5_000
QUERIES = {
    "区划": """SELECT j.code, j.name, j.level, p.code FROM jurisdiction j
              LEFT JOIN jurisdiction p ON p.id = j.parent_id ORDER BY j.path""",
    "包保干部": """SELECT o.code, o.name, o.tier, o.title, j.code, o.mobile, o.email, o.wecom_id
                FROM officer o JOIN jurisdiction j ON j.id = o.jurisdiction_id
                WHERE o.active ORDER BY o.id""",
    "食安办人员": """SELECT u.account, u.name, j.code, u.role, u.mobile, u.email, u.wecom_id
                 FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id
                 WHERE u.active ORDER BY u.id""",
    "包保主体": """SELECT e.credit_code, e.licence_no, e.registration_no, e.name, e.category,
                       e.package_grade, e.risk_grade, j.code, e.address, e.status,
                       e.person_in_charge, e.phone, e.safety_director, e.safety_officer
                FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id
                WHERE e.active ORDER BY e.id""",
    "信息员": """SELECT i.name, i.mobile, j.code, i.role
                FROM informant i JOIN jurisdiction j ON j.id = i.jurisdiction_id
                WHERE i.active ORDER BY i.id""",
    "包保关系": """SELECT o.code, e.credit_code, e.licence_no, e.registration_no, e.name, j.code,
                       a.start_date, a.end_date
                FROM assignment a JOIN officer o ON o.id = a.officer_id
                JOIN entity e ON e.id = a.entity_id JOIN jurisdiction j ON j.id = e.jurisdiction_id
                WHERE o.active AND e.active AND (a.end_date IS NULL OR a.end_date >= :today)
                ORDER BY a.id""",
}
LABELS: dict[str, dict[int, type[StrEnum]]] = {
    "区划": {2: JurisdictionLevel},
    "包保干部": {2: OfficerTier},
    "食安办人员": {3: UserRole},
    "包保主体": {9: EntityStatus},
    "信息员": {3: InformantRole},
}
DATES = {"包保关系": (6, 7)}  # columns SQLite returns as ISO text


def _rows(session: Session, sheet: str, *, as_text: bool) -> Iterator[tuple[object, ...]]:
    """The sheet's rows from the database, enumerations as Chinese labels, streamed."""
    import datetime as dt

    labels = LABELS.get(sheet, {})
    today = clock.today()
    params = {"today": today if is_postgres(session.get_bind()) else today.isoformat()}
    result = (
        session.connection()
        .execution_options(yield_per=BATCH)
        .execute(text(QUERIES[sheet]), params)
    )
    for record in result:
        row: list[object] = list(record)
        for index, enum in labels.items():
            code = row[index]
            row[index] = label(enum, code) if isinstance(code, str) and code else code
        for index in DATES.get(sheet, ()):
            day = row[index]
            if isinstance(day, str):
                row[index] = dt.date.fromisoformat(day)
        if as_text:
            row = [v.isoformat() if isinstance(v, dt.date) else v for v in row]
        yield tuple(row)


def export_roster(*, session: Session, path: Path) -> dict[str, int]:
    """Write the current roster to path (.xlsx, or a folder of CSVs); returns rows per sheet."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        if not path.parent.is_dir():
            raise BadInput(f"目录不存在：{path.parent}")
        return write_workbook(path, {s.name: _rows(session, s.name, as_text=False) for s in SHEETS})
    if path.exists() and not path.is_dir():
        raise BadInput(f"导出位置应为 .xlsx 文件或文件夹：{path}")
    path.mkdir(parents=True, exist_ok=True)
    return {
        s.name: _write_csv(path / f"{s.name}.csv", s, _rows(session, s.name, as_text=True))
        for s in SHEETS
    }


def _write_csv(path: Path, sheet: Sheet, rows: Iterator[tuple[object, ...]]) -> int:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        return write_csv(handle, [header_text(c) for c in sheet.columns], rows)
