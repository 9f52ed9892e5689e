"""Sections 一–五 and 七 of the briefing, written from the figures, each compared with the
previous quarter. A section is {"heading", "blocks"}; a block is a paragraph ("p"), a
sub-heading ("h2"), a table ("table": caption, headers, rows, note) or a chart ("chart": name).
"""

from services.reporting.briefing import text as tx
from services.reporting.briefing.text import change, pct, rate_change


def p(text: str) -> dict:
    return {"kind": "p", "text": text}


def table(caption: str, headers: list[str], rows: list[list], note: str = "") -> dict:
    return {
        "kind": "table",
        "caption": caption,
        "headers": headers,
        "rows": [[str(cell) for cell in row] for row in rows],
        "note": note,
    }


def chart(name: str, caption: str) -> dict:
    return {"kind": "chart", "name": name, "caption": caption}


def _grades(counts: dict, suffix: str = "级") -> str:
    return "、".join(f"{g}{suffix}{counts.get(g, 0)}家" for g in "ABCD")


def overview(c: dict) -> dict:
    """一、总体情况: entities, officers and 未包保."""
    cur, prev, word = c["cur"]["coverage"], c["prev"]["coverage"], c["scope_word"]
    risk = cur["entities_by_risk_grade"]
    high = risk.get("C", 0) + risk.get("D", 0)
    tiers = cur["officers_by_tier"]
    text = (
        f"截至{tx.cn_date(c['cur']['as_of'])}，{word}纳入包保的在营食品生产经营主体"
        f"{cur['entities']}家（{change(cur['entities'], prev['entities'], '家')}），"
        f"按主体等级分，{_grades(cur['entities_by_package_grade'])}；"
        f"风险等级为C级、D级的高风险主体{high}家。落实包保干部{cur['officers']}名"
        f"（{change(cur['officers'], prev['officers'], '名')}），其中"
        + "、".join(f"{tx.tier_label(t)}{n}名" for t, n in tiers.items())
        + "。"
    )
    blocks = [p(text)]
    grace = c["policy"].roster.unassigned_grace_workdays
    if cur["unassigned"]:
        names = [e["name"] for e in cur["unassigned_entities"]]
        blocks.append(
            p(
                f"尚未落实包保的主体{cur['unassigned']}家"
                f"（{change(cur['unassigned'], prev['unassigned'], '家')}）："
                f"{tx.listing(names, unit='家')}，应在{grace}个工作日内落实包保干部。"
            )
        )
    else:
        blocks.append(p(f"所有在营主体均已落实包保干部（上季度未包保{prev['unassigned']}家）。"))
    categories = cur["entities_by_category"]
    before = prev["entities_by_category"]
    rows = [[k, n, before.get(k, 0)] for k, n in sorted(categories.items(), key=lambda i: -i[1])]
    blocks.append(
        table(
            "表1 包保主体分布（按业态）",
            ["业态", "本季度（家）", "上季度（家）"],
            rows + [["合计", cur["entities"], prev["entities"]]],
        )
    )
    return {"heading": "一、总体情况", "blocks": blocks}


def _task_row(name: str, now: dict, before: dict | None) -> list:
    before = before or {}
    return [
        name,
        now["due"],
        now["done"],
        pct(now["completion_rate"]),
        pct(now["on_time_rate"]),
        now["undone"],
        pct(before.get("completion_rate")),
    ]


TASK_HEADERS = ["", "应督导", "已完成", "完成率", "按时完成率", "未完成", "上季度完成率"]


