"""二、包保督导完成情况: the totals, by tier, by unit (townships; counties above the county,
where townships appear only among the worst N) and the officers with unfinished tasks."""

from typing import TypedDict

from models.enums import TaskSource
from reports.document import Block, CompletionChart
from services.figures.tasks import Township, UnfinishedOfficer
from services.reporting.briefing import text as tx
from services.reporting.briefing.blocks import BriefingContext, Part, before, chart, p, table
from services.reporting.briefing.text import change, pct, rate_change

TASK_HEADERS = ["应督导", "已完成", "完成率", "按时完成率", "未完成", "上季度完成率"]


class TaskLine(TypedDict):
    """What a task table's row shows of a unit (TaskRates, or a ranked unit's figures)."""

    due: int
    done: int
    completion_rate: float | None
    on_time_rate: float | None
    undone: int


def _task_row(name: str, now: TaskLine, was: float | None) -> list[object]:
    return [
        name,
        now["due"],
        now["done"],
        pct(now["completion_rate"]),
        pct(now["on_time_rate"]),
        now["undone"],
        pct(was),
    ]


def task_summary(c: BriefingContext) -> str:
    """The supervision paragraph; a quarter with nothing due says so instead of zeros."""
    now, sources = c["cur"]["tasks"]["all"], c["cur"]["tasks"]["by_source"]
    if not now["due"]:
        return "本季度没有到期的督导任务。"
    was = before(c, "tasks", "all") or {}
    routine = sources[TaskSource.ROUTINE]["due"] if TaskSource.ROUTINE in sources else 0
    campaign = sources[TaskSource.CAMPAIGN]["due"] if TaskSource.CAMPAIGN in sources else 0
    parts = [f"常规督导{routine}家次"] if routine else []
    parts += [f"专项督导{campaign}家次"] if campaign else []
    text = (
        f"本季度应督导{now['due']}家次（{'、'.join(parts)}），已完成{now['done']}家次，"
        f"完成率{pct(now['completion_rate'])}"
        f"（{rate_change(now['completion_rate'], was.get('completion_rate'))}）；"
        f"按时完成{now['on_time']}家次，按时完成率{pct(now['on_time_rate'])}"
        f"（{rate_change(now['on_time_rate'], was.get('on_time_rate'))}）"
    )
    if now["undone"]:
        text += f"；未完成{now['undone']}家次（{change(now['undone'], was.get('undone'), '家次')}）"
    text += "。"
    if now["cancelled"]:
        text += f"因包保关系结束或主体停业、注销取消任务{now['cancelled']}项。"
    return text


def _unit_rows(c: BriefingContext) -> tuple[str, list[list[object]]]:
    if c["by_county"]:
        was = {u["code"]: u["completion_rate"] for u in c["units_prev"] or []}
        rows = [
            _task_row(
                u["name"],
                {
                    "due": u["tasks_due"],
                    "done": u["tasks_done"],
                    "completion_rate": u["completion_rate"],
                    "on_time_rate": u["on_time_rate"],
                    "undone": u["tasks_unfinished"],
                },
                was.get(u["code"]),
            )
            for u in c["units"]
        ]
        return "县（区）", rows
    towns = c["cur"]["tasks"]["by_township"]
    rows = [
        _task_row(
            t["name"],
            towns[t["code"]],
            before(c, "tasks", "by_township", t["code"], "completion_rate"),
        )
        for t in c["cur"]["townships"]
    ]
    return "乡镇（街道）", rows


def worst_townships(c: BriefingContext) -> list[Township]:
    """The N townships of lowest completion rate ([briefing] worst_listed), worst first."""
    towns = c["cur"]["tasks"]["by_township"]
    rated = [t for t in c["cur"]["townships"] if towns[t["code"]]["completion_rate"] is not None]
    rated.sort(key=lambda t: (towns[t["code"]]["completion_rate"] or 0.0, t["code"]))
    return rated[: c["policy"].briefing.worst_listed]


def _worst_table(c: BriefingContext) -> list[Block]:
    towns, counties = c["cur"]["tasks"]["by_township"], c["counties_of"]
    worst = worst_townships(c)
    if not worst:
        return []
    rows = [
        [
            counties.get(t["code"], {}).get("name", ""),
            t["name"],
            *_task_row("", towns[t["code"]], None)[1:6],
        ]
        for t in worst
    ]
    return [
        table(
            f"表3-1 督导完成率最低的{len(worst)}个乡镇（街道）",
            ["县（区）", "乡镇（街道）", *TASK_HEADERS[:5]],
            rows,
        )
    ]


