"""The briefing's HTML read on a phone: no sideways scrolling of the page (wide tables scroll in
their own box), text at a readable size, the title whole."""

import pytest

from reports.charts import render_charts
from reports.render_html import render_html
from services.core.periods import quarter
from services.reporting.briefing import document as briefing
from tests.support.briefing import build_county


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_briefing_reads_on_a_phone(engine, set_today, session, browser, shots, tmp_path):
    build_county(engine, set_today)
    doc = briefing.document(briefing.context(session=session, quarter=quarter("2026Q3")))
    page_file = tmp_path / "briefing.html"
    page_file.write_text(render_html(doc, render_charts(doc["charts"])), encoding="utf-8")
    context = browser.new_context(**browser.devices["iPhone 12"])
    page = context.new_page()
    page.goto(page_file.as_uri())
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    sizes = page.evaluate(
        "[...document.querySelectorAll('p')].map(p => parseFloat(getComputedStyle(p).fontSize))"
    )
    assert (
        min(sizes) >= 13 and page.locator("h1.title").inner_text().replace("\n", "") == doc["title"]
    )
    scrollers = page.evaluate(
        "[...document.querySelectorAll('div.scroll')].filter(d => d.scrollWidth > d.clientWidth).length"
    )
    assert scrollers >= 1  # the wide tables scroll inside their box
    shots(page, "briefing-phone")
    context.close()
