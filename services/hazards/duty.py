"""The governance duty of a hazard: 整改时限 by level, and default 责任单位/责任人/整改措施."""

import datetime as dt
import string
from typing import TypedDict

from sqlmodel import Session

from config.files import load_policy
from models.entity import Entity
from models.enums import HazardLevel
from models.officer import Officer
from services.core import calendar
from services.core.errors import BadInput
from services.core.jurisdictions import place_names


def deadline_for(*, level: str, found_on: dt.date) -> dt.date:
    """整改时限: the discovery date plus the level's working days (policy)."""
    workdays = load_policy().hazards.deadline_workdays
    return calendar.add_workdays(found_on, workdays[HazardLevel(level).value])


def check_deadline(*, deadline: dt.date, found_on: dt.date) -> dt.date:
    """A deadline given by hand may not lie before the discovery date."""
    if deadline < found_on:
        raise BadInput(f"整改时限 {deadline} 早于发现日期 {found_on}")
    return deadline


class Duty(TypedDict):
    """A hazard's governance duty: 责任单位, 责任人, 整改措施 (None: blank)."""

    responsible_unit: str | None
    responsible_person: str | None
    measure: str | None


def default_duty(
    *, session: Session, jurisdiction_id: int, officer: Officer | None, entity: Entity | None
) -> Duty:
    """责任单位, 责任人 and 整改措施 from the policy's patterns; blank where a name is missing."""
    policy = load_policy().hazards
    names = place_names(session=session, jurisdiction_id=jurisdiction_id)
    names["township"] = names["township"] or names["county"] or names["jurisdiction"]
    names["officer"] = officer.name if officer else ""
    names["entity"] = entity.name if entity else ""
    return {
        "responsible_unit": _fill(policy.responsible_unit, names),
        "responsible_person": _fill(policy.responsible_person, names),
        "measure": _fill(policy.measure, names),
    }


def _fill(pattern: str, names: dict[str, str]) -> str | None:
    fields = [field for _, field, _, _ in string.Formatter().parse(pattern) if field]
    # A pattern whose placeholders are all empty (e.g. "{officer}" with no officer) is blank.
    if fields and not any(names.get(field) for field in fields):
        return None
    return pattern.format(**names).strip() or None
