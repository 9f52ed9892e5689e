"""Banquet figures (rule 14) of a subtree over a span of days, per township.

A span's banquets are those whose event date lies in it and that were not cancelled by as_of.
Of them: to guide = with a 现场指导 task (expected diners >= [banquets] min_diners); guided = its
guidance recorded by as_of; guided on time = recorded on or before the task's due date; late =
filed later than [banquets] file_days_before (flagged when filed); with illness = a 回访 by as_of
reporting anyone ill; ill = how many fell ill. guidance_rate = guided / to guide (None when
nothing was to be guided). A banquet belongs to the township of its village. Guidance tasks
count here only, never in the 包保 task figures (services.figures.tasks joins the entity).
"""

import datetime as dt
from typing import TypedDict

from sqlalchemy import text
from sqlmodel import Session

from services.core.jurisdictions import Place, path_like
from services.figures.rates import ratio

COUNTED = ("filed", "to_guide", "guided", "guided_on_time", "late", "with_illness", "ill")


class BanquetCounts(TypedDict):
    """The banquet figures of one township or of the whole subtree."""

    filed: int
    to_guide: int
    guided: int
    guided_on_time: int
    late: int
    with_illness: int
    ill: int
    guidance_rate: float | None


class BanquetFigures(TypedDict):
    totals: BanquetCounts
    by_township: dict[str, BanquetCounts]  # township code → counts (townships with banquets)


_SQL = """
SELECT b.jurisdiction_id AS jid, COUNT(*) AS filed,
  SUM(CASE WHEN t.id IS NOT NULL AND t.status <> 'cancelled' THEN 1 ELSE 0 END) AS to_guide,
  SUM(CASE WHEN b.guided_on <= :as_of THEN 1 ELSE 0 END) AS guided,
  SUM(CASE WHEN b.guided_on <= :as_of AND b.guided_on <= t.due_date THEN 1 ELSE 0 END)
    AS guided_on_time,
  SUM(CASE WHEN b.late_filing THEN 1 ELSE 0 END) AS late,
  SUM(CASE WHEN b.followed_up_on <= :as_of AND b.ill_count > 0 THEN 1 ELSE 0 END)
    AS with_illness,
  SUM(CASE WHEN b.followed_up_on <= :as_of THEN COALESCE(b.ill_count, 0) ELSE 0 END) AS ill
FROM banquet b JOIN jurisdiction j ON j.id = b.jurisdiction_id
LEFT JOIN inspection_task t ON t.banquet_id = b.id
WHERE b.event_date BETWEEN :start AND :end AND j.path LIKE :scope ESCAPE '\\'
  AND NOT (b.status = 'cancelled' AND b.cancelled_on <= :as_of)
GROUP BY b.jurisdiction_id
"""


def _counts(values: dict[str, int]) -> BanquetCounts:
    return {
        "filed": values["filed"],
        "to_guide": values["to_guide"],
        "guided": values["guided"],
        "guided_on_time": values["guided_on_time"],
        "late": values["late"],
        "with_illness": values["with_illness"],
        "ill": values["ill"],
        "guidance_rate": ratio(values["guided"], values["to_guide"]),
    }


def banquet_figures(
    *,
    session: Session,
    scope_path: str,
    where: dict[int, Place],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
) -> BanquetFigures:
    """Banquets with their event in [start, end]: totals and by township (see the module)."""
    params = {"scope": path_like(scope_path), "start": start, "end": end, "as_of": as_of}
    totals = dict.fromkeys(COUNTED, 0)
    towns: dict[str, dict[str, int]] = {}
    for row in session.execute(text(_SQL), params).mappings():
        place = where.get(row["jid"])
        town = towns.setdefault(place.group_code if place else "", dict.fromkeys(COUNTED, 0))
        for key in COUNTED:
            totals[key] += int(row[key] or 0)
            town[key] += int(row[key] or 0)
    return {
        "totals": _counts(totals),
        "by_township": {code: _counts(c) for code, c in sorted(towns.items())},
    }
