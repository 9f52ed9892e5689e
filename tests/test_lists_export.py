"""The two lists workbook, re-read with openpyxl: titles, headers, rows, print settings,
borders, dates, 完成情况, and cells no spreadsheet evaluates."""

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from tests.support.hazards import EAST, add_hazard_row, build_roster

D = dt.date
LIST_HEADERS = [
    "序号",
    "风险点/隐患描述",
    "来源",
    "隐患等级",
    "主体名称",
    "所属区划",
    "发现日期",
    "状态",
]
DUTY_HEADERS = ["序号", "隐患描述", "责任单位", "责任人", "整改措施", "整改时限", "完成情况"]


@pytest.fixture
def hazards(session):
    """Five hazards around 2026Q3 (today 2026-10-12 in the tests)."""
    r = build_roster(session)
    made = {
        "q2 closed": add_hazard_row(
            session,
            entity=r.e1,
            found_on=D(2026, 5, 6),
            deadline=D(2026, 5, 27),
            status="closed",
            closed_on=D(2026, 6, 1),
        ),
        "carried": add_hazard_row(
            session,
            entity=r.e1,
            found_on=D(2026, 6, 10),
            deadline=D(2026, 7, 1),
            status="rectifying",
            description="=cmd|' /C calc'!A0",
            responsible_unit="东镇市场监管所",
            responsible_person="李村干",
            measure="+限期整改",
        ),
        "closed in q3": add_hazard_row(
            session,
            entity=r.e2,
            found_on=D(2026, 7, 6),
            deadline=D(2026, 7, 27),
            status="closed",
            closed_on=D(2026, 7, 20),
            level="major",
            source="sampling",
            description="@SUM(A1:A2)",
        ),
        "open": add_hazard_row(
            session,
            place=r.east,
            found_on=D(2026, 9, 24),
            deadline=D(2026, 10, 22),
            source="complaint",
            description="-1+2 夜市摊点无证经营\n（12315）",
        ),
        "q4": add_hazard_row(
            session, entity=r.e3, found_on=D(2026, 10, 9), deadline=D(2026, 10, 30)
        ),
    }
    return r, made


def _export(cli, db_url, path, *args):
    code, out, err = cli(
        "--db", db_url, "--today", "2026-10-12", "lists", "export", str(path), *args
    )
    assert code == 0, err
    return out


def _body(ws):
    return [list(row) for row in ws.iter_rows(min_row=4, values_only=True)]


def test_quarter_workbook_headers_rows_and_print_settings(db_url, cli, hazards, tmp_path):
    path = tmp_path / "out" / "两个清单.xlsx"
    out = _export(cli, db_url, path, "--quarter", "2026Q3")
    assert "3 项隐患" in out
    wb = load_workbook(path)
    assert wb.sheetnames == ["风险隐患清单", "治理责任清单"]
    lists, duty = wb["风险隐患清单"], wb["治理责任清单"]
    assert lists["A1"].value == "福塘县食品安全风险隐患清单（2026年第三季度）"
    assert duty["A1"].value == "福塘县食品安全风险隐患治理责任清单（2026年第三季度）"
    assert "共 3 项" in lists["A2"].value and "2026-10-12" in duty["A2"].value
    assert [c.value for c in lists[3]] == LIST_HEADERS
    assert [c.value for c in duty[3]] == DUTY_HEADERS
    for ws, width in ((lists, 8), (duty, 7)):
        assert ws.max_row == 3 + 3 and ws.max_column == width
        assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert f"A1:{'H' if width == 8 else 'G'}1" in {str(m) for m in ws.merged_cells.ranges}
        assert ws.column_dimensions["B"].width >= 40
        for cell in (*ws[3], *ws[ws.max_row]):
            assert cell.border.left.style == cell.border.bottom.style == "thin"
    assert _body(lists) == [
        [
            1,
            "=cmd|' /C calc'!A0",
            "督导",
            "一般",
            "东村好味餐馆",
            "东镇东村",
            dt.datetime(2026, 6, 10),
            "整改中",
        ],
        [
            2,
            "@SUM(A1:A2)",
            "抽检不合格",
            "重大",
            "西村便民超市",
            "西镇西村",
            dt.datetime(2026, 7, 6),
            "已销号",
        ],
        [
            3,
            "-1+2 夜市摊点无证经营\n（12315）",
            "投诉举报",
            "一般",
            "—",
            "东镇",
            dt.datetime(2026, 9, 24),
            "待整改",
        ],
    ]
    assert _body(duty) == [
        # Due 2026-07-01: 73 weekdays from 07-02 to 10-12, minus 09-25 and the five weekdays
        # of 10-01…07, plus the make-up Sunday 09-20 and Saturday 10-10 = 69 working days.
        [
            1,
            "=cmd|' /C calc'!A0",
            "东镇市场监管所",
            "李村干",
            "+限期整改",
            dt.datetime(2026, 7, 1),
            "逾期69个工作日",
        ],
        [2, "@SUM(A1:A2)", None, None, None, dt.datetime(2026, 7, 27), "已销号（2026-07-20）"],
        [
            3,
            "-1+2 夜市摊点无证经营\n（12315）",
            None,
            None,
            None,
            dt.datetime(2026, 10, 22),
            "待整改",
        ],
    ]
    assert lists["G4"].number_format == "yyyy-mm-dd"


