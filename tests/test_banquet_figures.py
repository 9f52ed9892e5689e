"""Banquet figures per township for a month and a quarter, counted a second way from the banquet
list; the 月报 and the annual summary carry them; cancelled banquets and small ones as defined."""

import datetime as dt
import json

from sqlalchemy import select, text
from sqlmodel import Session

from config.files import load_checklist
from models.jurisdiction import Jurisdiction
from services.core.jurisdictions import places, resolve_scope
from services.figures.banquets import banquet_figures
from services.figures.rates import ratio


def _villages(engine) -> list[str]:
    with Session(engine) as session:
        return list(
            session.execute(
                select(Jurisdiction.code)
                .where(Jurisdiction.level == "village")
                .order_by(Jurisdiction.code)
            ).scalars()
        )


def _season(cli, url: str, tmp_path) -> None:
    """A handful of banquets in 2026-10 and 2026-11: late, guided, cancelled, ill, small."""
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({i.id: "是" for i in load_checklist().guidance}), encoding="utf-8"
    )
    run = lambda *a: cli("--db", url, *a)  # noqa: E731
    villages = _villages_from(url)
    plan = [  # (filed, village, event, diners)
        ("2026-09-22", villages[0], "2026-10-03", 150),
        ("2026-10-01", villages[1], "2026-10-03", 300),  # late
        ("2026-09-22", villages[2], "2026-10-12", 80),  # below min_diners
        ("2026-09-22", villages[-1], "2026-10-20", 120),  # cancelled below
        ("2026-09-22", villages[-1], "2026-11-05", 200),
    ]
    ids = []
    for filed, village, event, diners in plan:
        code, out, err = run("--today", filed, "banquet", "add", "--village", village, "--host", "王 某",
                             "--date", event, "--diners", str(diners), "--json")  # fmt: skip
        assert code == 0, err
        ids.append(json.loads(out)["id"])
    assert (
        run("--today", "2026-10-02", "banquet", "guide", str(ids[0]), "--answers", str(answers))[0]
        == 0
    )
    assert (
        run("--today", "2026-10-02", "banquet", "guide", str(ids[1]), "--answers", str(answers))[0]
        == 0
    )
    assert (
        run(
            "--today",
            "2026-10-04",
            "banquet",
            "followup",
            str(ids[1]),
            "--diners",
            "280",
            "--ill",
            "4",
        )[0]
        == 0
    )
    assert (
        run("--today", "2026-10-04", "banquet", "followup", str(ids[0]), "--diners", "150")[0] == 0
    )
    assert run("--today", "2026-10-05", "banquet", "cancel", str(ids[3]))[0] == 0


_URLS: dict[str, object] = {}


def _villages_from(url: str) -> list[str]:
    from models.db import get_engine

    return _villages(get_engine(url))


def _second_way(cli, url: str, month: str, as_of: str) -> dict[str, dict[str, int]]:
    """Counts by township code from `banquet list --json` and the jurisdiction tree."""
    from models.db import get_engine

    _, out, _ = cli("--db", url, "--today", as_of, "banquet", "list", "--month", month, "--json")
    with Session(get_engine(url)) as session:
        parent = dict(session.execute(select(Jurisdiction.code, Jurisdiction.parent_id)).all())
        code_of = dict(session.execute(select(Jurisdiction.id, Jurisdiction.code)).all())
    counts: dict[str, dict[str, int]] = {}
    for b in json.loads(out)["banquets"]:
        if b["status"] == "已取消":
            continue
        town = code_of[parent[b["village_code"]]]
        c = counts.setdefault(
            town, dict.fromkeys(("filed", "to_guide", "guided", "late", "with_illness", "ill"), 0)
        )
        c["filed"] += 1
        c["to_guide"] += b["task_id"] is not None
        c["guided"] += b["guided_on"] is not None and b["guided_on"] <= as_of
        c["late"] += b["late_filing"]
        c["with_illness"] += bool(b["ill_count"])
        c["ill"] += b["ill_count"] or 0
    return counts


