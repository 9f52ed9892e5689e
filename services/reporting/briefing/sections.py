"""Sections 一, 三, 四 and 七 of the briefing, written from the figures, each compared with the
previous quarter where the system held data then. A section is {"heading", "blocks"} (blocks.py).
Each sentence has its rule: one whose figures are all zero is not written.
"""

from reports.document import Block
from services.figures.hazards import HazardRates
from services.reporting.briefing import text as tx
from services.reporting.briefing.blocks import BriefingContext, Part, before, chart, p, table
from services.reporting.briefing.text import change, pct, rate_change


def _grades(counts: dict[str, int], suffix: str = "级") -> str:
    return "、".join(f"{g}{suffix}{counts.get(g, 0)}家" for g in "ABCD")


def overview(c: BriefingContext) -> Part:
    """一、总体情况: entities, officers and 未包保."""
    cur, word = c["cur"]["coverage"], c["scope_word"]
    risk = cur["entities_by_risk_grade"]
    high = risk.get("C", 0) + risk.get("D", 0)
    tiers = cur["officers_by_tier"]
    text = (
        f"截至{tx.cn_date(c['cur']['as_of'])}，{word}纳入包保的在营食品生产经营主体"
        f"{cur['entities']}家（{change(cur['entities'], before(c, 'coverage', 'entities'), '家')}），"
        f"按主体等级分，{_grades(cur['entities_by_package_grade'])}；"
        f"风险等级为C级、D级的高风险主体{high}家。落实包保干部{cur['officers']}名"
        f"（{change(cur['officers'], before(c, 'coverage', 'officers'), '名')}），其中"
        + "、".join(f"{tx.tier_label(t)}{n}名" for t, n in tiers.items() if n)
        + "。"
    )
    blocks: list[Block] = [p(text)]
    grace = c["policy"].roster.unassigned_grace_workdays
    was = before(c, "coverage", "unassigned")
    if cur["unassigned"]:
        names = [e["name"] for e in cur["unassigned_entities"]]
        blocks.append(
            p(
                f"尚未落实包保的主体{cur['unassigned']}家"
                f"（{change(cur['unassigned'], was, '家')}）："
                f"{tx.listing(names, unit='家')}，应在{grace}个工作日内落实包保干部。"
            )
        )
    elif cur["entities"]:
        blocks.append(
            p("所有在营主体均已落实包保干部" + (f"（上季度未包保{was}家）。" if was else "。"))
        )
    categories = cur["entities_by_category"]
    earlier = before(c, "coverage", "entities_by_category")
    rows = [
        [k, n, "—" if earlier is None else earlier.get(k, 0)]
        for k, n in sorted(categories.items(), key=lambda i: -i[1])
    ]
    total_before = before(c, "coverage", "entities")
    blocks.append(
        table(
            "表1 包保主体分布（按业态）",
            ["业态", "本季度（家）", "上季度（家）"],
            rows + [["合计", cur["entities"], "—" if total_before is None else total_before]],
            "" if c["prev"] is not None else "注：上季度系统尚无数据，无可比数据。",
        )
    )
    return {"heading": "一、总体情况", "blocks": blocks}


def closed_loop(name: str, now: HazardRates, was: float | None) -> str | None:
    """ "抽检不合格问题应闭环…": None when there was nothing to close (all zero)."""
    due = now["carried_over"] + now["found"]
    if not due:
        return None
    return (
        f"{name}问题应闭环{due}个、已闭环{now['closed']}个，闭环率{pct(now['closure_rate'])}"
        f"（{rate_change(now['closure_rate'], was)}）"
    )


def hazard_summary(c: BriefingContext) -> str:
    """The hazards paragraph; a quarter with no hazard at all says so instead of zeros."""
    cur = c["cur"]["hazards"]
    now = cur["totals"]
    if not (now["found"] or now["carried_over"] or now["closed"] or now["open"]):
        return "本季度没有发现问题隐患，也没有上季度结转的隐患。"
    levels = "、".join(
        f"{tx.level_label(lv)}{n['found']}个" for lv, n in cur["by_level"].items() if n["found"]
    )
    was = before(c, "hazards", "totals") or {}
    text = f"本季度新发现问题隐患{now['found']}个（{change(now['found'], was.get('found'), '个')}）"
    text += f"，其中{levels}" if levels else ""
    text += f"；上季度结转{now['carried_over']}个" if now["carried_over"] else ""
    text += (
        f"。已整改销号{now['closed']}个（{change(now['closed'], was.get('closed'), '个')}），"
        f"销号率{pct(now['closure_rate'])}"
        f"（{rate_change(now['closure_rate'], was.get('closure_rate'))}）"
    )
    if now["open"]:
        text += f"；尚未销号{now['open']}个"
        if now["overdue"]:
            text += (
                f"，其中逾期未整改{now['overdue']}个"
                f"（{change(now['overdue'], was.get('overdue'), '个')}）"
            )
    return text + "。"