def test_formula_like_text_stays_text(db_url, cli, hazards, tmp_path):
    path = tmp_path / "lists.xlsx"
    _export(cli, db_url, path, "--quarter", "2026Q3")
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and all("<f>" not in xml and "<f " not in xml for xml in sheets)
    wb = load_workbook(path)
    for ws, cells in ((wb["风险隐患清单"], ("B4", "B5", "B6")), (wb["治理责任清单"], ("B4", "E4"))):
        for ref in cells:
            assert ws[ref].data_type == "s" and ws[ref].quotePrefix is True, ref
    assert wb["风险隐患清单"]["E4"].quotePrefix is False  # plain text keeps the plain style


def test_filters_all_time_status_and_jurisdiction(db_url, cli, hazards, tmp_path):
    r, made = hazards
    everything = tmp_path / "all.xlsx"
    _export(cli, db_url, everything)
    wb = load_workbook(everything)
    assert wb["风险隐患清单"]["A1"].value == "福塘县食品安全风险隐患清单（截至2026年10月12日）"
    assert wb["风险隐患清单"].max_row == 3 + 5
    open_only = tmp_path / "open.xlsx"
    _export(cli, db_url, open_only, "--status", "未销号")
    assert [row[1] for row in _body(load_workbook(open_only)["风险隐患清单"])] == [
        "=cmd|' /C calc'!A0",
        "-1+2 夜市摊点无证经营\n（12315）",
        "隐患",
    ]
    east = tmp_path / "east.xlsx"
    _export(cli, db_url, east, "--jurisdiction", EAST, "--quarter", "2026Q3")
    wb = load_workbook(east)
    assert wb["治理责任清单"]["A1"].value.startswith("东镇食品安全风险隐患治理责任清单")
    assert [row[5] for row in _body(wb["风险隐患清单"])] == ["东镇东村", "东镇"]


def test_an_empty_list_is_still_a_printable_workbook(db_url, session, cli, tmp_path):
    build_roster(session)
    path = tmp_path / "empty.xlsx"
    _export(cli, db_url, path, "--quarter", "2026Q1")
    wb = load_workbook(path)
    for ws in wb:
        assert ws.max_row == 3 and ws.freeze_panes == "A4" and "共 0 项" in ws["A2"].value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lists.xlsx", "--quarter", "2026-09"], "季度"),
        (["lists.csv"], ".xlsx"),
        (["lists.xlsx", "--jurisdiction", "42"], "区划代码 42 不存在"),
        (["lists.xlsx", "--status", "好"], "状态"),
    ],
)
def test_bad_input_exits_2_and_writes_no_file(
    db_url, session, cli, tmp_path, monkeypatch, args, message
):
    build_roster(session)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("--db", db_url, "lists", "export", *args)
    assert code == 2 and message in err and out == ""
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob("*.csv")) == []