def test_month_figures_by_township_counted_a_second_way(
    town_tasks, engine, cli, set_today, tmp_path
):
    _season(cli, town_tasks, tmp_path)
    expected = _second_way(cli, town_tasks, "2026-10", "2026-10-31")
    set_today("2026-11-10")
    with Session(engine) as session:
        root = resolve_scope(session=session)
        got = banquet_figures(session=session, scope_path=root.path, where=places(session=session, root=root),
                              start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), as_of=dt.date(2026, 10, 31))  # fmt: skip
    assert set(got["by_township"]) == set(expected)
    for code, c in expected.items():
        mine = got["by_township"][code]
        assert {k: mine[k] for k in c} == c
        assert mine["guidance_rate"] == ratio(c["guided"], c["to_guide"])
    assert got["totals"]["filed"] == sum(c["filed"] for c in expected.values())
    assert (
        got["totals"]["with_illness"] == 1 and got["totals"]["ill"] == 4
    )  # the one 回访 with illness


def test_nothing_to_guide_is_a_dash(town_tasks, engine, set_today):
    set_today("2026-11-10")
    with Session(engine) as session:
        root = resolve_scope(session=session)
        got = banquet_figures(session=session, scope_path=root.path, where=places(session=session, root=root),
                              start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), as_of=dt.date(2026, 10, 31))  # fmt: skip
    assert got["totals"]["filed"] == 0 and got["totals"]["guidance_rate"] is None


def test_monthly_report_and_annual_summary_carry_the_banquets(
    town_tasks, engine, cli, set_today, tmp_path
):
    from services.reporting import annual, monthly

    _season(cli, town_tasks, tmp_path)
    expected = _second_way(cli, town_tasks, "2026-10", "2026-10-31")
    filed = sum(c["filed"] for c in expected.values())
    set_today("2026-11-10")
    with Session(engine) as session:
        c = monthly.context(session=session, month=monthly.parse_month("2026-10"))
        doc = monthly.document(c)
    section = next(s for s in doc["sections"] if s["heading"].startswith("四、农村集体聚餐"))
    assert f"备案农村集体聚餐{filed}场" in section["blocks"][0]["text"]
    total_row = section["blocks"][1]["rows"][-1]
    assert total_row[0] == "合计" and total_row[1] == str(filed)
    # Tables are numbered in order whichever sections carry one (未包保's table may be absent).
    tables = [b["caption"] for s in doc["sections"] for b in s["blocks"] if b["kind"] == "table"]
    assert [t.split(" ")[0] for t in tables] == [f"表{i}" for i in range(1, len(tables) + 1)]
    assert tables[-1].endswith("分乡镇农村集体聚餐备案情况")
    set_today("2026-12-31")
    with Session(engine) as session:
        c = annual.context(session=session, year="2026")
        doc = annual.document(c)
    said = [
        b["text"] for s in doc["sections"] for b in s["blocks"] if b.get("figure") == "banquets"
    ]
    assert said and f"全年备案农村集体聚餐{filed + 1}场" in said[0]  # and the November one


def test_the_county_demo_files_a_season_with_peaks(engine, set_today):
    from collections import Counter

    from services.banquets.rules import guidance_due
    from services.demo import dataset as demo

    set_today("2026-12-06")
    counts = demo.fill(engine=engine, scale="county", seed=2)
    with Session(engine) as session:
        rows = session.execute(
            text(
                "SELECT b.event_date, b.filed_on, t.due_date, b.diners, t.id FROM banquet b "
                "LEFT JOIN inspection_task t ON t.banquet_id = b.id"
            )
        ).all()
    assert counts["聚餐备案"] == len(rows) > 1000
    by_month = Counter(str(r[0])[5:7] for r in rows)
    ordinary = sum(by_month[m] for m in ("03", "04", "06", "07", "09", "11")) / 6
    assert (
        min(by_month["02"], by_month["10"], by_month["05"]) > 1.4 * ordinary
    )  # 春节, 国庆, weddings
    for event, filed, due, diners, task in rows:
        as_day = dt.date.fromisoformat
        assert (task is not None) is (diners >= 100)
        if task is not None:
            assert as_day(str(due)) == guidance_due(
                event_date=as_day(str(event)), filed_on=as_day(str(filed))
            )
