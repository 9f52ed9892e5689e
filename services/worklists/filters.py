"""The filters of a supervisor list, checked once: every value is a code of its enumeration, a
period name, a jurisdiction or officer code; anything else is one Chinese message (BadInput)."""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from models.enums import HazardLevel, HazardSource, HazardStatus, OfficerTier, TaskSource
from services.core.errors import BadInput
from services.core.periods import Period, parse_period

PAGE_SIZE = 50
TASK_STATES = ("overdue", "open", "done", "cancelled", "handed_over")
HAZARD_STATES = ("open", "overdue", "verify_overdue", *(s.value for s in HazardStatus))
TASK_SORTS = ("due_date", "entity", "officer", "township", "done_on")
HAZARD_SORTS = ("deadline", "found_on", "level", "entity", "officer", "township")
MAX_PAGE = 100_000


@dataclass(frozen=True)
class ListFilter:
    """What a supervisor asked to see; None is "any"."""

    township: str | None = None  # 区划代码 of a jurisdiction in scope (its subtree)
    officer: str | None = None  # 干部编号
    tier: OfficerTier | None = None  # the officer's tier (层级)
    status: str | None = None  # a shown task state, or a hazard state / "open" / "overdue"
    source: str | None = None  # TaskSource or HazardSource code
    level: HazardLevel | None = None  # 隐患等级 (hazards only)
    period: Period | None = None  # tasks due in it; hazards found in it
    q: str | None = None  # name or code (entity, officer)
    sort: str = ""
    descending: bool = False
    page: int = 1

    def query_string(self, **changes: object) -> str:
        """These filters (with changes) as a URL query, for links and the export."""
        from urllib.parse import urlencode

        shown = replace(self, **changes)  # type: ignore[arg-type]
        pairs = {
            "township": shown.township,
            "officer": shown.officer,
            "tier": shown.tier,
            "status": shown.status,
            "source": shown.source,
            "level": shown.level,
            "period": shown.period.name if shown.period else None,
            "q": shown.q,
            "sort": shown.sort or None,
            "desc": "1" if shown.descending else None,
            "page": shown.page if shown.page > 1 else None,
        }
        return urlencode({k: v for k, v in pairs.items() if v not in (None, "")})


def _pick(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise BadInput(f"{what}“{value}”无效")
    return value


def _text(params: Mapping[str, str], name: str) -> str:
    return (params.get(name) or "").strip()


def parse_filter(*, params: Mapping[str, str], kind: str) -> ListFilter:
    """The filters of a task ("tasks") or hazard ("hazards") list from query parameters."""
    tasks = kind == "tasks"
    states = TASK_STATES if tasks else HAZARD_STATES
    sources = tuple(TaskSource if tasks else HazardSource)
    sorts = TASK_SORTS if tasks else HAZARD_SORTS
    status, source, level = _text(params, "status"), _text(params, "source"), _text(params, "level")
    tier, period, page = _text(params, "tier"), _text(params, "period"), _text(params, "page")
    sort = _text(params, "sort")
    if page and not (page.isdigit() and 1 <= int(page) <= MAX_PAGE):
        raise BadInput(f"页码“{page}”无效")
    q = _text(params, "q")
    if len(q) > 100:
        raise BadInput("搜索内容不能超过 100 个字")
    return ListFilter(
        township=_text(params, "township") or None,
        officer=_text(params, "officer") or None,
        tier=OfficerTier(_pick(tier, tuple(OfficerTier), "层级")) if tier else None,
        status=_pick(status, states, "状态") if status else None,
        source=_pick(source, tuple(s.value for s in sources), "来源") if source else None,
        level=HazardLevel(_pick(level, tuple(HazardLevel), "隐患等级")) if level else None,
        period=parse_period(period) if period else None,
        q=q or None,
        sort=_pick(sort, sorts, "排序") if sort else "",
        descending=_text(params, "desc") == "1",
        page=int(page) if page else 1,
    )
