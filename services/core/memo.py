"""Figures remembered for a few seconds in this process: a page that many offices open at once
(the dashboard) is counted once per office, not once per request.

Every write in this process to a table the figures read forgets everything at once; writes of
other processes (the scheduler, the command line) show within the remembered seconds.
"""

import re
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

T = TypeVar("T")
FIGURE_TABLES = frozenset(
    {
        "assignment",
        "calendar_day",
        "entity",
        "handover",
        "hazard",
        "inspection_record",
        "inspection_task",
        "jurisdiction",
        "officer",
    }
)
_WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+(?:\w+\.)?\"?(\w+)", re.I)
_lock = threading.Lock()
_store: dict[Hashable, tuple[float, int, Any]] = {}
_generation = 0


def forget() -> None:
    """Forget every remembered figure (a figure table was written)."""
    global _generation
    with _lock:
        _generation += 1
        _store.clear()


def remembered(key: Hashable, seconds: float, compute: Callable[[], T]) -> T:
    """compute()'s value, remembered under key for `seconds` (0: always computed anew)."""
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        found = _store.get(key)
        generation = _generation
    if found is not None and found[0] > now and found[1] == generation:
        return found[2]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        if generation == _generation:
            _store[key] = (now + seconds, generation, value)
    return value


@event.listens_for(Engine, "after_cursor_execute")
def _written(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    match = _WRITE.match(statement)
    if match and match.group(1).lower() in FIGURE_TABLES:
        forget()
