"""聚餐备案: filing banquets in bulk (one set of statements for any number of filings), each of
`[banquets] min_diners` or more with its 现场指导 task; cancelling one cancels its task."""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TypedDict

from sqlalchemy import insert, select, text
from sqlmodel import Session

from models.banquet import Banquet, Chef
from models.db import is_postgres
from models.enums import BanquetKind, BanquetStatus, JurisdictionLevel, TaskSource, from_label
from models.jurisdiction import Jurisdiction
from services.banquets import rules
from services.core import bulk, clock
from services.core.errors import BadInput
from services.villages.officers import Guide, Village, default_guides, named_guides

MAX_ERRORS = 20
LIMITS = {"host": 50, "contact": 24, "place": 200, "menu": 1000}
NAMES = {"host": "主办人", "contact": "联系电话", "place": "地点", "menu": "菜单"}


@dataclass(frozen=True)
class Filing:
    """One 聚餐备案 as entered: codes and labels as the person typed them."""

    village: str  # 区划代码 of the 村/社区
    host: str
    event_date: dt.date
    diners: int
    kind: str = "其他"  # 婚宴/丧宴/寿宴/升学宴/其他 (or a code)
    contact: str | None = None
    place: str | None = None
    menu: str | None = None
    chef_id: int | None = None
    officer: str | None = None  # 干部编号 of the guiding officer, when named


@dataclass
class Filed:
    """What filing wrote: the banquets' ids in input order, and their tasks."""

    ids: list[int] = field(default_factory=list)
    tasks: int = 0
    late: int = 0
    chef_expired: list[int] = field(default_factory=list)  # banquet ids


def _check(filing: Filing, today: dt.date) -> list[str]:
    errors = []
    if not filing.host.strip():
        errors.append("主办人不能为空")
    for name, limit in LIMITS.items():
        if len(getattr(filing, name) or "") > limit:
            errors.append(f"{NAMES[name]}过长（最多 {limit} 字）")
    if filing.event_date < today:
        errors.append(f"聚餐日期 {filing.event_date} 已过，不能备案")
    if filing.diners <= 0:
        errors.append("预计就餐人数须为正整数")
    if from_label(BanquetKind, filing.kind.strip()) is None:
        errors.append(f"聚餐类型 {filing.kind!r} 无效，可选：婚宴、丧宴、寿宴、升学宴、其他")
    return errors


def _refuse(errors: list[str]) -> None:
    if errors:
        shown = "；".join(errors[:MAX_ERRORS])
        more = f"（另有 {len(errors) - MAX_ERRORS} 处）" if len(errors) > MAX_ERRORS else ""
        raise BadInput(f"聚餐备案有误，未写入任何记录：{shown}{more}")


def _villages(session: Session, codes: set[str]) -> dict[str, Village]:
    j = Jurisdiction
    rows = session.execute(
        select(j.id, j.code, j.name, j.parent_id, j.path).where(
            j.code.in_(codes), j.level == JurisdictionLevel.VILLAGE
        )
    )
    found = {code: Village(jid, code, name, parent, path) for jid, code, name, parent, path in rows}
    missing = sorted(codes - set(found))
    if missing:
        raise BadInput(f"区划代码 {'、'.join(missing)} 不存在或不是村（社区），未写入任何记录")
    return found


def _chefs(session: Session, ids: set[int]) -> dict[int, dt.date]:
    rows = session.execute(select(Chef.id, Chef.cert_expires).where(Chef.id.in_(ids)))
    found: dict[int, dt.date] = {chef_id: expires for chef_id, expires in rows}
    missing = sorted(ids - set(found))
    if missing:
        raise BadInput(f"乡厨 {'、'.join(map(str, missing))} 不存在，未写入任何记录")
    return found


def _guide(
    filing: Filing,
    village: Village,
    named: dict[str, tuple[Guide, str]],
    defaults: dict[int, Guide],
) -> Guide:
    if filing.officer is None:
        return defaults[village.id]
    guide, _ = named[filing.officer]
    if guide.jurisdiction_id not in (village.id, village.parent_id):
        raise BadInput(f"包保干部 {filing.officer} 不属于 {village.name} 或其所属乡镇")
    return guide


