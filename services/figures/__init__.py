"""The figures: the one definition of each (definitions: on time, late, overdue, escalation,
verification overdue, the 包保-task and counted-hazard predicates; rates: completion, on-time,
closure, coverage and their display) and the quarter's stats built on them, read by every
report, page, list, message and the API."""

from services.figures.banquets import BanquetCounts, BanquetFigures, banquet_figures
from services.figures.common import as_date, as_of, jsonable
from services.figures.coverage import coverage_figures, coverage_rate, unassigned_by_township
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
from services.figures.rates import closure_rate, completion_rate, on_time_rate, rate_text, ratio
from services.figures.tasks import (
    COUNTED,
    TIERS,
    task_figures,
    township_list,
    unfinished_by_officer,
    upcoming_work,
)
from services.figures.visits import campaign_figures, visit_figures

__all__ = [
    "BanquetCounts",
    "BanquetFigures",
    "COUNTED",
    "FIGURES",
    "LEVELS",
    "SOURCES",
    "TIERS",
    "VERSION",
    "QuarterFigures",
    "as_date",
    "as_of",
    "banquet_figures",
    "briefing_figures",
    "campaign_figures",
    "closure_rate",
    "completion_rate",
    "coverage_figures",
    "coverage_rate",
    "escalated_hazards",
    "hazard_figures",
    "hazard_trend",
    "jsonable",
    "lookback",
    "next_quarter_work",
    "on_time_rate",
    "open_hazards",
    "quarter_figures",
    "quarter_stats",
    "rate_text",
    "ratio",
    "repeat_offenders",
    "task_figures",
    "township_list",
    "unassigned_by_township",
    "unfinished_by_officer",
    "upcoming_work",
    "visit_figures",
]
