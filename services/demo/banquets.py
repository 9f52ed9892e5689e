"""The demo county's season of rural banquets (农村集体聚餐): filings through the year with peaks
at 春节, 国庆 and the wedding months, 升学宴 in August; past ones guided and followed up (a rare
illness with its 重大 hazard, closed), coming ones filed with open 现场指导 tasks. Written
set-based, like the roster."""

import datetime as dt
import json
import random

from sqlalchemy import text
from sqlalchemy.engine import Connection

from services.banquets import rules
from services.core import calendar
from services.core.bulk import insert_rows, reset_sequences
from services.demo.names import person

# Relative weight of each month (1 = an ordinary month) and the kinds most filed in it.
MONTH_WEIGHT = {1: 1.6, 2: 2.6, 3: 0.8, 4: 0.9, 5: 1.6, 6: 0.7, 7: 0.8, 8: 1.2, 9: 1.0, 10: 2.4,
                11: 1.0, 12: 1.5}  # fmt: skip
PEAK_DAYS = {2: range(14, 23), 5: range(1, 6), 10: range(1, 8)}  # 春节, 五一, 国庆
KINDS = ("wedding", "funeral", "birthday", "graduation", "other")
KIND_WEIGHT = {8: (2, 2, 2, 8, 1), 2: (4, 2, 5, 0, 2), 5: (7, 2, 2, 0, 1), 10: (8, 2, 2, 0, 1)}
LEAD_DAYS = (1, 2, 3, 4, 5, 6, 7, 8, 10, 14)  # days between filing and event; < 3 is late
PLACES = ("村委会广场", "自家院坝", "村文化活动室", "祠堂", "农家乐大院")
BANQUET_COLUMNS = (
    "id", "jurisdiction_id", "host", "contact", "event_date", "place", "diners", "kind",
    "officer_id", "filed_on", "filed_by", "late_filing", "chef_cert_expired", "status",
    "cancelled_on", "guided_on", "guidance", "followed_up_on", "diners_actual", "ill_count",
    "followed_up_by",
)  # fmt: skip
TASK_COLUMNS = ("source", "period", "due_date", "status", "officer_id", "jurisdiction_id",
                "banquet_id", "created_on", "done_on", "cancelled_on")  # fmt: skip


def _event_day(rng: random.Random, year: int, month: int) -> dt.date:
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    if month in PEAK_DAYS and rng.random() < 0.5:
        return dt.date(year, month, rng.choice(PEAK_DAYS[month]))
    day = dt.date(year, month, rng.randint(1, last))
    if day.weekday() < 5 and rng.random() < 0.5:  # banquets favour weekends
        day += dt.timedelta(days=min(5 - day.weekday(), last - day.day))
    return day


def _guides(connection: Connection) -> dict[int, tuple[int, int]]:
    """Village id → (officer id, its jurisdiction id): the village's first village officer."""
    rows = connection.execute(text(
        "SELECT o.jurisdiction_id, o.id FROM officer o JOIN (SELECT jurisdiction_id, MIN(code) AS code "
        "FROM officer WHERE tier = 'village' GROUP BY jurisdiction_id) f ON f.code = o.code"))  # fmt: skip
    return {jid: (oid, jid) for jid, oid in rows}


def season(*, connection: Connection, rng: random.Random, today: dt.date, per_year: int) -> int:
    """File about per_year banquets from January 1 to two months after today; returns how many."""
    guides = _guides(connection)
    villages = sorted(guides)
    start_id = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM banquet")).scalar_one() + 1
    months = [(today.year, m) for m in range(1, 13)]
    horizon = min(
        today + dt.timedelta(days=60), dt.date(today.year, 12, 31)
    )  # a year the calendar knows
    banquets: list[tuple[object, ...]] = []
    tasks: list[tuple[object, ...]] = []
    hazards: list[tuple[object, ...]] = []
    for year, month in months:
        for _ in range(round(per_year / 12 * MONTH_WEIGHT[month])):
            event = _event_day(rng, year, month)
            filed = event - dt.timedelta(days=rng.choice(LEAD_DAYS))
            if event > horizon or filed > today:  # not filed yet
                continue
            bid, village = start_id + len(banquets), rng.choice(villages)
            row, task, hazard = _one(rng, bid, village, event, filed, today, guides)
            banquets.append(row)
            tasks += task
            hazards += hazard
    insert_rows(connection, "banquet", BANQUET_COLUMNS, banquets)
    insert_rows(connection, "inspection_task", TASK_COLUMNS, tasks)
    insert_rows(connection, "hazard", ("source", "level", "description", "found_on", "deadline", "status",
                                       "jurisdiction_id", "banquet_id", "closed_on"), hazards)  # fmt: skip
    reset_sequences(connection, ("banquet", "inspection_task", "hazard"))
    return len(banquets)


def _one(rng: random.Random, bid: int, village: int, event: dt.date, filed: dt.date, today: dt.date,
         guides: dict[int, tuple[int, int]]) -> tuple[tuple[object, ...], list[tuple[object, ...]], list[tuple[object, ...]]]:  # fmt: skip
    diners = max(30, int(rng.lognormvariate(4.9, 0.45)))
    kind = rng.choices(KINDS, KIND_WEIGHT.get(event.month, (5, 3, 3, 1, 2)))[0]
    cancelled = rng.random() < 0.03 and event >= filed + dt.timedelta(days=2)
    guided = rules.needs_guidance(diners)
    officer, officer_place = guides[village]
    due = rules.guidance_due(event_date=event, filed_on=filed)
    guided_on = None
    if guided and not cancelled and due < today and rng.random() < 0.93:
        guided_on = due if rng.random() < 0.85 else min(event, today)
        guided_on = max(guided_on, filed)
    past = event < today and not cancelled
    followed = past and rng.random() < 0.88
    ill = (rng.randint(2, 12) if rng.random() < 0.004 else 0) if followed else None
    followed_on = min(event + dt.timedelta(days=rng.randint(1, 3)), today) if followed else None
    answers = json.dumps(dict.fromkeys(("banquet_venue_hygiene", "banquet_food_sourcing", "banquet_chef_health",
                                        "banquet_sample_retention", "banquet_tableware", "banquet_water"), "是"),
                         ensure_ascii=False) if guided_on else None  # fmt: skip
    row = (
        bid, village, person(rng), None, event, rng.choice(PLACES), diners, kind,
        officer if guided else None, filed, "demo",
        rules.is_late_filing(event_date=event, filed_on=filed), False,
        "cancelled" if cancelled else "filed", filed + dt.timedelta(days=1) if cancelled else None,
        guided_on, answers, followed_on, (diners - rng.randint(0, 20)) if followed else None, ill,
        "demo" if followed else None,
    )  # fmt: skip
    task: list[tuple[object, ...]] = []
    if guided:
        status = "cancelled" if cancelled else "done" if guided_on else "open"
        task.append(("banquet", event.strftime("%Y-%m"), due, status, officer, officer_place, bid, filed,
                     guided_on, filed + dt.timedelta(days=1) if cancelled else None))  # fmt: skip
    hazard: list[tuple[object, ...]] = []
    if ill and followed_on:
        closed = calendar.add_workdays(followed_on, 3)
        hazard.append(("banquet", "major", f"疑似食源性疾病：聚餐后 {ill} 人出现身体不适", followed_on,
                       calendar.add_workdays(followed_on, 5), "closed" if closed <= today else "pending",
                       village, bid, closed if closed <= today else None))  # fmt: skip
    return row, task, hazard
