"""The 红黑榜 page in Chromium at 390×844 and 1440×900: a township supervisor finds it in the
navigation and reads the whole county's board (every township with tasks due, checked against
the task rows), its own township highlighted, the components and the earlier quarters; the page
never scrolls sideways on a phone."""

import datetime as dt

import pytest
from sqlalchemy import text
from sqlmodel import Session

from models.db import get_engine
from services.core import audit
from tests.e2e.test_browser import sign_in

T2 = "510101002000"  # 北岭镇, the second township of the web world
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def _imported_in_march(world) -> None:
    """A roster import on 2026-03-02: the system held data from 2026Q1 on."""
    world.set_today(dt.date(2026, 3, 2))
    with Session(get_engine(world.url)) as session:
        audit.record_event(
            session=session,
            actor="admin",
            action="roster.import",
            object_type="roster",
            object_id="x",
        )
        session.commit()
    from tests.support.web import TODAY

    world.set_today(TODAY)


def _townships_with_tasks_due(world) -> dict[str, str]:
    """Township code → name of those with 2026Q3 tasks of their officers (counted here)."""
    with Session(get_engine(world.url)) as session:
        rows = session.execute(
            text(
                "SELECT DISTINCT tj.code, tj.name FROM inspection_task t "
                "JOIN jurisdiction j ON j.id = t.jurisdiction_id "
                "JOIN jurisdiction tj ON tj.level = 'township' "
                "AND j.path LIKE tj.path || '%' "
                "WHERE t.due_date BETWEEN '2026-07-01' AND '2026-09-30' "
                "AND t.status NOT IN ('cancelled', 'handed_over')"
            )
        ).all()
    return dict(rows)


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_a_township_supervisor_reads_the_county_board(served, browser, shots, size):
    world, app = served
    _imported_in_march(world)
    expected = _townships_with_tasks_due(world)
    assert T2 in expected and len(expected) >= 2
    context = browser.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    sign_in(page, app.base, world.accounts["supervisor_t2"])
    page.click("header nav >> text=红黑榜")
    page.wait_for_selector("table.ranking")
    assert page.url.endswith("/office/ranking")
    codes = page.eval_on_selector_all(
        "table.ranking tbody tr", "rows => rows.map(r => r.dataset.code)"
    )
    assert sorted(codes) == sorted(expected)  # the whole county, not a one-row board
    mine = page.locator("tr.mine")
    assert mine.count() == 1 and mine.get_attribute("data-code") == T2
    assert expected[T2] in page.locator("#mine").inner_text()
    headers = page.locator("table.ranking thead th").all_inner_texts()
    assert {"完成率", "按时完成率", "逾期完成", "未完成", "销号率"} <= set(headers)
    # 2026Q1 (nothing due), 2026Q2 and 2026Q3: the quarters since the import.
    assert "近3个季度名次" in headers
    history = mine.locator("td.history").inner_text()
    assert "Q1 —" in history and "Q3" in history
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shots(page, f"ranking-{size}")
    context.close()