def supervision(c: dict) -> dict:
    """二、包保督导完成情况: totals, by tier, by township, officers with unfinished tasks."""
    cur, prev = c["cur"]["tasks"], c["prev"]["tasks"]
    now, before = cur["all"], prev["all"]
    sources = cur["by_source"]
    text = (
        f"本季度应督导{now['due']}家次（常规督导{sources.get('routine', {}).get('due', 0)}家次、"
        f"专项督导{sources.get('campaign', {}).get('due', 0)}家次），已完成{now['done']}家次，"
        f"完成率{pct(now['completion_rate'])}"
        f"（{rate_change(now['completion_rate'], before['completion_rate'])}）；"
        f"按时完成{now['on_time']}家次，按时完成率{pct(now['on_time_rate'])}"
        f"（{rate_change(now['on_time_rate'], before['on_time_rate'])}）；"
        f"未完成{now['undone']}家次（{change(now['undone'], before['undone'], '家次')}）。"
    )
    if now["cancelled"]:
        text += f"因包保关系结束或主体停业、注销取消任务{now['cancelled']}项。"
    tier_rows = [
        _task_row(tx.tier_label(t), cur["by_tier"][t], prev["by_tier"].get(t))
        for t in cur["by_tier"]
        if cur["by_tier"][t]["total"]
    ]
    town_rows = [
        _task_row(t["name"], cur["by_township"][t["code"]], prev["by_township"].get(t["code"]))
        for t in c["cur"]["townships"]
    ]
    blocks = [
        p(text),
        table("表2 分层级督导完成情况", ["层级", *TASK_HEADERS[1:]], tier_rows),
        table(
            "表3 分乡镇督导完成情况",
            ["乡镇（街道）", *TASK_HEADERS[1:]],
            town_rows,
            "注：乡镇统计其乡级、村级包保干部的任务。",
        ),
        chart("completion", "图1 各乡镇督导完成率"),
    ]
    blocks += _unfinished(c)
    return {"heading": "二、包保督导完成情况", "blocks": blocks}


def _unfinished(c: dict) -> list[dict]:
    officers, per_row = c["cur"]["unfinished_officers"], 8
    if not officers:
        return [p("本季度到期任务均已完成，没有未按期完成督导任务的包保干部。")]
    towns: dict[str, list[dict]] = {}
    for officer in officers:
        towns.setdefault(officer["township"], []).append(officer)
    rows = []
    for town, people in towns.items():
        people = sorted(people, key=lambda o: (-o["unfinished"], o["officer_code"]))
        names = [f"{o['officer']}（{o['unfinished']}）" for o in people]
        rows.append(
            [
                town,
                len(people),
                sum(o["unfinished"] for o in people),
                tx.listing(names, limit=per_row, unit="人"),
            ]
        )
    count = sum(o["unfinished"] for o in officers)
    return [
        p(
            f"截至{tx.cn_date(c['cur']['as_of'])}，{len(officers)}名包保干部的{count}项"
            "到期督导任务未完成，按乡镇和干部列示如下。"
        ),
        table(
            "表4 未按期完成督导任务的包保干部",
            ["乡镇（街道）", "干部（人）", "任务（项）", "包保干部（未完成项数）"],
            rows,
            "注：按未完成项数从多到少列出，每个乡镇最多列8人，完整名单见督导任务清单。",
        ),
    ]


def _closed_loop(name: str, now: dict, before: dict) -> str:
    due = now["carried_over"] + now["found"]
    return (
        f"{name}问题应闭环{due}个、已闭环{now['closed']}个，闭环率{pct(now['closure_rate'])}"
        f"（{rate_change(now['closure_rate'], before['closure_rate'])}）"
    )