def hazards(c: BriefingContext) -> Part:
    """三、问题隐患整改情况: found, closed, overdue; 抽检不合格 and 投诉举报 closed loops."""
    cur = c["cur"]["hazards"]
    blocks: list[Block] = [p(hazard_summary(c))]
    loops = [
        closed_loop(
            name,
            cur["by_source"][code],
            before(c, "hazards", "by_source", code, "closure_rate"),
        )
        for code, name in (("sampling", "抽检不合格"), ("complaint", "投诉举报"))
    ]
    said = [loop for loop in loops if loop]
    if said:
        blocks.append(p("；".join(said) + "。"))
    rows = [
        [
            tx.source_label(s),
            n["carried_over"],
            n["found"],
            n["closed"],
            pct(n["closure_rate"]),
            n["overdue"],
            pct(before(c, "hazards", "by_source", s, "closure_rate")),
        ]
        for s, n in cur["by_source"].items()
        if n["carried_over"] + n["found"]
    ]
    if rows:
        blocks.append(
            table(
                "表5 问题隐患整改情况（按来源）",
                ["来源", "上季度结转", "新发现", "已销号", "销号率", "逾期", "上季度销号率"],
                rows,
            )
        )
    caption = (
        f"图2 {'近四个季度' if len(c['trend']) >= 4 else '有数据以来各季度'}问题隐患发现与销号情况"
    )
    blocks.append(chart("trend", caption))
    return {"heading": "三、问题隐患整改情况", "blocks": blocks}


def lists(c: BriefingContext) -> Part:
    """四、风险隐患清单和治理责任清单: open items by level, the 重大 ones named."""
    cur, prev = c["cur"]["hazards"]["by_level"], before(c, "hazards", "by_level")
    total = sum(n["open"] for n in cur.values())
    was = None if prev is None else sum(n["open"] for n in prev.values())
    by_level = "、".join(f"{tx.level_label(lv)}{n['open']}个" for lv, n in cur.items() if n["open"])
    day = tx.cn_date(c["cur"]["as_of"])
    if not total:
        text = f"截至{day}，风险隐患清单内没有尚未销号的隐患。"
    else:
        text = (
            f"截至{day}，风险隐患清单内尚未销号的隐患{total}个"
            f"（{change(total, was, '个')}），其中{by_level}，均已明确责任单位、责任人、"
            "整改措施和整改时限，纳入治理责任清单跟踪销号。"
        )
    blocks: list[Block] = [p(text)]
    major, limit = c["cur"]["major_open"], c["policy"].briefing.max_listed
    if not major:
        if total:
            blocks.append(p("清单内没有未销号的重大风险隐患。"))
        return {"heading": "四、风险隐患清单和治理责任清单", "blocks": blocks}
    rows = [
        [
            i,
            h["entity"] or h["jurisdiction"],
            h["jurisdiction"],
            h["description"],
            h["responsible_unit"],
            h["responsible_person"],
            tx.cn_date(h["deadline"]),
            tx.overdue_text(h["overdue_workdays"]),
        ]
        for i, h in enumerate(major[:limit], 1)
    ]
    note = (
        f"注：另有{len(major) - limit}个重大隐患未列出，详见风险隐患清单。"
        if len(major) > limit
        else ""
    )
    blocks.append(p(f"未销号的重大风险隐患{len(major)}个，逐项列示如下。"))
    blocks.append(
        table(
            "表6 未销号的重大风险隐患",
            ["序号", "主体", "所属区划", "隐患描述", "责任单位", "责任人", "整改时限", "完成情况"],
            rows,
            note,
        )
    )
    return {"heading": "四、风险隐患清单和治理责任清单", "blocks": blocks}


def next_quarter(c: BriefingContext) -> Part:
    """八、下一季度工作安排: next quarter's task counts and campaigns (boilerplate follows)."""
    work = c["next"]
    label = tx.quarter_label(work["quarter"])
    if work["routine_tasks"]:
        text = f"{label}应开展常规督导{work['routine_tasks']}家次"
    else:
        covered = c["cur"]["coverage"]["entities"] - c["cur"]["coverage"]["unassigned"]
        text = f"{label}预计应开展常规督导{covered}家次（任务于季度初自动生成）"
    if work["campaigns"]:
        text += "；专项督导安排：" + "；".join(
            f"{cp['name']}（{cp['tasks']}家次，{tx.cn_date(cp['due_date'])}前完成）"
            for cp in work["campaigns"]
        )
    return {"heading": "八、下一季度工作安排", "blocks": [p(text + "。")], "boilerplate": True}