def completion_chart(c: BriefingContext) -> CompletionChart:
    """The data of 图1: completion rate by unit (townships; counties above the county)."""
    if c["by_county"]:
        labels = [u["name"] for u in c["units"]]
        values = [u["completion_rate"] for u in c["units"]]
    else:
        towns = c["cur"]["tasks"]["by_township"]
        labels = [t["name"] for t in c["cur"]["townships"]]
        values = [towns[t["code"]]["completion_rate"] for t in c["cur"]["townships"]]
    return {"labels": labels, "values": values, "target": c["policy"].briefing.completion_target}


def supervision(c: BriefingContext) -> Part:
    """二、包保督导完成情况: totals, by tier, by unit, officers with unfinished tasks."""
    cur = c["cur"]["tasks"]
    tier_rows = [
        _task_row(
            tx.tier_label(t),
            cur["by_tier"][t],
            before(c, "tasks", "by_tier", t, "completion_rate"),
        )
        for t in cur["by_tier"]
        if cur["by_tier"][t]["total"]
    ]
    unit, unit_rows = _unit_rows(c)
    blocks: list[Block] = [p(task_summary(c))]
    if tier_rows:
        blocks.append(table("表2 分层级督导完成情况", ["层级", *TASK_HEADERS], tier_rows))
    note = (
        "注：县（区）统计其辖区内全部包保任务。"
        if c["by_county"]
        else "注：乡镇统计其乡级、村级包保干部的任务。"
    )
    caption = "表3 分县（区）督导完成情况" if c["by_county"] else "表3 分乡镇督导完成情况"
    blocks.append(table(caption, [unit, *TASK_HEADERS], unit_rows, note))
    if c["by_county"]:
        blocks += _worst_table(c)
    blocks.append(chart("completion", f"图1 各{unit}督导完成率"))
    blocks += unfinished(c)
    return {"heading": "二、包保督导完成情况", "blocks": blocks}


def unfinished(c: BriefingContext) -> list[Block]:
    """Officers with unfinished tasks: by township and name (by county, counted, above it)."""
    officers, per_row = c["cur"]["unfinished_officers"], 8
    if not officers:
        if not c["cur"]["tasks"]["all"]["due"]:
            return []
        return [p("本季度到期任务均已完成，没有未按期完成督导任务的包保干部。")]
    count = sum(o["unfinished"] for o in officers)
    lead = p(
        f"截至{tx.cn_date(c['cur']['as_of'])}，{len(officers)}名包保干部的{count}项"
        "到期督导任务未完成，"
        + ("按县（区）列示如下。" if c["by_county"] else "按乡镇和干部列示如下。")
    )
    if c["by_county"]:
        counties: dict[str, list[UnfinishedOfficer]] = {}
        for o in officers:
            county = c["counties_of"].get(o["township_code"], {}).get("name") or o["township"]
            counties.setdefault(county, []).append(o)
        rows = [
            [name, len(people), sum(o["unfinished"] for o in people)]
            for name, people in sorted(
                counties.items(), key=lambda i: -sum(o["unfinished"] for o in i[1])
            )
        ]
        return [
            lead,
            table(
                "表4 未按期完成督导任务的包保干部（按县区）",
                ["县（区）", "干部（人）", "任务（项）"],
                rows,
                "注：干部名单见各县（区）季度汇报和督导任务清单。",
            ),
        ]
    towns: dict[str, list[UnfinishedOfficer]] = {}
    for officer in officers:
        towns.setdefault(officer["township"], []).append(officer)
    town_rows: list[list[object]] = []
    for town, people in towns.items():
        people = sorted(people, key=lambda o: (-o["unfinished"], o["officer_code"]))
        names = [f"{o['officer']}（{o['unfinished']}）" for o in people]
        town_rows.append(
            [
                town,
                len(people),
                sum(o["unfinished"] for o in people),
                tx.listing(names, limit=per_row, unit="人"),
            ]
        )
    return [
        lead,
        table(
            "表4 未按期完成督导任务的包保干部",
            ["乡镇（街道）", "干部（人）", "任务（项）", "包保干部（未完成项数）"],
            town_rows,
            "注：按未完成项数从多到少列出，每个乡镇最多列8人，完整名单见督导任务清单。",
        ),
    ]
