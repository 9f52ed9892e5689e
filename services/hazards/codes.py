"""Chinese labels (or codes) of hazard sources, levels and states, parsed into codes."""

from collections.abc import Iterable
from enum import StrEnum

from models.enums import HazardFilter, HazardLevel, HazardSource, HazardStatus, from_label, label
from services.core.errors import BadInput

# Sources a person may enter with `hazards add`; 督导 hazards come from recorded visits.
ADDABLE_SOURCES = tuple(s for s in HazardSource if s != HazardSource.INSPECTION)
# Status filters beyond the four states: every state but 已销号, and overdue ones.
STATUS_FILTERS = {f: label(HazardFilter, f) for f in (HazardFilter.OPEN, HazardFilter.OVERDUE)}
_STATE_ALIASES = {"销号": HazardStatus.CLOSED}


def _choices(enum: type[StrEnum], codes: Iterable[str] | None = None) -> str:
    return "、".join(label(enum, c) for c in (codes or [m.value for m in enum]))


def parse_level(text: str) -> HazardLevel:
    """The level code of 重大/较大/一般 (or a code); BadInput otherwise."""
    code = from_label(HazardLevel, (text or "").strip())
    if code is None:
        raise BadInput(f"隐患等级 {text!r} 无效，可选：{_choices(HazardLevel)}")
    return code


def parse_source(text: str, *, addable: bool = False) -> HazardSource:
    """The source code of a Chinese source label; with addable, 督导 is refused."""
    code = from_label(HazardSource, (text or "").strip())
    allowed = ADDABLE_SOURCES if addable else tuple(HazardSource)
    if code is None or code not in allowed:
        hint = "（督导发现的隐患由督导记录自动生成）" if code == HazardSource.INSPECTION else ""
        raise BadInput(f"来源 {text!r} 无效，可选：{_choices(HazardSource, allowed)}{hint}")
    return code


def parse_state(text: str) -> HazardStatus:
    """The state code of 待整改/整改中/待验收/已销号 (or 销号, or a code)."""
    text = (text or "").strip()
    code = _STATE_ALIASES.get(text) or from_label(HazardStatus, text)
    if code is None:
        raise BadInput(f"状态 {text!r} 无效，可选：{_choices(HazardStatus)}")
    return code


def parse_status_filter(text: str) -> HazardFilter:
    """A list filter: a state, or open (未销号) or overdue (逾期)."""
    text = (text or "").strip()
    for shown, name in STATUS_FILTERS.items():
        if text in (shown, name):
            return shown
    code = _STATE_ALIASES.get(text) or from_label(HazardStatus, text)
    if code is None:
        choices = _choices(HazardStatus) + "、" + "、".join(STATUS_FILTERS.values())
        raise BadInput(f"状态 {text!r} 无效，可选：{choices}")
    return HazardFilter(code)
