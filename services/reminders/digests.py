"""What goes to whom today: one digest per officer and one per office, as plain data.

Officers hear about their own open tasks and hazards that are due soon or overdue, and about the
乡厨 of the villages they cover whose health certificates expire soon. Each overdue
item goes to its responsible office; at escalate_after_workdays overdue it also goes one office
up, marked 升级. The summary-level office (the county) also gets a weekly summary by township.
Nobody with nothing to report gets a digest.
"""

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import func, select, text
from sqlmodel import Session

from config.files import load_policy
from models.db import engine_of
from models.enums import ItemKind, TaskStatus
from models.officer import Officer
from models.task import InspectionTask
from services.core.calendar import is_workday
from services.core.links import password_version
from services.core.urls import public_base
from services.figures import deadlines
from services.figures.deadlines import DueItem
from services.figures.definitions import package_task_sql
from services.figures.returns import returned_due_items
from services.reminders.chef_certs import ChefLine, expiring_by_officer
from services.reminders.offices import Member, OfficeMap, load_offices

KIND_LABELS = {ItemKind.TASK: "督导任务", ItemKind.HAZARD: "隐患整改"}
NO_OFFICER = "（未指定包保干部）"


class Line(NamedTuple):
    """One item as a message shows it."""

    kind: ItemKind
    id: int
    kind_label: str
    title: str
    detail: str
    due: dt.date
    overdue_by: int
    workdays_left: int
    escalated: bool
    officer: str
    place: str
    link: str
    banquet_id: int | None = None  # a 现场指导 task: its link is the banquet's page


@dataclass
class Section:
    total: int
    lines: list[Line]  # the listed ones: at most [reminders] max_items_listed

    @property
    def more(self) -> int:
        return self.total - len(self.lines)

    @property
    def groups(self) -> list[tuple[str, list[tuple[str, list[Line]]]]]:
        """The listed lines by place (township), then officer."""
        ordered = sorted(self.lines, key=lambda x: (x.place, x.officer, -x.overdue_by, x.due))
        return [
            (
                place,
                [
                    (officer, list(lines))
                    for officer, lines in groupby(in_place, key=lambda x: x.officer)
                ],
            )
            for place, in_place in groupby(ordered, key=lambda x: x.place)
        ]


@dataclass
class OfficerDigest:
    day: dt.date
    officer_id: int
    code: str
    name: str
    place: str
    email: str | None
    overdue: Section
    due_soon: Section
    returned: Section = field(default_factory=lambda: Section(0, []))  # 退回 since the last one
    pv: str = ""  # the officer's credential version: its one-tap links void with a new password
    chefs: list[ChefLine] = field(default_factory=list)  # 乡厨 whose certificates expire soon


@dataclass
class SummaryRow:
    place: str
    open_tasks: int = 0
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    hazards_overdue: int = 0

    def count(self, item: DueItem) -> None:
        """Add one due item to the counts (包保 work only: 现场指导 tasks are left out)."""
        if not item.package_work:
            return
        late = item.overdue_by > 0
        self.due_soon += not late and item.kind == ItemKind.TASK
        self.overdue += late and item.kind == ItemKind.TASK
        self.escalated += item.escalated
        self.hazards_overdue += late and item.kind == ItemKind.HAZARD


@dataclass
class OfficeDigest:
    day: dt.date
    code: str
    name: str
    level: str
    members: list[Member]
    own: Section
    escalated: Section
    escalate_after: int
    summary: list[SummaryRow] = field(default_factory=list)
    attention: str | None = None  # the summary day's line when the doctor finds problems


@contextmanager
def no_gc() -> Iterator[None]:
    """A day's digests are millions of small acyclic objects: the cyclic GC only slows them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def section(lines: list[Line], cap: int) -> Section:
    """A section of lines already in order (most overdue, then soonest due), capped."""
    return Section(total=len(lines), lines=lines[:cap])


def with_one_tap_links(digest: OfficerDigest) -> OfficerDigest:
    """The officer's digest whose links are signed for them (open without logging in)."""
    from services.core.links import item_links

    def signed(part: Section) -> Section:
        urls = item_links(
            officer_id=digest.officer_id, pv=digest.pv, items=[(x.kind, x.id) for x in part.lines]
        )
        lines = [x._replace(link=_on_page(x, url)) for x, url in zip(part.lines, urls, strict=True)]
        return Section(total=part.total, lines=lines)

    return replace(
        digest,
        overdue=signed(digest.overdue),
        due_soon=signed(digest.due_soon),
        returned=signed(digest.returned),
    )


