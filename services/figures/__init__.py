"""The figures: the one definition of each (on time, late, overdue, completion, closure,
escalation, coverage) and the quarter's stats built on them, read by every report and page."""

from services.figures.banquets import BanquetCounts, BanquetFigures, banquet_figures
from services.figures.common import as_date, as_of, escalation_cutoff, jsonable, ratio
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
    "coverage_figures",
    "coverage_rate",
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
    "unassigned_by_township",
    "unfinished_by_officer",
    "upcoming_work",
    "visit_figures",
]
