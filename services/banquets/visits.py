"""The 现场指导 visit of a banquet (its [[guidance]] checklist; 否 opens hazards like any visit)
and the 回访 after it (an illness opens a 重大 hazard and is sent to the offices at once)."""

import datetime as dt
from typing import TypedDict

from sqlmodel import Session

from config.files import load_checklist
from models.banquet import Banquet
from models.enums import HazardLevel, HazardSource, TaskStatus
from models.officer import Officer
from services.banquets import notices
from services.banquets.lookup import banquet_task, open_banquet
from services.core import audit, clock
from services.core.errors import BadInput
from services.hazards.create import open_hazard
from services.hazards.duty import deadline_for, default_duty
from services.reminders.delivery import Mailed
from services.reminders.offices import load_offices

ANSWERS = {"是": "yes", "否": "no", "不涉及": "na"}


def _answers(given: dict[str, str]) -> dict[str, str]:
    items = {i.id: i for i in load_checklist().guidance}
    unknown = sorted(set(given) - set(items))
    if unknown:
        raise BadInput(f"检查项 {'、'.join(unknown)} 不在现场指导清单中")
    missing = [items[k].text for k in items if k not in given]
    if missing:
        raise BadInput(f"现场指导须回答每一项，未回答：{'；'.join(missing)}")
    bad = [k for k, v in given.items() if v not in ANSWERS]
    if bad:
        raise BadInput(f"检查项 {'、'.join(bad)} 的回答无效，可选：是、否、不涉及")
    return dict(given)


def _hazard(
    session: Session,
    banquet: Banquet,
    *,
    level: str,
    text: str,
    found_on: dt.date,
    actor: str,
    officer_id: int | None,
    item: str | None = None,
) -> int:
    """Open a hazard of the banquet's village (the guiding officer's, or the office's); its id."""
    officer = session.get(Officer, officer_id) if officer_id is not None else None
    duty = default_duty(
        session=session, jurisdiction_id=banquet.jurisdiction_id, officer=officer, entity=None
    )
    hazard = open_hazard(
        session=session,
        actor=actor,
        source=HazardSource.BANQUET,
        level=level,
        description=text,
        checklist_item=item,
        found_on=found_on,
        deadline=deadline_for(level=level, found_on=found_on),
        jurisdiction_id=banquet.jurisdiction_id,
        officer_id=officer_id,
        banquet_id=banquet.id,
        **duty,
    )
    return hazard.id or 0


def record_guidance(
    *,
    session: Session,
    banquet_id: int,
    visit_date: dt.date | None,
    answers: dict[str, str],
    note: str | None,
    actor: str,
) -> dict[str, object]:
    """Record the 现场指导 visit: the task done, a hazard per 否 answer; commit."""
    banquet = open_banquet(session=session, banquet_id=banquet_id)
    task = banquet_task(session=session, banquet_id=banquet_id)
    if task is None or task.status != TaskStatus.OPEN:
        raise BadInput(f"聚餐备案 {banquet_id} 没有待办的现场指导任务")
    day, today = visit_date or clock.today(), clock.today()
    if day > today or day < banquet.filed_on:
        raise BadInput(f"指导日期 {day} 须在备案日 {banquet.filed_on} 与今天 {today} 之间")
    given = _answers(answers)
    items = {i.id: i for i in load_checklist().guidance}
    hazards = [
        _hazard(session, banquet, level=items[k].hazard_level,
                text=f"聚餐现场指导：{items[k].text}——否" + (f"（{note}）" if note else ""),
                found_on=day, actor=actor, officer_id=task.officer_id, item=k)
        for k, v in given.items() if v == "否"
    ]  # fmt: skip
    banquet.guided_on, banquet.guidance, banquet.guidance_note = day, given, note
    task.status, task.done_on = TaskStatus.DONE, day
    audit.record_event(
        session=session,
        actor=actor,
        action="banquet.guide",
        object_type="banquet",
        object_id=banquet_id,
        after={"guided_on": day.isoformat(), "answers": given, "hazards": hazards},
    )
    session.commit()
    return {"id": banquet_id, "task_id": task.id, "guided_on": day.isoformat(), "hazards": hazards}


class FollowedUp(TypedDict):
    """A recorded 回访: the people ill, the hazard it opened and the offices' notice (None when
    nobody was ill)."""

    id: int
    ill_count: int
    hazard_id: int | None
    outbox: Mailed | None


def record_followup(
    *, session: Session, banquet_id: int, diners: int, ill: int, actor: str
) -> FollowedUp:
    """回访 after the event; an illness opens a 重大 hazard and is sent to the township and county
    offices through the outbox at once. Commits."""
    banquet = open_banquet(session=session, banquet_id=banquet_id)
    today = clock.today()
    if today < banquet.event_date:
        raise BadInput(f"聚餐日期 {banquet.event_date} 未到，不能回访")
    if banquet.followed_up_on is not None:
        raise BadInput(f"聚餐备案 {banquet_id} 已于 {banquet.followed_up_on} 回访")
    if diners < 0 or ill < 0 or ill > max(diners, 0):
        raise BadInput("实际就餐人数和身体不适人数须为非负整数，且不适人数不超过就餐人数")
    banquet.followed_up_on, banquet.diners_actual, banquet.ill_count = today, diners, ill
    banquet.followed_up_by = actor
    hazard_id = None
    if ill > 0:
        offices = load_offices(session=session)
        text = f"{notices.describe(offices=offices, banquet=banquet)}聚餐后 {ill} 人出现身体不适"
        hazard_id = _hazard(session, banquet, level=HazardLevel.MAJOR, text=f"疑似食源性疾病：{text}",
                            found_on=today, actor=actor, officer_id=None)  # fmt: skip
    audit.record_event(
        session=session,
        actor=actor,
        action="banquet.followup",
        object_type="banquet",
        object_id=banquet_id,
        after={"diners_actual": diners, "ill_count": ill, "hazard": hazard_id},
    )
    session.commit()
    sent: Mailed | None = None
    if hazard_id is not None:
        sent = notices.notify_offices(
            session=session,
            banquet=banquet,
            key=f"banquet-illness:{banquet_id}",
            subject=f"【重大】聚餐后出现身体不适：{ill} 人",
            text=f"{text}，已登记为重大风险隐患（编号 {hazard_id}），请立即核查处置。",
            levels=notices.TOWNSHIP_AND_COUNTY,
        )
    return {"id": banquet_id, "ill_count": ill, "hazard_id": hazard_id, "outbox": sent}
