"""The one stats service: every figure of a jurisdiction subtree for a quarter, computed here
only, read by the briefing, the ranking, the risk review and the dashboard.

Parts: common (as_of, rates, the escalation cutoff), coverage (entities, officers, 未包保),
tasks (due / done / on time / overdue by tier, source and township; next quarter's work),
hazards (found / closed / open / overdue by level, source and township; open and escalated
items), offenders (屡查屡犯) and quarter (the whole quarter in one JSON-ready dict).
"""

from services.figures.common import as_date, as_of, escalation_cutoff, jsonable, ratio
from services.figures.coverage import coverage_figures
from services.figures.hazards import (
    FIGURES,
    LEVELS,
    SOURCES,
    escalated_hazards,
    hazard_figures,
    open_hazards,
)
from services.figures.offenders import lookback, repeat_offenders
from services.figures.quarter import (
    VERSION,
    QuarterFigures,
    briefing_figures,
    hazard_trend,
    next_quarter_work,
    quarter_figures,
    quarter_stats,
)
from services.figures.tasks import (
    COUNTED,
    TIERS,
    task_figures,
    township_list,
    unfinished_by_officer,
    upcoming_work,
)

__all__ = [
    "COUNTED",
    "FIGURES",
    "LEVELS",
    "SOURCES",
    "TIERS",
    "VERSION",
    "QuarterFigures",
    "as_date",
    "as_of",
    "briefing_figures",
    "coverage_figures",
    "escalated_hazards",
    "escalation_cutoff",
    "hazard_figures",
    "hazard_trend",
    "jsonable",
    "lookback",
    "next_quarter_work",
    "open_hazards",
    "quarter_figures",
    "quarter_stats",
    "ratio",
    "repeat_offenders",
    "task_figures",
    "township_list",
    "unfinished_by_officer",
    "upcoming_work",
]
