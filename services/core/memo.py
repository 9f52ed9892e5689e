"""Figures remembered for a few seconds in this process: a page that many offices open at once
(the dashboard) is counted once per office, not once per request.

Every write in this process to a table the figures read forgets everything at once; writes of
other processes (the scheduler, the command line) show within the remembered seconds. A figure
given a recount is counted again ahead of time: once half its seconds have passed, the next
request starts recount() in the background (one recount at a time in the process) and is
answered with what is remembered, so an office opening its page steadily never waits for the
counting, and nothing answered is older than the remembered seconds.
"""

import logging
import re
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from time import monotonic
from typing import Any, NamedTuple, TypeVar

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
log = logging.getLogger("baobao.memo")


class _Kept(NamedTuple):
    counted: float  # monotonic() when its counting started
    generation: int
    value: Any


_lock = threading.Lock()
_store: dict[Hashable, _Kept] = {}
_recounting: set[Hashable] = set()
_recounter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baobao-recount")
_generation = 0


def forget() -> None:
    """Forget every remembered figure (a figure table was written)."""
    global _generation
    with _lock:
        _generation += 1
        _store.clear()


def remembered(
    key: Hashable,
    seconds: float,
    compute: Callable[[], T],
    *,
    recount: Callable[[], T] | None = None,
) -> T:
    """compute()'s value, remembered under key for `seconds` (0: always computed anew);
    recount() (the same figures on a connection of its own) renews it in the background once
    half the seconds have passed."""
    if seconds <= 0:
        return compute()
    now = monotonic()
    with _lock:
        found, generation = _store.get(key), _generation
        if found is not None and found.generation == generation and now - found.counted < seconds:
            if recount is not None and now - found.counted >= seconds / 2:
                _recount_later(key, generation, recount)
            return found.value  # type: ignore[no-any-return]
    value = compute()
    _keep(key, _Kept(now, generation, value))
    return value


def recounting() -> bool:
    """Whether a background recount is queued or running (tests wait for it to end)."""
    with _lock:
        return bool(_recounting)


def _recount_later(key: Hashable, generation: int, recount: Callable[[], Any]) -> None:
    """Queue one recount of key (called holding the lock; nothing if one is queued already)."""
    if key not in _recounting:
        _recounting.add(key)
        _recounter.submit(_recount, key, generation, recount)


def _recount(key: Hashable, generation: int, recount: Callable[[], Any]) -> None:
    started = monotonic()
    try:
        _keep(key, _Kept(started, generation, recount()))
    except Exception:  # the remembered value runs out; a request then counts and shows the error
        log.exception("后台重新统计失败：%s", key)
    finally:
        with _lock:
            _recounting.discard(key)


def _keep(key: Hashable, kept: _Kept) -> None:
    """Remember kept unless a write came after its counting began (or a later count is kept)."""
    with _lock:
        found = _store.get(key)
        if kept.generation == _generation and (found is None or found.counted <= kept.counted):
            _store[key] = kept


@event.listens_for(Engine, "after_cursor_execute")
def _written(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    match = _WRITE.match(statement)
    if match and match.group(1).lower() in FIGURE_TABLES:
        forget()
