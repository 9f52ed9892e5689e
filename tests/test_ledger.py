"""visits export (督导台账) re-read with openpyxl: title, headers, one row per visit counted a
second way, the 否 items and hazards with their state, auto-filter, print settings, row heights
that fit wrapped text; LibreOffice opens and converts it."""

import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session

from services.reporting.sheet_rows import LINE_PT, ROW_PAD_PT, wrapped_lines
from tests.support.paperwork import record_visits

HEADERS = [
    "序号",
    "督导日期",
    "包保干部",
    "干部层级",
    "主体名称",
    "统一社会信用代码/许可证/登记备案编号",
    "业态",
    "所属区划",
    "督导方式",
    "回答“否”的检查项",
    "发现的问题隐患（状态）",
]


@pytest.fixture
def visited(town_tasks, engine, data_dir):
    with Session(engine) as session:
        return record_visits(session, 12, photos=0)


def test_one_row_per_visit_formatted_to_print(visited, engine, cli, db_url, tmp_path):
    path = tmp_path / "台账.xlsx"
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-09-22",
        "visits",
        "export",
        str(path),
        "--period",
        "2026Q3",
        "--json",
    )
    assert code == 0, err
    with engine.connect() as c:
        visits = c.execute(
            text(
                "SELECT COUNT(*) FROM inspection_record WHERE visit_date BETWEEN '2026-07-01' AND '2026-09-30'"
            )
        ).scalar()
        hazards = dict(
            c.execute(
                text(
                    "SELECT r.task_id, COUNT(h.id) FROM inspection_record r LEFT JOIN hazard h ON h.record_id = r.id GROUP BY r.task_id"
                )
            ).all()
        )
    assert json.loads(out)["visits"] == visits == len(visited)
    ws = load_workbook(path)["督导台账"]
    assert ws["A1"].value == "福塘县食品安全包保督导台账（2026年第三季度）"
    assert f"共 {visits} 次督导" in ws["A2"].value
    assert [c.value for c in ws[3]] == HEADERS
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == visits and [r[0] for r in rows] == list(range(1, visits + 1))
    assert all(r[8] == "现场" and r[1].date().isoformat() == "2026-09-21" for r in rows)
    assert all(r[9] and "；" not in r[9] for r in rows)  # one item answered 否 each
    counts = sorted(int(r[10].split("个")[0]) for r in rows)
    assert counts == sorted(hazards.values()) and all("待整改" in r[10] for r in rows)
    assert ws.auto_filter.ref == f"A3:K{3 + visits}"
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_row_heights_fit_the_wrapped_text(visited, engine, db_url, tmp_path):
    from services.reporting.ledger import WIDTHS, export_ledger

    with Session(engine) as session:
        session.execute(
            text(
                "UPDATE entity SET name = :n WHERE id = (SELECT MIN(entity_id) FROM inspection_record)"
            ),
            {"n": "福塘县石源镇湖水村老魏家连锁超市有限责任公司第一百二十三分店（生鲜熟食部）"},
        )
        session.commit()
        export_ledger(session=session, path=tmp_path / "l.xlsx", period="2026Q3")
    ws = load_workbook(tmp_path / "l.xlsx")["督导台账"]
    tallest = 0.0
    for row in ws.iter_rows(min_row=4):
        lines = max(
            wrapped_lines(str(cell.value), (WIDTHS[i] - 1.0) / 2.0)
            if isinstance(cell.value, str)
            else 1
            for i, cell in enumerate(row)
        )
        height = ws.row_dimensions[row[0].row].height
        if lines > 1:
            assert height == lines * LINE_PT + ROW_PAD_PT
        else:
            assert height is None
        tallest = max(tallest, height or 0)
    assert tallest >= 3 * LINE_PT  # the long name wraps to three lines of a 28-unit column


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (system-deps)")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_libreoffice_opens_and_prints_the_ledger(visited, engine, tmp_path):
    from services.reporting.ledger import export_ledger

    with Session(engine) as session:
        export_ledger(session=session, path=tmp_path / "ledger.xlsx", period="2026Q3")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "ledger.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    from tests.support.paperwork import pdf_text

    words = pdf_text(tmp_path / "ledger.pdf")
    assert "督导台账" in words and "发现的问题隐患（状态）" in words and "待整改" in words