def file_banquets(*, session: Session, filings: list[Filing], actor: str) -> Filed:
    """File banquets all-or-nothing (BadInput, nothing written); the caller commits."""
    today = clock.today()
    _refuse([f"第 {i} 条：{e}" for i, f in enumerate(filings, 1) for e in _check(f, today)])
    villages = _villages(session, {f.village.strip() for f in filings})
    chefs = _chefs(session, {f.chef_id for f in filings if f.chef_id is not None})
    guided = [f for f in filings if rules.needs_guidance(f.diners)]
    named = named_guides(session=session, codes={f.officer for f in guided if f.officer})
    unnamed = {villages[f.village.strip()] for f in guided if not f.officer}
    defaults = default_guides(session=session, villages=sorted(unnamed, key=lambda v: v.code))
    rows: list[BanquetRow] = []
    guides: list[Guide | None] = []
    for f in filings:
        village = villages[f.village.strip()]
        guide = _guide(f, village, named, defaults) if rules.needs_guidance(f.diners) else None
        guides.append(guide)
        rows.append(_row(f, village, guide, chefs.get(f.chef_id or -1), today, actor))
    return _write(session, rows, guides, today, actor)


class BanquetRow(TypedDict):
    """The columns of one banquet row as filing writes it."""

    jurisdiction_id: int
    host: str
    contact: str | None
    event_date: dt.date
    place: str | None
    diners: int
    kind: str
    chef_id: int | None
    menu: str | None
    officer_id: int | None
    filed_on: dt.date
    filed_by: str
    late_filing: bool
    chef_cert_expired: bool
    status: str


def _row(
    f: Filing, village: Village, guide: Guide | None, expires: dt.date | None, today: dt.date,
    actor: str,
) -> BanquetRow:  # fmt: skip
    return {
        "jurisdiction_id": village.id,
        "host": f.host.strip(),
        "contact": (f.contact or "").strip() or None,
        "event_date": f.event_date,
        "place": (f.place or "").strip() or None,
        "diners": f.diners,
        "kind": from_label(BanquetKind, f.kind.strip()) or BanquetKind.OTHER,
        "chef_id": f.chef_id,
        "menu": (f.menu or "").strip() or None,
        "officer_id": guide.id if guide else None,
        "filed_on": today,
        "filed_by": actor,
        "late_filing": rules.is_late_filing(event_date=f.event_date, filed_on=today),
        "chef_cert_expired": rules.cert_expired(expires=expires, event_date=f.event_date),
        "status": BanquetStatus.FILED,
    }


COLUMNS = tuple(BanquetRow.__annotations__)


def _insert(session: Session, rows: list[BanquetRow]) -> list[int]:
    """Write the banquet rows; their ids in order. PostgreSQL: ids drawn from the sequence at
    once, then one COPY; SQLite (a county's filings): INSERT … RETURNING."""
    connection = session.connection()
    if not is_postgres(connection):
        statement = insert(Banquet).returning(Banquet.id, sort_by_parameter_order=True)
        return list(session.execute(statement, [dict(row) for row in rows]).scalars())
    ids = list(
        connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('banquet', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": len(rows)},
        ).scalars()
    )
    values = ((i, *(row[c] for c in COLUMNS)) for i, row in zip(ids, rows, strict=True))  # type: ignore[literal-required]
    bulk.insert_rows(connection, "banquet", ("id", *COLUMNS), values)
    return ids


def _write(
    session: Session, rows: list[BanquetRow], guides: list[Guide | None], today: dt.date, actor: str
) -> Filed:
    filed = Filed(ids=_insert(session, rows))
    tasks: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    now = clock.now()
    for banquet_id, row, guide in zip(filed.ids, rows, guides, strict=True):
        filed.late += row["late_filing"]
        if row["chef_cert_expired"]:
            filed.chef_expired.append(banquet_id)
        after = {k: str(v) if isinstance(v, dt.date) else v for k, v in row.items()}
        events.append((now, actor, "banquet.file", "banquet", str(banquet_id), json.dumps(after)))
        if guide is not None:
            due = rules.guidance_due(event_date=row["event_date"], filed_on=today)
            period = row["event_date"].strftime("%Y-%m")
            tasks.append(
                (TaskSource.BANQUET, period, due, "open", guide.id, guide.jurisdiction_id,
                 banquet_id, today)
            )  # fmt: skip
    connection = session.connection()
    filed.tasks = bulk.insert_rows(
        connection,
        "inspection_task",
        ("source", "period", "due_date", "status", "officer_id", "jurisdiction_id", "banquet_id",
         "created_on"),
        tasks,
    )  # fmt: skip
    bulk.insert_rows(
        connection,
        "audit_event",
        ("occurred_at", "actor", "action", "object_type", "object_id", "after"),
        events,
    )
    return filed
