"""The briefing's banquet section (rule 14): the quarter's banquets filed, to guide, guided,
filed late and with illness per township, through services.figures.banquet_figures, checked
against a second count over the banquet rows; "—" for a township with nothing to guide; the
section rendered in HTML, DOCX and PDF like the others."""

import datetime as dt
import subprocess

import pytest
from docx import Document
from sqlalchemy import select
from sqlmodel import Session

from config import settings
from models.banquet import Banquet
from models.jurisdiction import Jurisdiction
from models.task import InspectionTask
from reports.charts import render_charts
from reports.render_docx import render_docx
from reports.render_html import render_html
from reports.render_pdf import render_pdf
from services.banquets.filing import Filing
from services.banquets.register import cancel_banquet, file_banquet
from services.banquets.visits import record_followup
from services.core.periods import previous_period, quarter
from services.reporting.briefing import document as briefing
from services.reporting.briefing.text import change
from tests.support.briefing import REPORT_DAY, T1, T2, build_county

HEADING = "五、农村集体聚餐备案情况"
CAPTION = "表7 分乡镇农村集体聚餐备案情况"


@pytest.fixture
def county(engine, set_today, tmp_path, monkeypatch):
    monkeypatch.setenv("BAOBAO_DATA_DIR", str(tmp_path / "data"))
    settings.reset()
    ids = build_county(engine, set_today)
    with Session(engine) as session:
        t2 = session.execute(select(Jurisdiction).where(Jurisdiction.code == T2)).scalar_one()
        session.add(Jurisdiction(code=T2[:9] + "001", name="二里村", level="village",
                                 parent_id=t2.id, path=f"{t2.path}{T2[:9]}001/"))  # fmt: skip
        t1 = session.execute(select(Jurisdiction).where(Jurisdiction.code == T1)).scalar_one()
        village = session.execute(
            select(Jurisdiction.code).where(Jurisdiction.parent_id == t1.id)
            .order_by(Jurisdiction.code)
        ).scalars().first()  # fmt: skip
        session.commit()
        set_today("2026-08-01")
        small = Filing(village=T2[:9] + "001", host="小 宴", event_date=dt.date(2026, 8, 20),
                       diners=60, kind="寿宴")  # fmt: skip
        file_banquet(session=session, filing=small, actor="test")  # nothing to guide
        late = Filing(village=village, host="晚 报", event_date=dt.date(2026, 8, 3), diners=150,
                      kind="婚宴")  # fmt: skip
        ill = file_banquet(session=session, filing=late, actor="test")["id"]
        gone = Filing(village=village, host="取 消", event_date=dt.date(2026, 9, 9), diners=150,
                      kind="婚宴")  # fmt: skip
        cancelled = file_banquet(session=session, filing=gone, actor="test")["id"]
        cancel_banquet(session=session, banquet_id=cancelled, actor="test")
        set_today("2026-08-04")
        record_followup(session=session, banquet_id=ill, diners=140, ill=3, actor="test")
    set_today(REPORT_DAY)
    return ids


def _pct(a: int, b: int) -> str:
    return "—" if b == 0 else f"{a / b * 100:.1f}%"


def _counted(session: Session, start: dt.date, end: dt.date, as_of: dt.date) -> dict[str, list]:
    """Township name → [filed, to guide, guided, rate, late, with illness, ill], counted over
    the banquet rows one by one (and 合计)."""
    town = {j.id: j for j in session.execute(select(Jurisdiction)).scalars()}
    found: dict[str, list[int]] = {}
    rows = session.execute(
        select(Banquet, InspectionTask)
        .outerjoin(InspectionTask, InspectionTask.banquet_id == Banquet.id)
        .where(Banquet.event_date >= start, Banquet.event_date <= end)
    ).all()
    for b, task in rows:
        if b.status == "cancelled" and b.cancelled_on <= as_of:
            continue
        name = town[town[b.jurisdiction_id].parent_id].name
        n = found.setdefault(name, [0] * 6)
        followed = b.followed_up_on is not None and b.followed_up_on <= as_of
        n[0] += 1
        n[1] += task is not None and task.status != "cancelled"
        n[2] += b.guided_on is not None and b.guided_on <= as_of
        n[3] += b.late_filing
        n[4] += followed and (b.ill_count or 0) > 0
        n[5] += (b.ill_count or 0) if followed else 0
    total = [sum(n[i] for n in found.values()) for i in range(6)]
    return {
        name: [str(x) for x in (n[0], n[1], n[2])] + [_pct(n[2], n[1])]
        + [str(x) for x in n[3:]]
        for name, n in [*found.items(), ("合计", total)]
    }  # fmt: skip


def test_the_banquet_section_counts_each_township(session, county):
    q3 = quarter("2026Q3")
    c = briefing.context(session=session, quarter=q3)
    doc = briefing.document(c)
    section = next(s for s in doc["sections"] if s["heading"] == HEADING)
    [table] = [b for b in section["blocks"] if b["kind"] == "table"]
    assert table["caption"] == CAPTION
    expected = _counted(session, q3.start, q3.end, dt.date.fromisoformat(c["cur"]["as_of"]))
    assert {row[0]: row[1:] for row in table["rows"]} == expected
    assert expected["二里镇"][3] == "—"  # nothing to guide there: no rate
    assert int(expected["合计"][5]) >= 1 and int(expected["合计"][4]) >= 1
    text = section["blocks"][0]["text"]
    total = expected["合计"]
    assert f"备案农村集体聚餐{total[0]}场" in text and f"指导率{total[3]}" in text
    if c["prev"] is not None:
        q2 = previous_period(q3)
        before = _counted(session, q2.start, q2.end, dt.date.fromisoformat(c["prev"]["as_of"]))
        assert change(int(total[0]), int(before["合计"][0]), "场") in text
    headings = [s["heading"] for s in doc["sections"]]
    assert headings.index(HEADING) == 4 and headings[5] == "六、红黑榜"


def test_a_quarter_without_banquets_says_so(session, county):
    c = briefing.context(session=session, quarter=quarter("2026Q1"))
    section = next(s for s in briefing.document(c)["sections"] if s["heading"] == HEADING)
    if c["cur"]["banquets"]["totals"]["filed"] == 0:
        assert section["blocks"] == [{"kind": "p", "text": "本季度无农村集体聚餐备案。"}]
    else:
        assert section["blocks"][1]["caption"] == CAPTION


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # rendering reads no database
def test_the_section_is_rendered_in_every_format(session, county, tmp_path):
    c = briefing.context(session=session, quarter=quarter("2026Q3"))
    doc = briefing.document(c)
    charts = render_charts(doc["charts"])
    html = render_html(doc, charts)
    assert f"<h2>{HEADING}</h2>" in html and CAPTION in html
    path = tmp_path / "b.docx"
    path.write_bytes(render_docx(doc, charts))
    document = Document(path)
    assert HEADING in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert any(t.rows[0].cells[0].text == "乡镇（街道）" for t in document.tables)
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(render_pdf(doc, charts))
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True, timeout=60).stdout.decode()  # fmt: skip
    flat = "".join(text.split())
    assert HEADING in flat and CAPTION.replace(" ", "") in flat