def hazards(c: dict) -> dict:
    """三、问题隐患整改情况: found, closed, overdue; 抽检不合格 and 投诉举报 closed loops."""
    cur, prev = c["cur"]["hazards"], c["prev"]["hazards"]
    now, before = cur["totals"], prev["totals"]
    levels = "、".join(f"{tx.level_label(lv)}{n['found']}个" for lv, n in cur["by_level"].items())
    blocks = [
        p(
            f"本季度新发现问题隐患{now['found']}个（{change(now['found'], before['found'], '个')}），"
            f"其中{levels}；上季度结转{now['carried_over']}个。已整改销号{now['closed']}个"
            f"（{change(now['closed'], before['closed'], '个')}），销号率{pct(now['closure_rate'])}"
            f"（{rate_change(now['closure_rate'], before['closure_rate'])}）；尚未销号"
            f"{now['open']}个，其中逾期未整改{now['overdue']}个"
            f"（{change(now['overdue'], before['overdue'], '个')}）。"
        ),
        p(
            _closed_loop("抽检不合格", cur["by_source"]["sampling"], prev["by_source"]["sampling"])
            + "；"
            + _closed_loop(
                "投诉举报", cur["by_source"]["complaint"], prev["by_source"]["complaint"]
            )
            + "。"
        ),
    ]
    rows = [
        [
            tx.source_label(s),
            n["carried_over"],
            n["found"],
            n["closed"],
            pct(n["closure_rate"]),
            n["overdue"],
            pct(prev["by_source"][s]["closure_rate"]),
        ]
        for s, n in cur["by_source"].items()
        if n["carried_over"] + n["found"]
    ]
    blocks.append(
        table(
            "表5 问题隐患整改情况（按来源）",
            ["来源", "上季度结转", "新发现", "已销号", "销号率", "逾期", "上季度销号率"],
            rows,
        )
    )
    blocks.append(chart("trend", "图2 近四个季度问题隐患发现与销号情况"))
    return {"heading": "三、问题隐患整改情况", "blocks": blocks}


def lists(c: dict) -> dict:
    """四、风险隐患清单和治理责任清单: open items by level, the 重大 ones named."""
    cur, prev = c["cur"]["hazards"]["by_level"], c["prev"]["hazards"]["by_level"]
    total, before = sum(n["open"] for n in cur.values()), sum(n["open"] for n in prev.values())
    by_level = "、".join(f"{tx.level_label(lv)}{n['open']}个" for lv, n in cur.items())
    blocks = [
        p(
            f"截至{tx.cn_date(c['cur']['as_of'])}，风险隐患清单内尚未销号的隐患{total}个"
            f"（{change(total, before, '个')}），其中{by_level}，均已明确责任单位、责任人、"
            "整改措施和整改时限，纳入治理责任清单跟踪销号。"
        )
    ]
    major, limit = c["cur"]["major_open"], c["policy"].briefing.max_listed
    if not major:
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


def ranking(c: dict) -> dict:
    """五、红黑榜."""
    rank, w = c["rank"], c["policy"].ranking
    prev_rank = {t["code"]: t["rank"] for t in c["rank_prev"]["townships"]}
    names = {t["code"]: t["name"] for t in rank["townships"]}
    blocks = [
        p(
            f"按照按时完成率（权重{w.on_time_weight * 100:g}%）、隐患销号率（权重"
            f"{w.closure_weight * 100:g}%）计分，逾期{c['policy'].reminders.escalate_after_workdays}"
            f"个工作日以上的任务和隐患每项扣{w.overdue_penalty:g}分，对各乡镇（街道）排名如下。"
        )
    ]
    labels = {"red": "红榜", "black": "黑榜", None: ""}
    rows = [
        [
            t["rank"],
            t["name"],
            f"{t['score']:.2f}",
            pct(t["components"]["on_time_rate"]),
            pct(t["components"]["closure_rate"]),
            t["components"]["overdue_items"],
            prev_rank.get(t["code"], "—"),
            labels[t["list"]],
        ]
        for t in rank["townships"]
    ]
    blocks.append(
        table(
            "表7 各乡镇（街道）包保工作排名",
            [
                "名次",
                "乡镇（街道）",
                "得分",
                "按时完成率",
                "销号率",
                "逾期项",
                "上季度名次",
                "榜单",
            ],
            rows,
        )
    )
    red = "、".join(names[code] for code in rank["red"]) or "无"
    black = "、".join(names[code] for code in rank["black"]) or "无"
    blocks.append(p(f"红榜：{red}。黑榜：{black}。"))
    return {"heading": "五、红黑榜", "blocks": blocks}


def next_quarter(c: dict) -> dict:
    """七、下一季度工作安排: next quarter's task counts and campaigns (boilerplate follows)."""
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
    return {"heading": "七、下一季度工作安排", "blocks": [p(text + "。")], "boilerplate": True}