def _on_page(line: Line, url: str) -> str:
    """A one-tap URL on the page that shows the item: a 现场指导 task's is its banquet's."""
    if line.banquet_id is None:
        return url
    return url.replace(f"/tasks/{line.id}?k=", f"/banquets/{line.banquet_id}?k=", 1)


def is_summary_day(today: dt.date) -> bool:
    """The first working day on or after the week's summary weekday (Monday by default)."""
    target = today - dt.timedelta(days=today.weekday() - load_policy().reminders.summary_weekday)
    if today < target or not is_workday(today):
        return False
    return not any(is_workday(target + dt.timedelta(days=n)) for n in range((today - target).days))


class OfficerRow(NamedTuple):
    """What the digests need of an officer."""

    code: str
    name: str
    email: str | None
    active: bool
    jurisdiction_id: int
    pv: str  # password_version of the officer's credential


def _officers(session: Session) -> dict[int, OfficerRow]:
    rows = session.connection().execute(
        select(
            Officer.id,
            Officer.code,
            Officer.name,
            Officer.email,
            Officer.active,
            Officer.jurisdiction_id,
            Officer.password_hash,
        )
    )
    return {
        row.id: OfficerRow(
            row.code,
            row.name,
            row.email,
            row.active,
            row.jurisdiction_id,
            password_version(row.password_hash),
        )
        for row in rows
    }


def _line(item: DueItem, officer: str, place: str, base: str) -> Line:
    page = "tasks" if item.kind == ItemKind.TASK else "hazards"
    link = f"{base}/{page}/{item.id}"  # public_url's
    if item.banquet_id is not None:  # a 现场指导 task: the banquet's page has its form
        link = f"{base}/banquets/{item.banquet_id}"
    return Line(
        item.kind,
        item.id,
        KIND_LABELS[item.kind],
        item.title,
        item.detail,
        item.due,
        item.overdue_by,
        item.workdays_left,
        item.escalated,
        officer,
        place,
        link,
        item.banquet_id,
    )


def build_digests(
    *, session: Session, today: dt.date
) -> tuple[list[OfficerDigest], list[OfficeDigest]]:
    """Today's officer digests and office digests (empty lists on a non-working day)."""
    if not deadlines.reminder_day(today):
        return [], []
    items = deadlines.open_items_due(session=session, today=today)  # most overdue first
    offices, officers = load_offices(session=session), _officers(session)
    base = public_base()  # every link's start (services.core.urls), read once for all lines
    lines = [
        _line(
            i,
            officers[i.officer_id].name
            if i.officer_id is not None and i.officer_id in officers
            else NO_OFFICER,
            offices.place_name(i.jurisdiction_id),
            base,
        )
        for i in items
    ]
    cap = load_policy().reminders.max_items_listed
    returned: defaultdict[int, list[Line]] = defaultdict(list)
    for item in returned_due_items(session=session, today=today):
        if item.officer_id is not None and item.officer_id in officers:
            who = officers[item.officer_id]
            returned[item.officer_id].append(_line(item, who.name, "", base))
    chefs = expiring_by_officer(session=session, today=today)
    return (
        _officer_digests(today, items, lines, officers, offices, cap, returned, chefs),
        _office_digests(session, today, items, lines, offices, cap),
    )


def _officer_digests(
    today: dt.date,
    items: list[DueItem],
    lines: list[Line],
    officers: dict[int, OfficerRow],
    offices: OfficeMap,
    cap: int,
    returned: dict[int, list[Line]],
    chefs: dict[int, list[ChefLine]],
) -> list[OfficerDigest]:
    late: defaultdict[int, list[Line]] = defaultdict(list)
    soon: defaultdict[int, list[Line]] = defaultdict(list)
    sent_back = {(k, x.kind, x.id) for k, back in returned.items() for x in back}
    for item, line in zip(items, lines, strict=True):
        if item.officer_id is None:
            continue
        who = officers.get(item.officer_id)
        if (item.officer_id, item.kind, item.id) in sent_back:
            continue  # listed once, under 被退回整改 (with its deadline and state)
        if who is not None and who.active:  # active officers only
            (late if item.overdue_by else soon)[item.officer_id].append(line)
    returned = {k: v for k, v in returned.items() if k in officers and officers[k].active}
    chefs = {k: v for k, v in chefs.items() if k in officers and officers[k].active}
    digests: list[OfficerDigest] = []
    for officer_id in late.keys() | soon.keys() | returned.keys() | chefs.keys():
        code, name, email, _, jid, pv = officers[officer_id]
        digests.append(
            OfficerDigest(
                day=today,
                officer_id=officer_id,
                code=code,
                name=name,
                place=offices.places[jid].name,
                email=email,
                overdue=section(late.get(officer_id, []), cap),
                due_soon=section(soon.get(officer_id, []), cap),
                returned=section(returned.get(officer_id, []), cap),
                pv=pv,
                chefs=chefs.get(officer_id, []),
            )
        )
    return sorted(digests, key=attrgetter("code"))


