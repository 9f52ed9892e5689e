"""Rates (docs/domain.md rule 9): each is a share of what there was to measure, and None ("—",
JSON null) when there was nothing, never 100% and never 0%. services.core.numbers.rate_text is
the one display form."""

from services.core.numbers import rate_text

__all__ = ["closure_rate", "completion_rate", "on_time_rate", "rate_text", "ratio"]


def ratio(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 places; None when whole is 0."""
    return round(part / whole, 4) if whole else None


def completion_rate(*, done: int, due: int) -> float | None:
    """完成率: tasks done / tasks due in the period."""
    return ratio(done, due)


def on_time_rate(*, on_time: int, due: int) -> float | None:
    """按时完成率: tasks done on time / tasks due (a unit that did nothing has 0%, not "—")."""
    return ratio(on_time, due)


def closure_rate(*, closed: int, to_close: int) -> float | None:
    """销号率: hazards closed / hazards to close in the period (found in it or carried into it)."""
    return ratio(closed, to_close)
