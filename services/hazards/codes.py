"""Chinese labels (or codes) of hazard sources, levels and states, parsed into codes."""

from models.enums import HazardLevel, HazardSource, HazardStatus, from_label, label
from services.core.errors import BadInput

# Sources a person may enter with `hazards add`; 督导 hazards come from recorded visits.
ADDABLE_SOURCES = ("sampling", "complaint", "review", "other")
# Status filters beyond the four states: every state but 已销号, and overdue ones.
STATUS_FILTERS = {"open": "未销号", "overdue": "逾期"}
_STATE_ALIASES = {"销号": "closed"}


def _choices(enum, codes=None) -> str:
    return "、".join(label(enum, c) for c in (codes or [m.value for m in enum]))


def parse_level(text: str) -> str:
    """The level code of 重大/较大/一般 (or a code); BadInput otherwise."""
    code = from_label(HazardLevel, (text or "").strip())
    if code is None:
        raise BadInput(f"隐患等级 {text!r} 无效，可选：{_choices(HazardLevel)}")
    return code


def parse_source(text: str, *, addable: bool = False) -> str:
    """The source code of a Chinese source label; with addable, 督导 is refused."""
    code = from_label(HazardSource, (text or "").strip())
    allowed = ADDABLE_SOURCES if addable else [m.value for m in HazardSource]
    if code not in allowed:
        hint = "（督导发现的隐患由督导记录自动生成）" if code == "inspection" else ""
        raise BadInput(f"来源 {text!r} 无效，可选：{_choices(HazardSource, allowed)}{hint}")
    return code


def parse_state(text: str) -> str:
    """The state code of 待整改/整改中/待验收/已销号 (or 销号, or a code)."""
    text = (text or "").strip()
    code = _STATE_ALIASES.get(text) or from_label(HazardStatus, text)
    if code is None:
        raise BadInput(f"状态 {text!r} 无效，可选：{_choices(HazardStatus)}")
    return code


def parse_status_filter(text: str) -> str:
    """A list filter: a state, or open (未销号) or overdue (逾期)."""
    text = (text or "").strip()
    for code, name in STATUS_FILTERS.items():
        if text in (code, name):
            return code
    code = _STATE_ALIASES.get(text) or from_label(HazardStatus, text)
    if code is None:
        choices = _choices(HazardStatus) + "、" + "、".join(STATUS_FILTERS.values())
        raise BadInput(f"状态 {text!r} 无效，可选：{choices}")
    return code