def _office_digests(
    session: Session,
    today: dt.date,
    items: list[DueItem],
    lines: list[Line],
    offices: OfficeMap,
    cap: int,
) -> list[OfficeDigest]:
    own: defaultdict[int, list[Line]] = defaultdict(list)
    up: defaultdict[int, list[Line]] = defaultdict(list)
    higher_of: dict[int, int | None] = {}
    for item, line in zip(items, lines, strict=True):
        office = offices.responsible(item.jurisdiction_id) if item.overdue_by else None
        if office is None:
            continue
        own[office].append(line)
        if item.escalated:
            if office not in higher_of:
                higher_of[office] = offices.next_up(office)
            higher = higher_of[office]
            if higher is not None:
                up[higher].append(line)
    summaries = _summaries(session, today, items, offices)
    attention = _attention(session, today, offices)
    escalate_after = load_policy().reminders.escalate_after_workdays
    digests: list[OfficeDigest] = []
    for office in sorted(
        own.keys() | up.keys() | summaries.keys() | attention.keys(),
        key=lambda j: offices.places[j].code,
    ):
        place = offices.places[office]
        digests.append(
            OfficeDigest(
                day=today,
                code=place.code,
                name=offices.office_name(office),
                level=place.level,
                members=offices.members[office],
                own=section(own.get(office, []), cap),
                escalated=section(up.get(office, []), cap),
                escalate_after=escalate_after,
                summary=summaries.get(office, []),
                attention=attention.get(office),
            )
        )
    return digests


def _summary_heads(offices: OfficeMap) -> list[int]:
    level = load_policy().reminders.summary_level
    return [j for j, p in offices.places.items() if p.level == level and offices.members.get(j)]


def _attention(session: Session, today: dt.date, offices: OfficeMap) -> dict[int, str]:
    """The doctor's line for each summary-level office, on its summary day, when needed."""
    from services.operations.doctor import attention_line

    heads = _summary_heads(offices)
    if not heads or not is_summary_day(today):
        return {}
    line = attention_line(engine=engine_of(session))
    return dict.fromkeys(heads, line) if line else {}


def _summaries(
    session: Session, today: dt.date, items: list[DueItem], offices: OfficeMap
) -> dict[int, list[SummaryRow]]:
    """Counts by township for each summary-level office, on its summary day only."""
    heads = _summary_heads(offices)
    if not heads or not is_summary_day(today):
        return {}
    rows = {head: _summary_rows(head, offices) for head in heads}
    open_counts = session.execute(
        select(InspectionTask.jurisdiction_id, func.count())
        .where(InspectionTask.status == TaskStatus.OPEN, text(package_task_sql("inspection_task")))
        .group_by(InspectionTask.jurisdiction_id)
    )
    row_of: dict[int, SummaryRow | None] = {}
    for jid, n in open_counts.tuples():
        if (row := _summary_row(rows, jid, offices)) is not None:
            row.open_tasks += n
    for item in items:
        if item.jurisdiction_id not in row_of:
            row_of[item.jurisdiction_id] = _summary_row(rows, item.jurisdiction_id, offices)
        if (row := row_of[item.jurisdiction_id]) is not None:
            row.count(item)
    return {
        head: list(r.values())
        for head, r in rows.items()
        if any(x.open_tasks or x.hazards_overdue for x in r.values())
    }


def _summary_rows(head: int, offices: OfficeMap) -> dict[int, SummaryRow]:
    rows = {head: SummaryRow(place=offices.place_name(head))}
    rows.update({c.id: SummaryRow(place=c.name) for c in offices.children(head)})
    return rows


def _summary_row(
    rows: dict[int, dict[int, SummaryRow]], jurisdiction_id: int, offices: OfficeMap
) -> SummaryRow | None:
    chain = offices.above(jurisdiction_id)
    for child, parent in zip(chain, chain[1:], strict=False):
        if parent in rows:
            return rows[parent][child]
    return rows[chain[0]][chain[0]] if chain and chain[0] in rows else None
