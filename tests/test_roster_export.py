"""The template and the export: the workbook's shape, a round trip with zero changes (demo county
and town, xlsx and CSV), an officer swap in the exported file, and no formula ever."""

import datetime as dt
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session

from services.demo import dataset as demo
from services.roster.columns import SHEETS
from services.roster.export import export_roster
from services.roster.importer import import_roster
from services.roster.template import write_template
from tests.support.roster_books import TODAY, Book, snapshot

NO_CHANGE = {"created": 0, "updated": 0, "ended": 0}


def _import(engine, path, **options):
    with Session(engine) as session:
        result = import_roster(session=session, path=path, **options)
        session.commit()
    assert result.ok, [e.as_dict() for e in result.errors[:5]]
    return result


def _export(engine, path):
    with Session(engine) as session:
        return export_roster(session=session, path=path)


def _unchanged(result) -> bool:
    return all({k: c[k] for k in NO_CHANGE} == NO_CHANGE for c in result.counts.values())


def test_the_template_has_headers_notes_dropdowns_frozen_rows_and_text_codes(tmp_path):
    path = write_template(path=tmp_path / "模板.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["说明", *(s.name for s in SHEETS)]
    assert [s.name for s in SHEETS] == [
        "区划",
        "包保干部",
        "食安办人员",
        "包保主体",
        "信息员",
        "包保关系",
    ]
    guide = " ".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    assert "带 * 的列必填" in guide and "GB 32100-2015" in guide
    for sheet in SHEETS:
        ws = workbook[sheet.name]
        assert ws.freeze_panes == "A2"
        headers = [c.value for c in ws[1]]
        assert headers == [c.header + ("*" if c.required else "") for c in sheet.columns]
        lists = {
            str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation
        }
        for index, column in enumerate(sheet.columns):
            letter = chr(65 + index)
            if column.kind == "enum":
                assert f"{letter}2" in lists, (sheet.name, column.header)
            if column.kind in ("code", "upper", "mobile", "phone"):
                assert ws.column_dimensions[letter].number_format == "@"
            assert ws.column_dimensions[letter].width == column.width
    assert '"市级,县级,乡级,村级"' in [
        dv.formula1 for dv in workbook["包保干部"].data_validations.dataValidation
    ]


def test_the_empty_template_imports_into_an_empty_database(engine, tmp_path, set_today):
    set_today(TODAY)
    result = _import(engine, write_template(path=tmp_path / "t.xlsx"))
    assert all(set(c.values()) == {0} for c in result.counts.values())


@pytest.mark.parametrize("scale", ["town", "county"])
def test_demo_roster_export_then_import_changes_nothing(engine, tmp_path, set_today, scale):
    set_today(TODAY)
    demo.fill(engine=engine, scale=scale, seed=2)
    path = tmp_path / "roster.xlsx"
    written = _export(engine, path)
    if scale == "county":
        assert written["包保主体"] == 2192
    before = snapshot(engine)
    result = _import(engine, path)
    assert _unchanged(result), result.counts
    assert result.counts["包保主体"]["unchanged"] == written["包保主体"]
    after = snapshot(engine)
    assert {t: after[t] for t in after if t != "audit_event"} == {
        t: before[t] for t in before if t != "audit_event"
    }
    assert len(after["audit_event"]) == len(before["audit_event"]) + 1  # the import itself


def test_csv_export_round_trips_too(engine, tmp_path, set_today):
    set_today(TODAY)
    demo.fill(engine=engine, scale="town", seed=2)
    folder = tmp_path / "csv"
    _export(engine, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s.name}.csv" for s in SHEETS)
    assert (folder / "包保主体.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert _unchanged(_import(engine, folder))


def test_one_officer_swapped_in_the_export_ends_one_assignment_and_opens_one(
    engine, tmp_path, set_today
):
    set_today(TODAY)
    demo.fill(engine=engine, scale="town", seed=2)
    path = tmp_path / "roster.xlsx"
    _export(engine, path)
    workbook = load_workbook(path)
    township = [
        r[0].value for r in workbook["包保干部"].iter_rows(min_row=2) if r[2].value == "乡级"
    ]
    grade = {
        tuple(c.value for c in r[:3]): r[5].value for r in workbook["包保主体"].iter_rows(min_row=2)
    }
    ws = workbook["包保关系"]
    row = next(r for r in ws.iter_rows(min_row=2) if grade[tuple(c.value for c in r[1:4])] == "C")
    old, new = row[0].value, next(c for c in township if c != row[0].value)
    row[0].value, row[6].value = new, dt.date(2026, 9, 1)
    key = row[1].value or row[2].value or row[3].value
    workbook.save(path)
    result = _import(engine, path)
    relations = result.counts["包保关系"]
    assert (relations["created"], relations["ended"], relations["updated"]) == (1, 1, 0)
    assert all(_unchanged_sheet(result.counts[s]) for s in ("区划", "包保干部", "包保主体"))
    with engine.connect() as connection:
        history = connection.execute(
            text("""
            SELECT o.code, CAST(a.end_date AS VARCHAR(10)) FROM assignment a
            JOIN officer o ON o.id = a.officer_id JOIN entity e ON e.id = a.entity_id
            WHERE :k IN (e.credit_code, e.licence_no, e.registration_no)
            ORDER BY a.start_date"""),
            {"k": key},
        ).fetchall()
    assert [tuple(h) for h in history][-2:] == [(old, "2026-08-31"), (new, None)]


def _unchanged_sheet(counts: dict) -> bool:
    return counts["created"] == counts["updated"] == counts["ended"] == 0


def test_cells_that_look_like_formulas_are_exported_as_text(engine, tmp_path, set_today):
    set_today(TODAY)
    book = Book()
    book.set("包保主体", 2, "主体名称", '=HYPERLINK("http://evil.example","点我")')
    book.set("包保主体", 3, "地址", "+1+2")
    book.set("包保干部", 2, "职务", "@SUM(A1)")
    book.set("包保主体", 4, "主体名称", "-柳湾村面馆")
    _import(engine, book.save_csv(tmp_path / "in"))
    path = tmp_path / "out.xlsx"
    _export(engine, path)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(rb"<f[ >]", xml) for xml in sheets)
    cell = load_workbook(path)["包保主体"]["D2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert _unchanged(_import(engine, path))
    folder = tmp_path / "csv"
    _export(engine, folder)
    assert "'=HYPERLINK" in (folder / "包保主体.csv").read_text(encoding="utf-8-sig")
    assert _unchanged(_import(engine, folder))
