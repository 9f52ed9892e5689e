"""The values-only .xlsx reader and the writer, on hand-made XML as other spreadsheet programs
write it (no database)."""

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from services.roster.xlsx import UnsafeXml, Workbook, from_serial, is_date_format
from services.roster.xlsx_writer import SheetSpec, write

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _book(path, sheet_xml: str, *, date1904=False, strings="", styles="") -> Workbook:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            (
                f'<x:workbook xmlns:x="{MAIN}" xmlns:r="{REL}"><x:workbookPr '
                f'date1904="{1 if date1904 else 0}"/><x:sheets><x:sheet name="包保关系" sheetId="1" '
                'r:id="rId1"/></x:sheets></x:workbook>'
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="/xl/worksheets/s1.xml"/>'
                f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="strings.xml"/>'
                f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
            ),
        )
        archive.writestr(
            "xl/worksheets/s1.xml",
            f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{sheet_xml}</x:sheetData></x:worksheet>',
        )
        archive.writestr("xl/strings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
    return Workbook(zipfile.ZipFile(path))


STYLES = (
    '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;'
    'd&quot;日&quot;"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="31"/>'
    '<xf numFmtId="176"/><xf numFmtId="49"/></cellXfs>'
)


def test_prefixed_xml_shared_strings_rich_text_and_chinese_date_formats(tmp_path):
    strings = (
        "<si><t>SL0001</t></si><si><r><t>示例</t></r><r><rPr><b/></rPr><t>县</t></r>"
        '<rPh sb="0" eb="1"><t>シ</t></rPh></si>'
    )
    sheet = (
        '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="s"><x:v>1</x:v>'
        '</x:c></x:row><x:row r="3"><x:c r="A3" s="1"><x:v>46272</x:v></x:c>'
        '<x:c r="B3" s="2"><x:v>46272</x:v></x:c><x:c r="C3" s="3"><x:v>13800000001</x:v>'
        '</x:c><x:c r="D3" t="str"><x:f>1+1</x:f><x:v>2</x:v></x:c>'
        '<x:c r="E3" t="inlineStr"><x:is><x:t> 带空格 </x:t></x:is></x:c>'
        '<x:c r="F3" t="b"><x:v>1</x:v></x:c><x:c r="G3"><x:v>1.5</x:v></x:c></x:row>'
    )
    book = _book(tmp_path / "b.xlsx", sheet, strings=strings, styles=STYLES)
    rows = list(book.rows("包保关系"))
    assert rows[0] == ("SL0001", None, "示例县")
    assert rows[1] == ()
    assert rows[2] == (
        dt.datetime(2026, 9, 7),
        dt.datetime(2026, 9, 7),
        13800000001,
        "2",
        " 带空格 ",
        True,
        1.5,
    )


def test_the_1904_date_system(tmp_path):
    book = _book(
        tmp_path / "b.xlsx",
        '<x:row r="1"><x:c r="A1" s="1"><x:v>44810</x:v></x:c></x:row>',
        date1904=True,
        styles=STYLES,
    )
    assert list(book.rows("包保关系")) == [(dt.datetime(2026, 9, 7),)]
    assert from_serial(46272, date1904=False) == dt.datetime(2026, 9, 7)


@pytest.mark.parametrize(
    ("code", "is_date"),
    [
        ("yyyy-mm-dd", True),
        ('yyyy"年"m"月"d"日"', True),
        ("[$-F800]dddd", True),
        ("h:mm", True),
        ("General", False),
        ("0.00", False),
        ("@", False),
        ('"日期"0', False),
        ("[Red]#,##0", False),
    ],
)
def test_date_formats_are_recognised(code, is_date):
    assert is_date_format(code) is is_date


def test_a_dtd_anywhere_is_refused(tmp_path):
    path = tmp_path / "b.xlsx"
    _book(path, '<x:row r="1"/>')
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(tmp_path / "x.xlsx", "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/strings.xml":
                data = b'<!DOCTYPE sst [<!ENTITY a "x">]>' + data
            new.writestr(item, data)
    with pytest.raises(UnsafeXml):
        Workbook(zipfile.ZipFile(tmp_path / "x.xlsx"))


def test_the_writer_makes_a_workbook_openpyxl_reads_back(tmp_path):
    spec = SheetSpec("表", [10, 12, 12], [2, 3, 0], [(2, ["是", "否"], "选择", "请选择")])
    rows = [["编号", "日期", "选择"], ["=1+2", dt.date(2026, 9, 7), "是"], ["a&b<c>\x01", None, ""]]
    counts = write(tmp_path / "w.xlsx", [(spec, rows)])
    assert counts == {"表": 2}
    ws = load_workbook(tmp_path / "w.xlsx")["表"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[2]] == ["=1+2", dt.datetime(2026, 9, 7), "是"]
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["A3"].value == "a&b<c>"
    assert ws.data_validations.dataValidation[0].formula1 == '"是,否"'
    assert ws.column_dimensions["A"].number_format == "@"
